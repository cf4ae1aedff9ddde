package model

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/nodesim/nodesim/sim"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type traceLine struct {
	K         string  `json:"k"`
	T         int64   `json:"t"`
	N         *int32  `json:"n"`
	HB        int64   `json:"hb"`
	SetsReady bool    `json:"sets_ready"`
	C         int64   `json:"c"`
	Renew     int64   `json:"renew"`
	Done      int64   `json:"done"`
	Get       int64   `json:"get"`
	Retry     int64   `json:"retry"`
	End       int64   `json:"end"`
	At        []int64 `json:"at"`
}

func parseTrace(t *testing.T, b []byte) (traceHeader, []traceLine) {
	t.Helper()
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(nil, 1<<24)
	require.True(t, sc.Scan())
	var h traceHeader
	dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
	dec.DisallowUnknownFields()
	require.NoError(t, dec.Decode(&h))
	var lines []traceLine
	for sc.Scan() {
		var l traceLine
		dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
		dec.DisallowUnknownFields()
		require.NoError(t, dec.Decode(&l), "%s", sc.Bytes())
		lines = append(lines, l)
	}
	require.NoError(t, sc.Err())
	return h, lines
}

// stressed has every kind of record: leases and status posts, crashes,
// an outage, a watch stall and a leader failover.
func stressed(t *testing.T) *Config {
	c, err := Default("v1.33")
	require.NoError(t, err)
	c.Cluster.Nodes, c.Cluster.Zones = 30, 3
	c.Simulation.Duration, c.Simulation.Warmup, c.Simulation.Replications = 3*time.Hour, time.Minute, 2
	c.Kubelet.NodeStatusReportFrequency = time.Minute
	c.APIServer.WriteLatency = must(LogNormalMedianP99(50*time.Millisecond, 8*time.Second))
	c.Failures.Crash = &FailureProcess{Every: Dist{Kind: Exponential, A: 3600}, Repair: 2 * time.Minute}
	c.APIServer.Incidents = []Incident{
		{Every: Dist{Kind: Exponential, A: 1800}, Lasts: Const(20 * time.Second), Effect: Unavailable, FailAfter: 7 * time.Second},
		{Every: Dist{Kind: Exponential, A: 3600}, Lasts: Const(70 * time.Second), Effect: WatchStall},
		{Every: Dist{Kind: Exponential, A: 3600}, Lasts: Const(10 * time.Second), Effect: LeaderFailover},
	}
	require.NoError(t, c.Validate())
	return c
}

func TestTraceDoesNotChangeResults(t *testing.T) {
	c := stressed(t)
	plain, err := RunPoint(context.Background(), c, 2, nil)
	require.NoError(t, err)
	var buf bytes.Buffer
	traced, err := RunPointTraced(context.Background(), c, 2, nil, &Trace{Replication: 1, W: &buf})
	require.NoError(t, err)
	a, _ := json.Marshal(plain)
	b, _ := json.Marshal(traced)
	assert.Equal(t, string(a), string(b))
	assert.NotZero(t, buf.Len())
}

// The trace holds every pass, every delivery in time order, and exactly
// the transitions the run made, each at its node's instant in its pass.
func TestTraceRecordsWhatTheControllerSaw(t *testing.T) {
	c := stressed(t)
	r := newRun(c, 0)
	var unknown, ready []sim.Time
	r.onTransition = func(n *node, at sim.Time, u bool) {
		if u {
			unknown = append(unknown, at)
		} else {
			ready = append(ready, r.env.trace.at[n.id])
		}
	}
	var buf bytes.Buffer
	tr, err := newTracer(&buf, r)
	require.NoError(t, err)
	_, err = r.simulate(context.Background())
	require.NoError(t, err)
	require.NoError(t, tr.close(r.env.end))

	h, lines := parseTrace(t, buf.Bytes())
	assert.Equal(t, TraceVersion, h.Version)
	assert.Equal(t, 30, h.Nodes)
	assert.Equal(t, int64(50*time.Second), h.NodeMonitorGracePeriod)
	assert.Equal(t, int64(r.env.end), h.End)
	require.Equal(t, "end", lines[len(lines)-1].K)

	kinds := map[string]int{}
	var gotUnknown, gotReady []sim.Time
	var pass traceLine
	last := int64(-1)
	lastLease := make(map[int32]int64)
	for i, l := range lines {
		kinds[l.K]++
		assert.GreaterOrEqual(t, l.T, last, "line %d out of time order", i+2)
		last = l.T
		switch l.K {
		case "pass":
			require.Len(t, l.At, 30)
			for _, at := range l.At {
				assert.GreaterOrEqual(t, at, int64(0))
				assert.LessOrEqual(t, l.T+at, l.End)
			}
			if pass.K != "" {
				assert.GreaterOrEqual(t, l.T, pass.End+int64(c.Controller.NodeMonitorPeriod), "passes slide")
			}
			pass = l
		case "lease":
			assert.Greater(t, l.Renew, lastLease[*l.N], "renewals delivered in order")
			assert.LessOrEqual(t, l.Renew, l.C)
			assert.LessOrEqual(t, l.C, l.T)
			lastLease[*l.N] = l.Renew
		case "node":
			assert.LessOrEqual(t, l.HB*1e9, l.C)
			assert.LessOrEqual(t, l.C, l.T)
		case "unknown":
			assert.Equal(t, pass.T+pass.At[*l.N], l.T, "at its node's instant in the pass")
			gotUnknown = append(gotUnknown, sim.Time(l.Done))
		case "ready":
			assert.Equal(t, pass.T+pass.At[*l.N], l.T)
			gotReady = append(gotReady, sim.Time(l.T))
		}
	}
	for _, k := range []string{"pass", "node", "lease", "unknown", "ready", "leader"} {
		assert.NotZero(t, kinds[k], "no %q record", k)
	}
	// Within a pass the trace is in time order, the run in node order.
	slices.Sort(unknown)
	slices.Sort(gotUnknown)
	slices.Sort(ready)
	slices.Sort(gotReady)
	assert.Equal(t, unknown, gotUnknown)
	assert.Equal(t, ready, gotReady)
}

func TestTraceWriteErrorIsReturned(t *testing.T) {
	c := exactConfig(t, "v1.33", 2)
	c.Simulation.Duration = 10 * time.Minute
	_, err := RunPointTraced(context.Background(), c, 1, nil, &Trace{W: failingWriter{}})
	assert.ErrorIs(t, err, errDiskFull)
}

var errDiskFull = errors.New("disk full")

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errDiskFull }

func TestDeliveredAtNeverBeforeAReadThatMissedIt(t *testing.T) {
	for _, tc := range []struct {
		vis, last, at sim.Time
		late          int64
	}{
		{sec(12), sec(10), sec(12), -1},
		{sec(10), sec(10), sec(10) + 1, int64(sec(10))}, // the read at 10 did not see it
		{sec(3), sec(10), sec(10) + 1, int64(sec(3))},
		{sec(3), -1, sec(3), -1},
	} {
		at, late := deliveredAt(tc.vis, tc.last)
		assert.Equal(t, tc.at, at, "vis %v last %v", tc.vis, tc.last)
		assert.Equal(t, tc.late, late)
	}
}

// While etcd is unavailable the controller's Ready=Unknown write fails at
// every pass; the trace says so, so a replay can fail it too.
func TestTraceRecordsFailedUnknownWrites(t *testing.T) {
	c := exactConfig(t, "v1.33", 1)
	c.APIServer.Incidents = []Incident{{Every: Const(50 * time.Second), Lasts: Const(30 * time.Second), Effect: Unavailable, FailAfter: 7 * time.Second}}
	r, n := manual(t, c)
	n.status.seenHB = 1
	var buf bytes.Buffer
	tr, err := newTracer(&buf, r)
	require.NoError(t, err)
	r.inc.schedule()
	r.eng.Run(sec(100))
	require.NoError(t, tr.close(sec(100)))
	_, lines := parseTrace(t, buf.Bytes())
	var failed, unknown []sim.Time
	for _, l := range lines {
		switch l.K {
		case "unknown-failed":
			failed = append(failed, sim.Time(l.T))
		case "unknown":
			unknown = append(unknown, sim.Time(l.T))
		}
	}
	// probe 5 (first pass), grace 50s: due at the pass at 60, whose write
	// fails after 7s and whose re-GET (PollImmediate re-reads the node
	// after a failed update) fails after 7s more, so the next pass is at
	// 79 (passes slide); its write fails too, but its re-GET succeeds
	// with etcd back at 80, and the retry 20ms later writes Unknown.
	assert.Equal(t, []sim.Time{sec(60)}, failed)
	assert.Equal(t, []sim.Time{sec(79)}, unknown)
}
