package model

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRunPointIdenticalForAnyWorkerCount(t *testing.T) {
	t.Parallel()
	c, err := Default("v1.33")
	require.NoError(t, err)
	c.Cluster.Nodes = 200
	c.Simulation.Duration, c.Simulation.Replications = 2*time.Hour, 3 // with a 30% failure rate and crashes every 3h: plenty of replays
	c.APIServer.RequestFailureProbability = 0.3
	c.Failures.Crash = &FailureProcess{Every: Dist{Kind: Exponential, A: 3 * 3600}, Repair: 5 * time.Minute}
	var out [][]byte
	for _, w := range []int{1, 2, 3} {
		p, err := RunPoint(context.Background(), c, w, nil)
		require.NoError(t, err)
		b, err := json.Marshal(p)
		require.NoError(t, err)
		out = append(out, b)
	}
	assert.Equal(t, string(out[0]), string(out[1]))
	assert.Equal(t, string(out[0]), string(out[2]))
}

// Upstream issue #121793: the controller's lease watch silently dies for up
// to 45s (HTTP/2 read-idle 30s + ping 15s). With a 40s grace nearly every
// node goes Unknown at once; 50s (the v1.32 default) saves most nodes but
// not those whose last renewal came just before the stall (#127352); 60s
// saves all.
func TestWatchStallIssue121793(t *testing.T) {
	t.Parallel()
	unknownFraction := func(grace time.Duration) float64 {
		c, err := Default("v1.33")
		require.NoError(t, err)
		c.Cluster.Nodes = 300
		c.Simulation.Duration, c.Simulation.Warmup, c.Simulation.Replications = time.Hour, 10*time.Minute, 1
		c.Controller.NodeMonitorGracePeriod = grace
		c.APIServer.RequestFailureProbability = 0
		c.APIServer.Incidents = []Incident{{Name: "lease watch dead", Every: Const(30 * time.Minute), Lasts: Const(45 * time.Second), Effect: WatchStall}}
		p, err := RunPoint(context.Background(), c, 1, nil)
		require.NoError(t, err)
		return float64(p.MassNotReady.MaxFraction)
	}
	assert.Greater(t, unknownFraction(40*time.Second), 0.9)
	f50 := unknownFraction(50 * time.Second)
	assert.Greater(t, f50, 0.0, "a node renewed just before the stall is ~55s stale")
	assert.Less(t, f50, 0.5)
	assert.Zero(t, unknownFraction(60*time.Second))
}

// A gray failure (status loop stuck, lease alive) stays Ready forever in
// lease mode and is detected pre-lease.
func TestGrayFailureDetectedOnlyPreLease(t *testing.T) {
	t.Parallel()
	detect := func(profile string) Detection {
		c, err := Default(profile)
		require.NoError(t, err)
		c.Cluster.Nodes = 100
		c.Simulation.Duration, c.Simulation.Replications = 12*time.Hour, 1
		c.Failures.Gray = &FailureProcess{Every: Dist{Kind: Exponential, A: 6 * 3600}, Lasts: Const(20 * time.Minute)}
		p, err := RunPoint(context.Background(), c, 1, nil)
		require.NoError(t, err)
		return p.Detection
	}
	lease := detect("v1.33")
	require.Greater(t, lease.Failures, int64(50))
	assert.Zero(t, lease.Detected)
	assert.Equal(t, lease.Failures, lease.Undetected)
	pre := detect("v1.12")
	require.Greater(t, pre.Failures, int64(50))
	assert.Equal(t, pre.Failures, pre.Detected)
	assert.InDelta(t, 40, float64(pre.P50S), 10)
}
