package model

import (
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/cockroachdb/datadriven"
	"github.com/nodesim/nodesim/sim"
)

// TestRules runs the scripts in testdata/rules, as etcd-io/raft's
// interaction tests do: each delivers heartbeats by hand to the nodes of a
// deterministic cluster (exactConfig, zero latencies, passes on a 5s grid)
// and records what the node lifecycle controller does with them. Regenerate
// expectations with `go test ./model -run TestRules -rewrite` and read the
// diff: a changed line is a changed rule.
//
// Commands (times in seconds of simulated time; node defaults to 0):
//
//	cluster profile=v1.33 [nodes=1] [write-latency=30ms] [pass-overhead=1ms] [failover=20s]
//	stop node=N                  stop node N's kubelet loops (node 0's always are)
//	posted [node=N]              the node posted its status long ago (it has a Ready condition)
//	lease at=T renew=R [node=N]  a lease renewal the informer delivers at T
//	status at=T hb=H [ready] [commit=C] [node=N]
//	                             a status PATCH delivered at T, committed at C (default T),
//	                             setting Ready=True if ready
//	failover [at=T]              a leader failover starts at T (default now), the clock
//	                             staying where it is
//	run until=T [passes] [writes] [step=S]
//	                             advance to T; prints transitions, the passes and API writes
//	                             asked for, and taints and evictions (polled every S, default
//	                             only at T); then each touched node's probe and condition
func TestRules(t *testing.T) {
	datadriven.Walk(t, "testdata/rules", func(t *testing.T, path string) {
		t.Parallel()
		var h *ruleHarness
		datadriven.RunTest(t, path, func(t *testing.T, d *datadriven.TestData) string {
			if d.Cmd == "cluster" {
				h = newRuleHarness(t, d)
				return h.describe()
			}
			if h == nil {
				d.Fatalf(t, "%s: the script must start with cluster", d.Pos)
			}
			return h.do(t, d)
		})
	})
}

type ruleHarness struct {
	r       *run
	now     sim.Time
	touched map[int]bool
	log     []string
	passes  bool // log pass starts (node 0's visit)
	writes  bool
	tainted map[int]bool
	evicted int64
}

func newRuleHarness(t *testing.T, d *datadriven.TestData) *ruleHarness {
	profile := "v1.33"
	d.MaybeScanArgs(t, "profile", &profile)
	nodes := 1
	d.MaybeScanArgs(t, "nodes", &nodes)
	c := exactConfig(t, profile, nodes)
	if d.HasArg("write-latency") {
		c.APIServer.WriteLatency = Const(durationArg(t, d, "write-latency"))
	}
	if d.HasArg("pass-overhead") {
		c.Controller.PassOverhead = durationArg(t, d, "pass-overhead")
	}
	if d.HasArg("failover") {
		c.APIServer.Incidents = []Incident{{Every: Const(1000 * time.Hour), Lasts: Const(durationArg(t, d, "failover")), Effect: LeaderFailover}}
	}
	r, _ := manual(t, c)
	h := &ruleHarness{r: r, touched: map[int]bool{0: true}, tainted: map[int]bool{}}
	r.onTransition = func(n *node, at sim.Time, unknown bool) {
		cond := "Ready"
		if unknown {
			cond = "Unknown"
		}
		h.logf(at, "node %d %s", n.id, cond)
	}
	r.beforeNode = func(n *node, s, _ sim.Time, _ int) {
		if h.passes && n.id == 0 {
			h.logf(s, "pass")
		}
	}
	r.env.api.log = func(k reqKind, at sim.Time, _ outcome) {
		if h.writes && k == write {
			h.logf(at, "write")
		}
	}
	return h
}

func (h *ruleHarness) describe() string {
	c := h.r.cfg.Controller
	return fmt.Sprintf("%d node(s): grace %v, monitor period %v, startup grace %v", len(h.r.nodes),
		c.NodeMonitorGracePeriod, c.NodeMonitorPeriod, c.NodeStartupGracePeriod)
}

func (h *ruleHarness) do(t *testing.T, d *datadriven.TestData) string {
	n := h.node(t, d)
	switch d.Cmd {
	case "stop":
		n.lease.stopped, n.lease.vis = true, sim.Never
		n.status.stopped = true
	case "posted":
		n.status.seenHB = 1
		h.r.ctl.countNotReady(n)
	case "lease":
		deliverLease(n, secArg(t, d, "at"), secArg(t, d, "renew"))
	case "status":
		at := secArg(t, d, "at")
		var hb int64
		d.ScanArgs(t, "hb", &hb)
		deliverStatus(n, at, hb, d.HasArg("ready"))
		if d.HasArg("commit") {
			n.status.commit = secArg(t, d, "commit")
		}
	case "failover":
		at := h.now
		if d.HasArg("at") {
			at = secArg(t, d, "at")
		}
		if at < h.now {
			d.Fatalf(t, "%s: failover at %s is before now (%s)", d.Pos, secs(at), secs(h.now))
		}
		h.r.inc.arrive(0, at)
	case "run":
		return h.run(t, d)
	default:
		d.Fatalf(t, "%s: unknown command %q", d.Pos, d.Cmd)
	}
	return "ok"
}

func (h *ruleHarness) node(t *testing.T, d *datadriven.TestData) *node {
	id := 0
	d.MaybeScanArgs(t, "node", &id)
	if id < 0 || id >= len(h.r.nodes) {
		d.Fatalf(t, "%s: no node %d", d.Pos, id)
	}
	h.touched[id] = true
	return &h.r.nodes[id]
}

func (h *ruleHarness) run(t *testing.T, d *datadriven.TestData) string {
	until := secArg(t, d, "until")
	step := until - h.now
	if d.HasArg("step") {
		step = secArg(t, d, "step")
	}
	h.passes, h.writes = d.HasArg("passes"), d.HasArg("writes")
	for at := h.now; at < until; {
		at = min(at+step, until)
		h.r.eng.Run(at)
		h.pollTaints(at)
	}
	h.now = until
	out := strings.Join(h.log, "\n")
	h.log = h.log[:0]
	for id := range h.r.nodes {
		if h.touched[id] {
			out += "\n" + h.state(&h.r.nodes[id])
		}
	}
	for i := range h.r.ctl.zones {
		z := &h.r.ctl.zones[i]
		out += fmt.Sprintf("\nzone %d: %d of %d not ready, %s", i, z.notReady, z.size, ruleZoneStates[z.state])
	}
	if h.r.ctl.master {
		out += ", master disruption mode"
	}
	return strings.TrimPrefix(out, "\n")
}

// pollTaints logs taints and evictions first seen at at.
func (h *ruleHarness) pollTaints(at sim.Time) {
	for id := range h.r.nodes {
		if tainted := h.r.nodes[id].tainted; tainted != h.tainted[id] {
			h.tainted[id] = tainted
			if tainted {
				h.logf(at, "node %d tainted", id)
			} else {
				h.logf(at, "node %d untainted", id)
			}
		}
	}
	if ev := h.r.met.evictions; ev > h.evicted {
		h.logf(at, "%d pods evicted", ev-h.evicted)
		h.evicted = ev
	}
}

// ruleZoneStates names zone states as upstream's ZoneState constants do.
var ruleZoneStates = [...]string{stateInitial: "Initial", stateNormal: "Normal", statePartial: "PartialDisruption", stateFull: "FullDisruption"}

func (h *ruleHarness) state(n *node) string {
	cond := "Ready"
	switch {
	case n.unknown:
		cond = "Unknown"
	case n.status.seenHB < 0:
		cond = "no Ready condition"
	}
	return fmt.Sprintf("node %d: probe %s, %s", n.id, secs(n.probe), cond)
}

func (h *ruleHarness) logf(at sim.Time, format string, args ...any) {
	h.log = append(h.log, secs(at)+": "+fmt.Sprintf(format, args...))
}

func secs(t sim.Time) string { return strconv.FormatFloat(t.Seconds(), 'f', -1, 64) + "s" }

func secArg(t *testing.T, d *datadriven.TestData, key string) sim.Time {
	var s string
	d.ScanArgs(t, key, &s)
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		d.Fatalf(t, "%s: %s=%s: %v", d.Pos, key, s, err)
	}
	return sec(v)
}

func durationArg(t *testing.T, d *datadriven.TestData, key string) time.Duration {
	var s string
	d.ScanArgs(t, key, &s)
	v, err := time.ParseDuration(s)
	if err != nil {
		d.Fatalf(t, "%s: %s=%s: %v", d.Pos, key, s, err)
	}
	return v
}
