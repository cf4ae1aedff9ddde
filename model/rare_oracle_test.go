package model

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"testing"
	"time"

	"github.com/nodesim/nodesim/sim"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat/distuv"
)

// Rare-event estimates against closed forms at tiny probabilities. Each
// tolerance is the estimator's own: 4 of its standard errors (the
// estimate is a mean of many independent batches and windows, so close to
// normal), never a hand-picked band.

func rareEstimateOf(t *testing.T, c *Config, target float64) (*rareEstimate, float64, float64) {
	t.Helper()
	e, err := estimateRare(context.Background(), c, rareOptions{target: target, maxWork: 1e6}, 2, nil)
	require.NoError(t, err)
	est, se := e.rate()
	t.Log(e)
	return e, est, se
}

// hangingLease is a noiseless lease-mode cluster (v1.31: grace 40s, 5s
// passes on an exact grid) whose every request hangs past the client
// timeout with probability q. A renewal's sync retries a hung PUT after
// the 10s timeout, so k hangs in a row put its RenewTime 10+10k seconds
// after the previous one; the gridded monitor alarms on gaps over 45s
// for certain from 50s. So a false NotReady follows a renewal exactly when
// its first four PUTs hang: probability q⁴ (theory.md §3.5.4, "4
// consecutive failed or slow renewals"), about 8640·q⁴ per node-day.
func hangingLease(t *testing.T, q float64) *Config {
	c := exactConfig(t, "v1.31", 1000)
	c.Cluster.Zones = 3
	hang, err := NewMixture([]Dist{Const(0), Const(time.Hour)}, []float64{1 - q, q})
	require.NoError(t, err)
	c.APIServer.WriteLatency = hang
	c.Kubelet.NodeStatusReportFrequency = 10000 * time.Hour // only leases refresh the probe
	c.Simulation.Warmup = 10 * time.Minute
	require.NoError(t, c.Validate())
	return c
}

func TestRareHangingLeaseQ4(t *testing.T) {
	if testing.Short() {
		t.Skip("Monte Carlo against a closed form, run by the unit run; make test's race run (-short) has the estimator's concurrency in TestRareIsTheSameOnAnyWorkers")
	}
	for _, q := range []float64{1e-3, 1e-2} {
		e, est, se := rareEstimateOf(t, hangingLease(t, q), 0.1)
		want := q * q * q * q * e.heartbeatsPerNodeDay()
		assert.InDelta(t, want, est, 4*se, "q=%v", q)
		t.Logf("q=%v: %.4g ± %.2g per node-day, closed form %.4g", q, est, z95*se, want)
	}
}

func TestPilotLearnsHangingLease(t *testing.T) {
	res, err := noisePilot(context.Background(), hangingLease(t, 1e-3))
	require.NoError(t, err)
	require.True(t, res.reached, "levels %v", res.levels)
	hang := 1 - res.prop.sites[leaseSites+siteWriteLatency].mix[0]
	assert.Greater(t, hang, 0.3, "the slow PUT became common under the proposal")
}

// slowCollection is v1.12 (status heartbeats only, grace 40s) with zero
// latencies, no jitter and passes on an exact 5s grid, and a lognormal
// status collection delay C. The loop is sliding, so PATCHes commit
// 10s + C apart; the gridded monitor raises an alarm on a gap L with
// probability clamp((L−45)/5, 0, 1) (theory.md §3.6). Per heartbeat:
//
//	P = E[clamp((C−35)/5, 0, 1)] = (E[(C−35)⁺] − E[(C−40)⁺]) / 5
//
// with E[(C−k)⁺] = e^{μ+σ²/2}·Φ(d+σ) − k·Φ(d), d = (μ − ln k)/σ.
func slowCollection(t *testing.T, median, p99 time.Duration) (*Config, float64) {
	c := exactConfig(t, "v1.12", 1000)
	c.Cluster.Zones = 3
	c.Kubelet.StatusCollectionDelay = must(LogNormalMedianP99(median, p99))
	c.Simulation.Warmup = 10 * time.Minute
	require.NoError(t, c.Validate())
	mu, sigma := c.Kubelet.StatusCollectionDelay.A, c.Kubelet.StatusCollectionDelay.B
	call := func(k float64) float64 {
		d := (mu - math.Log(k)) / sigma
		return math.Exp(mu+sigma*sigma/2)*distuv.UnitNormal.CDF(d+sigma) - k*distuv.UnitNormal.CDF(d)
	}
	return c, (call(35) - call(40)) / 5
}

func TestRareSlowCollectionLognormalTail(t *testing.T) {
	if testing.Short() {
		t.Skip("Monte Carlo against a closed form, run by the unit run; make test's race run (-short) has the estimator's concurrency in TestRareIsTheSameOnAnyWorkers")
	}
	for _, tc := range []struct{ median, p99 time.Duration }{
		{150 * time.Millisecond, 2 * time.Second}, // ≈ 2e-3 per node-day
		{100 * time.Millisecond, 1 * time.Second}, // ≈ 1e-6
	} {
		c, perHB := slowCollection(t, tc.median, tc.p99)
		e, est, se := rareEstimateOf(t, c, 0.1)
		hb := e.heartbeatsPerNodeDay()
		assert.InDelta(t, perHB*hb, est, 4*se, "median %v p99 %v", tc.median, tc.p99)
		t.Logf("collection %v/%v: %.4g ± %.2g per node-day, closed form %.4g (%.3g per heartbeat)", tc.median, tc.p99, est, z95*se, perHB*hb, perHB)
	}
}

// A watch stall longer than the grace period flips every node exactly
// once (TestWindowWatchStallFlipsEveryNodeOnce) and nothing else does in
// a noiseless cluster, so the rate is the incident rate, exactly. The
// interval is not zero-width: windows that all agreed still leave the
// rule-of-three uncertainty, which the target then bounds.
func TestRareWatchStallRateIsIncidentRate(t *testing.T) {
	if testing.Short() {
		t.Skip("Monte Carlo against a closed form, run by the unit run; make test's race run (-short) has the estimator's concurrency in TestRareIsTheSameOnAnyWorkers")
	}
	for _, every := range []time.Duration{24 * time.Hour, 10 * 365 * 24 * time.Hour} {
		c := watchStallCluster(t, 200, every)
		_, est, se := rareEstimateOf(t, c, 0.1)
		want := 86400 / every.Seconds()
		assert.InEpsilon(t, want, est, 1e-9, "every %v", every)
		assert.LessOrEqual(t, z95*se, 0.1*want)
	}
}

// The rare-event interval's coverage, measured: over 200 seeds, the 95%
// interval of the hanging-lease rate must cover the exact rate
// 8640·q⁴·(1−q) per node-day (renewals come 10/(1−q) s apart on average,
// each followed by a false NotReady with probability q⁴) between 92% and
// 98% of the time. Minutes of work: NODESIM_VALIDATE=1 (make validate).
func TestRareIntervalCoverage(t *testing.T) {
	if os.Getenv("NODESIM_VALIDATE") == "" {
		t.Skip("set NODESIM_VALIDATE=1 (make validate)")
	}
	const q, seeds = 0.01, 200
	truth := 8640 * q * q * q * q * (1 - q)
	covered := 0
	var relErr sim.Moments
	for seed := uint64(1); seed <= seeds; seed++ {
		c := hangingLease(t, q)
		c.Simulation.Seed = seed
		e, err := estimateRare(context.Background(), c, rareOptions{target: 0.2, maxWork: 1e6}, 2, nil)
		require.NoError(t, err)
		var p Point
		e.apply(&p)
		ci := p.FalseNotReady.RatePerNodeDayCI95
		if float64(ci.Lo) <= truth && truth <= float64(ci.Hi) {
			covered++
		}
		relErr.Add(float64(p.FalseNotReady.Estimator.RelativeError))
	}
	frac := float64(covered) / seeds
	t.Logf("coverage %d/%d = %.3f (relative error %.3f ± %.3f)", covered, seeds, frac, relErr.Mean, relErr.StdDev())
	assert.GreaterOrEqual(t, frac, 0.92)
	assert.LessOrEqual(t, frac, 0.98)
}

// A rare-event estimate is a pure function of scenario and seed: the
// same, bit for bit, on 1 and on 3 workers.
func TestRareIsTheSameOnAnyWorkers(t *testing.T) {
	c := hangingLease(t, 1e-2)
	c.APIServer.Incidents = []Incident{{Name: "stall", Every: Dist{Kind: Exponential, A: 86400},
		Lasts: Dist{Kind: Uniform, A: 20, B: 70}, Effect: WatchStall}}
	c.Cluster.Nodes = 200
	var out [2]Point
	for i, w := range []int{1, 3} {
		e, err := estimateRare(context.Background(), c, rareOptions{target: 0.2, maxWork: 1e6}, w, nil)
		require.NoError(t, err)
		e.apply(&out[i])
	}
	a, err := json.Marshal(out[0])
	require.NoError(t, err)
	b, err := json.Marshal(out[1])
	require.NoError(t, err)
	assert.Equal(t, string(a), string(b))
}
