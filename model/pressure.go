package model

import (
	"fmt"
	"unsafe"

	"github.com/nodesim/nodesim/sim"
)

// pressureRun is a run's node pressure: every node's filesystem, memory
// and processes ([disk], [memory], [pids]), eviction manager and pods,
// and the conditions the Node objects carry. It is nil unless one of
// those tables or cluster.node-conditions-from is set, so a run without
// them does nothing more than before.
type pressureRun struct {
	r       *run
	dp      diskParams
	mp      memParams
	disk    bool       // the filesystem model runs
	evicts  bool       // an eviction manager runs: [disk], [memory] or [pids]
	nodes   []diskNode // by node id, with an eviction manager
	rules   ConditionRules
	carried uint8   // conditions beside Ready on every Node object
	stale   []uint8 // by node id: conditions Unknown for good
	stats   conditionStats
	warmup  sim.Time
	end     sim.Time

	kSync, kGC, kRunaway, kRecreate, kKilled, kLeak, kForkBomb sim.Kind

	onCondition func(n *node, t sim.Time, conds uint8) // tests: the kubelet's conditions changed
	onSeen      func(n *node, t sim.Time, conds uint8) // tests: the controller's informer got a PATCH carrying conds
	onEvict     func(n *node, t sim.Time, pod int)     // tests: the eviction manager evicted pod
	onAdmit     func(n *node, t sim.Time, pod int)     // tests: a Pending pod was placed and admitted again
}

// validatePressure checks the eviction, disk and condition keys.
func (c *Config) validatePressure() []error {
	errs := c.Kubelet.Eviction.validate()
	if !c.Disk.Enabled() {
		if key := diskKeySet(&c.Disk); key != "" {
			errs = append(errs, &FieldError{Key: key, Msg: fmt.Sprintf("is set but %s is not: the disk model is off without a capacity", KeyNodefsCapacity)})
		}
	}
	if c.Disk.Enabled() {
		_, derrs := diskParamsOf(c)
		errs = append(errs, derrs...)
	}
	_, merrs := memParamsOf(c)
	errs = append(errs, merrs...)
	if c.evicts() && c.Simulation.Method == MethodRare {
		errs = append(errs, &FieldError{Key: KeyMethod, Msg: "the rare-event method assumes nodes that only interact through the controller; it does not model [disk], [memory] or [pids] (eviction and pressure conditions): use \"crude\""})
	}
	if c.Cluster.NodeConditionsFrom != "" {
		if _, err := carriedConditions(c); err != nil {
			errs = append(errs, err)
		}
	}
	return errs
}

// evicts reports whether an eviction manager runs: [disk], [memory] or
// [pids] is on.
func (c *Config) evicts() bool { return c.Disk.Enabled() || c.Memory.Enabled() || c.PIDs.Enabled() }

// pressureMemory is a run's pressure model in bytes: each node's disk,
// its pods and up to three more pending events (sync, image GC, runaway
// or recreate), and the stale-condition bytes.
func (c *Config) pressureMemory() float64 {
	nodes := float64(c.Cluster.Nodes)
	b := 0.0
	if c.evicts() || c.Cluster.NodeConditionsFrom != "" {
		b += nodes
	}
	if c.evicts() {
		b += nodes * (float64(unsafe.Sizeof(diskNode{})) + float64(c.Cluster.PodsPerNode)*float64(unsafe.Sizeof(diskPod{})) + 3*24*2)
	}
	if c.Memory.Enabled() || c.PIDs.Enabled() {
		b += nodes * (float64(c.Cluster.PodsPerNode)*float64(unsafe.Sizeof(podMem{})) + 2*24*2)
	}
	return b
}

// diskKeySet names the first [disk] key that differs from its default.
func diskKeySet(d *DiskConfig) string {
	def := DefaultDiskConfig()
	for _, f := range []struct {
		key string
		set bool
	}{
		{KeyNodefsUsed, d.NodefsUsed != def.NodefsUsed},
		{KeyNodefsInodesUsed, d.NodefsInodesUsed != def.NodefsInodesUsed},
		{KeyUnusedImages, d.UnusedImages != def.UnusedImages},
		{KeyPodImage, d.PodImage != def.PodImage},
		{KeyPodLogRate, d.PodLogRate != def.PodLogRate},
		{KeyPodEmptyDirRate, d.PodEmptyDirRate != def.PodEmptyDirRate},
		{KeyPodRequest, d.PodRequest != def.PodRequest},
		{KeyHostWriteRate, d.HostWriteRate != def.HostWriteRate},
		{KeyRunawayEvery, !(d.RunawayEvery.Kind == Constant && d.RunawayEvery.A == 0)},
		{KeyRunawayRate, d.RunawayRate != def.RunawayRate},
		{KeyCriticalPods, d.CriticalPods != def.CriticalPods},
	} {
		if f.set {
			return f.key
		}
	}
	return ""
}

// newPressure sets up r's pressure model, or leaves it nil.
func (r *run) newPressure() {
	cfg := r.cfg
	if !cfg.evicts() && cfg.Cluster.NodeConditionsFrom == "" {
		return
	}
	carried, _ := carriedConditions(cfg) // validated
	pr := &pressureRun{r: r, rules: cfg.Rules.Conditions, carried: carried, stale: make([]uint8, len(r.nodes)), warmup: r.warmup, end: r.env.end}
	pr.stats.on = true
	r.pr = pr
	if !cfg.evicts() {
		return
	}
	pr.evicts, pr.disk = true, cfg.Disk.Enabled()
	if pr.disk {
		pr.dp, _ = diskParamsOf(cfg)
	} else {
		pr.dp = evictionParamsOf(cfg)
	}
	pr.mp, _ = memParamsOf(cfg)
	pr.stats.disk, pr.stats.memory, pr.stats.pids = pr.disk, pr.mp.memory, pr.mp.pids
	pr.nodes = make([]diskNode, len(r.nodes))
	e := r.eng
	pr.kSync = e.Register("eviction-manager", func(ev sim.Event) { r.evictionSync(&r.nodes[ev.Node], ev.At) })
	pr.kGC = e.Register("image-gc", func(ev sim.Event) { r.imageGCPass(&r.nodes[ev.Node], ev.At) })
	pr.kRunaway = e.Register("runaway-writer", func(ev sim.Event) { r.runawayStart(&r.nodes[ev.Node], ev.At) })
	pr.kKilled = e.Register("evicted-pod-killed", func(ev sim.Event) { r.podKilled(&r.nodes[ev.Node], int(ev.Arg), ev.At) })
	pr.kRecreate = e.Register("daemonset-recreate", func(ev sim.Event) { r.recreateCritical(&r.nodes[ev.Node], int(ev.Arg), ev.At) })
	pr.kLeak = e.Register("memory-leak", func(ev sim.Event) { r.leakStart(&r.nodes[ev.Node], ev.At) })
	pr.kForkBomb = e.Register("fork-bomb", func(ev sim.Event) { r.forkBombStart(&r.nodes[ev.Node], ev.At) })
	r.env.pr = pr
	for i := range r.nodes {
		r.initDisk(&r.nodes[i])
	}
}

// initDisk starts node n's filesystem at time 0 and arms its loops at
// random phases on its own stream.
func (r *run) initDisk(n *node) {
	p := r.pr
	d := &p.nodes[n.id]
	dp := &p.dp
	d.em = newEvictionManager(dp.thresholds, dp.transition)
	d.unused, d.since = dp.unused, 0
	for c := range d.taintAt {
		d.taintAt[c] = sim.Never
	}
	d.condChange, d.snapChange, d.sent = sim.Never, sim.Never, longAgo
	d.pods = make([]diskPod, dp.pods)
	for i := range d.pods {
		d.pods[i] = diskPod{start: 0, cached: true, pulledAt: longAgo, unusedAt: sim.Never, critical: i < dp.critical}
	}
	if p.disk {
		d.rates = r.stream("disk-rates", int(n.pos))
		for i := range d.pods {
			d.drawRates(dp, &d.pods[i])
		}
	}
	rng := r.stream("eviction", int(n.pos))
	d.rng = r.stream("runaway", int(n.pos))
	e := r.eng
	e.At(sim.Time(rng.Int64N(int64(evictionMonitoringPeriod))), p.kSync, n.id, 0)
	if p.disk {
		e.At(sim.Time(rng.Int64N(int64(imageGCPeriod))), p.kGC, n.id, 0)
	}
	if dp.runaway {
		e.At(sim.Time(r.cfg.Disk.RunawayEvery.SampleNs(&d.rng)), p.kRunaway, n.id, 0)
	}
	if mp := &p.mp; mp.memory || mp.pids {
		d.mem = make([]podMem, dp.pods)
		d.memRates = r.stream("memory-rates", int(n.pos))
		for i := range d.mem {
			d.mem[i].start(mp, &d.memRates, 0)
		}
		d.faults = r.stream("memory-faults", int(n.pos))
		if mp.leak {
			e.At(sim.Time(mp.leakEvery.SampleNs(&d.faults)), p.kLeak, n.id, 0)
		}
		if mp.forkBomb {
			e.At(sim.Time(mp.bombEvery.SampleNs(&d.faults)), p.kForkBomb, n.id, 0)
		}
	}
}

// observe is makeSignalObservations on n: the filesystem's signals with
// [disk], memory.available with [memory], pid.available with [pids].
func (p *pressureRun) observe(d *diskNode, t sim.Time) observations {
	var o observations
	if p.disk {
		o = d.observe(&p.dp, t)
	}
	if p.mp.memory || p.mp.pids {
		d.observeMemory(&p.mp, t, &o)
	}
	return o
}

// hasNodeReclaim: buildSignalToNodeReclaimFuncs gives the filesystems'
// signals container and image garbage collection, memory and PIDs none.
func hasNodeReclaim(s Signal) bool { return s != SignalMemoryAvailable && s != SignalPIDAvailable }

// evictionSync is one pass of the eviction manager's loop on n at t
// (managerImpl.Start → synchronize): conditions, then at most one pod
// evicted after node-level reclaim failed, then the next pass: at once
// after the evicted pod is cleaned up, else a monitoring period later.
// A crashed kubelet runs no pass.
func (r *run) evictionSync(n *node, t sim.Time) {
	p := r.pr
	d, dp := &p.nodes[n.id], &p.dp
	next := t + evictionMonitoringPeriod
	if t < n.crashAt {
		obs := p.observe(d, t)
		pick := d.em.synchronize(t, &obs)
		// m.nodeConditions is updated before any eviction: Admit sees it.
		r.setConditions(n, d, d.em.conditions, t)
		if pick >= 0 {
			// "Attempting to reclaim": EvictionThresholdMet.
			if t >= p.warmup {
				p.stats.reclaims++
			}
			sig := dp.thresholds[pick].Signal
			resolved := false
			if hasNodeReclaim(sig) {
				d.deleteUnusedImages(t) // reclaimNodeLevelResources: containerGC, then imageGC.DeleteUnusedImages
				obs = p.observe(d, t)
				resolved = d.em.resolvedAfterReclaim(&obs)
			}
			if !resolved {
				if i := d.rankFor(sig, dp, &p.mp, t); i >= 0 {
					if t >= p.warmup {
						p.stats.evictions++
						p.stats.bySignal[sig]++
						if p.mp.memory && i >= p.mp.bestEffortFrom {
							p.stats.bestEffort++
						}
					}
					next = t + r.evictPod(n, i, dp.thresholds[pick].Hard, t)
				}
			}
		}
		r.schedulePending(n, d, t)
	}
	if next <= r.env.end {
		r.eng.At(next, p.kSync, n.id, 0)
	}
}

// evictPod kills pod i of n at t (evictPod): at once for a hard threshold
// (grace 0), after evictionMaxPodGracePeriod for a soft one, the pod
// using its whole grace. It returns when the manager synchronizes again:
// waitForPodsCleanup polls every second until the pod's resources are
// reclaimed, for at most podCleanupTimeout (30s).
func (r *run) evictPod(n *node, i int, hard bool, t sim.Time) sim.Time {
	p := r.pr
	if p.onEvict != nil {
		p.onEvict(n, t, i)
	}
	grace := sim.Time(0)
	if !hard {
		grace = sim.Time(p.dp.maxPodGrace) * 1e9
	}
	if grace == 0 {
		r.podKilled(n, i, t)
		return podCleanupPollFreq
	}
	p.nodes[n.id].pods[i].killing = true
	r.eng.At(t+grace, p.kKilled, n.id, int64(i))
	polls := (grace + podCleanupPollFreq - 1) / podCleanupPollFreq
	return min(polls*podCleanupPollFreq, podCleanupTimeout)
}

// podCleanupTimeout is eviction_manager.go podCleanupTimeout.
const podCleanupTimeout = sim.Time(30e9)

// podKilled is the evicted pod i of n gone at t: its disk freed, its
// replacement Pending (or, for a critical DaemonSet pod, recreated after
// the DaemonSet controller's backoff).
func (r *run) podKilled(n *node, i int, t sim.Time) {
	p := r.pr
	d := &p.nodes[n.id]
	r.pendingChange(n, d, t)
	d.evict(i, t)
	if q := &d.pods[i]; q.critical {
		r.eng.At(q.recreateAt(t), p.kRecreate, n.id, int64(i))
	}
	r.schedulePending(n, d, t)
}

// recreateCritical is the DaemonSet controller's replacement of critical
// pod i of n, which the kubelet admits whatever the pressure.
func (r *run) recreateCritical(n *node, i int, t sim.Time) {
	d := &r.pr.nodes[n.id]
	if d.pods[i].start != sim.Never {
		return
	}
	r.pendingChange(n, d, t)
	r.admitPod(d, i, t)
}

// imageGCPass is the kubelet's periodic image garbage collection.
func (r *run) imageGCPass(n *node, t sim.Time) {
	p := r.pr
	if t < n.crashAt {
		p.nodes[n.id].imageGC(&p.dp, t)
	}
	if next := t + imageGCPeriod; next <= r.env.end {
		r.eng.At(next, p.kGC, n.id, 0)
	}
}

// runawayStart makes the first running pod of n write its emptyDir at the
// runaway rate until it is evicted, and arms the next runaway writer.
func (r *run) runawayStart(n *node, t sim.Time) {
	p := r.pr
	d := &p.nodes[n.id]
	for i := range d.pods {
		if q := &d.pods[i]; q.start != sim.Never {
			q.emptyAcc, q.rateSince, q.emptyRate = q.emptyDir(t), t, p.dp.runawayRate
			break
		}
	}
	if next := t + sim.Time(r.cfg.Disk.RunawayEvery.SampleNs(&d.rng)); next <= r.env.end {
		r.eng.At(next, p.kRunaway, n.id, 0)
	}
}

// pendingChange closes the pending-pods and condition intervals of d at t.
func (r *run) pendingChange(n *node, d *diskNode, t sim.Time) {
	w := overlap(d.since, t, r.warmup, r.env.end)
	r.pr.stats.pendingSecs += float64(d.pending) * w
	for c := range r.pr.stats.condSecs {
		r.pr.stats.condSecs[c] += boolf(d.conds&(1<<c) != 0) * w
	}
	d.since = t
}

// setConditions records the kubelet's conditions of n at t; a change
// makes its next status tick PATCH (nodeStatusHasChanged), a heartbeat.
func (r *run) setConditions(n *node, d *diskNode, c uint8, t sim.Time) {
	if c == d.conds {
		return
	}
	r.pendingChange(n, d, t)
	if t >= r.warmup {
		for x := c ^ d.conds; x != 0; x &= x - 1 {
			r.pr.stats.transitions++
		}
	}
	d.conds = c
	n.status.conditionChanged(&r.sp, &r.env, n, c, t)
	if r.pr.onCondition != nil {
		r.pr.onCondition(n, t, c)
	}
	r.schedulePending(n, d, t)
}

// The status loop's side of a condition change (kubelet.go): the
// earliest change not yet patched lives here, snapshotted and restored
// with the loop's pending batch, so a run without [disk] keeps its nodes
// as small as before.

// changeDue reports whether a condition change not yet patched happened
// by t: nodeStatusHasChanged, so a lease-mode tick patches.
func (p *pressureRun) changeDue(n *node, t sim.Time) bool {
	return p.evicts && p.nodes[n.id].condChange <= t
}

// reported records a successful status PATCH of n sent at sent.
func (p *pressureRun) reported(n *node, sent sim.Time) {
	if !p.evicts {
		return
	}
	d := &p.nodes[n.id]
	d.sent = sent
	if d.condChange <= sent {
		d.condChange = sim.Never
	}
}

func (p *pressureRun) snapshot(n *node) {
	if p.evicts {
		d := &p.nodes[n.id]
		d.snapChange = d.condChange
	}
}

func (p *pressureRun) restore(n *node) {
	if p.evicts {
		d := &p.nodes[n.id]
		d.condChange = d.snapChange
	}
}

// restarted: a fresh kubelet patches its whole status first anyway.
func (p *pressureRun) restarted(n *node) {
	if p.evicts {
		p.nodes[n.id].condChange = sim.Never
	}
}

// delivered is the node informer delivering a status PATCH of n carrying
// conds at t: doNoScheduleTaintingPass adds or removes
// node.kubernetes.io/memory-pressure, disk-pressure and pid-pressure
// (NoSchedule) to match MemoryPressure, DiskPressure and PIDPressure
// (node_lifecycle_controller.go nodeConditionToTaintKeyStatusMap, the same
// three in every profile from v1.12). Removing the last lets the Pending
// pods back on.
func (p *pressureRun) delivered(n *node, conds uint8, t sim.Time) {
	if !p.evicts {
		return
	}
	if p.onSeen != nil {
		p.onSeen(n, t, conds)
	}
	d := &p.nodes[n.id]
	removed := false
	for c := range d.taintAt {
		on := conds&(1<<c) != 0
		if p.setTaint(d, c, on, t) && !on {
			removed = true
		}
	}
	if removed {
		p.r.schedulePending(n, d, t)
	}
}

// setTaint puts on or takes off the taint of condition bit c at t, and
// reports whether that changed anything.
func (p *pressureRun) setTaint(d *diskNode, c int, on bool, t sim.Time) bool {
	if on == (d.taintAt[c] != sim.Never) {
		return false
	}
	if on {
		d.taintAt[c] = t
		return true
	}
	p.stats.taintSecs[c] += overlap(d.taintAt[c], t, p.warmup, p.end)
	d.taintAt[c] = sim.Never
	return true
}

// pressureUnknown is tryUpdateNodeHealth's Ready→Unknown write of n at t
// for the other conditions: those in its list go Unknown, which ends
// their pressure taints (they follow True only; PIDPressure is in the
// list from v1.13), and those the kubelet does not post stay Unknown for
// good. The unreachable taint keeps the scheduler away meanwhile.
func (r *run) pressureUnknown(n *node, t sim.Time) {
	p := r.pr
	p.stale[n.id] |= staleAfterUnknown(p.rules, p.carried)
	if p.evicts {
		unknown := p.rules.setUnknown()
		for c := range numPressureConds {
			if unknown&(1<<c) != 0 {
				p.setTaint(&p.nodes[n.id], c, false, t)
			}
		}
	}
}

// finishPressure closes every interval at end and hands the figures to m.
func (r *run) finishPressure(m *Replication, end sim.Time) {
	p := r.pr
	if p == nil {
		return
	}
	for i := range r.nodes {
		if p.stale[i] != 0 {
			p.stats.staleNodes++
			for b := range conditionNames {
				if p.stale[i]&(1<<b) != 0 {
					p.stats.staleByType[b]++
				}
			}
		}
		if p.evicts {
			d := &p.nodes[i]
			r.pendingChange(&r.nodes[i], d, end)
			for c, at := range d.taintAt {
				if at != sim.Never {
					p.stats.taintSecs[c] += overlap(at, end, r.warmup, r.env.end)
				}
			}
		}
	}
	s := p.stats
	m.cond = &s
}

func boolf(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// checkPressureInvariant panics on a disk state that cannot happen.
func (d *diskNode) checkPressureInvariant() {
	var pending int32
	for i := range d.pods {
		if d.pods[i].start == sim.Never {
			pending++
		}
	}
	if pending != d.pending {
		panic(fmt.Sprintf("disk: %d pods Pending, counted %d", pending, d.pending))
	}
}
