package model

import "github.com/nodesim/nodesim/sim"

// Injected per-node failures. A node is in at most one failure at a time;
// an arrival during another failure is dropped and redrawn after it.

// injector injects the configured per-node failures of one run: crashes,
// partitions, gray failures and runtime downs, on its own stream.
type injector struct {
	cfg    *FailuresConfig
	lease  bool     // the kubelet renews a lease (restarted after a crash)
	warmup sim.Time // failures before it are not counted

	rng          sim.Rand // arrivals and durations
	kStart, kEnd sim.Kind // a failure of a node starts, ends

	// What it works with, wired by newRun: the request path and the
	// kubelet loops' parameters (it regenerates the loops it breaks), the
	// controller (whether evictions are stopped), the metrics and
	// failover steps it records, and the engine it schedules on.
	env *env
	sp  *statusParams
	lp  *leaseParams
	ctl *controller
	met *Replication
	fo  *failovers
	eng *sim.Engine
}

func (f *injector) process(k failKind) *FailureProcess {
	c := f.cfg
	return [...]*FailureProcess{c.Crash, c.Partition, c.Gray, c.RuntimeDown}[k]
}

// schedule arms each configured failure process of n after t.
func (f *injector) schedule(n *node, t sim.Time) {
	for k := crashFailure; k < failKinds; k++ {
		if p := f.process(k); p != nil {
			f.arm(n, k, t)
		}
	}
}

func (f *injector) arm(n *node, k failKind, t sim.Time) {
	p := f.process(k)
	at := t + sim.Time(p.Every.SampleNs(&f.rng))
	n.nextFail[k] = at
	if at <= f.env.end {
		f.eng.At(at, f.kStart, n.id, int64(k))
	}
}

func (f *injector) start(n *node, k failKind, t sim.Time) {
	if n.fail != noFailure {
		return // re-armed when the current failure ends
	}
	p := f.process(k)
	end := sim.Never
	switch k {
	case crashFailure:
		if p.Repair > 0 {
			end = t.Add(p.Repair)
		}
	case partitionFailure, grayFailure, runtimeDownFailure:
		end = t + sim.Time(p.Lasts.SampleNs(&f.rng))
	}
	f.begin(n, k, t, end)
}

// begin puts n, in no failure, into failure k from t until end
// (Never: a crash never repaired). A replayed event's failure
// (n.failReplay) is the event's figure, not a detection sample.
func (f *injector) begin(n *node, k failKind, t, end sim.Time) {
	n.fail, n.failStart, n.failCounted = k, t, t >= f.warmup && n.failReplay == 0
	n.failDetected = false
	n.fo = newFailover()
	if f.ctl.master {
		n.fo |= foSawMaster // evictions already stopped
	}
	if n.unknown {
		f.met.detected(n, t) // already Unknown: nothing left to detect
		f.fo.failedOverAlready(n, t)
	}
	switch k {
	case crashFailure:
		n.crashAt = t
	case partitionFailure:
		n.partStart, n.partEnd = t, end
	case grayFailure:
		n.grayStart, n.grayEnd = t, end
	case runtimeDownFailure:
		last := t - sim.Time(f.rng.Int64N(int64(runtimePoll)))
		n.runtimeFalse, n.runtimeTrue = runtimeReadyFalse(last, end)
	}
	if end != sim.Never {
		f.eng.At(end, f.kEnd, n.id, 0)
	}
	n.lease.regenerate(f.lp, f.env, n)
	n.status.regenerate(f.sp, f.env, n)
	if k == crashFailure { // the loops are dead until repair
		// NB: the lease's writes sent before the crash commit on the server
		// whether or not the kubelet lives to see the answer.
		n.lease.stopped, n.status.stopped = true, true
		n.status.vis = deliveredDespiteCrash(n.status.vis, n.status.commit, t)
	}
}

func (f *injector) end(n *node, t sim.Time) {
	k := n.fail
	f.met.failureOver(n, t)
	n.fail, n.failEnd, n.failReplay = noFailure, t, 0
	if k == crashFailure { // the kubelet restarts
		n.crashAt = sim.Never
		n.status.restart(f.sp, f.env, n, t)
		if f.lease {
			n.lease.restart(f.lp, f.env, n, t)
		}
	}
	for j := crashFailure; j < failKinds; j++ {
		if f.process(j) != nil && n.nextFail[j] <= t {
			f.arm(n, j, t) // the arrival fell inside this failure
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
