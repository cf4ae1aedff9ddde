package model

import (
	"github.com/nodesim/nodesim/sim"
)

// statusLoop is the kubelet's node status loop (syncNodeStatus →
// updateNodeStatus → tryUpdateNodeStatus) for one node.
//
// Like leaseLoop it is generated ahead of the controller, one batch of
// ticks up to and including the next PATCH. Its only input from the
// controller is the Ready=Unknown write; when one happens, the pending
// batch is replayed (regenerate) so ticks after the write see it.
type statusLoop struct {
	d    draws  // its own stream; a copy is a snapshot
	next *draws // if set, the law of the next batch that is not a replay (an excursion's branch)

	lastReport  sim.Time  // lastStatusReportTime (kubelet clock)
	reportDelay int64     // delayAfterNodeStatusChange (v1.34+)
	nextChange  sim.Time  // next status change other than Ready (Never: none)
	readyCommit sim.Time  // last PATCH that set Ready=True over an Unknown
	lastVis     sim.Time  // in-order delivery of the Node object
	late        latePatch // a PATCH the kubelet gave up on that still commits
	snap        statusSnap

	start     sim.Time // first tick of the pending batch
	nextStart sim.Time // tick after the PATCH's tick
	hb        int64    // LastHeartbeatTime (seconds) of the pending PATCH
	setsReady bool     // the PATCH carries Ready=True over an Unknown
	pendFalse bool     // the PATCH carries Ready=False (runtime down)
	cur       uint8    // the kubelet's pressure conditions (pressure.go)
	conds     uint8    // those the pending PATCH carries
	commit    sim.Time // when the PATCH returned
	vis       sim.Time // when the controller's node informer has it (Never: none)
	ticks     int32    // ticks in the pending batch, for tests
	stopped   bool
	saysFalse bool // the kubelet's last committed PATCH carried Ready=False
	seenFalse bool // the newest PATCH delivered to the controller carries Ready=False

	seenHB    int64    // newest LastHeartbeatTime delivered to the controller, -1: none
	seenReady sim.Time // commit time of the newest delivered Ready=True PATCH
	seenAt    sim.Time // commit time of the newest PATCH delivered to the controller
}

// latePatch is a status PATCH the kubelet's client timeout cut off after
// the apiserver took it: it still commits at its server-side time. A
// strategic-merge PATCH carries no resourceVersion precondition, so it
// never conflicts: etcd keeps the last writer, even when that is an older
// LastHeartbeatTime landing after a newer PATCH, and the watch delivers
// both in commit order.
type latePatch struct {
	at   sim.Time // commit time (Never: none)
	hb   int64
	sets bool     // it carries Ready=True over an Unknown
	no   bool     // it carries Ready=False
	vis  sim.Time // delivery, computed in commit order once settled (Never: not yet)
}

type statusSnap struct {
	d                                draws
	lastReport, readyCommit, lastVis sim.Time
	reportDelay                      int64
	nextChange                       sim.Time
	late                             latePatch
	saysFalse                        bool
}

// statusParams are the per-run constants of every status loop.
type statusParams struct {
	frequency   int64 // nodeStatusUpdateFrequency
	jitter      float64
	report      int64 // nodeStatusReportFrequency
	lease       bool  // lease mode: patch only on change or report frequency
	reportDelay bool  // v1.34+: a random offset on the report after a change or restart
	fromCache   bool  // v1.31+: try 0 reads the kubelet's own informer
	closeAll    bool  // before v1.24: a failed try after the first closes every connection
	retries     int   // nodeStatusUpdateRetry
	timeout     int64
	collect     Dist
	collectPods int64 // per-pod addition × pods on the node
	changes     Dist  // time between other status changes
	changesOn   bool
}

const longAgo = sim.Time(-1 << 62)

// generate computes ticks from the one at from until one PATCHes.
func (s *statusLoop) generate(p *statusParams, env *env, n *node, from sim.Time) {
	s.snap = statusSnap{d: s.d, lastReport: s.lastReport, readyCommit: s.readyCommit, lastVis: s.lastVis, reportDelay: s.reportDelay, nextChange: s.nextChange, late: s.late, saysFalse: s.saysFalse}
	if env.pr != nil {
		env.pr.snapshot(n)
	}
	s.start, s.vis, s.ticks = from, sim.Never, 0
	for tick := from; ; {
		if tick >= n.crashAt || tick > env.end {
			s.nextStart = sim.Never
			s.settleLate(env, sim.Never) // no later PATCH can land before it
			return
		}
		if n.grayStart <= tick && tick < n.grayEnd {
			tick = n.grayEnd // the sync hangs on the faulty disk until it clears
			continue
		}
		s.ticks++
		var collect int64
		if s.d.law != nil {
			collect = s.d.tiltedNs(&p.collect, siteCollect)
		} else {
			collect = p.collect.SampleNs(&s.d.r)
		}
		t := tick + sim.Time(collect+p.collectPods)
		patched := false
		for try := 0; try < p.retries && t < n.crashAt; try++ {
			cached := try == 0
			if !(cached && p.fromCache) {
				// GET: rv=0 (watch cache) on try 0 before v1.31, quorum after
				o := env.api.request(&s.d, read, t, p.timeout, &env.net, n.lost(t))
				n.throttle(&o, t)
				t += sim.Time(o.dur)
				if !o.ok {
					if try > 0 {
						n.closeConnections(p.closeAll, t)
					}
					continue
				}
			}
			s.settleLate(env, t) // what the server holds at t
			unknown := n.kubeletSeesUnknown(t, cached, s.readyCommit)
			// The ReadyCondition setter: Ready=False while the runtime is
			// down, a change of the condition's status either way.
			no := n.reportsFalse(t)
			changed := unknown || s.nextChange <= t || no != s.saysFalse || (env.pr != nil && env.pr.changeDue(n, t))
			if p.lease && !changed && t-s.lastReport < sim.Time(p.report+s.reportDelay) {
				break // nothing changed and the report is not due
			}
			if p.reportDelay {
				s.reportDelay = 0 // a periodic report: back on the fixed schedule
				if changed || s.lastReport == longAgo {
					s.reportDelay = reportOffset(p.report, &s.d.r)
				}
			}
			hb := heartbeatSeconds(t) // setters stamp LastHeartbeatTime = now
			sets := unknown || s.lastVis == longAgo
			sent := t
			o := env.api.request(&s.d, write, t, p.timeout, &env.net, n.lost(t))
			n.throttle(&o, t)
			if !o.ok {
				if o.late > 0 {
					s.lateAt(t+sim.Time(o.late), hb, sets, no)
				}
				t += sim.Time(o.dur)
				if try > 0 {
					n.closeConnections(p.closeAll, t)
				}
				continue
			}
			t += sim.Time(o.dur)
			s.settleLate(env, t) // a late PATCH that landed first is delivered first
			if t >= n.crashAt {
				break // died before the PATCH returned
			}
			s.lastReport = t
			for s.nextChange <= t {
				s.nextChange += sim.Time(p.changeGap(&s.d)) // reported: wait for the next one
			}
			// The first PATCH of the node's life sets Ready=True whatever the
			// kubelet saw: its original object has no Ready condition, so the
			// two-way merge patch carries the whole condition.
			if sets {
				s.readyCommit = t
			}
			if env.pr != nil {
				env.pr.reported(n, sent)
			}
			s.hb, s.setsReady, s.commit, s.conds = hb, sets, t, s.cur
			s.saysFalse, s.pendFalse = no, no
			s.vis = env.deliver(&s.d, t, &s.lastVis)
			patched = true
			break
		}
		next := t + sim.Time(jitter(p.frequency, p.jitter, &s.d.r))
		if patched {
			s.nextStart = next
			s.settleLate(env, next) // the next batch sends nothing before next
			return
		}
		tick = next
	}
}

// regenerate replays the pending batch under the environment as now known.
func (s *statusLoop) regenerate(p *statusParams, env *env, n *node) {
	if s.stopped {
		return
	}
	s.d, s.late = s.snap.d, s.snap.late
	s.lastReport, s.readyCommit, s.lastVis, s.reportDelay, s.nextChange = s.snap.lastReport, s.snap.readyCommit, s.snap.lastVis, s.snap.reportDelay, s.snap.nextChange
	s.saysFalse = s.snap.saysFalse
	if env.pr != nil {
		env.pr.restore(n)
	}
	s.generate(p, env, n, s.start)
}

// restart starts the loop at t as a freshly started kubelet.
func (s *statusLoop) restart(p *statusParams, env *env, n *node, t sim.Time) {
	s.stopped, s.lastReport, s.reportDelay = false, longAgo, 0
	s.fresh()
	s.nextChange = sim.Never
	if env.pr != nil {
		env.pr.restarted(n)
	}
	if p.changesOn {
		s.nextChange = t + sim.Time(p.changeGap(&s.d))
	}
	s.generate(p, env, n, t)
}

// observe advances the loop to t and updates what the controller's node
// informer holds at t.
func (s *statusLoop) observe(p *statusParams, env *env, n *node, t sim.Time) {
	for {
		if s.lateDue(t) {
			s.seeLate(env, n)
			continue
		}
		if s.vis > t {
			return
		}
		if env.trace != nil {
			env.trace.status(n, s.hb, s.commit, s.vis, s.setsReady)
		}
		if env.pr != nil {
			env.pr.delivered(n, s.conds, s.vis)
		}
		s.seenHB, s.seenAt, s.vis, s.seenFalse = s.hb, s.commit, sim.Never, s.pendFalse
		if s.setsReady {
			s.seenReady = s.commit
		}
		if s.stopped || s.nextStart == sim.Never {
			s.stopped = true
			continue // a late PATCH may still land
		}
		s.fresh()
		s.generate(p, env, n, s.nextStart)
	}
}

// lateAt records a PATCH sent with heartbeat hb that the kubelet gave up
// on and that commits at at. Memory stays one pending late PATCH per node:
// of two pending at once only the first to land is kept, so the other's
// delivery is lost, which can only withhold a refresh from the controller.
func (s *statusLoop) lateAt(at sim.Time, hb int64, sets, no bool) {
	if s.late.at != sim.Never && s.late.at <= at {
		return
	}
	s.late = latePatch{at: at, hb: hb, sets: sets, no: no, vis: sim.Never}
}

// settleLate commits the pending late PATCH if it lands at or before t:
// no other write of this kubelet can commit before it, so its delivery is
// computed now, in commit order.
func (s *statusLoop) settleLate(env *env, t sim.Time) {
	l := &s.late
	if l.at == sim.Never || l.vis != sim.Never || l.at > t {
		return
	}
	if l.sets && l.at > s.readyCommit {
		s.readyCommit = l.at
	}
	l.vis = env.deliver(&s.d, l.at, &s.lastVis)
}

// lateDue reports whether the late PATCH reaches the controller's informer
// by t, ahead of the pending PATCH if it committed first.
func (s *statusLoop) lateDue(t sim.Time) bool {
	l := &s.late
	if l.vis > t {
		return false
	}
	return s.vis == sim.Never || l.at < s.commit
}

// seeLate delivers the late PATCH to the controller (once: a replay
// recreates one already delivered, which seenAt drops).
func (s *statusLoop) seeLate(env *env, n *node) {
	l := s.late
	s.late = latePatch{at: sim.Never, vis: sim.Never}
	if l.at <= s.seenAt {
		return
	}
	if env.trace != nil {
		env.trace.status(n, l.hb, l.at, l.vis, l.sets)
	}
	s.seenHB, s.seenAt, s.seenFalse = l.hb, l.at, l.no
	if l.sets {
		s.seenReady = l.at
	}
}

// nextVis is when the controller's node informer next gets a PATCH.
func (s *statusLoop) nextVis() sim.Time { return min(s.vis, s.late.vis) }

// changeGap draws the time to the next other status change (at least 1ns).
func (p *statusParams) changeGap(d *draws) int64 {
	if !p.changesOn {
		return int64(sim.Never)
	}
	var g int64
	if d.law != nil {
		g = d.tiltedNs(&p.changes, siteChange)
	} else {
		g = p.changes.SampleNs(&d.r)
	}
	return max(g, 1)
}

// patchedSince reports whether a PATCH the controller's node informer had
// not delivered at s has committed by t: the listed copy is then stale.
func (s *statusLoop) patchedSince(listed, t sim.Time) bool {
	if s.lateUnseen(listed) && s.late.at <= t {
		return true
	}
	return s.vis != sim.Never && s.vis > listed && s.commit <= t
}

// lateUnseen reports whether a late PATCH is pending that the informer
// had not delivered at listed.
func (s *statusLoop) lateUnseen(listed sim.Time) bool {
	l := &s.late
	return l.at != sim.Never && l.at > s.seenAt && (l.vis == sim.Never || l.vis > listed)
}

// getPatch is the PATCH a quorum GET at t returns, if one the controller
// has not seen has committed by then: the last to commit wins, even a
// late one carrying an older heartbeat.
type getPatch struct {
	hb     int64
	commit sim.Time
	sets   bool
}

// committedHB is the PATCH a quorum GET at t returns (see getPatch).
func (s *statusLoop) committedHB(t sim.Time) (getPatch, bool) {
	var g getPatch
	ok := false
	if s.vis != sim.Never && s.commit <= t {
		g, ok = getPatch{hb: s.hb, commit: s.commit, sets: s.setsReady}, true
	}
	if l := &s.late; l.at != sim.Never && l.at > s.seenAt && l.at <= t && (!ok || l.at > g.commit) {
		g, ok = getPatch{hb: l.hb, commit: l.at, sets: l.sets}, true
	}
	return g, ok
}

// fresh switches to the law set for the next batch that is not a replay.
func (s *statusLoop) fresh() {
	if s.next != nil {
		s.d, s.next = s.next.takeOver(&s.d), nil
	}
}

// due reports whether the controller, listing nodes at t, takes the
// pending PATCH and starts the next batch: the branch point of a
// rare-event excursion before leases.
func (s *statusLoop) due(t sim.Time) bool {
	return !s.stopped && s.vis <= t && s.nextStart != sim.Never
}

// conditionChanged tells the loop at t that the kubelet's pressure
// conditions are now conds. A pending PATCH sent from t on is replayed so
// it carries them (and, in lease mode, so the first tick from t patches);
// one sent before t stands, and the next batch reports the change.
func (s *statusLoop) conditionChanged(p *statusParams, env *env, n *node, conds uint8, t sim.Time) {
	s.cur = conds
	d := &env.pr.nodes[n.id]
	d.snapChange = min(d.snapChange, t)
	if s.stopped || (s.vis != sim.Never && d.sent < t) {
		d.condChange = min(d.condChange, t)
		return
	}
	s.regenerate(p, env, n)
}
