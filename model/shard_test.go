package model_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/nodesim/nodesim/model"
	"github.com/nodesim/nodesim/scenarios"
)

// A real point finished from decoded replications and a decoded estimate
// is the point RunPoint returns, bit for bit.
func TestFinishPointFromDecodedStateIsRunPoint(t *testing.T) {
	if testing.Short() {
		t.Skip("a rare-event estimate: seconds, many under -race (make race runs -short)")
	}
	sc, err := scenarios.Load("default", []string{"cluster.nodes=30", "simulation.duration=3h", "simulation.replications=3",
		"simulation.method=\"rare\"", "simulation.target-relative-error=0.8"})
	require.NoError(t, err)
	cfg := sc.Points[0].Config
	ctx := context.Background()
	want, err := model.RunPoint(ctx, cfg, 2, nil)
	require.NoError(t, err)

	var reps []*model.Replication
	for rep := range cfg.Simulation.Replications {
		m, err := model.Simulate(ctx, cfg, rep)
		require.NoError(t, err)
		b, err := m.MarshalBinary()
		require.NoError(t, err)
		var back model.Replication
		require.NoError(t, back.UnmarshalBinary(b))
		reps = append(reps, &back)
	}
	est, err := model.EstimateRare(ctx, cfg, 1, nil)
	require.NoError(t, err)
	b, err := est.MarshalBinary()
	require.NoError(t, err)
	back, err := model.UnmarshalRareEstimate(cfg, b)
	require.NoError(t, err)
	got := model.FinishPoint(cfg, reps, back)
	wantJSON, gotJSON := mustState(t, &want), mustState(t, &got)
	require.Equal(t, wantJSON, gotJSON)
}

func mustState(t *testing.T, v any) []byte {
	t.Helper()
	b, err := model.MarshalState(v)
	require.NoError(t, err)
	return b
}
