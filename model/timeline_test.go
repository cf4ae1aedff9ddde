package model

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The timeline tells crashed nodes from false Unknown: node 0 never posts
// (a healthy node falsely Unknown after the startup grace), node 3
// crashes at 20m; from then on 2 nodes are Unknown, 1 of them failed.
func TestTimelineFailedNodes(t *testing.T) {
	t.Parallel()
	r, _ := manual(t, failoverConfig(t, "v1.33", 10))
	failAt(t, r, crashFailure, sec(1200), 3)
	tl := r.met.timeline.out
	require.Len(t, tl.Failed, len(tl.Unknown))
	step := tl.StepS
	at := func(s float64) int { return int(s / step) }
	assert.EqualValues(t, 1, tl.Unknown[at(600)], "node 0 alone at 10m")
	assert.EqualValues(t, 0, tl.Failed[at(600)], "node 0 is healthy: false Unknown")
	assert.EqualValues(t, 2, tl.Unknown[at(1800)], "both at 30m")
	assert.EqualValues(t, 1, tl.Failed[at(1800)], "node 3 crashed")
	for i := range tl.Unknown {
		assert.LessOrEqual(t, tl.Failed[i], tl.Unknown[i], "step %d", i)
	}
}

// --timeline-replication picks the replication whose timeline is kept
// and changes no other figure.
func TestTimelineReplication(t *testing.T) {
	t.Parallel()
	c, err := Default("v1.33")
	require.NoError(t, err)
	c.Cluster.Nodes, c.Simulation.Duration, c.Simulation.Replications = 50, 6*time.Hour, 2
	c.Failures.Crash = &FailureProcess{Every: Dist{Kind: Exponential, A: (20 * time.Hour).Seconds()}, Repair: 10 * time.Minute}
	require.NoError(t, c.Validate())
	p0, err := RunPoint(context.Background(), c, 2, nil)
	require.NoError(t, err)
	c1 := *c
	c1.Simulation.TimelineReplication = 1
	p1, err := RunPoint(context.Background(), &c1, 2, nil)
	require.NoError(t, err)
	require.NotNil(t, p0.Timeline)
	require.NotNil(t, p1.Timeline)
	assert.Equal(t, 0, p0.Timeline.Replication)
	assert.Equal(t, 1, p1.Timeline.Replication)
	assert.NotEqual(t, p0.Timeline.Unknown, p1.Timeline.Unknown, "another replication, another history")
	p0.Timeline, p1.Timeline = nil, nil
	j0, j1 := must(json.Marshal(p0)), must(json.Marshal(p1)) // NaN figures compare as null
	assert.JSONEq(t, string(j0), string(j1))
}

// A node that went Unknown during warmup and stays so is on the timeline
// from its first step, not left out until its next transition.
func TestTimelineCarriesWarmup(t *testing.T) {
	t.Parallel()
	c := failoverConfig(t, "v1.33", 10)
	c.Simulation.Warmup = 10 * time.Minute
	require.NoError(t, c.Validate())
	r, _ := manual(t, c) // node 0 never posts: Unknown after the startup grace, within warmup
	_, err := r.simulate(context.Background())
	require.NoError(t, err)
	tl := r.met.timeline.out
	for _, i := range []int{0, len(tl.Unknown) / 2, len(tl.Unknown) - 1} {
		assert.EqualValues(t, 1, tl.Unknown[i], "step %d", i)
		assert.EqualValues(t, 0, tl.Failed[i], "step %d: a healthy node", i)
	}
}
