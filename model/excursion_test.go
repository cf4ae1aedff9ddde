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

// twoPointLease is TestOracleLeaseTwoPointLatency's cluster: PUTs take 5ms
// or, with probability q, 9s; renew every 10s with 4% jitter; G=12s, T=5s.
// A false NotReady follows a renewal with probability 0.84q.
func twoPointLease(t *testing.T, q float64, nodes int) *Config {
	c := exactConfig(t, "v1.33", nodes)
	mix, err := NewMixture([]Dist{Const(5 * time.Millisecond), Const(9 * time.Second)}, []float64{1 - q, q})
	require.NoError(t, err)
	c.APIServer.WriteLatency = mix
	c.Kubelet.RenewJitterFactor = 0.04
	c.Kubelet.NodeStatusReportFrequency = 10000 * time.Hour
	c.Controller.NodeMonitorGracePeriod = 12 * time.Second
	c.Simulation.Warmup = 10 * time.Minute
	return c
}

// batchMoments summarises per-batch rates (false NotReady per node-day).
func batchMoments(bs []noiseBatch) (rate, se float64, hb float64) {
	var m sim.Moments
	var alarms, days float64
	for _, b := range bs {
		m.Add(b.alarms / b.nodeDays)
		alarms += b.alarms
		days += b.nodeDays
		hb += float64(b.heartbeats)
	}
	return alarms / days, m.StdErr(), hb / days
}

// Excursions under the natural law are crude Monte Carlo of their branch
// points: summed over a main path they must give the closed form, which
// pins the attribution of every false NotReady to exactly one branch
// point (a double count or a missed transition moves the estimate by
// whole multiples of the rate).
func TestExcursionsUnderNaturalLawCountEveryAlarmOnce(t *testing.T) {
	const q = 0.01
	c := twoPointLease(t, q, 100)
	plan := noisePlan{nodes: 4, duration: 6 * time.Hour, prop: naturalProposal(c), pi: 1}
	x := newExcursion(c)
	var bs []noiseBatch
	for b := 0; b < 24; b++ {
		nb, err := runNoiseBatch(context.Background(), c, b, branchNoise, plan, x)
		require.NoError(t, err)
		bs = append(bs, nb)
	}
	rate, se, hbPerDay := batchMoments(bs)
	want := 0.84 * q * hbPerDay
	tol := 4*se + want*0.84*q // the closed form's own bias is below P relative to P
	assert.InDelta(t, want, rate, tol)
	t.Logf("natural excursions: %.3f false NotReady per node-day, closed form %.3f ± %.3f (%d excursions)",
		rate, want, tol, sumExcursions(bs))
}

func sumExcursions(bs []noiseBatch) (n int64) {
	for _, b := range bs {
		n += b.excursions
	}
	return n
}

// Excursions under a proposal that makes the slow PUT likely are still
// unbiased, with the likelihood ratio.
func TestExcursionsUnderProposalAreUnbiased(t *testing.T) {
	const q = 0.001
	c := twoPointLease(t, q, 100)
	p := naturalProposal(c)
	p.sites[leaseSites+siteWriteLatency].mix = []float64{0.7, 1} // slow with probability 0.3
	plan := noisePlan{nodes: 2, duration: 2 * time.Hour, prop: p, pi: 1}
	x := newExcursion(c)
	var bs []noiseBatch
	for b := 0; b < 30; b++ {
		nb, err := runNoiseBatch(context.Background(), c, b, branchNoise, plan, x)
		require.NoError(t, err)
		bs = append(bs, nb)
	}
	rate, se, hbPerDay := batchMoments(bs)
	want := 0.84 * q * hbPerDay
	assert.InDelta(t, want, rate, 4*se+want*0.84*q)
	assert.Less(t, se/rate, 0.05, "the proposal should make the estimate precise")
	t.Logf("tilted excursions: %.4f per node-day, closed form %.4f, relative se %.3f (%d excursions)",
		rate, want, se/rate, sumExcursions(bs))
	_ = math.Abs
}
