package model

import (
	"context"

	"github.com/nodesim/nodesim/sim"
)

// Progress hears of work as it is planned (added) and done (finished),
// from worker goroutines; a run's total is not known in advance when the
// rare-event estimator decides its work as it goes.
type Progress func(finished, added int)

// RunPoint simulates cfg.Simulation.Replications replications of cfg on up
// to workers goroutines and merges them in replication order, so the
// result is identical for any worker count; with the rare method it then
// runs the rare-event estimator. progress, if set, counts replications and
// the estimator's units. Cancelling ctx stops the run and returns
// ctx.Err().
func RunPoint(ctx context.Context, cfg *Config, workers int, progress Progress) (Point, error) {
	return runPoint(ctx, cfg, workers, progress, nil)
}

func runPoint(ctx context.Context, cfg *Config, workers int, progress Progress, tr *Trace) (Point, error) {
	if cfg.Simulation.Method == MethodRare && cfg.APIServer.LoadOn() {
		return Point{}, ErrRareLoad // Validate says so with the key; callers that skip it get this
	}
	var done func(int)
	if progress != nil {
		done = func(int) { progress(1, 0) }
	}
	type result struct {
		rep *Replication
		err error
	}
	res, err := sim.Replicate(ctx, cfg.Simulation.Replications, workers, func(rep int) result {
		m, err := simulateTraced(ctx, cfg, rep, tr)
		return result{m, err}
	}, done)
	if err != nil {
		return Point{}, err
	}
	reps := make([]*Replication, len(res))
	for i, r := range res {
		if r.err != nil {
			return Point{}, r.err
		}
		reps[i] = r.rep
	}
	var rare *RareEstimate
	if cfg.Simulation.Method == MethodRare {
		if rare, err = EstimateRare(ctx, cfg, workers, progress); err != nil {
			return Point{}, err
		}
	}
	return FinishPoint(cfg, reps, rare), nil
}
