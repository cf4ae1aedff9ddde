package model

import "github.com/nodesim/nodesim/sim"

// Injected per-node failures. A node is in at most one failure at a time;
// an arrival during another failure is dropped and redrawn after it.

func (r *run) process(k failKind) *FailureProcess {
	f := &r.cfg.Failures
	return [...]*FailureProcess{f.Crash, f.Partition, f.Gray, f.RuntimeDown}[k]
}

// scheduleFailures arms each configured failure process of n after t.
func (r *run) scheduleFailures(n *node, t sim.Time) {
	for k := crashFailure; k < failKinds; k++ {
		if p := r.process(k); p != nil {
			r.armFailure(n, k, t)
		}
	}
}

func (r *run) armFailure(n *node, k failKind, t sim.Time) {
	p := r.process(k)
	at := t + sim.Time(p.Every.SampleNs(&r.failRNG))
	n.nextFail[k] = at
	if at <= r.env.end {
		r.eng.At(at, r.kFailStart, n.id, int64(k))
	}
}

func (r *run) failStart(n *node, k failKind, t sim.Time) {
	if n.fail != noFailure {
		return // re-armed when the current failure ends
	}
	p := r.process(k)
	end := sim.Never
	switch k {
	case crashFailure:
		if p.Repair > 0 {
			end = t.Add(p.Repair)
		}
	case partitionFailure, grayFailure, runtimeDownFailure:
		end = t + sim.Time(p.Lasts.SampleNs(&r.failRNG))
	}
	r.beginFailure(n, k, t, end)
}

// beginFailure puts n, in no failure, into failure k from t until end
// (Never: a crash never repaired). A replayed event's failure
// (n.failReplay) is the event's figure, not a detection sample.
func (r *run) beginFailure(n *node, k failKind, t, end sim.Time) {
	n.fail, n.failStart, n.failCounted = k, t, t >= r.warmup && n.failReplay == 0
	n.failDetected = false
	n.fo = newFailover()
	if r.ctl.master {
		n.fo |= foSawMaster // evictions already stopped
	}
	if n.unknown {
		r.met.detected(n, t) // already Unknown: nothing left to detect
		r.fo.failedOverAlready(n, t)
	}
	switch k {
	case crashFailure:
		n.crashAt = t
	case partitionFailure:
		n.partStart, n.partEnd = t, end
	case grayFailure:
		n.grayStart, n.grayEnd = t, end
	case runtimeDownFailure:
		last := t - sim.Time(r.failRNG.Int64N(int64(runtimePoll)))
		n.runtimeFalse, n.runtimeTrue = runtimeReadyFalse(last, end)
	}
	if end != sim.Never {
		r.eng.At(end, r.kFailEnd, n.id, 0)
	}
	n.lease.regenerate(&r.lp, &r.env, n)
	n.status.regenerate(&r.sp, &r.env, n)
	if k == crashFailure { // the loops are dead until repair
		// NB: the lease's writes sent before the crash commit on the server
		// whether or not the kubelet lives to see the answer.
		n.lease.stopped, n.status.stopped = true, true
		n.status.vis = deliveredDespiteCrash(n.status.vis, n.status.commit, t)
	}
}

func (r *run) failEnd(n *node, t sim.Time) {
	k := n.fail
	r.met.failureOver(n, t)
	n.fail, n.failEnd, n.failReplay = noFailure, t, 0
	if k == crashFailure { // the kubelet restarts
		n.crashAt = sim.Never
		n.status.restart(&r.sp, &r.env, n, t)
		if r.cfg.Rules.Lease {
			n.lease.restart(&r.lp, &r.env, n, t)
		}
	}
	for j := crashFailure; j < failKinds; j++ {
		if r.process(j) != nil && n.nextFail[j] <= t {
			r.armFailure(n, j, t) // the arrival fell inside this failure
		}
	}
}

// deliveredDespiteCrash keeps a pending write that returned before a crash
// at t: it happened, and the informer will still deliver it.
func deliveredDespiteCrash(vis, commit, t sim.Time) sim.Time {
	if vis != sim.Never && commit < t {
		return vis
	}
	return sim.Never
}
