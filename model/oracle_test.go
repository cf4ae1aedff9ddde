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
//
// Each trial is one node of a single run: nothing couples them here (zero
// costs keep passes on the grid, and no node recovers, so no zone leaves
// full disruption to refresh every probe), and the phases are drawn in the
// order one run per trial drew them, so the counts are those of 2000
// separate runs, without 2000 setups and their 1 MiB gap bins.
func TestOracleGriddedMonitor(t *testing.T) {
	t.Parallel()
	rng := sim.NewRand(sim.StreamKey{Seed: 1, Component: "oracle"})
	const trials = 2000
	for _, tc := range []struct{ gap, want float64 }{{55, 0}, {56, 0.2}, {57.5, 0.5}, {59, 0.8}, {60, 1}} {
		r := manualNodes(t, exactConfig(t, "v1.33", trials)) // G=50s, T=5s
		alarmed := map[int32]bool{}
		r.onTransition = func(n *node, _ sim.Time, unknown bool) { alarmed[n.id] = alarmed[n.id] || unknown }
		a := make([]float64, trials)
		for i := range r.nodes {
			r.nodes[i].status.seenHB = 1
			a[i] = 20 + 5*rng.Float64()
			deliverLease(&r.nodes[i], sec(a[i]), sec(a[i]))
		}
		r.eng.Run(sec(25 + 5)) // every first heartbeat seen
		for i := range r.nodes {
			deliverLease(&r.nodes[i], sec(a[i]+tc.gap), sec(a[i]+tc.gap))
		}
		r.eng.Run(sec(25 + tc.gap + 5)) // and every second one
		got := float64(len(alarmed)) / trials
		assert.InDelta(t, tc.want, got, binomialTol(tc.want, trials)+1e-12, "gap %vs", tc.gap)
		t.Logf("gap %5.1fs: P(alarm) expected %.3f, measured %.4f ± %.4f (n=%d)", tc.gap, tc.want, got, binomialTol(tc.want, trials), trials)
	}
}

// manualNodes is manual for every node of c.
func manualNodes(t *testing.T, c *Config) *run {
	r, _ := manual(t, c)
	for i := range r.nodes {
		n := &r.nodes[i]
		n.lease.stopped, n.lease.vis = true, sim.Never
		n.status.stopped, n.status.vis = true, sim.Never
	}
	return r
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
	t.Parallel()
	if testing.Short() {
		t.Skip("Monte Carlo")
	}
	c := exactConfig(t, "v1.33", 500)
	c.Kubelet.NodeStatusReportFrequency = 10000 * time.Hour // only the lease refreshes the probe
	// 2 replications × 24h rather than 1 × 48h: as many crashes, on both workers.
	c.Simulation.Duration, c.Simulation.Warmup, c.Simulation.Replications = 24*time.Hour, 10*time.Minute, 2
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
	t.Parallel()
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
	t.Parallel()
	if testing.Short() {
		t.Skip("Monte Carlo")
	}
	const q = 0.01
	// 500 node-days as 4 replications × 100 nodes × 30h rather than one of
	// 5 days: as many heartbeats, but each Unknown replays the status loop's
	// batch (its ticks up to the end of the run: no report is due) over 30h,
	// not 5 days, and two workers share the replications. (Not 1000 nodes:
	// the controller's own writes draw the 9s latency too, and with more
	// nodes per pass more passes slide off the grid the formula assumes.)
	c := exactConfig(t, "v1.33", 100)
	fast, slow := Const(5*time.Millisecond), Const(9*time.Second)
	mix, err := NewMixture([]Dist{fast, slow}, []float64{1 - q, q})
	require.NoError(t, err)
	c.APIServer.WriteLatency = mix
	c.Kubelet.RenewJitterFactor = 0.04
	c.Kubelet.NodeStatusReportFrequency = 10000 * time.Hour
	c.Controller.NodeMonitorGracePeriod = 12 * time.Second
	c.Simulation.Duration, c.Simulation.Warmup, c.Simulation.Replications = 30*time.Hour, 10*time.Minute, 4
	p, err := RunPoint(context.Background(), c, 2, nil)
	require.NoError(t, err)
	f := p.FalseNotReady
	hb := float64(f.Events) / float64(f.ProbabilityPerHeartbeat)
	want := 0.84 * q
	tol := binomialTol(want, int(hb)) + want*want
	assert.InDelta(t, want, float64(f.ProbabilityPerHeartbeat), tol)
	t.Logf("lease two-point: expected %.5f per heartbeat, measured %.5f ± %.5f (%d events)", want, float64(f.ProbabilityPerHeartbeat), tol, f.Events)
}
