package model

import "github.com/nodesim/nodesim/sim"

// schedulePending places the Pending replacements of n's evicted pods at
// t if nothing keeps them off: the scheduler's TaintToleration filter
// skips a node with a pressure NoSchedule taint, so they wait for the
// controller to remove it (doNoScheduleTaintingPass, once the informer
// has the PATCH that cleared the condition), not for the kubelet's
// condition to clear; then the kubelet's Admit takes each it accepts.
// It runs whenever a taint, a condition or the Pending count changes,
// and at every pass of the eviction manager (a retry: the controller's
// not-ready and unreachable taints, which keep the pods off too, go
// without telling this model).
func (r *run) schedulePending(n *node, d *diskNode, t sim.Time) {
	if d.pending == 0 || t >= n.crashAt || n.unknown || n.readyFalse {
		return
	}
	for _, at := range d.taintAt {
		if at != sim.Never {
			return
		}
	}
	p := r.pr
	for i := range d.pods {
		if q := &d.pods[i]; q.start == sim.Never && !q.critical && d.admits(&p.mp, i) {
			r.pendingChange(n, d, t)
			r.admitPod(d, i, t)
			if p.onAdmit != nil {
				p.onAdmit(n, t, i)
			}
		}
	}
}

// admitPod starts pod i of d at t with fresh usage of every model.
func (r *run) admitPod(d *diskNode, i int, t sim.Time) {
	p := r.pr
	d.admit(&p.dp, i, t)
	if d.mem != nil {
		d.mem[i].start(&p.mp, &d.memRates, t)
	}
}

// admits is managerImpl.Admit for pod i under the kubelet's conditions:
// anything with no condition, critical pods always, and under
// MemoryPressure alone every pod but a BestEffort one.
func (d *diskNode) admits(mp *memParams, i int) bool {
	switch {
	case d.conds == 0 || d.pods[i].critical:
		return true
	case d.conds == condMemoryPressure:
		return i < mp.bestEffortFrom
	}
	return false
}
