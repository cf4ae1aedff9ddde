package model

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/nodesim/nodesim/sim"
	"github.com/stretchr/testify/require"
)

const mi = float64(1 << 20)

// memConfig is exactConfig with the memory model on: 8Gi nodes, 1Gi
// outside pods, every pod at 500Mi with a 4Gi request, and only the
// default memory.available<100Mi hard threshold.
func memConfig(t *testing.T, nodes, pods int) *Config {
	t.Helper()
	c := exactConfig(t, "v1.33", nodes)
	c.Cluster.PodsPerNode = pods
	c.Kubelet.Eviction.EvictionHard = map[string]string{"memory.available": "100Mi"}
	c.Memory.Capacity, c.Memory.SystemWorkingSet = "8Gi", "1Gi"
	c.Memory.PodWorkingSet, c.Memory.PodRequest = "500Mi", "4Gi"
	return c
}

// TestMemoryDefaultThreshold: every profile's default evictionHard has
// memory.available<100Mi (defaults_linux.go DefaultEvictionHard), so a
// scenario that only sets [memory] gets MemoryPressure at 100Mi.
func TestMemoryDefaultThreshold(t *testing.T) {
	for _, p := range Profiles {
		c, err := Default(p)
		require.NoError(t, err)
		th, err := c.Kubelet.Eviction.Thresholds()
		require.NoError(t, err)
		found := false
		for _, x := range th {
			if x.Signal == SignalMemoryAvailable {
				found = x.Hard && x.Value.Quantity == 100*mi
			}
		}
		require.Truef(t, found, "%s: want memory.available<100Mi among the hard thresholds", p)
	}
}

// TestMemoryReclaimedFirst: with memory and a filesystem both past their
// thresholds, the manager reclaims memory (byEvictionPriority), and
// memory has no node-level reclaim (buildSignalToNodeReclaimFuncs).
func TestMemoryReclaimedFirst(t *testing.T) {
	e := EvictionConfig{EvictionHard: map[string]string{"nodefs.available": "10%", "memory.available": "100Mi"}}
	th := mustThresholds(t, e)
	m := newEvictionManager(th, sec(300))
	o := nodefsObs(5 * gi)
	o.available[SignalMemoryAvailable], o.capacity[SignalMemoryAvailable], o.has[SignalMemoryAvailable] = 50*mi, 8*gi, true
	pick := m.synchronize(sec(0), o)
	require.GreaterOrEqual(t, pick, 0)
	require.Equal(t, SignalMemoryAvailable, th[pick].Signal)
	require.Equal(t, condMemoryPressure|condDiskPressure, m.conditions)
	require.False(t, hasNodeReclaim(SignalMemoryAvailable))
	require.False(t, hasNodeReclaim(SignalPIDAvailable))
	require.True(t, hasNodeReclaim(SignalNodeFsAvailable))
}

// TestMemoryAndPIDRanking: rankMemoryPressure puts a pod above its
// request first (a BestEffort pod is above its zero request as soon as
// it uses anything), then lower priority, then more above its request;
// rankPIDPressure (orderedBy(priority, process)) ignores requests: lower
// priority, then more processes.
func TestMemoryAndPIDRanking(t *testing.T) {
	mp := memParams{memory: true, pids: true, request: 1 * gi, bestEffortFrom: 2}
	d := diskNode{pods: make([]diskPod, 3), mem: []podMem{
		{ws: 0.9 * gi, pids: 500}, // Burstable, within its 1Gi request, most processes
		{ws: 3 * gi, pids: 10},    // Burstable, 2Gi above its request
		{ws: 0.2 * gi, pids: 20},  // BestEffort
	}}
	require.Equal(t, 1, d.rankFor(SignalMemoryAvailable, nil, &mp, 0), "the pod 2Gi above its request goes before the BestEffort pod 0.2Gi above")
	d.mem[1].ws = 1.1 * gi
	require.Equal(t, 2, d.rankFor(SignalMemoryAvailable, nil, &mp, 0), "0.1Gi above its request: the BestEffort pod (0.2Gi above) goes first")
	require.Equal(t, 0, d.rankFor(SignalPIDAvailable, nil, &mp, 0), "the most processes goes first whatever the requests")
	d.pods[0].critical = true
	require.Equal(t, 2, d.rankFor(SignalPIDAvailable, nil, &mp, 0), "a critical pod goes last")
	d.pods[2].start = sim.Never
	require.Equal(t, 1, d.rankFor(SignalPIDAvailable, nil, &mp, 0), "a Pending pod is not ranked")
}

// TestAdmitUnderMemoryPressure is managerImpl.Admit: under MemoryPressure
// alone a BestEffort pod is rejected and any other admitted; under
// DiskPressure or PIDPressure every pod is, but a critical one.
func TestAdmitUnderMemoryPressure(t *testing.T) {
	mp := memParams{bestEffortFrom: 1}
	d := diskNode{pods: make([]diskPod, 3)}
	d.pods[2].critical = true
	for _, c := range []struct {
		conds uint8
		want  [3]bool
	}{
		{0, [3]bool{true, true, true}},
		{condMemoryPressure, [3]bool{true, false, true}},
		{condDiskPressure, [3]bool{false, false, true}},
		{condPIDPressure, [3]bool{false, false, true}},
		{condMemoryPressure | condPIDPressure, [3]bool{false, false, true}},
	} {
		d.conds = c.conds
		for i, w := range c.want {
			require.Equalf(t, w, d.admits(&mp, i), "conditions %b, pod %d", c.conds, i)
		}
	}
}

// TestReadmittedWhenTaintRemoved: an evicted pod's replacement is placed
// again when the controller removes the pressure taint (the scheduler's
// TaintToleration filter), which follows the kubelet's condition clearing
// by a status PATCH (here 50ms of write latency on top of the status
// tick), not when the kubelet's condition clears.
func TestReadmittedWhenTaintRemoved(t *testing.T) {
	c := diskConfig(t, "v1.33", 5, 1)
	c.Simulation.Duration = 4 * time.Hour
	c.APIServer.WriteLatency = Const(50 * time.Millisecond)
	c.Disk.NodefsUsed, c.Disk.PodEmptyDirRate = 0.85, "1200Mi/m"
	r := newRun(c, 0)
	var cleared, untainted [5]sim.Time
	admissions := 0
	r.pr.onCondition = func(n *node, at sim.Time, conds uint8) {
		if conds == 0 {
			cleared[n.id] = at
		}
	}
	r.pr.onSeen = func(n *node, at sim.Time, conds uint8) {
		if conds == 0 {
			untainted[n.id] = at
		}
	}
	r.pr.onAdmit = func(n *node, at sim.Time, pod int) {
		admissions++
		require.Equalf(t, untainted[n.id], at, "node %d: admitted at %v, want at the taint's removal", n.id, at)
		gap := (at - cleared[n.id]).Seconds()
		require.Truef(t, gap >= 0.05 && gap <= 10.05, "node %d: admitted %.3fs after the condition cleared, want the status tick and the PATCH's 50ms later", n.id, gap)
	}
	_, err := r.simulate(context.Background())
	require.NoError(t, err)
	require.Greater(t, admissions, 5*10)
}

// TestMemoryLeakClosedForm: one pod of each node leaks at a constant
// rate ℓ from L = 1h; nothing else grows. Derivation:
//
//   - Headroom H = capacity - system - n·w - 100Mi; memory.available
//     crosses the threshold at T = L + H/ℓ and MemoryPressure is posted at
//     the first pass after it: T + U(0, 10s] for a uniform pass phase, so
//     the mean over N nodes is T + 5s, its standard error 10s/√(12N).
//   - Each eviction frees w (all pods alike), so the next crossing comes
//     exactly w/ℓ after the last, and each eviction within a pass (10s)
//     of its crossing: consecutive evictions are (w/ℓ - 10s, w/ℓ + 10s)
//     apart. With w/ℓ = 100s < 300s MemoryPressure holds throughout.
//   - rankMemoryPressure: the leaker stays within its 4Gi request until
//     it has leaked 3.5Gi, and the three BestEffort pods exceed their zero
//     request: they go first, then (every pod within its request) the one
//     closest above its request, the leaker, at 500Mi + H + 3w = 4068Mi.
//     Freeing 4068Mi ends the pressure; the four come back (2000Mi) once
//     the taint is removed, and stay.
func TestMemoryLeakClosedForm(t *testing.T) {
	if testing.Short() {
		t.Skip("Monte Carlo: left to the unit run")
	}
	const nodes, pods, bestEffort = 300, 10, 3
	c := memConfig(t, nodes, pods)
	c.Simulation.Duration = 2 * time.Hour // one leak (the next would start at 2h)
	c.Memory.BestEffortPods = bestEffort
	c.Memory.LeakEvery, c.Memory.LeakRate = Const(time.Hour), "5Mi/s"
	r := newRun(c, 0)
	first := make([]sim.Time, nodes)
	evicted := make([][]int, nodes)
	at := make([][]sim.Time, nodes)
	r.pr.onCondition = func(n *node, t sim.Time, conds uint8) {
		if conds&condMemoryPressure != 0 && first[n.id] == 0 {
			first[n.id] = t
		}
	}
	r.pr.onEvict = func(n *node, t sim.Time, pod int) {
		evicted[n.id] = append(evicted[n.id], pod)
		at[n.id] = append(at[n.id], t)
	}
	_, err := r.simulate(context.Background())
	require.NoError(t, err)
	for i := range r.pr.nodes {
		r.pr.nodes[i].checkPressureInvariant()
	}
	H := 8*1024 - 1024 - pods*500 - 100.0 // Mi
	rate, w := 5.0, 500.0                 // Mi/s, Mi
	T := 3600 + H/rate
	var sum float64
	for i := range first {
		d := first[i].Seconds() - T
		require.Truef(t, d > 0 && d <= 10, "node %d: MemoryPressure at T%+.3fs, want in (0, 10s]", i, d)
		sum += d
		require.Equalf(t, []int{7, 8, 9, 0}, evicted[i], "node %d: evicted pods in this order", i)
		for k := 1; k < len(at[i]); k++ {
			gap := (at[i][k] - at[i][k-1]).Seconds()
			require.Truef(t, gap > w/rate-10 && gap < w/rate+10, "node %d: evictions %d and %d %.1fs apart, want w/ℓ = %vs ± a pass", i, k-1, k, gap, w/rate)
		}
	}
	se := 10 / math.Sqrt(12*nodes)
	t.Logf("T = %vs; mean delay after T %.3fs, want 5s ± %.3fs (4 SE)", T, sum/nodes, 4*se)
	require.InDelta(t, 5, sum/nodes, 4*se)
}

// TestForkBombPIDPressure: a fork bomb (50 processes/s from 1h) in one
// pod of each node takes pid.available below pid.available<10% (of
// 32768) after (32768·0.9 - 2000 - 10·40)/50 s; rankPIDPressure evicts
// the pod with the most processes, the fork bomb, once per node, and the
// node reports PIDPressure and gets the pid-pressure taint.
func TestForkBombPIDPressure(t *testing.T) {
	const nodes = 4
	c := exactConfig(t, "v1.33", nodes)
	c.Simulation.Duration = 3 * time.Hour
	c.Cluster.PodsPerNode = 10
	c.Kubelet.Eviction.EvictionHard = map[string]string{"pid.available": "10%"}
	c.PIDs.PIDMax, c.PIDs.SystemPIDs, c.PIDs.PodPIDs = 32768, 2000, "40"
	c.PIDs.ForkBombEvery, c.PIDs.ForkBombRate = Const(time.Hour), "50/s"
	r := newRun(c, 0)
	var firstAt [nodes]sim.Time
	r.pr.onCondition = func(n *node, t sim.Time, conds uint8) {
		if conds&condPIDPressure != 0 && firstAt[n.id] == 0 {
			firstAt[n.id] = t
		}
	}
	evicted := map[int]int{}
	r.pr.onEvict = func(n *node, t sim.Time, pod int) { evicted[pod]++ }
	m, err := r.simulate(context.Background())
	require.NoError(t, err)
	T := 3600 + (math.Floor(32768*0.9)-2000-10*40)/50.0
	for i, at := range firstAt {
		d := at.Seconds() - T
		require.Truef(t, d > -1 && d <= 11, "node %d: PIDPressure at T%+.2fs (T = %vs)", i, d, T)
	}
	require.Equal(t, map[int]int{0: 2 * nodes}, evicted, "the fork bomb (pod 0), once per bomb (at 1h and 2h)")
	fr := nodeConditions(m.cond, nodes*3.0/24)
	require.NotNil(t, fr.PIDPressureTimeFraction)
	require.Greater(t, float64(*fr.PIDPressureTaintTimeFraction), 0.0)
	require.Equal(t, map[string]int64{"pid.available": 2 * nodes}, fr.KubeletEvictionsBySignal)
}

// TestMemoryKeysValidated: bad [memory] and [pids] values name their key,
// and their keys need the model on.
func TestMemoryKeysValidated(t *testing.T) {
	for _, c := range []struct {
		set func(c *Config)
		key string
	}{
		{func(c *Config) { c.Memory.Capacity = "lots" }, KeyMemoryCapacity},
		{func(c *Config) { c.Memory.Capacity, c.Memory.BestEffortPods = "8Gi", 99 }, KeyBestEffortPods},
		{func(c *Config) { c.Memory.LeakRate = "1Mi/s" }, KeyLeakRate},
		{func(c *Config) { c.Memory.Capacity, c.Memory.PodWorkingSet = "8Gi", "big" }, KeyPodWorkingSet},
		{func(c *Config) { c.PIDs.ForkBombRate = "10/s" }, KeyForkBombRate},
		{func(c *Config) { c.PIDs.PIDMax, c.PIDs.SystemPIDs = 100, 200 }, KeySystemPIDs},
		{func(c *Config) { c.Memory.Capacity, c.Simulation.Method = "8Gi", MethodRare }, KeyMethod},
	} {
		cfg := exactConfig(t, "v1.33", 2)
		c.set(cfg)
		err := cfg.Validate()
		require.Error(t, err)
		require.Contains(t, err.Error(), c.key)
	}
}

// TestLargeWorkingSets: a pod's working set draws hold amounts far past
// the 9.2G an int64 of nanoseconds would allow, and process counts stay
// whole.
func TestLargeWorkingSets(t *testing.T) {
	for _, c := range []struct {
		text string
		want float64
	}{{"20Gi", 20 * gi}, {"constant value=1Ti", 1 << 40}, {"40", 40}} {
		d, err := parseQuantityDist(c.text)
		require.NoError(t, err)
		mp := memParams{memory: true, pids: true, workingSet: d, podPIDs: d, growth: Const(0)}
		var m podMem
		rng := sim.NewRand(sim.StreamKey{Seed: 1})
		m.start(&mp, rng, 0)
		require.InDeltaf(t, c.want, m.ws, 0.01, "%s: working set, to a hundredth of a byte", c.text)
		require.Equalf(t, math.Round(c.want), m.pids, "%s: processes", c.text)
	}
	d, err := parseQuantityDist("lognormal median=10Gi p99=40Gi")
	require.NoError(t, err)
	rng := sim.NewRand(sim.StreamKey{Seed: 2})
	mp := memParams{memory: true, workingSet: d, growth: Const(0)}
	var m podMem
	for range 100 {
		m.start(&mp, rng, 0)
		require.Greater(t, m.ws, 0.0)
	}
}
