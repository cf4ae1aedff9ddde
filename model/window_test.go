package model

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// watchStallCluster is a noiseless lease-mode cluster whose controller's
// watch stalls for 2 minutes, longer than any grace: every node goes
// Unknown exactly once per stall. The kubelets never report status
// unchanged: a report committed during the stall would make the
// controller's Unknown write conflict, and its re-GET would see the fresh
// heartbeat and spare the node (TestUnknownWriteConflictCancelsTransition).
func watchStallCluster(t *testing.T, nodes int, every time.Duration) *Config {
	c := exactConfig(t, "v1.33", nodes)
	c.Cluster.Zones = 1
	c.Kubelet.NodeStatusReportFrequency = 10000 * time.Hour
	c.Simulation.Warmup = 10 * time.Minute
	c.APIServer.Incidents = []Incident{{Name: "stall", Every: Dist{Kind: Exponential, A: every.Seconds()},
		Lasts: Const(2 * time.Minute), Effect: WatchStall}}
	require.NoError(t, c.Validate())
	return c
}

// A stall longer than the grace period flips every node once, and each
// episode lasts until the stall ends and the kubelet's Ready is seen.
func TestWindowWatchStallFlipsEveryNodeOnce(t *testing.T) {
	c := watchStallCluster(t, 50, 24*time.Hour)
	for w := 0; w < 3; w++ {
		res, err := runWindow(context.Background(), c, 0, w, stratum{vLo: 0, vHi: 1})
		require.NoError(t, err)
		assert.Equal(t, 50.0, res.flips, "window %d", w)
		assert.Equal(t, 120.0, res.duration)
		assert.Len(t, res.durations, 50)
		for _, d := range res.durations {
			assert.Greater(t, d, 60.0)
			assert.Less(t, d, 120.0, "Unknown from grace expiry until the stall's end delivers the Ready patch")
		}
		assert.Equal(t, 1.0, res.maxFrac)
	}
}

// Duration strata follow the tail: a constant is one stratum; a bounded
// distribution's tail strata merge; a heavy tail keeps strata down to
// 1e-12; and the strata partition (0, 1].
func TestDurationStrata(t *testing.T) {
	mix, err := NewMixture([]Dist{Const(time.Second), Const(2 * time.Minute)}, []float64{1 - 3.65e-7, 3.65e-7})
	require.NoError(t, err)
	for _, tc := range []struct {
		lasts  Dist
		strata int
	}{
		{Const(time.Minute), 1},
		{Dist{Kind: Uniform, A: 1, B: 4}, 5},
		{mustLogNormal(10*time.Minute, 2*time.Hour), len(tailGrid) - 1},
		{mix, 3}, // 1s, the jump, and the rare 2-minute outages
	} {
		st := durationStrata(&Incident{Lasts: tc.lasts})
		assert.Len(t, st, tc.strata, "%v", tc.lasts.Kind)
		assert.Equal(t, 1.0, st[0].vHi)
		assert.Equal(t, 0.0, st[len(st)-1].vLo)
		for k := 1; k < len(st); k++ {
			assert.Equal(t, st[k-1].vLo, st[k].vHi)
		}
	}
}
