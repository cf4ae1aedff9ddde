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

// Monte Carlo against closed forms. Each tolerance is derived from the
// sample size (4 standard errors, false-failure rate ~6e-5), never picked
// by hand.

func binomialTol(p float64, n int) float64 { return 4 * math.Sqrt(p*(1-p)/float64(n)) }

// theory.md §3.6: with passes on an exact grid of period T, a gap L
// between two arrivals raises an alarm with probability
// clamp((L − (⌊G/T⌋+1)·T)/T, 0, 1).
func TestOracleGriddedMonitor(t *testing.T) {
	rng := sim.NewRand(sim.StreamKey{Seed: 1, Component: "oracle"})
	const trials = 2000
	for _, tc := range []struct{ gap, want float64 }{{55, 0}, {56, 0.2}, {57.5, 0.5}, {59, 0.8}, {60, 1}} {
		alarms := 0
		for i := 0; i < trials; i++ {
			r, n := manual(t, exactConfig(t, "v1.33", 1)) // G=50s, T=5s
			tr := record(r)
			n.status.seenHB = 1
			a := 20 + 5*rng.Float64()
			deliverLease(n, sec(a), sec(a))
			r.eng.Run(sec(a + 5))
			deliverLease(n, sec(a+tc.gap), sec(a+tc.gap))
			r.eng.Run(sec(a + tc.gap + 5))
			if len(tr.unknown) > 0 {
				alarms++
			}
		}
		got := float64(alarms) / trials
		assert.InDelta(t, tc.want, got, binomialTol(tc.want, trials)+1e-12, "gap %vs", tc.gap)
		t.Logf("gap %5.1fs: P(alarm) expected %.3f, measured %.4f ± %.4f (n=%d)", tc.gap, tc.want, got, binomialTol(tc.want, trials), trials)
	}
}

// Derived: lease mode, zero latencies, no jitter, passes on an exact 5s
// grid, crashes at Poisson times. The last renewal before a crash returned
// at c, U2 ∈ [0, η) before it (η = 10s); the controller saw it at ⌈c/T⌉T,
// U1 ∈ [0, T) later; Unknown comes at the first pass strictly after
// probe + G, i.e. probe + G + T since G is a multiple of T. So
// D = G + T + U1 − U2, E[D] = G + 1.5T − η/2 = 52.5s and
// Var[D] = (T² + η²)/12. Every latency must be 0: a controller write that
// takes 10ms makes the next passes drift off the grid, breaks the equality
// case and moves detection one pass earlier (measured: 47.96s), which is
// theory.md §3.5.4's warning about gridded models.
func TestOracleCrashDetectionFixedRenewals(t *testing.T) {
	if testing.Short() {
		t.Skip("Monte Carlo")
	}
	c := exactConfig(t, "v1.33", 500)
	c.Kubelet.NodeStatusReportFrequency = 10000 * time.Hour // only the lease refreshes the probe
	c.Simulation.Duration, c.Simulation.Warmup = 48*time.Hour, 10*time.Minute
	c.Failures.Crash = &FailureProcess{Every: Dist{Kind: Exponential, A: 10 * 3600}, Repair: 10 * time.Minute}
	p, err := RunPoint(context.Background(), c, 2, nil)
	require.NoError(t, err)
	d := p.Detection
	require.Greater(t, d.Detected, int64(1500))
	assert.Zero(t, d.Undetected)
	const G, T, eta = 50.0, 5.0, 10.0
	mean, sd := G+1.5*T-eta/2, math.Sqrt((T*T+eta*eta)/12)
	tol := 4 * sd / math.Sqrt(float64(d.Detected))
	assert.InDelta(t, mean, float64(d.MeanS), tol, "E[D] (n=%d)", d.Detected)
	assert.LessOrEqual(t, float64(d.MaxS), G+2*T, "D ≤ G + 2T")
	t.Logf("crash detection: expected mean %.3fs, measured %.3fs ± %.3f (n=%d)", mean, float64(d.MeanS), tol, d.Detected)
}

// Derived: pre-lease (v1.12), zero latencies, no jitter, status collection
// delay C ~ U[25s, 36s]. Commits are 10s + C apart, so the gap L between
// heartbeats is U[35s, 46s]; with G=40s, T=5s the gridded formula gives
// P(alarm | L) = clamp((L−45)/5, 0, 1), and per heartbeat
// P = (1/11)·∫_{45}^{46} (L−45)/5 dL = 1/110. After an alarm the next
// tick's GET sees Unknown, so the next heartbeat is the recovery and every
// heartbeat is counted once: the estimate is unbiased.
func TestOraclePreLeaseRandomCollectionDelay(t *testing.T) {
	if testing.Short() {
		t.Skip("Monte Carlo")
	}
	c := exactConfig(t, "v1.12", 200)
	c.Kubelet.StatusCollectionDelay = Dist{Kind: Uniform, A: 25, B: 36}
	c.Simulation.Duration, c.Simulation.Warmup = 48*time.Hour, 10*time.Minute
	p, err := RunPoint(context.Background(), c, 2, nil)
	require.NoError(t, err)
	f := p.FalseNotReady
	hb := float64(f.Events) / float64(f.ProbabilityPerHeartbeat)
	want := 1.0 / 110
	assert.InDelta(t, want, float64(f.ProbabilityPerHeartbeat), binomialTol(want, int(hb)))
	t.Logf("pre-lease: expected %.5f per heartbeat, measured %.5f ± %.5f (%d events, %.0f heartbeats)",
		want, float64(f.ProbabilityPerHeartbeat), binomialTol(want, int(hb)), f.Events, hb)
}

// Derived: lease mode with a two-point PUT latency, 5ms (w.p. 1−q) or 9s
// (w.p. q), renew 10s with 4% jitter, G=12s, T=5s (threshold 15s). A
// renewal's gap is 10(1+0.04U) + d: 10.005–10.405s (no alarm) or 19–19.4s,
// alarming with probability (4 + 0.4U)/5, mean 0.84. So P = 0.84q per
// heartbeat. While a node is Unknown its renewals are not counted and the
// recovery PATCH adds one shorter gap, a bias of at most P relative to P:
// it is added to the tolerance.
func TestOracleLeaseTwoPointLatency(t *testing.T) {
	if testing.Short() {
		t.Skip("Monte Carlo")
	}
	const q = 0.01
	c := exactConfig(t, "v1.33", 100)
	fast, slow := Const(5*time.Millisecond), Const(9*time.Second)
	mix, err := NewMixture([]Dist{fast, slow}, []float64{1 - q, q})
	require.NoError(t, err)
	c.APIServer.WriteLatency = mix
	c.Kubelet.RenewJitterFactor = 0.04
	c.Kubelet.NodeStatusReportFrequency = 10000 * time.Hour
	c.Controller.NodeMonitorGracePeriod = 12 * time.Second
	c.Simulation.Duration, c.Simulation.Warmup = 5*24*time.Hour, 10*time.Minute
	p, err := RunPoint(context.Background(), c, 2, nil)
	require.NoError(t, err)
	f := p.FalseNotReady
	hb := float64(f.Events) / float64(f.ProbabilityPerHeartbeat)
	want := 0.84 * q
	tol := binomialTol(want, int(hb)) + want*want
	assert.InDelta(t, want, float64(f.ProbabilityPerHeartbeat), tol)
	t.Logf("lease two-point: expected %.5f per heartbeat, measured %.5f ± %.5f (%d events)", want, float64(f.ProbabilityPerHeartbeat), tol, f.Events)
}
