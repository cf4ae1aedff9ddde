package model

import (
	"context"
	"fmt"
)

// A sharded run (nodesim run --shard I/N) splits a scenario into units
// that depend only on their identity: one replication of a point, or one
// point's rare-event estimate (its rounds choose their units from what
// the rounds before them measured, so the estimate is one unit). Each
// unit's state is serialised exactly (state.go); merge decodes every unit
// and finishes each point with FinishPoint, the reduction RunPoint itself
// ends with, so a merged point is the unsharded point bit for bit.

// MarshalBinary encodes the replication's mergeable state exactly.
func (m *Replication) MarshalBinary() ([]byte, error) { return MarshalState(m) }

// UnmarshalBinary restores a replication MarshalBinary encoded.
func (m *Replication) UnmarshalBinary(data []byte) error { return UnmarshalState(data, m) }

// RareEstimate is one point's finished rare-event estimate.
type RareEstimate struct{ e *rareEstimate }

// EstimateRare runs the rare-event estimator of cfg (its
// simulation.method must be rare) on up to workers goroutines; the result
// does not depend on workers.
func EstimateRare(ctx context.Context, cfg *Config, workers int, progress Progress) (*RareEstimate, error) {
	e, err := estimateRare(ctx, cfg, rareOptionsOf(cfg), workers, progress)
	if err != nil {
		return nil, err
	}
	return &RareEstimate{e}, nil
}

func rareOptionsOf(cfg *Config) rareOptions {
	s := &cfg.Simulation
	return rareOptions{target: s.TargetRelativeError, maxWork: s.MaxWorkNodeDays, floor: s.RateFloor}
}

// MarshalBinary encodes the estimate's state exactly, without its Config.
func (r *RareEstimate) MarshalBinary() ([]byte, error) { return MarshalState(r.e) }

// UnmarshalRareEstimate restores an estimate of cfg that MarshalBinary
// encoded, pointing it back into cfg.
func UnmarshalRareEstimate(cfg *Config, data []byte) (*RareEstimate, error) {
	e := &rareEstimate{}
	if err := UnmarshalState(data, e); err != nil {
		return nil, err
	}
	if len(e.specs) != len(cfg.APIServer.Incidents) {
		return nil, fmt.Errorf("model: rare-event state has %d incident specs, the scenario %d", len(e.specs), len(cfg.APIServer.Incidents))
	}
	e.cfg = cfg
	for i := range e.specs {
		e.specs[i].spec = &cfg.APIServer.Incidents[i]
	}
	return &RareEstimate{e}, nil
}

// FinishPoint merges a point's replications, in order, and applies its
// rare-event estimate if it has one (rare may be nil for crude points).
func FinishPoint(cfg *Config, reps []*Replication, rare *RareEstimate) Point {
	p := Summarize(cfg, reps)
	if rare != nil {
		rare.e.apply(&p)
	}
	return p
}
