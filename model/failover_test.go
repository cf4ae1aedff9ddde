package model

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/nodesim/nodesim/sim"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Constant delays that tell the steps of failing over apart in the tests.
const (
	foWatch     = 30 * time.Millisecond  // informer.watch-delay
	foCost      = 20 * time.Millisecond  // controller.transition-cost (MarkPodsNotReady)
	foEndpoints = time.Second            // controller.endpoint-update-delay
	foTick      = 100 * time.Millisecond // doNoExecuteTaintingPass period
)

// failoverConfig is exactConfig with the constant delays above, a
// not-ready toleration (200s) unlike the unreachable one (300s), and
// failure processes that arrive only when a test starts them.
func failoverConfig(t *testing.T, profile string, nodes int) *Config {
	c := exactConfig(t, profile, nodes)
	c.Informer.WatchDelay = Const(foWatch)
	c.Controller.TransitionCost = foCost
	c.Controller.EndpointUpdateDelay = Const(foEndpoints)
	c.APIServer.DefaultNotReadyTolerationSeconds = 200
	never := Const(1000 * time.Hour)
	c.Failures.Crash = &FailureProcess{Every: never}
	c.Failures.RuntimeDown = &FailureProcess{Every: never, Lasts: Const(20 * time.Minute)}
	require.NoError(t, c.Validate())
	return c
}

// foTimes are the failover steps of the failures of a test, started
// together: the earliest and the latest of each (Never: none).
type foTimes struct{ removed, tainted, evicted, lastTainted sim.Time }

// failAt runs r with failure kind k starting on the given nodes at at, to
// the end, recording transitions and the failover times.
func failAt(t *testing.T, r *run, k failKind, at sim.Time, nodes ...int) (*transitions, foTimes) {
	t.Helper()
	tr := record(r)
	for _, i := range nodes {
		r.eng.At(at, r.inj.kStart, int32(i), int64(k))
	}
	_, err := r.simulate(context.Background())
	require.NoError(t, err)
	when := func(h *sim.Histogram, last bool) sim.Time {
		if h.Count() == 0 {
			return sim.Never
		}
		x := h.Min()
		if last {
			x = h.Max()
		}
		return at + sim.Time(math.Round(x*1e9))
	}
	f := &r.met.fo
	return tr, foTimes{when(&f.removed, false), when(&f.tainted, false), when(&f.evicted, false), when(&f.tainted, true)}
}

// A crash with deterministic timing, one node of ten (one alone would put
// its zone, and so the cluster, in full disruption): endpoints leave when MarkPodsNotReady
// is done (the Unknown write + transition cost) plus the watch delay and
// the endpoint update; the unreachable taint lands at the first tainter
// tick at or after the write (one node: the bucket is full); the pods go
// exactly a watch delay (the taint eviction controller sees the taint)
// plus 300s after the taint.
func TestCrashFailoverClosedForm(t *testing.T) {
	t.Parallel()
	// From v1.27 the pass that writes Unknown queues the taint; before, the
	// next pass (5s later: zero pass durations here) does.
	for _, tc := range []struct {
		profile string
		queued  sim.Time
	}{{"v1.26", sec(5)}, {"v1.37", 0}} {
		r := newRun(failoverConfig(t, tc.profile, 10), 0)
		crash := sec(100)
		tr, fo := failAt(t, r, crashFailure, crash, 0)
		require.Len(t, tr.unknown, 1, tc.profile)
		unknown := tr.unknown[0]
		assert.Equal(t, unknown+sim.Time(foCost+foWatch+foEndpoints), fo.removed, tc.profile)
		assert.GreaterOrEqual(t, fo.tainted, unknown+tc.queued, tc.profile)
		assert.LessOrEqual(t, fo.tainted, unknown+tc.queued+sim.Time(foTick), "%s: at most one tainter period after the queueing", tc.profile)
		assert.Equal(t, fo.tainted+sim.Time(foWatch+300*time.Second), fo.evicted, tc.profile)
		assert.Equal(t, unreachableTaint, r.nodes[0].taint, tc.profile)
		m := &r.met
		assert.InDelta(t, unknown.Sub(crash).Seconds(), m.det.Max(), 1e-9, tc.profile)
		assert.Zero(t, m.fo.notEvicted, "%s: never repaired, evicted within the run", tc.profile)
	}
}

// A node already (falsely) Unknown and tainted when it crashes has passed
// those steps: its endpoints went at the transition, no kubelet can bring
// them back, and only the eviction is still to come (300s after the
// taint eviction controller saw the taint, not after the crash).
func TestCrashWhileUnknownHasFailedOverAlready(t *testing.T) {
	t.Parallel()
	r, _ := manual(t, failoverConfig(t, "v1.33", 10)) // node 0 never posts: Unknown after the startup grace
	tr := record(r)
	crash := sec(200)
	r.eng.At(crash, r.inj.kStart, 0, int64(crashFailure))
	r.eng.Run(sec(1000))
	require.Len(t, tr.unknown, 1)
	require.Less(t, tr.unknown[0], crash)
	f := &r.met.fo
	require.Equal(t, 1, int(f.removed.Count()))
	assert.Zero(t, f.removed.Max(), "endpoints already gone")
	require.Equal(t, 1, int(f.tainted.Count()))
	assert.Zero(t, f.tainted.Max(), "taint already on")
	require.Equal(t, 1, int(f.evicted.Count()))
	assert.Less(t, f.evicted.Max(), (tr.unknown[0] + sec(301) - crash).Seconds(), "evicted from the taint's time, not the crash's")
}

// v1.12, before taints: the crashed node's pods are deleted by the first
// pass after probeTimestamp + pod-eviction-timeout (5m) that finds a token
// (one tainter tick at most); no taint is recorded.
func TestCrashFailoverV112(t *testing.T) {
	t.Parallel()
	r := newRun(failoverConfig(t, "v1.12", 10), 0)
	tr, fo := failAt(t, r, crashFailure, sec(100), 0)
	require.Len(t, tr.unknown, 1)
	unknown := tr.unknown[0]
	assert.Equal(t, sim.Never, fo.tainted)
	// Unknown at the first pass (5s grid) with now > probe + grace, so
	// probe ∈ [unknown − grace − 5s, unknown − grace); the pods go at the
	// first pass with now > probe + 300s, plus at most one tainter tick.
	grace := sim.Time(r.cfg.Controller.NodeMonitorGracePeriod)
	assert.Greater(t, fo.evicted, unknown-grace-sec(5)+sec(300))
	assert.LessOrEqual(t, fo.evicted, unknown-grace+sec(305)+sim.Time(foTick))
	assert.Equal(t, unknown+sim.Time(foCost+foWatch+foEndpoints), fo.removed, "MarkPodsNotReady at the transition")
}

// Two nodes of a 10-node zone crash together: 2 not ready is not "more
// than 2", so the zone stays normal and its bucket (0.1/s, burst 1) lets
// the second taint through 10s after the first, within one tainter tick
// (the bucket refills in 100ms steps).
func TestCrashTaintsThroughTheZoneRateLimiter(t *testing.T) {
	t.Parallel()
	r := newRun(failoverConfig(t, "v1.37", 10), 0)
	_, fo := failAt(t, r, crashFailure, sec(100), 0, 1)
	gap := fo.lastTainted - fo.tainted
	assert.GreaterOrEqual(t, gap, sec(10))
	assert.LessOrEqual(t, gap, sec(10)+sim.Time(foTick))
	assert.Equal(t, fo.tainted+sim.Time(foWatch+300*time.Second), fo.evicted)
	assert.Equal(t, fo.lastTainted+sim.Time(foWatch+300*time.Second), at(r.met.fo.evicted.Max()))
}

// A runtime down (containerd gone): updateRuntimeUp's last success was at
// most 5s before, the kubelet reports Ready=False from 30s after it, and
// its lease and status keep coming, so the node is never Unknown. The
// controller queues it for the not-ready taint at the pass that lists
// Ready=False (its detection), the pods go 200s (the not-ready
// toleration) after the taint eviction controller sees the taint, and
// the endpoints only with the deleted pods: MarkPodsNotReady is not
// called for a Ready=False the kubelet posted.
func TestRuntimeDownGetsNotReadyTaint(t *testing.T) {
	t.Parallel()
	r := newRun(failoverConfig(t, "v1.37", 10), 0)
	down := sec(100)
	tr, fo := failAt(t, r, runtimeDownFailure, down, 0)
	n := &r.nodes[0]
	assert.Empty(t, tr.unknown, "heartbeats continue: never Unknown")
	assert.GreaterOrEqual(t, n.runtimeFalse, down.Add(maxWaitForContainerRuntime-runtimePoll))
	assert.LessOrEqual(t, n.runtimeFalse, down.Add(maxWaitForContainerRuntime))

	require.Equal(t, uint64(1), r.met.det.Count())
	seen := down + sim.Time(r.met.det.Max()*1e9)
	// Seen at a pass (5s) after the status tick (10s) after runtimeFalse.
	assert.Greater(t, seen, n.runtimeFalse)
	assert.LessOrEqual(t, seen, n.runtimeFalse+sec(10)+sim.Time(foWatch)+sec(5))
	assert.GreaterOrEqual(t, fo.tainted, seen)
	assert.LessOrEqual(t, fo.tainted, seen+sim.Time(foTick))
	assert.Equal(t, fo.tainted+sim.Time(foWatch+200*time.Second), fo.evicted, "the not-ready toleration")
	assert.Equal(t, fo.evicted+sim.Time(foWatch+foEndpoints), fo.removed, "endpoints leave with the deleted pods")
	assert.Equal(t, notReadyTaint, n.taint)
	assert.False(t, n.readyFalse, "Ready again after the runtime came back")
}

// Before taints (v1.12) a Ready=False node's pods are deleted by the first
// pass after readyTransitionTimestamp + pod-eviction-timeout (5m), through
// the zone's limiter (one tick at most).
func TestRuntimeDownPodEvictionTimeoutV112(t *testing.T) {
	t.Parallel()
	r := newRun(failoverConfig(t, "v1.12", 10), 0)
	down := sec(100)
	_, fo := failAt(t, r, runtimeDownFailure, down, 0)
	seen := down + sim.Time(r.met.det.Max()*1e9)
	assert.Equal(t, sim.Never, fo.tainted, "no taint before v1.13")
	assert.Greater(t, fo.evicted, seen+sec(300))
	assert.LessOrEqual(t, fo.evicted, seen+sec(305)+sim.Time(foTick))
}

// A crash repaired after 2 minutes, before the 300s toleration runs out:
// detected, endpoints removed and tainted, but not evicted.
func TestRepairedBeforeTolerationNotEvicted(t *testing.T) {
	t.Parallel()
	c := failoverConfig(t, "v1.37", 10)
	c.Failures.Crash.Repair = 2 * time.Minute
	r := newRun(c, 0)
	_, fo := failAt(t, r, crashFailure, sec(100), 0)
	assert.NotEqual(t, sim.Never, fo.tainted)
	m := &r.met
	assert.Equal(t, uint64(1), m.fo.removed.Count())
	assert.Zero(t, m.fo.evicted.Count())
	assert.Equal(t, int64(1), m.fo.notEvicted)
	assert.Zero(t, m.fo.notEvictedMaster)
	assert.Zero(t, m.fo.keptEndpoints)
	assert.Equal(t, Failover{}.NotEvicted+1, failoverResult(&m.fo).NotEvicted)
}

// Every node of the only zone crashes for good: the zone is fully
// disrupted, so is every zone, and the controller enters master
// disruption mode: no taint, no eviction. At the end of a run long enough
// to have evicted, each counts as not evicted in full disruption.
func TestFullDisruptionStopsEviction(t *testing.T) {
	t.Parallel()
	r := newRun(failoverConfig(t, "v1.37", 3), 0)
	_, fo := failAt(t, r, crashFailure, sec(100), 0, 1, 2)
	assert.True(t, r.ctl.master)
	assert.Equal(t, sim.Never, fo.evicted)
	for i := range r.nodes {
		assert.True(t, r.nodes[i].fo.has(foSawMaster))
	}
	require.Greater(t, time.Hour-100*time.Second, evictable(r.cfg), "the run outlasts the censoring bound")
	assert.Equal(t, int64(3), r.met.fo.notEvicted)
	assert.Equal(t, int64(3), r.met.fo.notEvictedMaster)
}

// at is the instant x seconds after the failures of failAt (100s).
func at(x float64) sim.Time { return sec(100) + sim.Time(math.Round(x*1e9)) }

// runtimeReadyFalse: from is 30s after the last successful poll; until is
// the first poll at or after the runtime's return on that 5s grid.
func TestRuntimeReadyFalse(t *testing.T) {
	for _, tc := range []struct{ last, end, from, until sim.Time }{
		{sec(0), sec(31), sec(30), sec(35)},
		{sec(2), sec(600), sec(32), sec(602)},
		{sec(2), sec(602), sec(32), sec(602)},
		{sec(0), sec(29), sec(30), sec(30)}, // back before the threshold: never reported
	} {
		from, until := runtimeReadyFalse(tc.last, tc.end)
		assert.Equal(t, tc.from, from)
		assert.Equal(t, tc.until, until)
	}
}

// Failover and zone figures, like the rest, are the same for any number
// of workers.
func TestFailoverDeterministicAcrossWorkers(t *testing.T) {
	t.Parallel()
	c, err := Default("v1.37")
	require.NoError(t, err)
	c.Cluster.Nodes, c.Cluster.Zones = 60, 3
	c.Simulation.Duration, c.Simulation.Warmup, c.Simulation.Replications = 6*time.Hour, 10*time.Minute, 3
	c.Failures.Crash = &FailureProcess{Every: Dist{Kind: Exponential, A: (12 * time.Hour).Seconds()}, Repair: 30 * time.Minute}
	c.Failures.RuntimeDown = &FailureProcess{Every: Dist{Kind: Exponential, A: (12 * time.Hour).Seconds()}, Lasts: Const(20 * time.Minute)}
	require.NoError(t, c.Validate())
	one, err := RunPoint(context.Background(), c, 1, nil)
	require.NoError(t, err)
	two, err := RunPoint(context.Background(), c, 3, nil)
	require.NoError(t, err)
	assert.Equal(t, one.Failover, two.Failover)
	assert.Equal(t, one.Zones, two.Zones)
	assert.Positive(t, one.Failover.Evicted)
	require.Len(t, one.Failover.ByKind, 2)
	assert.Equal(t, "crash", one.Failover.ByKind[0].Kind)
	assert.Equal(t, "runtime-down", one.Failover.ByKind[1].Kind)
	var failures, notEvicted int64
	for _, k := range one.Failover.ByKind {
		failures += k.Failures
		notEvicted += k.NotEvicted
	}
	assert.Equal(t, one.Detection.Failures, failures, "the kinds add up")
	assert.Equal(t, one.Failover.NotEvicted, notEvicted)
	// A crash's endpoints go at its Unknown, a runtime-down node's only
	// with its evicted pods: minutes apart.
	assert.Less(t, float64(one.Failover.ByKind[0].EndpointsRemovedP50S), float64(one.Failover.ByKind[1].EndpointsRemovedP50S)-200)
	var evictions, falseEvictions, falseNR int64
	for _, z := range one.Zones {
		evictions += z.Evictions
		falseEvictions += z.FalseEvictions
		falseNR += z.FalseNotReady
	}
	assert.Equal(t, one.FalseNotReady.Events, falseNR, "zones add up to the cluster")
	assert.Equal(t, one.FalseEvictions.Count, falseEvictions)
	// Zones count every eviction after warmup, also of failures that began
	// before it, which failover does not follow.
	assert.GreaterOrEqual(t, evictions, int64(c.Cluster.PodsPerNode)*one.Failover.Evicted+one.FalseEvictions.Count)
}

// Six of the ten nodes of a zone crash together: more than 2 and at least
// 55% not ready puts the zone in partial disruption, where a zone of at
// most large-cluster-size-threshold (50) nodes taints at rate 0. The
// crashes are detected within one renew interval (10s) and one pass (5s)
// of each other, so the bucket (0.1/s, burst 1) lets at most 1 + 15/10 of
// them through before the state changes; the rest are never tainted nor
// evicted. (Two zones: the other keeps the cluster out of master
// disruption mode.)
func TestPartialDisruptionOfSmallZoneStopsTainting(t *testing.T) {
	t.Parallel()
	c := failoverConfig(t, "v1.37", 20)
	c.Cluster.Zones = 2
	r := newRun(c, 0)
	failAt(t, r, crashFailure, sec(100), 0, 2, 4, 6, 8, 10) // zone 0: even positions
	m := &r.met
	tainted := int64(m.fo.tainted.Count())
	assert.LessOrEqual(t, tainted, int64(2))
	assert.Equal(t, tainted, int64(m.fo.evicted.Count()), "every taint outlasts its toleration")
	assert.Equal(t, 6-tainted, m.fo.notEvicted)
	assert.Zero(t, m.fo.notEvictedMaster)
	assert.Positive(t, m.zones[0].partialSecs)
	assert.Zero(t, m.zones[1].partialSecs)
}

// ComputeZoneState counts every node whose Ready is not True: three of a
// zone's four nodes reporting Ready=False (runtime down, never Unknown)
// put it in partial disruption.
func TestReadyFalseCountsNotReadyInItsZone(t *testing.T) {
	t.Parallel()
	c := failoverConfig(t, "v1.37", 8)
	c.Cluster.Zones = 2
	r := newRun(c, 0)
	tr, _ := failAt(t, r, runtimeDownFailure, sec(100), 0, 2, 4) // zone 0: even positions
	assert.Empty(t, tr.unknown)
	assert.Positive(t, r.met.zones[0].partialSecs)
	assert.Zero(t, r.met.zones[1].partialSecs)
}
