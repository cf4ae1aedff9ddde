package model

import (
	"time"

	"github.com/nodesim/nodesim/sim"
)

// controller is the node lifecycle controller (pkg/controller/nodelifecycle)
// of one run: sliding monitor passes over all nodes, zone states and
// rate-limited NoExecute tainting, with the taint eviction controller's
// tolerations.
type controller struct {
	cfg         *ControllerConfig
	grace       int64
	start       int64 // node-startup-grace-period
	lease       bool  // the controller reads leases (v1.13+)
	rules       Rules
	toleration  time.Duration // of the unreachable taint
	notReadyTol time.Duration // of the not-ready taint

	d       draws   // its stream: never tilted
	workers workers // the pass's ParallelizeUntil schedule
	gen     int64   // leader generation: passes of an old leader are dropped
	down    int     // leader failovers in progress: no leader while > 0
	zones   []zone
	master  bool // "master disruption mode": every zone fully disrupted
	tainter sim.Kind
	ticking bool
	passes  int64 // passes started: episodes group false NotReady by pass
	// leaseGate is when the lease informer has caught up with the newest
	// live lease a circuit-breaker GET found (v1.37+): until then every
	// node is skipped (consistencyStore.EnsureReady fails).
	leaseGate sim.Time
	evictRNG  sim.Rand // the taint eviction controller's watch
	kEvict    sim.Kind // a pod's toleration of a NoExecute taint is over

	// What it works with, wired by newRun: the nodes it watches (it
	// keeps their health entries and taints), the request path, the
	// kubelet loops' parameters (it reads their writes), the metrics it
	// reports to, the engine it schedules on, the failover steps it
	// records, the run's hooks and, with node pressure, its conditions.
	nodes           []node
	env             *env
	sp              *statusParams
	lp              *leaseParams
	met             *Replication
	eng             *sim.Engine
	fo              *failovers
	hooks           *hooks
	pressureUnknown func(n *node, t sim.Time) // nil: no node pressure
}

// leaderLost starts a leader failover: the old leader's pending passes
// are void, and there is no leader until the failover ends.
func (c *controller) leaderLost() {
	c.down++
	c.gen++
}

// leaderElected ends a leader failover at t and reports whether a new
// leader starts then (overlapping failovers are one: it is elected when
// the last ends). A new leader starts with no nodeHealthData: every
// probeTimestamp becomes "now" at its first pass, zones start Initial,
// queues empty.
func (c *controller) leaderElected(t sim.Time) bool {
	if c.down--; c.down > 0 {
		return false
	}
	for j := range c.nodes {
		n := &c.nodes[j]
		n.hasEntry, n.queued = false, false
	}
	for z := range c.zones {
		c.zones[z].queue = nil
		c.zones[z].bucket = newBucket(c.cfg.NodeEvictionRate, t)
		c.setZoneState(&c.zones[z], stateInitial, t)
	}
	c.master, c.ticking, c.leaseGate = false, false, 0
	return true
}

// pass is one monitorNodeHealth pass starting at s. It returns when the
// pass ends, so the run can arm the next one node-monitor-period later.
func (c *controller) pass(s sim.Time) sim.Time {
	c.passes++
	c.met.pass(s)
	c.workers.reset(s + sim.Time(c.cfg.PassOverhead))
	return c.passFrom(s)
}

// passFrom runs a pass that listed the nodes at s, its workers' schedule
// as it stands. Each node is handled when the worker that takes it
// (workqueue.ParallelizeUntil: the first one free) has spent its per-node
// processing; its transition's API calls keep that worker busy, and the
// pass ends when the last worker is done.
func (c *controller) passFrom(s sim.Time) sim.Time {
	ws := &c.workers
	for i := range c.nodes {
		n := &c.nodes[i]
		w, t := ws.instant(n.pos, n.rrWorker, n.rrSlot)
		if c.hooks.beforeNode != nil {
			c.hooks.beforeNode(n, s, t, w)
		}
		ws.finish(n.pos, w, t, c.processNode(n, s, t))
	}
	end := max(s, ws.end())
	c.handleDisruption(end)
	return end
}

// processNode is tryUpdateNodeHealth plus the transition handling of
// monitorNodeHealth for one node, handled at instant t of a pass that
// listed nodes at s. It returns the worker's clock after the node.
func (c *controller) processNode(n *node, s, t sim.Time) sim.Time {
	if c.env.trace != nil {
		c.env.trace.visit(n, t)
	}
	n.status.observe(c.sp, c.env, n, s) // nodes come from the informer snapshot at pass start
	if t < c.leaseGate {
		c.leaveOut(n)
		return t // short-circuited: this node is not processed in this pass
	}
	if n.unknown && n.status.seenReady > n.unknownWrite {
		c.recovered(n, t)
	}
	c.observeFalse(n, t)
	posted := n.status.seenHB >= 0
	c.countNotReady(n)
	grace := c.grace
	if !posted {
		grace = c.start
	}
	before := n.probe
	observedUnknown := n.unknown // observedReadyCondition: what the pass listed
	savedLease := n.savedLease   // NB: read before a status heartbeat drops it
	refreshed := false
	switch {
	case !n.hasEntry:
		// A new leader's nodeHealthData is empty: no saved lease to compare.
		n.hasEntry, n.savedHB, n.savedLease, savedLease = true, n.status.seenHB, -1, -1
		n.probe = t // "Missing timestamp for Node. Assuming now as a timestamp."
		if !posted {
			n.probe = 0 // node.CreationTimestamp: every node exists from time 0
		}
	case posted && n.savedHB != n.status.seenHB:
		// Heartbeats are compared with !=, and the new entry has no lease: if
		// the lease does not advance in this pass, the next pass takes the
		// unchanged lease as new and gives one more pass of credit.
		n.savedHB, n.savedLease, n.probe, refreshed = n.status.seenHB, -1, t, true
	}
	observed := sim.Time(-1)
	if c.lease {
		observed = n.lease.observe(c.lp, c.env, n, t)
		if observed >= 0 && (savedLease < 0 || savedLease < observed) {
			n.savedLease, n.probe, refreshed = observed, t, true
		}
	}
	if refreshed {
		c.met.heartbeat(n, before, t)
	}
	if graceExpired(t, n.probe, grace) {
		if c.rules.LeaseCircuitBreaker && c.lease {
			var skip bool
			if t, skip = c.liveLeaseCheck(n, t); skip {
				c.leaveOut(n)
				return t
			}
		}
		if !n.unknown {
			var ok bool
			t, ok = c.writeUnknown(n, s, t)
			if ok {
				n.savedLease = observed
			}
		}
	}
	c.evictionDecision(n, t, observedUnknown)
	return t
}

// observeFalse follows the kubelet's own Ready=False as this pass lists
// it. Entering it is a transition of readyTransitionTimestamp (for
// pod-eviction-timeout) and, for a node whose runtime is down, its
// detection; leaving it for Ready=True is processTaintBaseEviction's
// markNodeAsReachable: taints off, out of the queue.
func (c *controller) observeFalse(n *node, t sim.Time) {
	f := n.status.seenFalse && !n.unknown
	if f == n.readyFalse {
		return
	}
	n.readyFalse = f
	if f {
		n.falseSince = t
		if n.fail == runtimeDownFailure {
			c.met.detected(n, t)
		}
		return
	}
	c.reachable(n)
}

// reachable is markNodeAsReachable: both NoExecute taints removed, the
// node dequeued.
func (c *controller) reachable(n *node) {
	if n.tainted {
		n.tainted = false
		n.taintGen++
	}
	n.queued = false
}

// liveLeaseCheck is the NodeControllerLeaseCircuitBreaker check of
// tryUpdateNodeHealth (v1.37+): a GET of the live lease before trusting an
// expired one. A failed GET skips the node; a live lease newer than the
// cache's skips it and holds every node until the informer delivers that
// lease. It returns the worker's clock and whether to skip.
func (c *controller) liveLeaseCheck(n *node, t sim.Time) (sim.Time, bool) {
	o := c.env.api.request(&c.d, read, t, 0, nil, 0)
	c.met.leaseCheckFailed(t, !o.ok)
	t += sim.Time(o.dur)
	if !o.ok {
		return t, true
	}
	if vis, newer := n.lease.unseenCommit(t); newer {
		c.leaseGate = max(c.leaseGate, vis)
		return t, true
	}
	return t, false
}

// evictionDecision queues n for its zone's rate-limited NoExecute tainting
// (processTaintBaseEviction) or, without taint-based evictions, for pod
// deletion once pod-eviction-timeout has passed since its last heartbeat
// (v1.12: decisionTimestamp.After(probeTimestamp + podEvictionTimeout)).
// Before v1.27 both act on the condition the pass observed, so a node
// marked Unknown now is queued at the next pass.
//
// Ready=False (the kubelet's own report) is queued at the pass that lists
// it, for the not-ready taint; without taints, once pod-eviction-timeout
// has passed since the pass saw the transition
// (decisionTimestamp.After(readyTransitionTimestamp + podEvictionTimeout)).
func (c *controller) evictionDecision(n *node, t sim.Time, observedUnknown bool) {
	unknown := observedUnknown
	if c.rules.TaintOnCurrentCondition {
		unknown = n.unknown
	}
	if n.tainted || n.queued {
		return
	}
	switch {
	case unknown:
		if c.rules.TaintBasedEvictions || t > n.probe+sim.Time(c.cfg.PodEvictionTimeout) {
			c.enqueueTaint(n, t)
		}
	case n.readyFalse:
		if c.rules.TaintBasedEvictions || t > n.falseSince+sim.Time(c.cfg.PodEvictionTimeout) {
			c.enqueueTaint(n, t)
		}
	}
}

// writeUnknown is the controller's UpdateStatus to Ready=Unknown of the
// node as listed at s, under wait.PollImmediate(20ms, 100ms). The write
// carries the listed resourceVersion, so a kubelet PATCH committed since
// makes it 409 Conflict. After any failure the controller GETs the node;
// a GET that fails gives up at once. The poller's ticker and 100ms timer
// start after the first try; a tick that comes while a try runs is
// dropped, so each retry runs at the first 20ms tick after the previous
// try ended, and when the timer closes the channel one last try runs
// (wait.waitForWithContext runs the condition before it checks the
// channel is closed; nodesim gives a tick at exactly 100ms to the timer).
// A retry re-runs tryUpdateNodeHealth on the GET's copy: a heartbeat in it
// refreshes the probe at the retry's now and cancels the transition. It
// returns the worker's clock and whether Unknown was written.
func (c *controller) writeUnknown(n *node, s, t sim.Time) (sim.Time, bool) {
	const tick, timeout = sim.Time(20e6), sim.Time(100e6)
	at := t // the node's instant in the pass, as the trace records it
	polled, last := sim.Never, false
	for {
		o := c.env.api.request(&c.d, write, t, 0, nil, 0)
		t += sim.Time(o.dur)
		if o.ok && !n.status.patchedSince(s, t) {
			break
		}
		done := t
		g := c.env.api.request(&c.d, read, t, 0, nil, 0)
		t += sim.Time(g.dur)
		if !g.ok || last {
			if c.env.trace != nil {
				c.env.trace.unknownFailed(n)
			}
			c.met.unknownWrite(at, false)
			c.leaveOut(n)
			// "Failed while getting a Node to retry updating node health",
			// or the poll is over: "Skipping - no pods will be evicted".
			// Either way it is retried at the next pass.
			return t, false
		}
		got := t
		if polled == sim.Never {
			polled = t
		}
		if next := polled + ((t-polled)/tick+1)*tick; next < polled+timeout {
			t = next
		} else {
			t, last = max(t, polled+timeout), true
		}
		if g, ok := n.status.committedHB(got); ok && g.hb != n.savedHB {
			hb := g.hb
			before := n.probe
			n.savedHB, n.savedLease, n.probe = hb, -1, t // a fresh heartbeat: no transition
			c.met.heartbeat(n, before, t)
			if c.env.trace != nil {
				c.env.trace.unknownCancelled(n, g, done, got, t)
			}
			c.met.unknownWrite(at, true)
			return t, false
		}
	}
	n.unknown, n.unknownWrite = true, t
	n.viewDelay = c.env.watchDelay.SampleNs(&c.d.r)
	c.becameUnknown(n, t)
	// The kubelet may now see the change: replay its pending ticks.
	n.status.regenerate(c.sp, c.env, n)
	done := t + sim.Time(c.cfg.TransitionCost)
	c.fo.endpointsGone(n, done) // MarkPodsNotReady: every pod's Ready=False written
	return done, true
}

// becameUnknown records a Ready→Unknown transition at t.
func (c *controller) becameUnknown(n *node, t sim.Time) {
	c.setUnknown(n, true, t)
	if c.pressureUnknown != nil {
		c.pressureUnknown(n, t)
	}
	c.met.transition(n, t, c.passes, c.env.api.load)
	if c.hooks.onTransition != nil {
		c.hooks.onTransition(n, t, true)
	}
}

// recovered handles the pass that sees the kubelet's Ready=True again:
// markNodeAsReachable removes the NoExecute taint and dequeues the node.
func (c *controller) recovered(n *node, t sim.Time) {
	n.unknown = false
	c.setUnknown(n, false, t)
	c.reachable(n)
	c.met.recovery(n, t)
	if c.hooks.onTransition != nil {
		c.hooks.onTransition(n, t, false)
	}
}

// setUnknown keeps the zone's Unknown count (for the metrics) and its
// not-ready count in step with n.
func (c *controller) setUnknown(n *node, v bool, t sim.Time) {
	z := &c.zones[n.zone]
	if v {
		z.unknown++
	} else {
		z.unknown--
	}
	c.countNotReady(n)
	c.met.unknownCount(c.zones, n, z, t)
}

// countNotReady keeps the zone's not-ready count in step with n:
// ComputeZoneState counts every node whose Ready condition is not True,
// so a node that never posted (no Ready condition) counts as well as an
// Unknown one.
func (c *controller) countNotReady(n *node) {
	v := n.unknown || n.status.seenHB < 0 || n.readyFalse
	if n.notReady == v {
		return
	}
	n.notReady = v
	z := &c.zones[n.zone]
	if v {
		z.notReady++
	} else {
		z.notReady--
	}
}
