package model

import (
	"github.com/nodesim/nodesim/sim"
)

// leaseLoop is the kubelet's node lease controller
// (component-helpers/apimachinery/lease/controller.go) for one node.
//
// It runs one sync ahead of the node lifecycle controller that consumes
// it: nothing the controller does feeds back into lease renewal, so a sync
// can be computed in one go when it starts. When the environment changes
// under a pending sync (an incident or failure starts), regenerate replays
// it from a snapshot with the same random numbers. No event is scheduled
// per renewal: this is what makes the engine cheap.
type leaseLoop struct {
	d    draws  // its own stream; a copy is a snapshot
	next *draws // if set, the law of the next sync that is not a replay (an excursion's branch)

	hasLease bool     // c.latestLease != nil: try the optimistic PUT first
	lastVis  sim.Time // in-order delivery of the Lease object to the controller
	snap     leaseSnap

	start     sim.Time // start of the pending sync
	nextStart sim.Time // start of the sync after it (sliding + jitter)
	renew     sim.Time // RenewTime of its successful PUT
	commit    sim.Time // when that PUT returned
	vis       sim.Time // when the controller's lease informer has it (Never: no success)
	stopped   bool     // the kubelet is down
	seen      sim.Time // newest RenewTime delivered to the controller, -1: none
}

type leaseSnap struct {
	d        draws
	hasLease bool
	lastVis  sim.Time
}

// leaseParams are the per-run constants of every lease loop.
type leaseParams struct {
	interval   int64 // renewInterval
	jitter     float64
	timeout    int64 // heartbeat client timeout
	retries    int   // maxUpdateRetries
	backoff0   int64 // first backoffEnsureLease wait
	backoffMax int64
}

// generate computes the sync starting at from.
func (l *leaseLoop) generate(p *leaseParams, env *env, n *node, from sim.Time) {
	l.snap = leaseSnap{d: l.d, hasLease: l.hasLease, lastVis: l.lastVis}
	l.start, l.vis = from, sim.Never
	t, ok := from, false
	if l.hasLease {
		t, ok = l.retryUpdate(p, env, n, t)
	}
	if !ok && t < n.crashAt {
		// backoffEnsureLease: GET until it succeeds, waiting 200ms, 400ms, … 7s.
		sleep := p.backoff0 / 2
		for t < n.crashAt && t <= env.end {
			o := env.api.request(&l.d, read, t, p.timeout, &env.net, n.partitioned(t))
			t += sim.Time(o.dur)
			if o.ok {
				l.hasLease = true
				t, ok = l.retryUpdate(p, env, n, t)
				break
			}
			sleep = nextBackoff(sleep, p.backoffMax)
			t += sim.Time(sleep)
		}
	}
	if ok && l.commit >= n.crashAt {
		l.vis = sim.Never // the kubelet died before the PUT returned
	}
	l.nextStart = t + sim.Time(jitter(p.interval, p.jitter, &l.d.r))
	if t >= n.crashAt {
		l.nextStart = sim.Never
	}
}

// retryUpdate is retryUpdateLease: up to retries immediate PUTs, RenewTime
// stamped before each.
func (l *leaseLoop) retryUpdate(p *leaseParams, env *env, n *node, t sim.Time) (sim.Time, bool) {
	for i := 0; i < p.retries && t < n.crashAt; i++ {
		renew := t
		o := env.api.request(&l.d, write, t, p.timeout, &env.net, n.partitioned(t))
		t += sim.Time(o.dur)
		if o.ok {
			l.renew, l.commit = renew, t
			l.vis = env.deliver(&l.d, t, &l.lastVis)
			return t, true
		}
	}
	return t, false
}

// regenerate replays the pending sync under the environment as now known.
func (l *leaseLoop) regenerate(p *leaseParams, env *env, n *node) {
	if l.stopped {
		return
	}
	l.d, l.hasLease, l.lastVis = l.snap.d, l.snap.hasLease, l.snap.lastVis
	l.generate(p, env, n, l.start)
}

// restart starts the loop at t with no cached lease (kubelet start).
func (l *leaseLoop) restart(p *leaseParams, env *env, n *node, t sim.Time) {
	l.stopped, l.hasLease = false, false
	l.fresh()
	l.generate(p, env, n, t)
}

// observe advances the loop to time t and returns the RenewTime of the
// newest lease the controller's informer holds at t (-1: none yet).
func (l *leaseLoop) observe(p *leaseParams, env *env, n *node, t sim.Time) sim.Time {
	for {
		switch {
		case l.vis <= t:
			l.seen, l.vis = l.renew, sim.Never
		case !l.stopped && l.vis == sim.Never && l.nextStart <= t:
			// the pending sync is over (delivered or never succeeded)
		default:
			return l.seen
		}
		if l.stopped {
			return l.seen
		}
		l.advance(p, env, n)
	}
}

func (l *leaseLoop) advance(p *leaseParams, env *env, n *node) {
	if l.nextStart >= n.crashAt || l.nextStart == sim.Never {
		l.stopped = true
		l.vis = sim.Never
		return
	}
	l.fresh()
	l.generate(p, env, n, l.nextStart)
}

// fresh switches to the law set for the next sync that is not a replay.
func (l *leaseLoop) fresh() {
	if l.next != nil {
		l.d, l.next = *l.next, nil
	}
}

// due reports whether the controller, looking at t, takes the pending
// sync's result and starts the next sync: the branch point of a
// rare-event excursion in lease mode.
func (l *leaseLoop) due(t sim.Time) bool {
	return !l.stopped && (l.vis <= t || l.vis == sim.Never && l.nextStart <= t)
}
