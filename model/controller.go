package model

import (
	"github.com/nodesim/nodesim/sim"
)

// controller is the node lifecycle controller (pkg/controller/nodelifecycle)
// of one run: sliding monitor passes over all nodes, zone states and
// rate-limited NoExecute tainting.
type controller struct {
	cfg   *ControllerConfig
	grace int64
	start int64 // node-startup-grace-period
	lease bool  // the controller reads leases (v1.13+)
	rules Rules

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
}

// pass is one monitorNodeHealth pass starting at s. It returns when the
// pass ends, so the run can arm the next one node-monitor-period later.
func (r *run) pass(s sim.Time) sim.Time {
	r.ctl.passes++
	r.met.pass(s)
	r.ctl.workers.reset(s + sim.Time(r.ctl.cfg.PassOverhead))
	return r.passFrom(s)
}

// passFrom runs a pass that listed the nodes at s, its workers' schedule
// as it stands. Each node is handled when the worker that takes it
// (workqueue.ParallelizeUntil: the first one free) has spent its per-node
// processing; its transition's API calls keep that worker busy, and the
// pass ends when the last worker is done.
func (r *run) passFrom(s sim.Time) sim.Time {
	ws := &r.ctl.workers
	for i := range r.nodes {
		n := &r.nodes[i]
		w, t := ws.instant(n.pos, n.rrWorker, n.rrSlot)
		if r.beforeNode != nil {
			r.beforeNode(n, s, t, w)
		}
		ws.finish(n.pos, w, t, r.processNode(n, s, t))
	}
	end := max(s, ws.end())
	r.handleDisruption(end)
	return end
}

// processNode is tryUpdateNodeHealth plus the transition handling of
// monitorNodeHealth for one node, handled at instant t of a pass that
// listed nodes at s. It returns the worker's clock after the node.
func (r *run) processNode(n *node, s, t sim.Time) sim.Time {
	if r.env.trace != nil {
		r.env.trace.visit(n, t)
	}
	c := &r.ctl
	n.status.observe(&r.sp, &r.env, n, s) // nodes come from the informer snapshot at pass start
	if t < c.leaseGate {
		r.leaveOut(n)
		return t // short-circuited: this node is not processed in this pass
	}
	if n.unknown && n.status.seenReady > n.unknownWrite {
		r.recovered(n, t)
	}
	r.observeFalse(n, t)
	posted := n.status.seenHB >= 0
	r.countNotReady(n)
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
		observed = n.lease.observe(&r.lp, &r.env, n, t)
		if observed >= 0 && (savedLease < 0 || savedLease < observed) {
			n.savedLease, n.probe, refreshed = observed, t, true
		}
	}
	if refreshed {
		r.met.heartbeat(n, before, t)
	}
	if graceExpired(t, n.probe, grace) {
		if c.rules.LeaseCircuitBreaker && c.lease {
			var skip bool
			if t, skip = r.liveLeaseCheck(n, t); skip {
				r.leaveOut(n)
				return t
			}
		}
		if !n.unknown {
			var ok bool
			t, ok = r.writeUnknown(n, s, t)
			if ok {
				n.savedLease = observed
			}
		}
	}
	r.evictionDecision(n, t, observedUnknown)
	return t
}

// observeFalse follows the kubelet's own Ready=False as this pass lists
// it. Entering it is a transition of readyTransitionTimestamp (for
// pod-eviction-timeout) and, for a node whose runtime is down, its
// detection; leaving it for Ready=True is processTaintBaseEviction's
// markNodeAsReachable: taints off, out of the queue.
func (r *run) observeFalse(n *node, t sim.Time) {
	f := n.status.seenFalse && !n.unknown
	if f == n.readyFalse {
		return
	}
	n.readyFalse = f
	if f {
		n.falseSince = t
		if n.fail == runtimeDownFailure {
			r.met.detected(n, t)
		}
		return
	}
	r.reachable(n)
}

// reachable is markNodeAsReachable: both NoExecute taints removed, the
// node dequeued.
func (r *run) reachable(n *node) {
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
func (r *run) liveLeaseCheck(n *node, t sim.Time) (sim.Time, bool) {
	o := r.env.api.request(&r.ctl.d, read, t, 0, nil, 0)
	r.met.leaseCheckFailed(t, !o.ok)
	t += sim.Time(o.dur)
	if !o.ok {
		return t, true
	}
	if vis, newer := n.lease.unseenCommit(t); newer {
		r.ctl.leaseGate = max(r.ctl.leaseGate, vis)
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
func (r *run) evictionDecision(n *node, t sim.Time, observedUnknown bool) {
	c := &r.ctl
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
			r.enqueueTaint(n, t)
		}
	case n.readyFalse:
		if c.rules.TaintBasedEvictions || t > n.falseSince+sim.Time(c.cfg.PodEvictionTimeout) {
			r.enqueueTaint(n, t)
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
func (r *run) writeUnknown(n *node, s, t sim.Time) (sim.Time, bool) {
	const tick, timeout = sim.Time(20e6), sim.Time(100e6)
	c := &r.ctl
	at := t // the node's instant in the pass, as the trace records it
	polled, last := sim.Never, false
	for {
		o := r.env.api.request(&c.d, write, t, 0, nil, 0)
		t += sim.Time(o.dur)
		if o.ok && !n.status.patchedSince(s, t) {
			break
		}
		done := t
		g := r.env.api.request(&c.d, read, t, 0, nil, 0)
		t += sim.Time(g.dur)
		if !g.ok || last {
			if r.env.trace != nil {
				r.env.trace.unknownFailed(n)
			}
			r.met.unknownWrite(at, false)
			r.leaveOut(n)
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
			r.met.heartbeat(n, before, t)
			if r.env.trace != nil {
				r.env.trace.unknownCancelled(n, g, done, got, t)
			}
			r.met.unknownWrite(at, true)
			return t, false
		}
	}
	n.unknown, n.unknownWrite = true, t
	n.viewDelay = r.env.watchDelay.SampleNs(&c.d.r)
	r.becameUnknown(n, t)
	// The kubelet may now see the change: replay its pending ticks.
	n.status.regenerate(&r.sp, &r.env, n)
	done := t + sim.Time(c.cfg.TransitionCost)
	r.endpointsGone(n, done) // MarkPodsNotReady: every pod's Ready=False written
	return done, true
}

// becameUnknown records a Ready→Unknown transition at t.
func (r *run) becameUnknown(n *node, t sim.Time) {
	r.setUnknown(n, true, t)
	if r.pr != nil {
		r.pressureUnknown(n, t)
	}
	r.met.transition(n, t, r.ctl.passes, r.env.api.load)
	if r.onTransition != nil {
		r.onTransition(n, t, true)
	}
}

// recovered handles the pass that sees the kubelet's Ready=True again:
// markNodeAsReachable removes the NoExecute taint and dequeues the node.
func (r *run) recovered(n *node, t sim.Time) {
	n.unknown = false
	r.setUnknown(n, false, t)
	r.reachable(n)
	r.met.recovery(n, t)
	if r.onTransition != nil {
		r.onTransition(n, t, false)
	}
}

// setUnknown keeps the zone's Unknown count (for the metrics) and its
// not-ready count in step with n.
func (r *run) setUnknown(n *node, v bool, t sim.Time) {
	z := &r.ctl.zones[n.zone]
	if v {
		z.unknown++
	} else {
		z.unknown--
	}
	r.countNotReady(n)
	r.met.unknownCount(r.ctl.zones, z, t)
}

// countNotReady keeps the zone's not-ready count in step with n:
// ComputeZoneState counts every node whose Ready condition is not True,
// so a node that never posted (no Ready condition) counts as well as an
// Unknown one.
func (r *run) countNotReady(n *node) {
	v := n.unknown || n.status.seenHB < 0 || n.readyFalse
	if n.notReady == v {
		return
	}
	n.notReady = v
	z := &r.ctl.zones[n.zone]
	if v {
		z.notReady++
	} else {
		z.notReady--
	}
}
