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

	lastReport  sim.Time // lastStatusReportTime (kubelet clock)
	reportDelay int64    // delayAfterNodeStatusChange (v1.34+)
	nextChange  sim.Time // next status change other than Ready (Never: none)
	readyCommit sim.Time // last PATCH that set Ready=True over an Unknown
	lastVis     sim.Time // in-order delivery of the Node object
	snap        statusSnap

	start     sim.Time // first tick of the pending batch
	nextStart sim.Time // tick after the PATCH's tick
	hb        int64    // LastHeartbeatTime (seconds) of the pending PATCH
	setsReady bool     // the PATCH carries Ready=True over an Unknown
	commit    sim.Time // when the PATCH returned
	vis       sim.Time // when the controller's node informer has it (Never: none)
	ticks     int32    // ticks in the pending batch, for tests
	stopped   bool

	seenHB    int64    // newest LastHeartbeatTime delivered to the controller, -1: none
	seenReady sim.Time // commit time of the newest delivered Ready=True PATCH
}

type statusSnap struct {
	d                                draws
	lastReport, readyCommit, lastVis sim.Time
	reportDelay                      int64
	nextChange                       sim.Time
}

// statusParams are the per-run constants of every status loop.
type statusParams struct {
	frequency   int64 // nodeStatusUpdateFrequency
	jitter      float64
	report      int64 // nodeStatusReportFrequency
	lease       bool  // lease mode: patch only on change or report frequency
	reportDelay bool  // v1.34+: a random offset on the report after a change or restart
	fromCache   bool  // v1.31+: try 0 reads the kubelet's own informer
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
	s.snap = statusSnap{d: s.d, lastReport: s.lastReport, readyCommit: s.readyCommit, lastVis: s.lastVis, reportDelay: s.reportDelay, nextChange: s.nextChange}
	s.start, s.vis, s.ticks = from, sim.Never, 0
	for tick := from; ; {
		if tick >= n.crashAt || tick > env.end {
			s.nextStart = sim.Never
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
				o := env.api.request(&s.d, read, t, p.timeout, &env.net, n.partitioned(t))
				t += sim.Time(o.dur)
				if !o.ok {
					continue
				}
			}
			unknown := n.kubeletSeesUnknown(t, cached, s.readyCommit)
			changed := unknown || s.nextChange <= t
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
			o := env.api.request(&s.d, write, t, p.timeout, &env.net, n.partitioned(t))
			t += sim.Time(o.dur)
			if !o.ok {
				continue
			}
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
			sets := unknown || s.lastVis == longAgo
			if sets {
				s.readyCommit = t
			}
			s.hb, s.setsReady, s.commit = hb, sets, t
			s.vis = env.deliver(&s.d, t, &s.lastVis)
			patched = true
			break
		}
		next := t + sim.Time(jitter(p.frequency, p.jitter, &s.d.r))
		if patched {
			s.nextStart = next
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
	s.d = s.snap.d
	s.lastReport, s.readyCommit, s.lastVis, s.reportDelay, s.nextChange = s.snap.lastReport, s.snap.readyCommit, s.snap.lastVis, s.snap.reportDelay, s.snap.nextChange
	s.generate(p, env, n, s.start)
}

// restart starts the loop at t as a freshly started kubelet.
func (s *statusLoop) restart(p *statusParams, env *env, n *node, t sim.Time) {
	s.stopped, s.lastReport, s.reportDelay = false, longAgo, 0
	s.fresh()
	s.nextChange = sim.Never
	if p.changesOn {
		s.nextChange = t + sim.Time(p.changeGap(&s.d))
	}
	s.generate(p, env, n, t)
}

// observe advances the loop to t and updates what the controller's node
// informer holds at t.
func (s *statusLoop) observe(p *statusParams, env *env, n *node, t sim.Time) {
	for s.vis <= t {
		if env.trace != nil {
			env.trace.status(n, s)
		}
		s.seenHB, s.vis = s.hb, sim.Never
		if s.setsReady {
			s.seenReady = s.commit
		}
		if s.stopped || s.nextStart == sim.Never {
			s.stopped = true
			return
		}
		s.fresh()
		s.generate(p, env, n, s.nextStart)
	}
}

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
	return s.vis != sim.Never && s.vis > listed && s.commit <= t
}

// committedHB is the LastHeartbeatTime a quorum GET at t returns, if the
// pending PATCH has committed by then.
func (s *statusLoop) committedHB(t sim.Time) (int64, bool) {
	if s.vis == sim.Never || s.commit > t {
		return 0, false
	}
	return s.hb, true
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
