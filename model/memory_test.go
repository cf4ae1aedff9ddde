package model

import (
	"context"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestMemoryEstimateMatchesHeap: the estimate the CLI refuses huge runs
// by must follow the heap a replication really holds: 20,000 nodes with
// failures injected, measured live at the end of the run.
func TestMemoryEstimateMatchesHeap(t *testing.T) {
	if testing.Short() {
		t.Skip("one 20,000-node run, no concurrency: make test's race run (-short) leaves it to the unit run")
	}
	c := must(Default(DefaultProfile))
	c.Cluster.Nodes = 20_000
	c.Simulation.Duration, c.Simulation.Replications, c.Simulation.Seed = 10*time.Minute, 1, 1
	c.Failures.Crash = &FailureProcess{Every: Dist{Kind: Exponential, A: 600}, Repair: time.Minute}
	c.Failures.Partition = &FailureProcess{Every: Dist{Kind: Exponential, A: 600}, Lasts: Const(time.Minute)}
	require.NoError(t, c.Validate())
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	r := newRun(c, 0)
	_, err := r.simulate(context.Background())
	require.NoError(t, err)
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(r)
	live := float64(after.HeapAlloc - before.HeapAlloc)
	run1, kept1 := c.MemoryEstimate(1)
	est := run1 + kept1
	t.Logf("live heap %.1f MB, estimate %.1f MB (%.0f bytes per node live)", live/1e6, est/1e6, live/float64(c.Cluster.Nodes))
	assert.GreaterOrEqual(t, est, 0.9*live, "the estimate must not be short of the heap")
	assert.LessOrEqual(t, est, 1.5*live, "nor far above it")
	c4 := *c
	c4.Simulation.Replications = 4
	run4, kept4 := c4.MemoryEstimate(4)
	assert.InEpsilon(t, 4*run1, run4, 1e-9, "four workers hold four runs")
	assert.InEpsilon(t, 4*kept1, kept4, 1e-9, "and keep four replications")
	run8, _ := c4.MemoryEstimate(8)
	assert.InEpsilon(t, run4, run8, 1e-9, "no more runs than replications")
}
