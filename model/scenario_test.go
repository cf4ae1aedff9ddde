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
	// NB: > 80%, not all: nodes whose 5m status PATCH lands in the stall are
	// rescued by the Unknown write's 409 and re-GET, and with
	// ParallelizeUntil the transitions' API calls no longer push the
	// nodes behind them past their grace.
	assert.Greater(t, unknownFraction(40*time.Second), 0.8)
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

// Upstream issue #80172: v1.14 renews the lease every 10s whatever the
// kubelet's update frequency, so --node-status-update-frequency=5s with
// --node-monitor-grace-period=10s flaps: a renewal seen 10s after the last
// one is already past a grace measured from sliding passes. v1.16 renews at
// a quarter of nodeLeaseDurationSeconds; a 20s lease gives 5s and cures it.
// Each flap ends at the kubelet's next status patch, within seconds.
func TestLeaseFlappingIssue80172(t *testing.T) {
	run := func(profile string) FalseNotReady {
		c := must(Default(profile))
		c.Cluster.Nodes = 100
		c.Simulation.Duration, c.Simulation.Replications = 6*time.Hour, 1
		c.Kubelet.NodeStatusUpdateFrequency, c.Kubelet.NodeLeaseDurationSeconds = 5*time.Second, 20
		c.Controller.NodeMonitorGracePeriod = 10 * time.Second
		p, err := RunPoint(context.Background(), c, 1, nil)
		require.NoError(t, err)
		return p.FalseNotReady
	}
	v114 := run("v1.14")
	assert.Greater(t, float64(v114.RatePerNodeDay), 5.0, "v1.14 flaps many times a node-day")
	assert.Less(t, float64(v114.MeanDurationS), 10.0, "each flap lasts until the next 5s status tick")
	v116 := run("v1.16")
	assert.Less(t, float64(v116.RatePerNodeDay), float64(v114.RatePerNodeDay)/50, "renewing every 5s stops the flapping")
}

// v1.37's NodeControllerLeaseCircuitBreaker (KEP-5328) answers #121793:
// before writing Unknown the controller GETs the live lease, finds it newer
// than its stalled cache, and processes no node until the watch catches
// up. A 45s stall against a 40s grace marks nearly every node Unknown in
// v1.36 and none in v1.37.
func TestLeaseCircuitBreakerV137(t *testing.T) {
	unknownFraction := func(profile string) float64 {
		c := must(Default(profile))
		c.Cluster.Nodes = 300
		c.Simulation.Duration, c.Simulation.Warmup, c.Simulation.Replications = time.Hour, 10*time.Minute, 1
		c.Controller.NodeMonitorGracePeriod = 40 * time.Second
		c.APIServer.RequestFailureProbability = 0
		c.APIServer.Incidents = []Incident{{Name: "lease watch dead", Every: Const(30 * time.Minute), Lasts: Const(45 * time.Second), Effect: WatchStall}}
		p, err := RunPoint(context.Background(), c, 1, nil)
		require.NoError(t, err)
		return float64(p.MassNotReady.MaxFraction)
	}
	// NB: not all in v1.36: a node whose 5m status PATCH committed during
	// the stall makes the Unknown write 409, and the re-GET rescues it.
	assert.Greater(t, unknownFraction("v1.36"), 0.8)
	assert.Zero(t, unknownFraction("v1.37"))
}
