package model

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nodesim/nodesim/sim"
)

// outageConfig is an etcd outage of 90 s replayed at each of at on a
// small cluster at a profile's defaults.
func outageConfig(t *testing.T, profile string, nodes int, at ...time.Duration) *Config {
	t.Helper()
	c, err := Default(profile)
	require.NoError(t, err)
	c.Cluster.Nodes, c.Cluster.Zones = nodes, 3
	c.Simulation.Duration, c.Simulation.Warmup, c.Simulation.Replications, c.Simulation.Seed = time.Hour, 10*time.Minute, 2, 7
	c.APIServer.Incidents = nil
	if len(at) > 0 {
		c.APIServer.Incidents = []Incident{{Name: "etcd outage", Lasts: Const(90 * time.Second), Effect: Unavailable, FailAfter: c.APIServer.EtcdRequestTimeout, Multiply: 1, Fraction: 1, At: at}}
	}
	require.NoError(t, c.Validate())
	return c
}

// A replayed incident starts exactly at warmup + at, once per time listed,
// and lasts what it says; it never arrives by itself.
func TestReplayStartsAtWarmupPlusAt(t *testing.T) {
	t.Parallel()
	c := outageConfig(t, "v1.33", 30, 20*time.Minute, 5*time.Minute)
	r := newRun(c, 0)
	var starts []sim.Time
	m, err := r.simulate(context.Background())
	require.NoError(t, err)
	for _, s := range m.replays {
		starts = append(starts, s.start)
		assert.Equal(t, sec(90), s.end-s.start)
	}
	assert.Equal(t, []sim.Time{sim.At(15 * time.Minute), sim.At(30 * time.Minute)}, starts, "warmup 10m + 5m, + 20m, in time order")
	assert.Equal(t, []int64{2}, m.incidents, "the two replays, and nothing drawn from every")
	require.NotNil(t, m.timeline)
	assert.Equal(t, []Span{{StartS: 300, EndS: 390, Label: "etcd outage"}, {StartS: 1200, EndS: 1290, Label: "etcd outage"}}, m.timeline.out.Incidents)
}

// A failure event hits exactly the nodes asked for: a count, a share
// (rounded) or a whole zone, only in that zone when one is named.
func TestFailureEventHitsRequestedNodes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name       string
		ev         FailureEvent
		want, zone int
	}{
		{"count", FailureEvent{Nodes: 7, Zone: -1}, 7, -1},
		{"count in zone", FailureEvent{Nodes: 4, Zone: 1}, 4, 1},
		{"fraction", FailureEvent{Fraction: 0.25, Zone: -1}, 8, -1}, // round(0.25 × 30) = 8 (7.5 rounds up)
		{"zone", FailureEvent{Zone: 2}, 10, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := outageConfig(t, "v1.33", 30)
			c.APIServer.Incidents = nil
			ev := tc.ev
			ev.Kind, ev.At, ev.Lasts = "crash", []time.Duration{10 * time.Minute}, Const(10*time.Minute)
			c.Failures.Events = []FailureEvent{ev}
			require.NoError(t, c.Validate())
			r := newRun(c, 0)
			hit := map[int32]bool{}
			r.onTransition = func(n *node, t sim.Time, unknown bool) {
				if unknown && n.failReplay != 0 {
					hit[n.id] = true
				}
			}
			start := sim.At(20 * time.Minute)
			var failed []int32
			r.eng.At(start+1, r.eng.Register("probe", func(sim.Event) {
				for i := range r.nodes {
					if r.nodes[i].fail == crashFailure {
						failed = append(failed, r.nodes[i].id)
						assert.Equal(t, start, r.nodes[i].failStart)
					}
				}
			}), 0, 0)
			m, err := r.simulate(context.Background())
			require.NoError(t, err)
			assert.Len(t, failed, tc.want)
			for _, id := range failed {
				if tc.zone >= 0 {
					assert.Equal(t, int32(tc.zone), r.nodes[id].zone)
				}
				assert.True(t, hit[id], "a 10 min crash is detected")
			}
			s := m.replays[0]
			assert.Equal(t, int64(tc.want), s.hit)
			assert.Equal(t, int64(tc.want), s.realN)
			assert.Zero(t, m.failures, "an event's failures are its own figures, not detection samples")
		})
	}
}

// traceCounts are the records of each kind in [from, until] of a trace,
// and when the first and last Ready=Unknown writes returned.
func traceCounts(t *testing.T, b []byte, from, until sim.Time) (counts map[string]int64, first, last sim.Time) {
	t.Helper()
	counts, first, last = map[string]int64{}, sim.Never, -1
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<24)
	for sc.Scan() {
		var rec struct {
			K    string `json:"k"`
			T    int64  `json:"t"`
			Done int64  `json:"done"`
		}
		require.NoError(t, json.Unmarshal(sc.Bytes(), &rec))
		if at := sim.Time(rec.T); rec.K != "" && at >= from && at <= until {
			counts[rec.K]++
			if rec.K == "unknown" {
				first, last = min(first, sim.Time(rec.Done)), max(last, sim.Time(rec.Done))
			}
		}
	}
	return counts, first, last
}

// A replay's absolute figures are what the trace shows in its window:
// the nodes that went Unknown, when, and the Unknown writes that failed
// or that a kubelet PATCH cancelled; and the race after it adds up.
func TestReplayFiguresMatchTrace(t *testing.T) {
	t.Parallel()
	for _, profile := range []string{"v1.33", "v1.37"} {
		t.Run(profile, func(t *testing.T) {
			t.Parallel()
			c := outageConfig(t, profile, 300, 30*time.Minute)
			var buf bytes.Buffer
			p, err := RunPointTraced(context.Background(), c, 2, nil, &Trace{Replication: 1, W: &buf})
			require.NoError(t, err)
			require.Len(t, p.Replays, 1)
			f := p.Replays[0].PerReplication[1]
			start := sim.At(40 * time.Minute)
			counts, first, last := traceCounts(t, buf.Bytes(), start, start+sec(90)+sim.Time(windowPost(c)))
			assert.Greater(t, counts["unknown"], int64(0), "a 90 s outage flips some nodes")
			assert.Less(t, counts["unknown"], int64(300), "but not all")
			assert.Equal(t, Num(counts["unknown"]), f.NodesUnknown)
			assert.Equal(t, Num(counts["unknown-failed"]), f.FailedUnknownWrites)
			assert.Equal(t, Num(counts["unknown-cancelled"]), f.CancelledUnknownWrites)
			assert.InDelta(t, (first - start).Seconds(), float64(f.FirstUnknownS), 1e-9)
			assert.InDelta(t, (last - start).Seconds(), float64(f.LastUnknownS), 1e-9)
			assert.Equal(t, f.NodesUnknown, f.ControllerFirst, "every flip came after the outage, the controller's visit first")
			assert.Equal(t, f.HeartbeatFirst+f.ControllerFirst, f.PastGraceAtEnd, "a 90 s outage puts every node past a 50 s grace")
			assert.Equal(t, Num(300), f.PastGraceAtEnd)
			if profile == "v1.33" {
				assert.Greater(t, float64(f.FailedUnknownWrites), 0.0, "writes during the outage fail")
			} else {
				assert.Greater(t, float64(f.FailedLeaseChecks), 0.0, "v1.37 checks the live lease first, and that GET fails")
			}
			assert.Equal(t, p.UnknownWrites.Failed, int64(p.Replays[0].PerReplication[0].FailedUnknownWrites+f.FailedUnknownWrites))
		})
	}
}

// Replays stay out of every per-day figure: a scenario that only
// replays has no false NotReady, endpoint loss or evictions counted, and
// its node-days leave the replay's window out.
func TestRatesExcludeReplays(t *testing.T) {
	t.Parallel()
	c := outageConfig(t, "v1.33", 300, 30*time.Minute)
	p, err := RunPoint(context.Background(), c, 2, nil)
	require.NoError(t, err)
	require.Greater(t, float64(p.Replays[0].NodesUnknown), 0.0)
	assert.Zero(t, p.FalseNotReady.Events, "no background false NotReady at 300 nodes for an hour at defaults")
	assert.Zero(t, float64(p.EndpointLoss.PodSeconds))
	assert.Zero(t, p.FalseEvictions.Count)
	assert.Greater(t, float64(p.Replays[0].PodSecondsLost), 0.0)
	window := (90*time.Second + windowPost(c)).Seconds()
	assert.InDelta(t, 2*300*(3600-window)/86400, p.NodeDays, 1e-9)
	assert.True(t, p.RatesNotApplicable)
	for _, w := range p.Warnings {
		assert.NotContains(t, w, "false NotReady events", "no rate warning for a replay")
	}

	// With a process beside the replay, the rates apply (to it) again.
	c.APIServer.Incidents = append(c.APIServer.Incidents, Incident{Every: Const(1000 * time.Hour), Lasts: Const(time.Second), Effect: Slow, Multiply: 2})
	require.NoError(t, c.Validate())
	q, err := RunPoint(context.Background(), c, 2, nil)
	require.NoError(t, err)
	assert.False(t, q.RatesNotApplicable)
	assert.Equal(t, p.Replays, q.Replays, "a replay draws from its own stream: adding a process leaves it as it was")
}

// A replay's figures are the same whatever the workers.
func TestReplayDeterministicAcrossWorkers(t *testing.T) {
	t.Parallel()
	c := outageConfig(t, "v1.37", 200, 20*time.Minute, 40*time.Minute)
	c.Failures.Events = []FailureEvent{{Kind: "partition", Fraction: 0.1, Zone: -1, At: []time.Duration{10 * time.Minute}, Lasts: Const(2 * time.Minute)}}
	c.Simulation.Replications = 3
	require.NoError(t, c.Validate())
	var out [][]byte
	for _, w := range []int{1, 3} {
		p, err := RunPoint(context.Background(), c, w, nil)
		require.NoError(t, err)
		b, err := json.Marshal(p)
		require.NoError(t, err)
		out = append(out, b)
	}
	assert.Equal(t, string(out[0]), string(out[1]))
}

// Replications each replay the event: the top-level figure is their
// mean, min and max their range.
func TestReplayMeanAndRange(t *testing.T) {
	t.Parallel()
	fs := []ReplayFigures{{NodesUnknown: 3, FirstUnknownS: NaN()}, {NodesUnknown: 7, FirstUnknownS: 2}}
	mean, lo, hi := meanRange(fs)
	assert.Equal(t, Num(5), mean.NodesUnknown)
	assert.Equal(t, Num(3), lo.NodesUnknown)
	assert.Equal(t, Num(7), hi.NodesUnknown)
	assert.Equal(t, Num(2), mean.FirstUnknownS, "undefined in one replication: the mean of the others")
	assert.True(t, math.IsNaN(float64(meanRangeEmpty().DurationS)))
}

func meanRangeEmpty() ReplayFigures { m, _, _ := meanRange(nil); return m }

// Bad replays are refused, naming the field.
func TestReplayValidation(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		edit func(c *Config)
		path string
		msg  string
	}{
		{func(c *Config) { c.APIServer.Incidents[0].At = []time.Duration{2 * time.Hour} }, "apiserver.incident[1].at", "outside the run"},
		{func(c *Config) { c.Simulation.Method = MethodRare }, "simulation.method", "a replay is one known event, not a rare one"},
		{func(c *Config) {
			c.Failures.Events = []FailureEvent{{Kind: "crash", Nodes: 11, Zone: 0, At: []time.Duration{time.Minute}, Lasts: Const(time.Minute)}}
		}, "failures.event[1].nodes", "more than the 10 nodes of zone 0"},
		{func(c *Config) {
			c.Failures.Events = []FailureEvent{{Kind: "crash", Fraction: 0.01, Zone: -1, At: []time.Duration{time.Minute}, Lasts: Const(time.Minute)}}
		}, "failures.event[1].fraction", "is no node"},
		{func(c *Config) {
			c.Failures.Events = []FailureEvent{{Kind: "crash", Zone: 3, At: []time.Duration{time.Minute}, Lasts: Const(time.Minute)}}
		}, "failures.event[1].zone", "between 0 and 2"},
		{func(c *Config) {
			c.Failures.Events = []FailureEvent{{Kind: "crash", Zone: -1, Lasts: Const(time.Minute)}}
		}, "failures.event[1].at", "required"},
	} {
		c := outageConfig(t, "v1.33", 30, 10*time.Minute)
		tc.edit(c)
		err := c.Validate()
		require.Error(t, err, tc.path)
		assert.Contains(t, err.Error(), tc.path+": ")
		assert.Contains(t, err.Error(), tc.msg)
	}
}

// A replay too close to the end of the run to see its aftermath is
// flagged, naming its at.
func TestReplayNearEndWarns(t *testing.T) {
	t.Parallel()
	c := outageConfig(t, "v1.33", 30, 58*time.Minute)
	var found []string
	for _, w := range c.Warnings() {
		found = append(found, w.Error())
	}
	require.Len(t, found, 1)
	assert.Contains(t, found[0], "apiserver.incident[1].at: the run ends 1h after warmup, before the aftermath of the replay at 58m")
	c = outageConfig(t, "v1.33", 30, 30*time.Minute)
	assert.Empty(t, c.Warnings())
}
