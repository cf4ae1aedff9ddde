package model

import (
	"context"

	"github.com/nodesim/nodesim/sim"
)

// RunPoint simulates cfg.Simulation.Replications replications of cfg on up
// to workers goroutines and merges them in replication order, so the
// result is identical for any worker count. onReplication, if set, is
// called after each replication (from worker goroutines). Cancelling ctx
// stops the run and returns ctx.Err().
func RunPoint(ctx context.Context, cfg *Config, workers int, onReplication func()) (Point, error) {
	return runPoint(ctx, cfg, workers, onReplication, nil)
}

func runPoint(ctx context.Context, cfg *Config, workers int, onReplication func(), tr *Trace) (Point, error) {
	var done func(int)
	if onReplication != nil {
		done = func(int) { onReplication() }
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
	return Summarize(cfg, reps), nil
}
