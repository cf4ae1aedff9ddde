package model

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/nodesim/nodesim/sim"
	"github.com/stretchr/testify/require"
)

// diskConfig is exactConfig with the disk model on: nodefs 100Gi, only
// the nodefs.available<10% hard threshold unless the test sets others.
func diskConfig(t *testing.T, profile string, nodes, pods int) *Config {
	t.Helper()
	c := exactConfig(t, profile, nodes)
	c.Cluster.PodsPerNode = pods
	c.Kubelet.Eviction.EvictionHard = map[string]string{"nodefs.available": "10%"}
	c.Disk.NodefsCapacity = "100Gi"
	return c
}

func runPressure(t *testing.T, c *Config) (*run, *Replication) {
	t.Helper()
	require.NoError(t, c.Validate())
	r := newRun(c, 0)
	m, err := r.simulate(context.Background())
	require.NoError(t, err)
	if r.pr != nil {
		for i := range r.pr.nodes {
			r.pr.nodes[i].checkPressureInvariant()
		}
	}
	return r, m
}

// TestPressureOffByDefault: without [disk] or an upgrade's conditions a
// run has no pressure model at all and reports no node_conditions.
func TestPressureOffByDefault(t *testing.T) {
	c := exactConfig(t, "v1.33", 3)
	r, m := runPressure(t, c)
	require.Nil(t, r.pr)
	require.Nil(t, nodeConditions(m.cond, 1))
}

// TestFlapPeriodClosedForm: one pod writing its emptyDir at rate w on a
// filesystem whose other contents fill b, hard threshold θ, nothing else
// to reclaim. Derivation, on the eviction manager's pass grid:
//
//   - The pod starts at a pass a; the threshold is met once
//     b + w(t-a) > (1-θ)C, i.e. t-a > τ = ((1-θ)C - b)/w, so the pass that
//     evicts it is a + 10s·(⌊τ/10s⌋+1) (strict: a pass at exactly τ is not).
//   - After the eviction the manager polls 1s later (podCleanupPollFreq)
//     and then every 10s: passes at e+1+10k. DiskPressure, last observed
//     at e, clears at the first with 1+10k >= 300s (transition period):
//     e+301s.
//   - The next status tick, δ ∈ [0, 10s] later (nodeStatusUpdateFrequency;
//     no latency here), PATCHes the change; the controller removes the
//     taint as its informer gets it, and only then does the scheduler
//     place the Pending pod again: a = e+301s+δ. δ varies from cycle to
//     cycle, the pass grid moving 1s at each eviction.
//
// So each cycle lasts P ∈ (τ+301s, τ+321s], DiskPressure holds 301s of
// it exactly, with one eviction, two condition changes and 301s+δ
// pod-seconds Pending. Over a window of D each node has from ⌊D/Pmax⌋ to
// ⌊D/Pmin⌋+1 cycles, and its pressure time is within 301s of 301s per
// eviction: the tolerances follow from that, not from chance.
func TestFlapPeriodClosedForm(t *testing.T) {
	const nodes = 20
	c := diskConfig(t, "v1.33", nodes, 1)
	c.Simulation.Warmup, c.Simulation.Duration = time.Hour, 24*time.Hour
	c.Disk.NodefsUsed = 0.85 // base 85Gi
	c.Disk.PodEmptyDirRate = "1200Mi/m"
	_, m := runPressure(t, c)
	s := m.cond
	tau := 5 * 1024 / 1200.0 * 60 // seconds to write 5Gi
	D := c.Simulation.Duration.Seconds()
	evictionsPerCycle(t, nodes, D, tau+301, tau+321, s.evictions)
	ev := float64(s.evictions)
	require.InDelta(t, 301*ev, s.pressure(condDiskPressure), nodes*301.0)
	require.GreaterOrEqual(t, s.pendingSecs, 301*ev-nodes*311.0)
	require.LessOrEqual(t, s.pendingSecs, 311*ev+nodes*311.0)
	require.InDelta(t, 2*ev, float64(s.transitions), 2*nodes)
}

// TestTimeToPressureClosedForm: no pods, host writes at a constant rate g
// from u0 used, U of unused images, image GC at 85%/80% and
// nodefs.available<10%. Every GC pass (each 5m, once usage is 85%) frees
// unused images down to 80%, and the climb from 85% to 90% takes 5h ≫ 5m,
// so every image is gone before 90%: pressure starts when
// u0·C + g·t - U = 0.9·C, T = ((0.9-u0)C + U)/g, whatever the GC's phase.
// The condition is posted at the first pass after T, T + U(0, 10s] for a
// uniform pass phase: the mean over N nodes is T + 5s, its standard error
// 10s/√(12N).
func TestTimeToPressureClosedForm(t *testing.T) {
	if testing.Short() {
		t.Skip("Monte Carlo: left to the unit run")
	}
	const nodes = 400
	c := diskConfig(t, "v1.33", nodes, 0)
	c.Simulation.Duration = 20 * time.Hour
	c.Disk.NodefsUsed, c.Disk.UnusedImages, c.Disk.HostWriteRate = 0.80, "8Gi", "1Gi/h"
	r := newRun(c, 0)
	first := make([]sim.Time, nodes)
	r.pr.onCondition = func(n *node, at sim.Time, conds uint8) {
		if conds&condDiskPressure != 0 && first[n.id] == 0 {
			first[n.id] = at
		}
	}
	_, err := r.simulate(context.Background())
	require.NoError(t, err)
	T := (0.1*100 + 8) * 3600.0 // (0.9-0.8)·100Gi + 8Gi at 1Gi/h, in seconds
	var sum float64
	for i, at := range first {
		d := at.Seconds() - T
		require.Truef(t, d > 0 && d <= 10, "node %d: pressure at T%+.3fs, want in (0, 10s]", i, d)
		sum += d
	}
	se := 10 / math.Sqrt(12*nodes)
	t.Logf("T = %vs; mean delay after T %.3fs, want 5s ± %.3fs (4 SE)", T, sum/nodes, 4*se)
	require.InDelta(t, 5, sum/nodes, 4*se)
}

// TestConditionChangeIsStatusPatch: in lease mode an unchanged status is
// patched every nodeStatusReportFrequency (5m), but a pressure condition
// change makes the next status tick (10s) PATCH, so the controller's
// informer has it, and the pressure taint follows, within a tick: for
// DiskPressure and MemoryPressure alike.
func TestConditionChangeIsStatusPatch(t *testing.T) {
	disk := diskConfig(t, "v1.33", 5, 1)
	disk.Disk.NodefsUsed, disk.Disk.PodEmptyDirRate = 0.85, "1200Mi/m"
	memory := memConfig(t, 5, 1)
	memory.Memory.PodGrowthRate = "1200Mi/m"
	for _, c := range []*Config{disk, memory} {
		conditionChangeIsStatusPatch(t, c)
	}
}

func conditionChangeIsStatusPatch(t *testing.T, c *Config) {
	c.Simulation.Duration = 3 * time.Hour
	r := newRun(c, 0)
	type change struct {
		at    sim.Time
		conds uint8
	}
	var kubelet, seen [5][]change
	r.pr.onCondition = func(n *node, at sim.Time, conds uint8) { kubelet[n.id] = append(kubelet[n.id], change{at, conds}) }
	r.pr.onSeen = func(n *node, at sim.Time, conds uint8) { seen[n.id] = append(seen[n.id], change{at, conds}) }
	_, err := r.simulate(context.Background())
	require.NoError(t, err)
	for i := range kubelet {
		require.Greater(t, len(kubelet[i]), 10)
		j := 0
		for _, k := range kubelet[i] {
			for j < len(seen[i]) && seen[i][j].at < k.at {
				j++
			}
			require.Less(t, j, len(seen[i]), "node %d: no PATCH after the change at %v", i, k.at)
			s := seen[i][j]
			require.Equalf(t, k.conds, s.conds, "node %d: first PATCH after the change at %v carries %b", i, k.at, s.conds)
			require.LessOrEqualf(t, s.at-k.at, sim.Time(10e9), "node %d: change at %v patched at %v, want within a 10s tick", i, k.at, s.at)
		}
	}
}

// TestRareRefusesDisk: the rare-event method's thin runs assume nodes
// that interact only through the controller; with [disk] it refuses.
func TestRareRefusesDisk(t *testing.T) {
	c := diskConfig(t, "v1.33", 3, 1)
	c.Simulation.Method = MethodRare
	err := c.Validate()
	require.Error(t, err)
	require.Contains(t, err.Error(), KeyMethod)
}

// upgradeRun runs nodes under profile with Node conditions written by
// kubelets of from and a partition of 2m on each node about every 12h,
// and returns how many nodes ever went Unknown and the stats.
func upgradeRun(t *testing.T, profile, from string) (int, *conditionStats) {
	t.Helper()
	c := exactConfig(t, profile, 100)
	c.Simulation.Duration = 24 * time.Hour
	c.Cluster.NodeConditionsFrom = from
	c.Failures.Partition = &FailureProcess{Every: Dist{Kind: Exponential, A: 12 * 3600}, Lasts: Const(2 * time.Minute)}
	require.NoError(t, c.Validate())
	r := newRun(c, 0)
	unknown := map[int32]bool{}
	r.onTransition = func(n *node, _ sim.Time, u bool) {
		if u {
			unknown[n.id] = true
		}
	}
	m, err := r.simulate(context.Background())
	require.NoError(t, err)
	return len(unknown), m.cond
}

// TestOutOfDiskStuckUnknownIssue72485: Node objects written by v1.12
// kubelets carry OutOfDisk; the v1.13 kubelet no longer posts it (PR
// #70111) while the v1.13 controller still sets it Unknown with Ready
// (tryUpdateNodeHealth), so every node that went Unknown once keeps
// OutOfDisk=Unknown. Without the upgrade, with v1.14's kubelet (which
// removes the stale condition, PR #72507) or v1.16's controller (which no
// longer lists it, PR #72420), no condition is left Unknown.
func TestOutOfDiskStuckUnknownIssue72485(t *testing.T) {
	went, s := upgradeRun(t, "v1.13", "v1.12")
	require.Greater(t, went, 10)
	require.Equal(t, int64(went), s.staleNodes)
	require.Equal(t, int64(went), s.staleByType[3], "OutOfDisk")
	for _, c := range []struct{ profile, from string }{{"v1.13", ""}, {"v1.12", "v1.12"}, {"v1.14", "v1.12"}, {"v1.16", "v1.12"}} {
		went, s := upgradeRun(t, c.profile, c.from)
		require.Greater(t, went, 10)
		if s != nil { // nil: no upgrade key, nothing modelled
			require.Zerof(t, s.staleNodes, "%s from %q", c.profile, c.from)
		}
	}
}

// TestUpgradeKeyValidated: an unknown release names its key.
func TestUpgradeKeyValidated(t *testing.T) {
	c := exactConfig(t, "v1.13", 2)
	c.Cluster.NodeConditionsFrom = "v1.2"
	err := c.Validate()
	require.Error(t, err)
	require.Contains(t, err.Error(), KeyNodeConditionsFrom)
}

// TestMaxPodGracePeriodClosedForm: as TestFlapPeriodClosedForm, but the
// threshold is soft (grace 0s) and evictionMaxPodGracePeriod is 30s: the
// evicted pod keeps its disk for its 30s grace, the manager waits for its
// cleanup (30s, podCleanupTimeout) and DiskPressure clears at the first
// pass 300s after the eviction pass, e+300s; the taint goes δ ∈ [0, 10s]
// later. So P ∈ (τ+300s, τ+320s], with 270s+δ pod-seconds Pending per
// cycle.
func TestMaxPodGracePeriodClosedForm(t *testing.T) {
	const nodes = 20
	c := diskConfig(t, "v1.33", nodes, 1)
	c.Simulation.Warmup, c.Simulation.Duration = time.Hour, 24*time.Hour
	c.Kubelet.Eviction.EvictionHard = nil
	c.Kubelet.Eviction.EvictionSoft = map[string]string{"nodefs.available": "10%"}
	c.Kubelet.Eviction.EvictionSoftGracePeriod = map[string]string{"nodefs.available": "0s"}
	c.Kubelet.Eviction.EvictionMaxPodGracePeriod = 30
	c.Disk.NodefsUsed, c.Disk.PodEmptyDirRate = 0.85, "1200Mi/m"
	_, m := runPressure(t, c)
	s := m.cond
	tau := 5 * 1024 / 1200.0 * 60
	D := c.Simulation.Duration.Seconds()
	evictionsPerCycle(t, nodes, D, tau+300, tau+320, s.evictions)
	ev := float64(s.evictions)
	require.InDelta(t, 300*ev, s.pressure(condDiskPressure), nodes*300.0)
	require.GreaterOrEqual(t, s.pendingSecs, 270*ev-nodes*280.0)
	require.LessOrEqual(t, s.pendingSecs, 280*ev+nodes*280.0)
}

// TestRunawayWriterEvictedFirst: a runaway writer (one pod's emptyDir at
// 1Gi/min, each hour) fills the node past nodefs.available<10% in about
// 5 minutes; rankDiskPressureFunc picks the pod using the most, so each
// runaway costs exactly one eviction, of that pod, and the pods writing
// only their rotated logs are never evicted.
func TestRunawayWriterEvictedFirst(t *testing.T) {
	c := diskConfig(t, "v1.33", 4, 5)
	c.Simulation.Duration = 10*time.Hour + 30*time.Minute
	c.Disk.NodefsUsed, c.Disk.PodLogRate = 0.85, "10Mi/h"
	c.Disk.RunawayEvery, c.Disk.RunawayRate = Const(time.Hour), "1Gi/m"
	r, m := runPressure(t, c)
	require.Equal(t, int64(4*10), m.cond.evictions)
	for id, d := range r.pr.nodes {
		for i := 1; i < len(d.pods); i++ {
			require.Zerof(t, d.pods[i].start, "node %d pod %d was evicted (restarted at %v)", id, i, d.pods[i].start)
		}
	}
}

// TestDaemonSetBackoff: the DaemonSet controller's failed-pod backoff
// for a pod the kubelet kills 5s after each start: failures come 5s
// after each replacement, so while the backoff (1s, 2s, 4s) is shorter
// they are replaced at once; from 8s on each waits a whole backoff,
// doubling to 15m. A failure 30m after the last replacement is replaced
// at once again.
func TestDaemonSetBackoff(t *testing.T) {
	var p diskPod
	var waits []sim.Time
	fail := sim.Time(0)
	for range 13 {
		at := p.recreateAt(fail)
		waits = append(waits, (at-fail)/1e9)
		fail = at + 5e9
	}
	require.Equal(t, []sim.Time{0, 0, 0, 0, 8, 16, 32, 64, 128, 256, 512, 900, 900}, waits)
	late := p.failedAt + 2*dsBackoffMax + 1
	require.Equal(t, late, p.recreateAt(late), "expired after 2 × 15m: at once")
	require.Equal(t, dsBackoffInitial, p.backoff)
}

// TestRateDistributions: a per-pod rate may follow a distribution; its
// draws are bytes per second (Dist's seconds): the median of 1e5 draws of
// lognormal median=1Mi/h is within the binomial tolerance of 1Mi/h.
func TestRateDistributions(t *testing.T) {
	text, err := RateText(map[string]any{"dist": "lognormal", "median": "1Mi/h", "p99": "10Mi/h"})
	require.NoError(t, err)
	require.Equal(t, "lognormal median=1Mi/h p99=10Mi/h", text)
	d, err := parseRateDist(text)
	require.NoError(t, err)
	rng := sim.NewRand(sim.StreamKey{Seed: 1, Component: "rates"})
	const n = 100_000
	below := 0
	for range n {
		if float64(d.SampleNs(rng))/1e9 < float64(1<<20)/3600 {
			below++
		}
	}
	require.InDelta(t, 0.5, float64(below)/n, binomialTol(0.5, n))
	for _, bad := range []any{
		map[string]any{"dist": "lognormal", "median": "1Mi/h"},
		map[string]any{"dist": "uniform", "min": "2Mi/h", "max": "1Mi/h"},
		map[string]any{"dist": "gamma", "mean": "1Mi/h"},
		map[string]any{"dist": "exponential", "mean": "1Mi/h", "p99": "2Mi/h"},
		"1Mi",
	} {
		_, err := RateText(bad)
		require.Errorf(t, err, "%v", bad)
	}
}

// TestConditionSetsOfReleases pins the condition sets per release: what
// the kubelet posts beside Ready and what the controller sets Unknown.
func TestConditionSetsOfReleases(t *testing.T) {
	all := condMemoryPressure | condDiskPressure | condPIDPressure
	for _, c := range []struct {
		profile         string
		posted, unknown uint8
		removes         bool
	}{
		{"v1.12", all | condOutOfDisk, condMemoryPressure | condDiskPressure | condOutOfDisk, false},
		{"v1.13", all, all | condOutOfDisk, false},
		{"v1.14", all, all | condOutOfDisk, true},
		{"v1.15", all, all | condOutOfDisk, true},
		{"v1.16", all, all, false},
		{"v1.37", all, all, false},
	} {
		r, err := conditionRulesOf(c.profile)
		require.NoError(t, err)
		require.Equalf(t, c.posted, r.posted(), "%s posted", c.profile)
		require.Equalf(t, c.unknown, r.setUnknown(), "%s set Unknown", c.profile)
		require.Equalf(t, c.removes, r.KubeletRemovesOutOfDisk, "%s removes a stale OutOfDisk", c.profile)
	}
}

// evictionsPerCycle checks a flap cycle whose period lies in (Pmin,
// Pmax] over D seconds: each of the nodes evicts once per whole cycle,
// from ⌊D/Pmax⌋ to ⌊D/Pmin⌋+1 times.
func evictionsPerCycle(t *testing.T, nodes int, D, Pmin, Pmax float64, evictions int64) {
	t.Helper()
	lo, hi := float64(nodes)*math.Floor(D/Pmax), float64(nodes)*(math.Floor(D/Pmin)+1)
	t.Logf("P in (%v, %v]s; evictions %d in [%v, %v]", Pmin, Pmax, evictions, lo, hi)
	require.GreaterOrEqual(t, float64(evictions), lo)
	require.LessOrEqual(t, float64(evictions), hi)
}
