package model

import (
	"fmt"
	"math"

	"github.com/nodesim/nodesim/sim"
)

// MemoryConfig is nodesim's model of a node's memory, table [memory]:
// the signal memory.available is capacity minus the node's working set
// (helpers.go makeMemoryAvailableSignalObservation: AvailableBytes +
// WorkingSetBytes of the node, less WorkingSetBytes), the working set
// being what runs outside pods plus every running pod's. Off unless
// capacity is set.
type MemoryConfig struct {
	Capacity         string // memory.capacity: the node's memory, "16Gi" ("": no memory model)
	SystemWorkingSet string // memory.system-working-set: outside pods (kubelet, runtime, system daemons, kernel)
	PodWorkingSet    string // memory.pod-working-set: each pod's working set when it starts (QuantityText: an amount or a distribution over pods)
	PodGrowthRate    string // memory.pod-growth-rate: each pod's growth from then on (RateText)
	PodRequest       string // memory.pod-request: the memory request of every pod that is not BestEffort
	BestEffortPods   int    // memory.best-effort-pods: that many of the node's pods (its last) have no requests: BestEffort
	LeakEvery        Dist   // memory.leak-every: time to a leak in one running pod of the node (constant 0: none)
	LeakRate         string // memory.leak-rate: that pod's growth from then on, until it is evicted
}

// Enabled reports whether the memory model runs.
func (m *MemoryConfig) Enabled() bool { return m.Capacity != "" }

// DefaultMemoryConfig is off.
func DefaultMemoryConfig() MemoryConfig {
	return MemoryConfig{SystemWorkingSet: "0", PodWorkingSet: "0", PodGrowthRate: "0/h", PodRequest: "0", LeakEvery: Const(0), LeakRate: "0/h"}
}

// PIDConfig is nodesim's model of a node's process IDs, table [pids]:
// pid.available is MaxPID less the running processes (makeSignalObservations,
// summary.Node.Rlimit). Off unless pid-max is set.
type PIDConfig struct {
	PIDMax        int    // pids.pid-max: the node's MaxPID (kernel.pid_max and threads-max; 0: no PID model)
	SystemPIDs    int    // pids.system-pids: processes outside pods
	PodPIDs       string // pids.pod-pids: each pod's processes when it starts (QuantityText: "40" or a distribution over pods)
	ForkBombEvery Dist   // pids.fork-bomb-every: time to a fork bomb in one running pod of the node (constant 0: none)
	ForkBombRate  string // pids.fork-bomb-rate: the processes that pod adds from then on, "50/s"
}

// Enabled reports whether the PID model runs.
func (p *PIDConfig) Enabled() bool { return p.PIDMax != 0 }

// DefaultPIDConfig is off.
func DefaultPIDConfig() PIDConfig {
	return PIDConfig{PodPIDs: "0", ForkBombEvery: Const(0), ForkBombRate: "0/s"}
}

// memParams are a run's parsed memory and PID knobs.
type memParams struct {
	memory, pids         bool
	capacity, system     float64 // bytes
	workingSet, growth   Dist    // of bytes and bytes per second, drawn for each new pod
	request              float64
	bestEffortFrom       int // pods from this index on are BestEffort
	leak                 bool
	leakRate             float64
	pidMax, systemPIDs   float64
	podPIDs              Dist
	forkBomb             bool
	forkBombRate         float64
	leakEvery, bombEvery Dist
}

// memParamsOf parses the [memory] and [pids] knobs of cfg; errors name
// their keys.
func memParamsOf(cfg *Config) (memParams, []error) {
	m, q := &cfg.Memory, &cfg.PIDs
	var errs []error
	fail := func(key string, err error) {
		if err != nil {
			errs = append(errs, &FieldError{Key: key, Msg: err.Error()})
		}
	}
	p := memParams{memory: m.Enabled(), pids: q.Enabled(), bestEffortFrom: cfg.Cluster.PodsPerNode}
	if p.memory {
		var err error
		p.capacity, err = ParseQuantity(m.Capacity)
		fail(KeyMemoryCapacity, err)
		if err == nil && p.capacity <= 0 {
			fail(KeyMemoryCapacity, fmt.Errorf("must be > 0"))
		}
		p.system, err = ParseQuantity(m.SystemWorkingSet)
		fail(KeySystemWorkingSet, err)
		p.workingSet, err = parseQuantityDist(m.PodWorkingSet)
		fail(KeyPodWorkingSet, err)
		p.growth, err = parseRateDist(m.PodGrowthRate)
		fail(KeyPodGrowthRate, err)
		p.request, err = ParseQuantity(m.PodRequest)
		fail(KeyPodMemoryRequest, err)
		p.leakRate, err = ParseRate(m.LeakRate)
		fail(KeyLeakRate, err)
		if m.BestEffortPods < 0 || m.BestEffortPods > cfg.Cluster.PodsPerNode {
			fail(KeyBestEffortPods, fmt.Errorf("must be between 0 and %s (%d), got %d", KeyPodsPerNode, cfg.Cluster.PodsPerNode, m.BestEffortPods))
		}
		p.bestEffortFrom = cfg.Cluster.PodsPerNode - m.BestEffortPods
		p.leakEvery = m.LeakEvery
		p.leak = !(m.LeakEvery.Kind == Constant && m.LeakEvery.A == 0)
		if p.leak && !(m.LeakEvery.Mean() > 0) {
			fail(KeyLeakEvery, fmt.Errorf("must have a mean > 0 (constant 0s: no leak)"))
		}
	} else if key := memoryKeySet(m); key != "" {
		fail(key, fmt.Errorf("is set but %s is not: the memory model is off without a capacity", KeyMemoryCapacity))
	}
	if p.pids {
		if q.PIDMax < 0 {
			fail(KeyPIDMax, fmt.Errorf("must be > 0, got %d", q.PIDMax))
		}
		if q.SystemPIDs < 0 || q.SystemPIDs > q.PIDMax {
			fail(KeySystemPIDs, fmt.Errorf("must be between 0 and %s (%d), got %d", KeyPIDMax, q.PIDMax, q.SystemPIDs))
		}
		p.pidMax, p.systemPIDs = float64(q.PIDMax), float64(q.SystemPIDs)
		var err error
		p.podPIDs, err = parseQuantityDist(q.PodPIDs)
		fail(KeyPodPIDs, err)
		p.forkBombRate, err = ParseRate(q.ForkBombRate)
		fail(KeyForkBombRate, err)
		p.bombEvery = q.ForkBombEvery
		p.forkBomb = !(q.ForkBombEvery.Kind == Constant && q.ForkBombEvery.A == 0)
		if p.forkBomb && !(q.ForkBombEvery.Mean() > 0) {
			fail(KeyForkBombEvery, fmt.Errorf("must have a mean > 0 (constant 0s: no fork bomb)"))
		}
	} else if key := pidKeySet(q); key != "" {
		fail(key, fmt.Errorf("is set but %s is not: the PID model is off without a MaxPID", KeyPIDMax))
	}
	return p, errs
}

// memoryKeySet names the first [memory] key that differs from its default.
func memoryKeySet(m *MemoryConfig) string {
	def := DefaultMemoryConfig()
	switch {
	case m.SystemWorkingSet != def.SystemWorkingSet:
		return KeySystemWorkingSet
	case m.PodWorkingSet != def.PodWorkingSet:
		return KeyPodWorkingSet
	case m.PodGrowthRate != def.PodGrowthRate:
		return KeyPodGrowthRate
	case m.PodRequest != def.PodRequest:
		return KeyPodMemoryRequest
	case m.BestEffortPods != def.BestEffortPods:
		return KeyBestEffortPods
	case !(m.LeakEvery.Kind == Constant && m.LeakEvery.A == 0):
		return KeyLeakEvery
	case m.LeakRate != def.LeakRate:
		return KeyLeakRate
	}
	return ""
}

// pidKeySet names the first [pids] key that differs from its default.
func pidKeySet(q *PIDConfig) string {
	def := DefaultPIDConfig()
	switch {
	case q.SystemPIDs != def.SystemPIDs:
		return KeySystemPIDs
	case q.PodPIDs != def.PodPIDs:
		return KeyPodPIDs
	case !(q.ForkBombEvery.Kind == Constant && q.ForkBombEvery.A == 0):
		return KeyForkBombEvery
	case q.ForkBombRate != def.ForkBombRate:
		return KeyForkBombRate
	}
	return ""
}

// podMem is one pod's working set and processes, each linear in time
// from its since.
type podMem struct {
	ws, wsRate    float64
	wsSince       sim.Time
	pids, pidRate float64
	pidSince      sim.Time
}

func (m *podMem) workingSet(t sim.Time) float64 { return m.ws + m.wsRate*(t-m.wsSince).Seconds() }
func (m *podMem) processes(t sim.Time) float64  { return m.pids + m.pidRate*(t-m.pidSince).Seconds() }

// start gives a new pod at t its working set, growth and processes.
func (m *podMem) start(mp *memParams, rng *sim.Rand, t sim.Time) {
	*m = podMem{wsSince: t, pidSince: t}
	if mp.memory {
		m.ws = float64(mp.workingSet.SampleNs(rng)) / 1e9 * quantityUnit
		m.wsRate = float64(mp.growth.SampleNs(rng)) / 1e9
	}
	if mp.pids {
		m.pids = math.Round(float64(mp.podPIDs.SampleNs(rng)) / 1e9 * quantityUnit)
	}
}

// requestOf is pod i's memory request: 0 for a BestEffort pod.
func (mp *memParams) requestOf(i int) float64 {
	if i >= mp.bestEffortFrom {
		return 0
	}
	return mp.request
}

// observeMemory adds memory.available and pid.available to o.
func (d *diskNode) observeMemory(mp *memParams, t sim.Time, o *observations) {
	var ws, pids float64
	for i := range d.pods {
		if d.pods[i].start != sim.Never {
			ws += d.mem[i].workingSet(t)
			pids += d.mem[i].processes(t)
		}
	}
	if mp.memory {
		s := SignalMemoryAvailable
		o.available[s], o.capacity[s], o.has[s] = math.Max(mp.capacity-mp.system-ws, 0), mp.capacity, true
	}
	if mp.pids {
		s := SignalPIDAvailable
		o.available[s], o.capacity[s], o.has[s] = math.Max(mp.pidMax-mp.systemPIDs-math.Floor(pids), 0), mp.pidMax, true
	}
}

// rankFor is the pod to evict for signal s (signalToRankFunc: ties to the
// lower index), or -1.
func (d *diskNode) rankFor(s Signal, dp *diskParams, mp *memParams, t sim.Time) int {
	if s != SignalMemoryAvailable && s != SignalPIDAvailable {
		return d.rank(dp, t)
	}
	best := -1
	var bestR rankedPod
	for i := range d.pods {
		p := &d.pods[i]
		if p.start == sim.Never || p.killing {
			continue
		}
		var r rankedPod
		if p.critical {
			r.priority = systemNodeCritical
		}
		if s == SignalMemoryAvailable { // rankMemoryPressure
			ws, req := d.mem[i].workingSet(t), mp.requestOf(i)
			r.exceeds, r.over = ws > req, ws-req
		} else { // rankPIDPressure: orderedBy(priority, process)
			r.over = math.Floor(d.mem[i].processes(t))
		}
		if best < 0 || evictsBefore(r, bestR) {
			best, bestR = i, r
		}
	}
	return best
}

// leakStart makes the first running pod of n grow its working set at the
// leak rate until it is evicted, and arms the next leak.
func (r *run) leakStart(n *node, t sim.Time) {
	p := r.pr
	d := &p.nodes[n.id]
	for i := range d.pods {
		if d.pods[i].start != sim.Never {
			m := &d.mem[i]
			m.ws, m.wsSince, m.wsRate = m.workingSet(t), t, p.mp.leakRate
			break
		}
	}
	if next := t + sim.Time(p.mp.leakEvery.SampleNs(&d.faults)); next <= r.env.end {
		r.eng.At(next, p.kLeak, n.id, 0)
	}
}

// forkBombStart makes the first running pod of n fork at the fork-bomb
// rate until it is evicted, and arms the next one.
func (r *run) forkBombStart(n *node, t sim.Time) {
	p := r.pr
	d := &p.nodes[n.id]
	for i := range d.pods {
		if d.pods[i].start != sim.Never {
			m := &d.mem[i]
			m.pids, m.pidSince, m.pidRate = m.processes(t), t, p.mp.forkBombRate
			break
		}
	}
	if next := t + sim.Time(p.mp.bombEvery.SampleNs(&d.faults)); next <= r.env.end {
		r.eng.At(next, p.kForkBomb, n.id, 0)
	}
}
