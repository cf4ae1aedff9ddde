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
	etcd     leaseRV  // the Lease's resourceVersions: what the kubelet holds, what etcd has
	lastVis  sim.Time // in-order delivery of the Lease object to the controller
	snap     leaseSnap

	start     sim.Time      // start of the pending sync
	nextStart sim.Time      // start of the sync after it (sliding + jitter)
	commits   []leaseCommit // writes of the pending sync that committed, in commit order
	head      int           // commits before head were delivered
	renew     sim.Time      // RenewTime of commits[head]
	commit    sim.Time      // when it committed
	vis       sim.Time      // when the controller's lease informer has it (Never: nothing left)
	stopped   bool          // the kubelet is down
	seen      sim.Time      // newest RenewTime delivered to the controller, -1: none
}

// leaseCommit is one write of the Lease that etcd committed.
type leaseCommit struct{ renew, commit, vis sim.Time }

// leaseRV is etcd's optimistic concurrency on one Lease, with versions
// named by the commit time of the write that made them. A PUT carries the
// version the kubelet holds (base) and commits only if etcd still has it;
// otherwise it gets 409 Conflict. A PUT the client gave up on (timeout)
// still commits at its server-side time unless another write committed
// first; of the writes in flight on the current version only the earliest
// to commit can win, so one pending write is all there is to remember.
type leaseRV struct {
	base, ver sim.Time
	pendAt    sim.Time // commit time of that write (Never: none)
	pendRenew sim.Time // its RenewTime
}

type leaseSnap struct {
	d        draws
	hasLease bool
	etcd     leaseRV
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
	sync       LeaseSync
	closeAll   bool // before v1.24: a failed try after the first closes every connection
}

// generate computes the sync starting at from.
func (l *leaseLoop) generate(p *leaseParams, env *env, n *node, from sim.Time) {
	l.snap = leaseSnap{d: l.d, hasLease: l.hasLease, etcd: l.etcd, lastVis: l.lastVis}
	l.start, l.commits = from, l.commits[:0]
	t, ok := from, false
	switch {
	case p.sync == LeaseGetFirst:
		l.hasLease = false // the latest lease is not kept: GET every sync
	case l.hasLease && p.sync == LeaseSingleOptimistic:
		var res putResult
		t, res = l.put(p, env, n, t)
		ok = res == putOK
	case l.hasLease:
		t, ok = l.retryUpdate(p, env, n, t)
	}
	if !ok && t < n.crashAt {
		if t = l.ensure(p, env, n, t); l.hasLease {
			t, _ = l.retryUpdate(p, env, n, t)
		}
	}
	l.nextStart = t + sim.Time(jitter(p.interval, p.jitter, &l.d.r))
	if t >= n.crashAt {
		l.nextStart = sim.Never
	}
	if l.etcd.pendAt <= l.nextStart {
		l.settle(env, l.etcd.pendAt) // no later write can be sent before it commits
	}
	l.show()
}

// show mirrors the next undelivered commit into renew, commit and vis.
func (l *leaseLoop) show() {
	if l.head >= len(l.commits) {
		l.vis = sim.Never
		return
	}
	c := &l.commits[l.head]
	l.renew, l.commit, l.vis = c.renew, c.commit, c.vis
}

// settle commits the pending late write if it commits at or before t.
func (l *leaseLoop) settle(env *env, t sim.Time) {
	e := &l.etcd
	if e.pendAt == sim.Never || e.pendAt > t {
		return
	}
	l.committed(env, e.pendRenew, e.pendAt)
	e.ver, e.pendAt = e.pendAt, sim.Never
}

func (l *leaseLoop) committed(env *env, renew, at sim.Time) {
	l.commits = append(l.commits, leaseCommit{renew: renew, commit: at, vis: env.deliver(&l.d, at, &l.lastVis)})
}

// putResult is how a PUT ended for the client.
type putResult uint8

const (
	putFailed putResult = iota
	putOK
	putConflict
)

// put is one Update of the Lease at t with RenewTime t, based on the
// version the kubelet holds. It returns when the client has its answer.
func (l *leaseLoop) put(p *leaseParams, env *env, n *node, t sim.Time) (sim.Time, putResult) {
	o := env.api.request(&l.d, write, t, p.timeout, &env.net, n.lost(t))
	n.throttle(&o, t)
	e := &l.etcd
	end := t + sim.Time(o.dur)
	switch {
	case o.ok:
		l.settle(env, end)
		if e.base != e.ver {
			return end, putConflict // a write the kubelet gave up on committed first
		}
		l.committed(env, t, end)
		e.ver, e.base, e.pendAt = end, end, sim.Never // writes still in flight now conflict
		return end, putOK
	case o.late > 0:
		if at := t + sim.Time(o.late); e.base == e.ver && at < e.pendAt {
			e.pendAt, e.pendRenew = at, t
		}
	}
	return end, putFailed
}

// retryUpdate is retryUpdateLease: up to retries immediate PUTs, RenewTime
// stamped before each; a 409 Conflict gets the latest lease
// (backoffEnsureLease) and counts as a try.
func (l *leaseLoop) retryUpdate(p *leaseParams, env *env, n *node, t sim.Time) (sim.Time, bool) {
	for i := 0; i < p.retries && t < n.crashAt; i++ {
		var res putResult
		switch t, res = l.put(p, env, n, t); res {
		case putOK:
			return t, true
		case putConflict:
			if p.sync != LeaseGetFirst { // no 409 handling before PR #79341
				t = l.ensure(p, env, n, t)
				continue
			}
		}
		if i > 0 {
			n.closeConnections(p.closeAll, t) // onRepeatedHeartbeatFailure
		}
	}
	return t, false
}

// ensure is backoffEnsureLease: GET until it succeeds, waiting 200ms,
// 400ms, … 7s; the kubelet then holds the version etcd has.
func (l *leaseLoop) ensure(p *leaseParams, env *env, n *node, t sim.Time) sim.Time {
	l.hasLease = false
	sleep := p.backoff0 / 2
	for t < n.crashAt && t <= env.end {
		o := env.api.request(&l.d, read, t, p.timeout, &env.net, n.lost(t))
		n.throttle(&o, t)
		t += sim.Time(o.dur)
		if o.ok {
			l.settle(env, t)
			l.hasLease, l.etcd.base = true, l.etcd.ver
			return t
		}
		sleep = nextBackoff(sleep, p.backoffMax)
		t += sim.Time(sleep)
	}
	return t
}

// regenerate replays the pending sync under the environment as now known.
func (l *leaseLoop) regenerate(p *leaseParams, env *env, n *node) {
	if l.stopped {
		return
	}
	l.d, l.hasLease, l.etcd, l.lastVis = l.snap.d, l.snap.hasLease, l.snap.etcd, l.snap.lastVis
	head := l.head // NB: commits delivered before now come out the same
	l.generate(p, env, n, l.start)
	l.head = min(head, len(l.commits))
	l.show()
}

// restart starts the loop at t with no cached lease (kubelet start).
func (l *leaseLoop) restart(p *leaseParams, env *env, n *node, t sim.Time) {
	l.stopped, l.hasLease = false, false
	l.fresh()
	l.head = 0
	l.generate(p, env, n, t)
}

// observe advances the loop to time t and returns the RenewTime of the
// newest lease the controller's informer holds at t (-1: none yet).
func (l *leaseLoop) observe(p *leaseParams, env *env, n *node, t sim.Time) sim.Time {
	for {
		switch {
		case l.vis <= t:
			if env.trace != nil {
				env.trace.lease(n, l)
			}
			l.seen = l.renew
			if l.head++; l.head < len(l.commits) {
				l.show()
				continue
			}
			l.vis = sim.Never
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
	l.head = 0
	l.generate(p, env, n, l.nextStart)
}

// unseenCommit reports the newest commit at or before t that the
// controller's informer has not delivered, and when it will.
func (l *leaseLoop) unseenCommit(t sim.Time) (sim.Time, bool) {
	for i := len(l.commits) - 1; i >= l.head; i-- {
		if l.commits[i].commit <= t {
			return l.commits[i].vis, true
		}
	}
	return 0, false
}

// fresh switches to the law set for the next sync that is not a replay.
func (l *leaseLoop) fresh() {
	if l.next != nil {
		l.d, l.next = l.next.takeOver(&l.d), nil
	}
}

// due reports whether the controller, looking at t, takes the pending
// sync's result and starts the next sync: the branch point of a
// rare-event excursion in lease mode.
func (l *leaseLoop) due(t sim.Time) bool {
	if l.stopped {
		return false
	}
	if l.head < len(l.commits) {
		return l.commits[len(l.commits)-1].vis <= t // delivered in order: the last is last
	}
	return l.vis <= t || l.vis == sim.Never && l.nextStart <= t
}
