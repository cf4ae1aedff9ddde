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
