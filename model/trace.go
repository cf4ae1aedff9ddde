package model

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"slices"
	"strconv"

	"github.com/nodesim/nodesim/sim"
)

// TraceVersion is the version of the trace format (docs/trace.md).
const TraceVersion = 2

// Trace asks for a record of one replication: what its node lifecycle
// controller observed, in time order, as JSON lines (docs/trace.md). It is
// how conformance/ replays nodesim through the real controller.
type Trace struct {
	Replication int
	W           io.Writer
}

// RunPointTraced is RunPoint that also writes tr. Tracing only reads the
// run's state: the results are the same as RunPoint's.
func RunPointTraced(ctx context.Context, cfg *Config, workers int, progress Progress, tr *Trace) (Point, error) {
	return runPoint(ctx, cfg, workers, progress, tr)
}

// simulateTraced is Simulate, tracing the replication tr asks for.
func simulateTraced(ctx context.Context, cfg *Config, rep int, tr *Trace) (*Replication, error) {
	if tr == nil || tr.Replication != rep {
		return Simulate(ctx, cfg, rep)
	}
	r := newRun(cfg, rep)
	t, err := newTracer(tr.W, r)
	if err != nil {
		return nil, err
	}
	m, err := r.simulate(ctx)
	if err != nil {
		return nil, err
	}
	if err := t.close(r.env.end); err != nil {
		return nil, err
	}
	return m, nil
}

// traceHeader is the first line of a trace.
type traceHeader struct {
	Version                   int     `json:"nodesim_trace"`
	Scenario                  string  `json:"scenario"`
	Profile                   string  `json:"profile"`
	Seed                      uint64  `json:"seed"`
	Replication               int     `json:"replication"`
	Nodes                     int     `json:"nodes"`
	Zones                     int     `json:"zones"`
	Lease                     bool    `json:"lease"`
	NodeMonitorPeriod         int64   `json:"node_monitor_period_ns"`
	NodeMonitorGracePeriod    int64   `json:"node_monitor_grace_period_ns"`
	NodeStartupGracePeriod    int64   `json:"node_startup_grace_period_ns"`
	NodeEvictionRate          float64 `json:"node_eviction_rate"`
	SecondaryNodeEvictionRate float64 `json:"secondary_node_eviction_rate"`
	LargeClusterSizeThreshold int     `json:"large_cluster_size_threshold"`
	UnhealthyZoneThreshold    float64 `json:"unhealthy_zone_threshold"`
	Warmup                    int64   `json:"warmup_ns"`
	End                       int64   `json:"end_ns"`
}

// Record kinds, and their order among records at the same instant.
type traceKind uint8

const (
	trLeader traceKind = iota
	trNode
	trLease
	trPass
	trUnknown
	trUnknownFailed
	trUnknownCancelled
	trReady
)

var traceKinds = [...]string{"leader", "node", "lease", "pass", "unknown", "unknown-failed", "unknown-cancelled", "ready"}

func (k traceKind) rank() int {
	switch k {
	case trNode, trLease:
		return 1 // a delivery at a pass's instant is visible to it
	case trPass:
		return 2
	case trUnknown, trUnknownFailed, trUnknownCancelled, trReady:
		return 3
	}
	return 0
}

// traceRec is one record of the pass being traced.
type traceRec struct {
	t    sim.Time
	kind traceKind
	n    int32
	a, b int64 // node, unknown-cancelled (the GET's PATCH): hb, commit; lease: renew, commit; unknown: -, done
	// unknown-cancelled: when the write and the GET returned, and the retry
	done, get, retry int64
	set              bool  // node: sets Ready=True over Unknown
	late             int64 // a delivery recorded later than its time (see deliveredAt); -1: not late
}

// tracer writes the trace of one run. Records wait in a buffer of about
// one pass until nothing earlier can come, so memory stays per node.
type tracer struct {
	w     *bufio.Writer
	at    []sim.Time // processing instant of each node in the current pass
	prev  []sim.Time // and in the one before (-1: none)
	lastS sim.Time   // when the previous pass listed nodes (-1: none)
	recs  []traceRec
	gen   int64 // leader generation of the last traced pass
	line  []byte
}

func newTracer(w io.Writer, r *run) (*tracer, error) {
	c := r.cfg
	t := &tracer{w: bufio.NewWriterSize(w, 1<<16), at: make([]sim.Time, c.Cluster.Nodes), prev: make([]sim.Time, c.Cluster.Nodes), lastS: -1}
	for i := range t.at {
		t.at[i] = -1
	}
	h, err := json.Marshal(traceHeader{
		Version: TraceVersion, Scenario: c.Name, Profile: c.Profile, Seed: c.Simulation.Seed, Replication: r.rep,
		Nodes: c.Cluster.Nodes, Zones: c.Cluster.Zones, Lease: c.Rules.Lease,
		NodeMonitorPeriod: int64(c.Controller.NodeMonitorPeriod), NodeMonitorGracePeriod: int64(c.Controller.NodeMonitorGracePeriod),
		NodeStartupGracePeriod: int64(c.Controller.NodeStartupGracePeriod),
		NodeEvictionRate:       c.Controller.NodeEvictionRate, SecondaryNodeEvictionRate: c.Controller.SecondaryNodeEvictionRate,
		LargeClusterSizeThreshold: c.Controller.LargeClusterSizeThreshold, UnhealthyZoneThreshold: c.Controller.UnhealthyZoneThreshold,
		Warmup: int64(r.warmup), End: int64(r.env.end),
	})
	if err != nil {
		return nil, err
	}
	t.w.Write(append(h, '\n'))
	r.env.trace = t
	prev := r.onTransition
	r.onTransition = func(n *node, at sim.Time, unknown bool) {
		t.transition(n, at, unknown)
		if prev != nil {
			prev(n, at, unknown)
		}
	}
	return t, nil
}

// visit records that the pass handles n at t.
func (t *tracer) visit(n *node, at sim.Time) { t.prev[n.id], t.at[n.id] = t.at[n.id], at }

// status records the delivery of a PATCH to the node informer,
// which the pass reads as of its start.
func (t *tracer) status(n *node, hb int64, commit, vis sim.Time, setsReady bool) {
	rec := traceRec{kind: trNode, n: n.id, a: hb, b: int64(commit), set: setsReady}
	rec.t, rec.late = deliveredAt(vis, t.lastS)
	t.recs = append(t.recs, rec)
}

// lease records the delivery of l's pending renewal to the lease informer,
// which the pass reads at n's instant.
func (t *tracer) lease(n *node, l *leaseLoop) {
	rec := traceRec{kind: trLease, n: n.id, a: int64(l.renew), b: int64(l.commit)}
	rec.t, rec.late = deliveredAt(l.vis, t.prev[n.id])
	t.recs = append(t.recs, rec)
}

// deliveredAt is when the controller can have received a delivery whose
// informer time is vis, given that its previous read, at last, did not
// see it: vis, or just after last when vis is earlier (late = vis). That
// happens when a kubelet loop is replayed or restarted for a time the
// controller had already read past (conformance/README.md, finding 4).
func deliveredAt(vis, last sim.Time) (at sim.Time, late int64) {
	if vis <= last {
		return last + 1, int64(vis)
	}
	return vis, -1
}

// unknownFailed records that n's Ready=Unknown write failed at its instant
// in the current pass ("Skipping - no pods will be evicted").
func (t *tracer) unknownFailed(n *node) {
	t.recs = append(t.recs, traceRec{t: t.at[n.id], kind: trUnknownFailed, n: n.id, late: -1})
}

// unknownCancelled records that n's Ready=Unknown write at its instant in
// the current pass failed (it returned at done), and that the GET the
// controller retried with (returned at get) carried a fresh heartbeat, in
// the PATCH g it returned: the retry at retry refreshed the probe instead.
// The PATCH is in the record because its delivery may come many passes
// later.
func (t *tracer) unknownCancelled(n *node, g getPatch, done, get, retry sim.Time) {
	t.recs = append(t.recs, traceRec{t: t.at[n.id], kind: trUnknownCancelled, n: n.id, a: g.hb, b: int64(g.commit), set: g.sets,
		done: int64(done), get: int64(get), retry: int64(retry), late: -1})
}

// transition records Ready→Unknown (its write returned at done) or a
// recovery of n, at n's instant in the current pass.
func (t *tracer) transition(n *node, done sim.Time, unknown bool) {
	k := trReady
	if unknown {
		k = trUnknown
	}
	t.recs = append(t.recs, traceRec{t: t.at[n.id], kind: k, n: n.id, b: int64(done), late: -1})
}

// pass records the pass that listed nodes at s and ended at end. Every
// record a later pass makes is after s (a delivery not seen by this pass
// is newer than it), so what is up to s can be written, in time order.
func (t *tracer) pass(r *run, s, end sim.Time) {
	if r.ctl.gen != t.gen {
		t.gen = r.ctl.gen
		t.recs = append(t.recs, traceRec{t: s, kind: trLeader, late: -1})
	}
	t.recs = append(t.recs, traceRec{t: s, kind: trPass, a: int64(end), late: -1})
	t.flush(s)
	t.lastS = s
}

// flush writes the records up to until, in time order, and keeps the rest.
func (t *tracer) flush(until sim.Time) {
	slices.SortStableFunc(t.recs, func(x, y traceRec) int {
		if x.t != y.t {
			return compareTime(x.t, y.t)
		}
		return x.kind.rank() - y.kind.rank()
	})
	k := 0
	for k < len(t.recs) && t.recs[k].t <= until {
		t.write(t.recs[k])
		k++
	}
	t.recs = t.recs[:copy(t.recs, t.recs[k:])]
}

func compareTime(a, b sim.Time) int {
	if a < b {
		return -1
	}
	return 1
}

func (t *tracer) write(rec traceRec) {
	b := append(t.line[:0], `{"k":"`...)
	b = append(b, traceKinds[rec.kind]...)
	b = append(b, '"')
	b = field(b, "t", int64(rec.t))
	if rec.kind != trPass && rec.kind != trLeader {
		b = field(b, "n", int64(rec.n))
	}
	switch rec.kind {
	case trNode:
		b = patchFields(b, &rec)
	case trLease:
		b = field(b, "renew", rec.a)
		b = field(b, "c", rec.b)
	case trUnknown:
		b = field(b, "done", rec.b)
	case trUnknownCancelled:
		b = field(b, "done", rec.done)
		b = field(b, "get", rec.get)
		b = field(b, "retry", rec.retry)
		b = patchFields(b, &rec)
	case trPass:
		b = field(b, "end", rec.a)
		b = append(b, `,"at":[`...)
		for i, at := range t.at {
			if i > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendInt(b, int64(at-rec.t), 10)
		}
		b = append(b, ']')
	}
	if rec.late >= 0 {
		b = field(b, "late", rec.late)
	}
	b = append(b, "}\n"...)
	t.w.Write(b)
	t.line = b
}

// patchFields are a status PATCH's fields: heartbeat, Ready=True, commit.
func patchFields(b []byte, rec *traceRec) []byte {
	b = field(b, "hb", rec.a)
	if rec.set {
		b = append(b, `,"sets_ready":true`...)
	}
	return field(b, "c", rec.b)
}

func field(b []byte, name string, v int64) []byte {
	b = append(b, ',', '"')
	b = append(b, name...)
	b = append(b, '"', ':')
	return strconv.AppendInt(b, v, 10)
}

// close writes the closing record (a trace without it is truncated) and
// flushes; it returns the first write error.
func (t *tracer) close(end sim.Time) error {
	t.flush(sim.Never)
	t.w.WriteString(`{"k":"end","t":` + strconv.FormatInt(int64(end), 10) + "}\n")
	return t.w.Flush()
}
