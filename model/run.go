package model

import (
	"context"
	"errors"
)

// RunPoint simulates cfg.Simulation.Replications replications of cfg on up
// to workers goroutines and merges them in replication order, so the
// result is identical for any worker count. onReplication, if set, is
// called after each replication (from worker goroutines). Cancelling ctx
// stops the run and returns ctx.Err().
func RunPoint(ctx context.Context, cfg *Config, workers int, onReplication func()) (Point, error) {
	return Point{}, errors.New("model: not implemented yet")
}
