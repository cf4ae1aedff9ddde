package model

import (
	"testing"

	"github.com/nodesim/nodesim/sim"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGraceCheckIsStrict(t *testing.T) {
	t.Parallel()
	p, g := sec(100), int64(sec(40))
	for _, tc := range []struct {
		now  sim.Time
		want bool
	}{{p + sec(39.999), false}, {p + sec(40), false}, {p + sec(40) + 1, true}, {p + sec(45), true}} {
		assert.Equal(t, tc.want, graceExpired(tc.now, p, g), "now=%v", tc.now)
	}
}

// DESIGN §3, checked against the real controller: a heartbeat first seen
// at pass P and the next seen at P+45 gives no transition (the probe is
// refreshed before the strict check); the next seen at P+50 gives Unknown
// at exactly P+45.
// A status heartbeat drops the saved lease; if the lease did not advance in
// that pass, the next pass takes it as new: one extra pass of credit.
func TestZoneStateNeedsMoreThanTwoNotReady(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		notReady, size int
		want           zoneState
	}{
		{2, 3, stateNormal}, // 67% ≥ 55% but only 2
		{3, 5, statePartial},
		{3, 6, stateNormal}, // 50% < 55%
		{3, 3, stateFull},
		{0, 3, stateNormal},
		{11, 20, statePartial}, // exactly 55%
	} {
		assert.Equal(t, tc.want, computeZoneState(tc.notReady, tc.size, 0.55), "%d/%d", tc.notReady, tc.size)
	}
}

func TestSecondaryEvictionRateZeroForSmallZones(t *testing.T) {
	t.Parallel()
	c := &controller{cfg: &ControllerConfig{NodeEvictionRate: 0.1, SecondaryNodeEvictionRate: 0.01, LargeClusterSizeThreshold: 50}}
	assert.Equal(t, 0.0, c.zoneQPS(statePartial, 50))
	assert.Equal(t, 0.01, c.zoneQPS(statePartial, 51))
	assert.Equal(t, 0.1, c.zoneQPS(stateNormal, 10))
	assert.Equal(t, 0.1, c.zoneQPS(stateFull, 10))
}

func TestTokenBucketBurstOneAndSwapDrains(t *testing.T) {
	t.Parallel()
	b := newBucket(0.1, 0)
	assert.True(t, b.tryAccept(0))
	assert.False(t, b.tryAccept(sec(9.9)))
	assert.True(t, b.tryAccept(sec(10)))
	b.swap(0.01, sec(10)) // old bucket empty: the new one starts drained
	assert.False(t, b.tryAccept(sec(99)))
	assert.True(t, b.tryAccept(sec(110)))
}

func TestFullDisruptionRemovesTaintsAndResetsProbesOnExit(t *testing.T) {
	t.Parallel()
	c := exactConfig(t, "v1.33", 4)
	c.Cluster.Zones = 2
	r := newRun(c, 0)
	for i := range r.nodes {
		n := &r.nodes[i]
		n.unknown, n.tainted, n.probe, n.status.seenHB = true, true, sec(1), 1
		r.ctl.setUnknown(n, true, sec(100))
	}
	r.ctl.handleDisruption(sec(100))
	assert.True(t, r.ctl.master)
	for i := range r.nodes {
		assert.False(t, r.nodes[i].tainted, "taints removed entering master disruption")
	}
	assert.Zero(t, r.ctl.zones[0].bucket.qps)

	r.nodes[0].unknown = false
	r.ctl.setUnknown(&r.nodes[0], false, sec(200))
	r.ctl.handleDisruption(sec(200))
	assert.False(t, r.ctl.master)
	for i := range r.nodes {
		assert.Equal(t, sec(200), r.nodes[i].probe, "fresh grace for every node on exit")
	}
	assert.Equal(t, 0.1, r.ctl.zones[1].bucket.qps, "full zone gets the normal rate back")
}

// failoverRun is one v1.33 node, its loops stopped, with a leader
// failover of 20s that tests start by hand (inc.arrive(0, t)).
// A new leader has no nodeHealthData: probes restart at its first pass,
// so a silent node is detected a whole grace period after the failover.
// Overlapping failovers are one: no leader until the last ends, then one
// chain of passes (two would double every pass and its writes).
// A node whose health update failed adds no condition to its zone in that
// pass (monitorNodeHealth returns before zoneToNodeConditions): 3 of 4
// nodes Unknown make a partial disruption, but with one of them left out
// only 2 of 3 count, and "more than 2" does not hold; a zone with every
// node left out keeps its state.
func TestNodesLeftOutOfTheirZoneState(t *testing.T) {
	t.Parallel()
	c := exactConfig(t, "v1.33", 4)
	r := newRun(c, 0)
	for i := range r.nodes {
		n := &r.nodes[i]
		n.status.seenHB = 1
		if i < 3 {
			n.unknown = true
			r.ctl.setUnknown(n, true, sec(10))
		} else {
			r.ctl.countNotReady(n)
		}
	}
	r.ctl.handleDisruption(sec(10))
	assert.Equal(t, statePartial, r.ctl.zones[0].state)
	r.ctl.zones[0].state = stateNormal
	r.ctl.leaveOut(&r.nodes[0])
	r.ctl.handleDisruption(sec(15))
	assert.Equal(t, stateNormal, r.ctl.zones[0].state, "2 of 3 counted")
	r.ctl.handleDisruption(sec(20))
	assert.Equal(t, statePartial, r.ctl.zones[0].state, "left out for one pass only")
	for i := range r.nodes {
		r.ctl.leaveOut(&r.nodes[i])
	}
	r.nodes[0].unknown = false
	r.ctl.setUnknown(&r.nodes[0], false, sec(25))
	r.ctl.handleDisruption(sec(25))
	assert.Equal(t, statePartial, r.ctl.zones[0].state, "no node counted: the zone keeps its state")
}

// A new leader has no saved lease either: the lease it sees at its first
// pass is saved there, and the next pass gives no more credit for it, even
// when the old leader had already seen that lease (conformance finding 1).
// ComputeZoneState counts a node that never posted (no Ready condition)
// as not ready: when no kubelet has posted by the first pass every zone is
// fully disrupted, and leaving master disruption mode restarts the startup
// grace of nodes still to post (conformance finding 2).
// Passes are sliding: each starts node-monitor-period after the previous
// one ended, so a pass that takes 1ms breaks the exact-grid equality case
// and Unknown comes one pass earlier than on a perfect grid.
// evictionTimes runs one silent node (posted once, then nothing) beside
// two healthy ones (so the zone stays in normal disruption) and returns
// when it went Unknown, was tainted (at once when queued: the bucket is
// full) and had its pods evicted (-1: not by the end).
func evictionTimes(t *testing.T, profile string) (unknown, tainted, evicted sim.Time) {
	r, n := manual(t, exactConfig(t, profile, 3))
	n.status.seenHB = 1
	tr := record(r)
	tainted, evicted = -1, -1
	for k := 1; k <= 7000; k++ {
		at := sim.Time(k) * 1e8 // 100ms steps: the tainter's period
		r.eng.Run(at)
		if tainted < 0 && n.tainted {
			tainted = at
		}
		if evicted < 0 && r.met.evictions > 0 {
			evicted = at
		}
	}
	require.Len(t, tr.unknown, 1)
	return tr.unknown[0], tainted, evicted
}

// Before v1.27 processTaintBaseEviction acts on the condition the pass
// observed: a node marked Unknown at pass P is queued for its NoExecute
// taint at P+1; from v1.27 on the condition just written, in pass P.
// Grace 40s from the first pass at 5s: Unknown at 50s.
func TestTaintQueuedAtNextPassBeforeV127(t *testing.T) {
	for _, tc := range []struct {
		profile string
		tainted sim.Time
	}{{"v1.26", sec(55)}, {"v1.27", sec(50)}} {
		unknown, tainted, evicted := evictionTimes(t, tc.profile)
		assert.Equal(t, sec(50), unknown, tc.profile)
		assert.Equal(t, tc.tainted, tainted, tc.profile)
		assert.Equal(t, tc.tainted+sec(300), evicted, "%s: toleration 300s after the taint", tc.profile)
	}
}

// v1.12 has no taint-based evictions: the controller deletes the pods once
// a pass sees the node Unknown past probeTimestamp + pod-eviction-timeout
// (5m), through the zone's rate limiter (doEvictionPass).
func TestPodEvictionTimeoutV112(t *testing.T) {
	c := exactConfig(t, "v1.12", 1)
	assert.False(t, c.Rules.TaintBasedEvictions)
	unknown, tainted, evicted := evictionTimes(t, "v1.12")
	assert.Equal(t, sec(50), unknown)
	assert.Equal(t, sec(310), evicted, "first pass after probe 5s + 300s")
	assert.Equal(t, evicted, tainted, "no taint, no toleration: deleted when the limiter lets it")
}

// The NoExecute tainter reads the node from the controller's informer: it
// drops a node whose Unknown write it does not see yet or whose kubelet's
// Ready=True it already sees.
func TestTainterReadsTheLister(t *testing.T) {
	n := &node{unknown: true, unknownWrite: sec(50), viewDelay: int64(sec(0.3))}
	n.status.vis = sim.Never
	assert.False(t, n.listerShowsUnknown(sec(50.2)), "own write not delivered yet")
	assert.True(t, n.listerShowsUnknown(sec(50.3)))
	n.status.setsReady, n.status.commit, n.status.vis = true, sec(52), sec(52.1)
	assert.True(t, n.listerShowsUnknown(sec(52)))
	assert.False(t, n.listerShowsUnknown(sec(52.1)), "the kubelet's Ready=True is in the lister")
}

// The Unknown write carries the resourceVersion of the node as listed at
// pass start. A kubelet PATCH committed since (not yet delivered to the
// informer) makes it 409 Conflict; the controller re-GETs the node, sees
// the new heartbeat and, at its retry 20ms later (the first tick of
// wait.PollImmediate's poller, started after the first try), refreshes
// the probe and writes nothing. A PATCH committed after the write comes
// too late.
// wait.PollImmediate(20ms, 100ms) around the Unknown write: the poller
// starts after the first try (write, 409, GET); each retry runs at the
// first 20ms tick after the previous try ended, and when the 100ms timer
// closes the channel one last try runs before the controller gives up.
// Writes take 30ms and keep conflicting (a PATCH that did not move the
// heartbeat): tries at 0, 50, 90 (the tick at 70 came during the second
// try) and the last at 130ms, giving up at 160ms.
