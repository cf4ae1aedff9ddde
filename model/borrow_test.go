package model

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBorrowingPinned pins LendablePercent per release, read at
// k8s.io/apiserver v0.26.0 and v0.36.0
// (pkg/apis/flowcontrol/bootstrap/default.go), and the bounds they give
// out of 600 seats: minCL = nominal − round(nominal × lendable / 100),
// maxCL = nominal + 600 (no BorrowingLimitPercent).
func TestBorrowingPinned(t *testing.T) {
	t.Parallel()
	names := []string{"system", "node-high", "leader-election", "workload-high", "workload-low", "global-default", "catch-all"}
	for _, minor := range []int{20, 22, 25} {
		assert.False(t, bootstrapFor(minor).borrowing, "v1.%d: nominal seats only", minor)
	}
	for _, minor := range []int{26, 28, 33, 37} {
		b := bootstrapFor(minor)
		require.True(t, b.borrowing, "v1.%d", minor)
		var lend []int
		for _, n := range names {
			lend = append(lend, b.level(n).lendablePercent)
		}
		assert.Equal(t, []int{33, 25, 0, 50, 90, 50, 0}, lend, "v1.%d", minor)
		p := newBorrowPlan(b, 600, func(string) int { return -1 })
		var min []int
		for _, lv := range p.levels {
			min = append(min, lv.minCL)
		}
		// nominal 74, 98, 25, 98, 245, 49, 13
		assert.Equal(t, []int{50, 73, 25, 49, 24, 24, 13}, min, "v1.%d", minor)
		assert.Equal(t, 98+600, p.levels[1].maxCL)
		assert.Equal(t, 602, p.sum, "the ceilings add up to a little more than 600")
	}
}

// TestFairAllocation: the allocation sums to the required total, stays
// within bounds, and is fairProp × target wherever no bound binds.
func TestFairAllocation(t *testing.T) {
	t.Parallel()
	lb := []float64{10, 5, 0}
	ub := []float64{100, 100, 8}
	target := []float64{10, 40, 30}
	got := fairAllocation(60, lb, ub, target)
	sum := 0.0
	for i, v := range got {
		sum += v
		assert.True(t, v >= lb[i]-1e-9 && v <= ub[i]+1e-9, "item %d: %v in [%v, %v]", i, v, lb[i], ub[i])
	}
	assert.InDelta(t, 60, sum, 1e-6)
	assert.InDelta(t, 8, got[2], 1e-9, "capped at its upper bound")
	// the other two share 52 in proportion 10:40 (fairProp 1.04), neither at a bound
	assert.InDelta(t, 10.4, got[0], 1e-6)
	assert.InDelta(t, 41.6, got[1], 1e-6)
}

// busyNodeHigh is a v1.minor apiserver whose node-high level is loaded
// past its nominal 98 seats by nodesim's own leases (1000 nodes, 1.2s
// writes: about 120 erlangs) while workload-low, the background's level,
// is idle.
func busyNodeHigh(t *testing.T, profile string) (*apiLoad, *regimeState) {
	c := exactConfig(t, profile, 1000)
	c.APIServer.WriteLatency = Const(1200 * time.Millisecond)
	c.APIServer.EtcdWriteCapacity = 1e6 // load on, etcd never the bottleneck
	require.True(t, c.APIServer.LoadOn())
	l := newAPILoad(c)
	st := l.state(regime{bg: 1, mult: 1})
	return l, st
}

// TestBorrowingLendsIdleSeats: from v1.26 node-high borrows the idle
// levels' lendable seats when its demand exceeds its nominal 98, so its
// requests stop queueing; before v1.26, and with borrowing off, it keeps 98
// and its queues fill.
func TestBorrowingLendsIdleSeats(t *testing.T) {
	t.Parallel()
	l, st := busyNodeHigh(t, "v1.33")
	require.NotNil(t, l.borrow)
	hb := &st.cls[l.kubelet[write]]
	t.Logf("v1.33: node-high %d seats (nominal 98), %.1f erlangs, demand %.1f ± %.1f, P(wait) %.3g", hb.seats, hb.offered, hb.demand, hb.demandSD, hb.waitP)
	assert.Greater(t, hb.seats, 98, "borrows above its nominal seats")
	assert.GreaterOrEqual(t, float64(hb.seats), hb.demand+hb.demandSD-1, "gets its envelope: the lenders have seats to spare")
	assert.Less(t, hb.waitP, 0.05)

	for _, profile := range []string{"v1.25", "v1.33"} {
		l, _ := busyNodeHigh(t, profile)
		l.borrow, l.cache = nil, nil // v1.25 has none; v1.33 with borrowing turned off
		st := l.state(regime{bg: 1, mult: 1})
		hb := &st.cls[l.kubelet[write]]
		assert.Equal(t, 98, hb.seats, profile)
		assert.Greater(t, hb.waitP, 0.9, "%s: %.1f erlangs on 98 seats queue", profile, hb.offered)
	}
}

// TestDemandStats: with room for every request the M/M/c/(c+K) demand is
// Poisson (mean = variance = a), and the watermark is its upper quantile.
func TestDemandStats(t *testing.T) {
	t.Parallel()
	mean, sd, hw := demandStats(1000, 0, 40, 0.01)
	assert.InDelta(t, 40, mean, 1e-6)
	assert.InDelta(t, math.Sqrt(40), sd, 1e-6)
	assert.InDelta(t, 55, hw, 1, "Poisson(40) 99th percentile") // 40 + 2.33·√40 ≈ 54.7
}
