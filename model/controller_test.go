package model

import (
	"testing"
	"time"

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
func TestProbeRefreshedBeforeStrictCheck(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		nextSeen    float64
		wantUnknown []sim.Time
	}{{55, nil}, {60, []sim.Time{sec(55)}}} {
		c := exactConfig(t, "v1.26", 1) // grace 40s
		r, n := manual(t, c)
		tr := record(r)
		n.status.seenHB = 1 // posted long ago
		deliverLease(n, sec(9), sec(9))
		r.eng.Run(sec(10)) // P = 10 sees it
		require.Equal(t, sec(10), n.probe)
		deliverLease(n, sec(tc.nextSeen-1), sec(tc.nextSeen-1))
		r.eng.Run(sec(tc.nextSeen))
		assert.Equal(t, tc.wantUnknown, tr.unknown, "next heartbeat seen at %v", tc.nextSeen)
	}
}

func TestHeartbeatBetweenPassesCountsAtNextPass(t *testing.T) {
	t.Parallel()
	r, n := manual(t, exactConfig(t, "v1.33", 1))
	n.status.seenHB = 1
	r.eng.Run(sec(10))
	deliverLease(n, sec(12.3), sec(12.3))
	r.eng.Run(sec(14.999))
	assert.Equal(t, sec(5), n.probe, "not before the pass")
	r.eng.Run(sec(15))
	assert.Equal(t, sec(15), n.probe, "probeTimestamp is the pass's now, not the arrival")
}

func TestStatusHeartbeatComparedWithNotEqual(t *testing.T) {
	t.Parallel()
	r, n := manual(t, exactConfig(t, "v1.12", 1))
	deliverStatus(n, sec(4), 100, false)
	r.eng.Run(sec(5))
	deliverStatus(n, sec(9), 90, false) // older timestamp, but different
	r.eng.Run(sec(10))
	assert.Equal(t, sec(10), n.probe)
	deliverStatus(n, sec(14), 90, false) // same timestamp: not a heartbeat
	r.eng.Run(sec(15))
	assert.Equal(t, sec(10), n.probe)
}

func TestLeaseRenewTimeMustBeStrictlyNewer(t *testing.T) {
	t.Parallel()
	r, n := manual(t, exactConfig(t, "v1.33", 1))
	n.status.seenHB = 1
	deliverLease(n, sec(9), sec(9))
	r.eng.Run(sec(10))
	deliverLease(n, sec(14), sec(9)) // equal RenewTime
	r.eng.Run(sec(15))
	assert.Equal(t, sec(10), n.probe)
	deliverLease(n, sec(19), sec(8)) // older (kubelet clock stepped back)
	r.eng.Run(sec(20))
	assert.Equal(t, sec(10), n.probe)
	deliverLease(n, sec(24), sec(9)+1) // 1ns newer: RenewTime has µs precision upstream, ns here
	r.eng.Run(sec(25))
	assert.Equal(t, sec(25), n.probe)
}

// A status heartbeat drops the saved lease; if the lease did not advance in
// that pass, the next pass takes it as new: one extra pass of credit.
func TestStatusHeartbeatResetsSavedLease(t *testing.T) {
	t.Parallel()
	r, n := manual(t, exactConfig(t, "v1.33", 1))
	deliverStatus(n, sec(1), 1, false)
	deliverLease(n, sec(9), sec(9))
	r.eng.Run(sec(10))
	require.Equal(t, sec(10), n.probe)
	deliverStatus(n, sec(14), 14, false)
	r.eng.Run(sec(15))
	assert.Equal(t, sec(15), n.probe, "status heartbeat")
	r.eng.Run(sec(20))
	assert.Equal(t, sec(20), n.probe, "unchanged lease taken as new once")
	r.eng.Run(sec(25))
	assert.Equal(t, sec(20), n.probe, "then no more credit")
}

func TestStartupGraceUntilFirstPost(t *testing.T) {
	t.Parallel()
	// Never posts, no lease: Unknown at the first pass after creation + 60s.
	r, _ := manual(t, exactConfig(t, "v1.12", 1))
	tr := record(r)
	r.eng.Run(sec(100))
	assert.Equal(t, []sim.Time{sec(65)}, tr.unknown)

	// Renews its lease but never posts Ready: never Unknown.
	r, n := manual(t, exactConfig(t, "v1.33", 1))
	tr = record(r)
	for s := 9.0; s < 300; s += 10 {
		deliverLease(n, sec(s), sec(s))
		r.eng.Run(sec(s + 1))
	}
	assert.Empty(t, tr.unknown)
}

func TestRecoveryNeedsKubeletPatch(t *testing.T) {
	t.Parallel()
	r, n := manual(t, exactConfig(t, "v1.33", 1))
	tr := record(r)
	n.status.seenHB = 1
	r.eng.Run(sec(60)) // no heartbeat for 55s > 50s grace
	require.Equal(t, []sim.Time{sec(60)}, tr.unknown)
	deliverLease(n, sec(61), sec(61))
	r.eng.Run(sec(65))
	assert.Equal(t, sec(65), n.probe, "the lease refreshes the probe")
	assert.True(t, n.unknown, "but Ready stays Unknown")
	deliverStatus(n, sec(66), 66, true)
	r.eng.Run(sec(70))
	assert.False(t, n.unknown)
	assert.Equal(t, []sim.Time{sec(70)}, tr.ready)
}

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
		r.setUnknown(n, true, sec(100))
	}
	r.handleDisruption(sec(100))
	assert.True(t, r.ctl.master)
	for i := range r.nodes {
		assert.False(t, r.nodes[i].tainted, "taints removed entering master disruption")
	}
	assert.Zero(t, r.ctl.zones[0].bucket.qps)

	r.nodes[0].unknown = false
	r.setUnknown(&r.nodes[0], false, sec(200))
	r.handleDisruption(sec(200))
	assert.False(t, r.ctl.master)
	for i := range r.nodes {
		assert.Equal(t, sec(200), r.nodes[i].probe, "fresh grace for every node on exit")
	}
	assert.Equal(t, 0.1, r.ctl.zones[1].bucket.qps, "full zone gets the normal rate back")
}

// failoverRun is one v1.33 node, its loops stopped, with a leader
// failover of 20s that tests start by hand (incidentStart(0, t)).
func failoverRun(t *testing.T) (*run, *node) {
	c := exactConfig(t, "v1.33", 1)
	c.APIServer.Incidents = []Incident{{Every: Const(1000 * time.Hour), Lasts: Const(20 * time.Second), Effect: LeaderFailover}}
	return manual(t, c)
}

// A new leader has no nodeHealthData: probes restart at its first pass,
// so a silent node is detected a whole grace period after the failover.
func TestLeaderFailoverResetsProbes(t *testing.T) {
	t.Parallel()
	r, n := failoverRun(t)
	tr := record(r)
	n.status.seenHB = 1
	r.eng.Run(sec(30)) // probe = 5 (first pass); would go Unknown at 60
	r.incidentStart(0, sec(30))
	r.eng.Run(sec(200))
	assert.Equal(t, []sim.Time{sec(105)}, tr.unknown, "new leader's first pass at 50 sets probe = 50")
}

// Overlapping failovers are one: no leader until the last ends, then one
// chain of passes (two would double every pass and its writes).
func TestOverlappingFailoversElectOneLeader(t *testing.T) {
	t.Parallel()
	r, _ := failoverRun(t)
	var passes []sim.Time
	r.beforeNode = func(_ *node, s, _ sim.Time, _ int) { passes = append(passes, s) }
	r.eng.Run(sec(29))
	r.incidentStart(0, sec(30)) // ends at 50
	r.eng.Run(sec(39))
	r.incidentStart(0, sec(40)) // ends at 60
	r.eng.Run(sec(76))
	assert.Equal(t, []sim.Time{sec(5), sec(10), sec(15), sec(20), sec(25), sec(60), sec(65), sec(70), sec(75)}, passes)
}

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
			r.setUnknown(n, true, sec(10))
		} else {
			r.countNotReady(n)
		}
	}
	r.handleDisruption(sec(10))
	assert.Equal(t, statePartial, r.ctl.zones[0].state)
	r.ctl.zones[0].state = stateNormal
	r.leaveOut(&r.nodes[0])
	r.handleDisruption(sec(15))
	assert.Equal(t, stateNormal, r.ctl.zones[0].state, "2 of 3 counted")
	r.handleDisruption(sec(20))
	assert.Equal(t, statePartial, r.ctl.zones[0].state, "left out for one pass only")
	for i := range r.nodes {
		r.leaveOut(&r.nodes[i])
	}
	r.nodes[0].unknown = false
	r.setUnknown(&r.nodes[0], false, sec(25))
	r.handleDisruption(sec(25))
	assert.Equal(t, statePartial, r.ctl.zones[0].state, "no node counted: the zone keeps its state")
}

// A new leader has no saved lease either: the lease it sees at its first
// pass is saved there, and the next pass gives no more credit for it, even
// when the old leader had already seen that lease (conformance finding 1).
func TestNewLeaderSavesTheLeaseItSees(t *testing.T) {
	t.Parallel()
	r, n := failoverRun(t)
	tr := record(r)
	n.status.seenHB = 1
	deliverLease(n, sec(3), sec(3)) // seen by the old leader at 5, never renewed again
	r.eng.Run(sec(30))
	r.incidentStart(0, sec(30))
	r.eng.Run(sec(200))
	assert.Equal(t, []sim.Time{sec(105)}, tr.unknown, "probe = 50 at the new leader's first pass, none at 55")
}

// ComputeZoneState counts a node that never posted (no Ready condition)
// as not ready: when no kubelet has posted by the first pass every zone is
// fully disrupted, and leaving master disruption mode restarts the startup
// grace of nodes still to post (conformance finding 2).
func TestNeverPostedNodesAreNotReadyInTheirZone(t *testing.T) {
	t.Parallel()
	c := exactConfig(t, "v1.33", 2)
	r, _ := manual(t, c)
	silent, late := &r.nodes[0], &r.nodes[1]
	silent.lease.stopped, silent.lease.vis = true, sim.Never
	late.lease.stopped, late.lease.vis = true, sim.Never
	late.status.stopped = true
	tr := record(r)
	assert.Equal(t, 2, r.ctl.zones[0].notReady, "no Ready condition yet")
	r.eng.Run(sec(5))
	assert.True(t, r.ctl.master, "no node ready at the first pass: master disruption mode")
	deliverStatus(late, sec(7), 7, false)
	r.eng.Run(sec(10))
	assert.Equal(t, 1, r.ctl.zones[0].notReady)
	assert.False(t, r.ctl.master)
	assert.Equal(t, sec(10), silent.probe, "leaving master disruption mode restarts the startup grace")
	r.eng.Run(sec(100))
	// the node that posted: 10 + 50s grace; the silent one: 10 + 60s
	// startup grace, where without the restart it would go at 65 too
	assert.Equal(t, []sim.Time{sec(65), sec(75)}, tr.unknown)
}

// Passes are sliding: each starts node-monitor-period after the previous
// one ended, so a pass that takes 1ms breaks the exact-grid equality case
// and Unknown comes one pass earlier than on a perfect grid.
func TestSlidingPassesDriftOffTheGrid(t *testing.T) {
	t.Parallel()
	c := exactConfig(t, "v1.33", 1)
	c.Controller.PassOverhead = time.Millisecond
	r, n := manual(t, c)
	tr := record(r)
	n.status.seenHB = 1
	r.eng.Run(sec(100))
	// passes at 5, 10.001, 15.002, …; probe = 5; the 10th pass after it is
	// at 5 + 10×5.001 = 55.01 > 5 + 50, and Unknown is written 1ms into it.
	require.Len(t, tr.unknown, 1)
	assert.Equal(t, sec(55.011), tr.unknown[0])
}

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
func TestUnknownWriteConflictCancelsTransition(t *testing.T) {
	for _, tc := range []struct {
		commit      float64
		wantUnknown bool
	}{{49.5, false}, {50.5, true}} {
		r, n := manual(t, exactConfig(t, "v1.12", 1)) // grace 40s: probe 5s, Unknown at the pass at 50s
		tr := record(r)
		deliverStatus(n, sec(4), 1, false)
		r.eng.Run(sec(45))
		require.Equal(t, sec(5), n.probe)
		// the next heartbeat commits at tc.commit, delivered at 51s
		n.status.vis, n.status.commit, n.status.hb, n.status.setsReady = sec(51), sec(tc.commit), 49, false
		r.eng.Run(sec(50))
		assert.Equal(t, tc.wantUnknown, len(tr.unknown) == 1, "PATCH committed at %v", tc.commit)
		if !tc.wantUnknown {
			assert.Equal(t, sec(50.02), n.probe, "the re-GET's heartbeat refreshes the probe at the retry")
			assert.Equal(t, int64(49), n.savedHB)
		}
	}
}

// wait.PollImmediate(20ms, 100ms) around the Unknown write: the poller
// starts after the first try (write, 409, GET); each retry runs at the
// first 20ms tick after the previous try ended, and when the 100ms timer
// closes the channel one last try runs before the controller gives up.
// Writes take 30ms and keep conflicting (a PATCH that did not move the
// heartbeat): tries at 0, 50, 90 (the tick at 70 came during the second
// try) and the last at 130ms, giving up at 160ms.
func TestUnknownWriteRetriesOnThePollersTicks(t *testing.T) {
	c := exactConfig(t, "v1.12", 1) // grace 40s: probe 5s, Unknown due at the pass at 50s
	c.APIServer.WriteLatency = Const(30 * time.Millisecond)
	r, n := manual(t, c)
	tr := record(r)
	deliverStatus(n, sec(4), 1, false)
	r.eng.Run(sec(45))
	var writes []sim.Time
	r.env.api.log = func(k reqKind, t sim.Time, o outcome) {
		if k == write {
			writes = append(writes, t)
		}
	}
	n.status.vis, n.status.commit, n.status.hb = sec(51), sec(49), 1 // same heartbeat second
	r.eng.Run(sec(50.5))
	assert.Equal(t, []sim.Time{sec(50), sec(50.05), sec(50.09), sec(50.13)}, writes)
	assert.Empty(t, tr.unknown)
	assert.Equal(t, sec(5), n.probe, "no fresh heartbeat: the transition is only put off")
}
