package model

import (
	"testing"
	"time"

	"github.com/nodesim/nodesim/sim"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

type request struct {
	kind reqKind
	at   sim.Time
	ok   bool
}

func logRequests(r *run) *[]request {
	var log []request
	r.env.api.log = func(k reqKind, t sim.Time, o outcome) { log = append(log, request{k, t, o.ok}) }
	return &log
}

// 5 immediate PUTs, then backoffEnsureLease GETs waiting 200ms, 400ms, …
// 7s, 7s until one succeeds, then up to 5 PUTs again.
func TestLeaseRetriesThenBacksOff(t *testing.T) {
	t.Parallel()
	c := exactConfig(t, "v1.33", 1)
	c.APIServer.WriteLatency, c.APIServer.ReadLatency = Const(10*time.Millisecond), Const(10*time.Millisecond)
	r := newRun(c, 0)
	n := &r.nodes[0]
	log := logRequests(r)
	// refused connections from 100s to 140s
	r.env.api.incidents = []incident{{start: sec(100), end: sec(140), effect: Unavailable}}
	n.lease.hasLease = true
	n.lease.generate(&r.lp, &r.env, n, sec(100))

	var puts, gets []sim.Time
	for _, q := range *log {
		if q.kind == write {
			puts = append(puts, q.at)
		} else {
			gets = append(gets, q.at)
		}
	}
	require.Len(t, puts, 6, "5 failed PUTs, then one that succeeds after the GET")
	for i := 0; i < 5; i++ {
		assert.Equal(t, sec(100), puts[i], "PUT %d fails at once (refused)", i)
	}
	waits := []float64{0.2, 0.4, 0.8, 1.6, 3.2, 6.4, 7, 7, 7, 7, 7}
	at := sec(100)
	for i, g := range gets {
		require.Equal(t, at, g, "GET %d", i)
		if i < len(waits) {
			at += sec(waits[i])
		}
	}
	assert.GreaterOrEqual(t, gets[len(gets)-1], sec(140), "the first GET after the outage succeeds")
	assert.Less(t, gets[len(gets)-2], sec(140))
	assert.Equal(t, gets[len(gets)-1]+sec(0.01), puts[5])
	assert.Equal(t, puts[5], n.lease.renew, "RenewTime stamped before the PUT")
}

// The next sync starts renewInterval after the previous one returned.
func TestLeaseLoopIsSliding(t *testing.T) {
	t.Parallel()
	c := exactConfig(t, "v1.33", 1)
	c.APIServer.WriteLatency = Const(time.Second)
	r := newRun(c, 0)
	n := &r.nodes[0]
	n.lease.hasLease = true
	n.lease.generate(&r.lp, &r.env, n, 0)
	var renews []sim.Time
	for i := 0; i < 5; i++ {
		renews = append(renews, n.lease.renew)
		n.lease.generate(&r.lp, &r.env, n, n.lease.nextStart)
	}
	for i := 1; i < len(renews); i++ {
		assert.Equal(t, sec(11), renews[i]-renews[i-1], "1s sync + 10s interval")
	}

	c.Kubelet.RenewJitterFactor = 0.04
	r = newRun(c, 0)
	n = &r.nodes[0]
	n.lease.hasLease = true
	n.lease.generate(&r.lp, &r.env, n, 0)
	prev := n.lease.renew
	for i := 0; i < 200; i++ {
		n.lease.generate(&r.lp, &r.env, n, n.lease.nextStart)
		d := n.lease.renew - prev
		assert.True(t, d >= sec(11) && d <= sec(11.4), "jittered period %v", d)
		prev = n.lease.renew
	}
}

func TestRenewIntervalByProfile(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		profile string
		lease   int32
		want    time.Duration
	}{{"v1.16", 40, 10 * time.Second}, {"v1.16", 20, 5 * time.Second}, {"v1.33", 60, 15 * time.Second}} {
		c, err := Default(tc.profile)
		require.NoError(t, err)
		c.Kubelet.NodeLeaseDurationSeconds = tc.lease
		assert.Equal(t, tc.want, c.RenewInterval(), "%s lease=%d", tc.profile, tc.lease)
	}
	c, _ := Default("v1.33")
	c.Kubelet.NodeStatusUpdateFrequency = 20 * time.Second
	c.Kubelet.NodeLeaseDurationSeconds = 15
	assert.Equal(t, 15*time.Second, c.HeartbeatClientTimeout(), "min(update frequency, lease duration)")
	c, _ = Default("v1.12")
	c.Kubelet.NodeStatusUpdateFrequency = 20 * time.Second
	c.Kubelet.NodeLeaseDurationSeconds = 15
	assert.Equal(t, 20*time.Second, c.HeartbeatClientTimeout(), "pre-lease: update frequency alone")
}

// Pre-lease, every tick is GET rv=0 + PATCH; the next tick is armed after
// the sync returns (no jitter before v1.23).
func TestStatusLoopSlidingTicksPreLease(t *testing.T) {
	t.Parallel()
	c := exactConfig(t, "v1.12", 1)
	c.Kubelet.StatusCollectionDelay = Const(2 * time.Second)
	c.APIServer.WriteLatency, c.APIServer.ReadLatency = Const(500*time.Millisecond), Const(500*time.Millisecond)
	r := newRun(c, 0)
	n := &r.nodes[0]
	log := logRequests(r)
	n.status.restart(&r.sp, &r.env, n, 0)
	var commits []sim.Time
	for i := 0; i < 4; i++ {
		commits = append(commits, n.status.commit)
		n.status.generate(&r.sp, &r.env, n, n.status.nextStart)
	}
	for i := 1; i < len(commits); i++ {
		assert.Equal(t, sec(13), commits[i]-commits[i-1], "2s collect + GET + PATCH + 10s")
	}
	require.GreaterOrEqual(t, len(*log), 8)
	assert.Equal(t, read, (*log)[0].kind)
	assert.Equal(t, sec(2), (*log)[0].at, "GET after status collection")
	assert.Equal(t, write, (*log)[1].kind)
}

// Up to nodeStatusUpdateRetry = 5 immediate tries per tick, then the next tick.
func TestStatusLoopFiveTriesPerTick(t *testing.T) {
	t.Parallel()
	c := exactConfig(t, "v1.26", 1)
	c.APIServer.WriteLatency, c.APIServer.ReadLatency = Const(time.Second), Const(time.Second)
	r := newRun(c, 0)
	n := &r.nodes[0]
	log := logRequests(r)
	r.env.api.incidents = []incident{{start: 0, end: sec(15), effect: Unavailable, failAfter: int64(sec(1))}}
	n.status.restart(&r.sp, &r.env, n, 0)
	var first []request
	for _, q := range *log {
		if q.at < sec(10) {
			first = append(first, q)
		}
	}
	require.Len(t, first, 5, "five GETs, each failing after 1s, then the tick ends")
	for i, q := range first {
		assert.Equal(t, sec(float64(i)), q.at)
		assert.False(t, q.ok)
	}
	assert.Equal(t, sec(15), (*log)[5].at, "next tick 10s after the failed sync returned at 5s")
}

// Lease mode: no PATCH unless changed or the report is due; the
// controller's Unknown, once the kubelet's informer shows it, is a change.
func TestLeaseModePatchesOnReportOrChange(t *testing.T) {
	t.Parallel()
	c := exactConfig(t, "v1.33", 1)
	r := newRun(c, 0)
	n := &r.nodes[0]
	n.status.lastVis = longAgo // forget the delivery order of newRun's own start
	n.status.restart(&r.sp, &r.env, n, 0)
	assert.Equal(t, int64(0), n.status.hb, "first tick always patches")
	n.status.observe(&r.sp, &r.env, n, 0)
	// Since(lastStatusReportTime) >= nodeStatusReportFrequency: due at exactly 300s.
	assert.Equal(t, sec(300), n.status.commit, "then only once 5m have passed")
	assert.Equal(t, int32(30), n.status.ticks, "ticks at 10s … 300s")

	n.unknownWrite, n.viewDelay = sec(42), int64(sec(3))
	n.status.regenerate(&r.sp, &r.env, n)
	assert.Equal(t, sec(50), n.status.commit, "first tick at or after 42s+3s sees Unknown")
	assert.True(t, n.status.setsReady)
}

// lateLeaseRun is one node whose lease loop starts a sync at 0 holding the
// current version, with zero latencies except what incidents add.
func lateLeaseRun(t *testing.T, incs ...incident) (*run, *node) {
	c := exactConfig(t, "v1.33", 1)
	r := newRun(c, 0)
	n := &r.nodes[0]
	r.env.api.incidents = incs
	n.lease.hasLease, n.lease.etcd = true, leaseRV{pendAt: sim.Never}
	n.lease.generate(&r.lp, &r.env, n, 0)
	return r, n
}

// A PUT the kubelet gave up on (10s client timeout) still commits at its
// server-side time, and the controller sees its RenewTime then, unless a
// newer write to the Lease committed first (etcd's compare on the
// resourceVersion): upstream issue #79341's "kubelet doesn't get ack from
// apiserver even though that node lease is correctly updated".
func TestLateLeaseWriteCommits(t *testing.T) {
	// PUT at 0 takes 12s on the server; the retry at 10s is fast and wins.
	_, n := lateLeaseRun(t, incident{start: 0, end: sec(1), effect: Slow, multiply: 1, add: 12e9})
	assert.Equal(t, []leaseCommit{{renew: sec(10), commit: sec(10), vis: sec(10)}}, n.lease.commits, "the retry commits first: the late write then conflicts")

	// The retry at 10s takes 3s: the late write commits at 12 first, the
	// retry gets 409 Conflict, GETs the latest lease and PUTs again.
	_, n = lateLeaseRun(t, incident{start: 0, end: sec(1), effect: Slow, multiply: 1, add: 12e9},
		incident{start: sec(10), end: sec(11), effect: Slow, multiply: 1, add: 3e9})
	assert.Equal(t, []leaseCommit{{renew: 0, commit: sec(12), vis: sec(12)}, {renew: sec(13), commit: sec(13), vis: sec(13)}}, n.lease.commits)
	assert.Equal(t, sec(13), n.lease.etcd.base, "the kubelet holds the version its last PUT made")

	// Every request late (GETs time out too): the first PUT commits at 12;
	// the four retries, based on the version it replaced, are doomed.
	_, n = lateLeaseRun(t, incident{start: 0, end: sec(1e4), effect: Slow, multiply: 1, add: 12e9})
	assert.Equal(t, []leaseCommit{{renew: 0, commit: sec(12), vis: sec(12)}}, n.lease.commits)
}

// A late commit is delivered to the controller like any other renewal.
func TestLateLeaseCommitRefreshesTheProbe(t *testing.T) {
	r, n := lateLeaseRun(t, incident{start: 0, end: sec(1), effect: Slow, multiply: 1, add: 12e9},
		incident{start: sec(10), end: sec(11), effect: Slow, multiply: 1, add: 3e9})
	for _, c := range n.lease.commits {
		assert.Equal(t, c.commit, c.vis, "zero watch delay")
	}
	assert.Equal(t, sim.Time(-1), n.lease.observe(&r.lp, &r.env, n, sec(11)))
	assert.Equal(t, sim.Time(0), n.lease.observe(&r.lp, &r.env, n, sec(12)), "the late write's RenewTime")
	assert.Equal(t, sec(13), n.lease.observe(&r.lp, &r.env, n, sec(13)))
}

// TestLeaseSyncByRelease: v1.15 GETs before every renewal; v1.16-v1.17 try
// one optimistic PUT, then GET and up to 5 PUTs; v1.18+ try 5 PUTs first.
// The first sync here starts with a lease held and etcd refusing requests
// at its start (zero latencies: every request then fails at once, and the
// GET after the 200ms backoff succeeds).
func TestLeaseSyncByRelease(t *testing.T) {
	for _, tc := range []struct {
		profile string
		want    string // the first sync's requests: G (GET), P (PUT), lower case failed
	}{
		{"v1.15", "gGP"},
		{"v1.16", "pgGP"},
		{"v1.17", "pgGP"},
		{"v1.18", "pppppgGP"},
		{"v1.37", "pppppgGP"},
	} {
		c := exactConfig(t, tc.profile, 1)
		r := newRun(c, 0)
		n := &r.nodes[0]
		log := logRequests(r)
		// requests fail during [100s, 100s+1ns)
		r.env.api.incidents = []incident{{start: sec(100), end: sec(100) + 1, effect: Unavailable}}
		n.lease.hasLease, n.lease.etcd = true, leaseRV{pendAt: sim.Never}
		n.lease.generate(&r.lp, &r.env, n, sec(100))
		got := ""
		for _, q := range *log {
			ch := map[reqKind]string{read: "g", write: "p"}[q.kind]
			if q.ok {
				ch = map[reqKind]string{read: "G", write: "P"}[q.kind]
			}
			got += ch
		}
		assert.Equal(t, tc.want, got, tc.profile)
	}
}

// Before PR #79341 (v1.15) a 409 is just a failed try: the retries on the
// stale version all conflict, and the next sync's GET recovers.
func TestLeaseConflictBeforeV116(t *testing.T) {
	c := exactConfig(t, "v1.15", 1)
	r := newRun(c, 0)
	n := &r.nodes[0]
	// The PUT at 0 takes 12s (late, commits at 12); the retry at 10s takes
	// 3s and meets the committed version: 409, and so do the rest.
	r.env.api.incidents = []incident{{start: 0, end: sec(1), effect: Slow, multiply: 1, add: 12e9},
		{start: sec(10), end: sec(15), effect: Slow, multiply: 1, add: 3e9}}
	log := logRequests(r)
	n.lease.etcd, n.lease.commits = leaseRV{pendAt: sim.Never}, nil // forget the sync newRun started
	n.lease.ensure(&r.lp, &r.env, n, 0)                             // the sync's GET, at 0
	*log = nil
	n.lease.retryUpdate(&r.lp, &r.env, n, 0)
	assert.Len(t, *log, 5, "five PUTs, no GET in between")
	assert.Equal(t, []leaseCommit{{renew: 0, commit: sec(12), vis: sec(12)}}, n.lease.commits)
}

// TestReportOffsetAfterRestartV134: from v1.34 the periodic status report
// that follows a restart (or a status change) comes
// nodeStatusReportFrequency × U(−0.5, 0.5) off schedule, once; the one
// after is back on the fixed period. Before v1.34 every report is 5m apart.
func TestReportOffsetAfterRestartV134(t *testing.T) {
	patches := func(profile string) []sim.Time {
		c := exactConfig(t, profile, 1)
		r := newRun(c, 0)
		n := &r.nodes[0]
		n.status.restart(&r.sp, &r.env, n, 0)
		var out []sim.Time
		for i := 0; i < 3; i++ {
			out = append(out, n.status.commit)
			n.status.generate(&r.sp, &r.env, n, n.status.nextStart)
		}
		return out
	}
	old := patches("v1.33")
	assert.Equal(t, []sim.Time{0, sec(300), sec(600)}, old)
	offsets := map[sim.Time]bool{}
	for seed := uint64(1); seed <= 20; seed++ {
		c := exactConfig(t, "v1.34", 1)
		c.Simulation.Seed = seed
		r := newRun(c, 0)
		n := &r.nodes[0]
		n.status.restart(&r.sp, &r.env, n, 0)
		first := n.status.commit
		n.status.generate(&r.sp, &r.env, n, n.status.nextStart)
		second := n.status.commit
		n.status.generate(&r.sp, &r.env, n, n.status.nextStart)
		third := n.status.commit
		gap := second - first
		assert.True(t, gap >= sec(150) && gap <= sec(460), "seed %d: first report %v after the restart's", seed, gap)
		assert.Equal(t, sec(300), third-second, "seed %d: then the fixed period", seed)
		offsets[gap] = true
	}
	assert.Greater(t, len(offsets), 5, "the offset is random")
}

// TestOtherStatusChangesArePatched: in lease mode a status change other
// than Ready (kubelet.status-change-every) makes the next tick PATCH, a
// heartbeat for the controller; without changes only the 5m report does.
func TestOtherStatusChangesArePatched(t *testing.T) {
	patches := func(every Dist) []sim.Time {
		c := exactConfig(t, "v1.33", 1)
		c.Kubelet.StatusChangeEvery = every
		require.NoError(t, c.Validate())
		r := newRun(c, 0)
		n := &r.nodes[0]
		n.status.restart(&r.sp, &r.env, n, 0)
		var out []sim.Time
		for i := 0; i < 5; i++ {
			out = append(out, n.status.commit)
			n.status.generate(&r.sp, &r.env, n, n.status.nextStart)
		}
		return out
	}
	// ticks every 10s; changes at 25s, 50s, 75s, 100s: patched at the
	// first tick at or after each
	assert.Equal(t, []sim.Time{0, sec(30), sec(50), sec(80), sec(100)}, patches(Const(25*time.Second)))
	assert.Equal(t, []sim.Time{0, sec(300), sec(600), sec(900), sec(1200)}, patches(Const(0)))
	c := exactConfig(t, "v1.33", 1)
	c.Kubelet.StatusChangeEvery = Dist{Kind: Uniform, A: -2, B: -1}
	assert.Error(t, c.Validate())
}
