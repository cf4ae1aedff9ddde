package scenarios

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nodesim/nodesim/model"
)

// recipe is what a recipe's source document states: the settings, and
// the reaction times it derives from them for a node that stops
// heartbeating (seconds from the failure).
type recipe struct {
	name           string
	updateFreq     time.Duration // kubelet nodeStatusUpdateFrequency
	reportFreq     time.Duration // the nodeStatusReportFrequency the deployment ends up with
	monitorPeriod  time.Duration // --node-monitor-period
	grace          time.Duration // --node-monitor-grace-period
	toleration     int64         // --default-unreachable-toleration-seconds (= not-ready in every recipe)
	detectS        float64       // "considered unhealthy / down after"
	taintS         float64       // NoExecute unreachable taint: when the node is marked unhealthy
	evictS         float64       // pods evicted (taint + toleration)
	documentedFrom string
}

// recipes are the documents' own figures, kept apart from recipes.toml
// so that a mistyped value there fails here.
var recipes = []recipe{
	{"upstream v1.31", 10 * time.Second, 5 * time.Minute, 5 * time.Second, 40 * time.Second, 300, 40, 40, 340,
		"kube-controller-manager and KubeletConfiguration defaults; kubernetes.io node controller: 40s to Unknown, 5m to evict"},
	{"upstream v1.32", 10 * time.Second, 5 * time.Minute, 5 * time.Second, 50 * time.Second, 300, 50, 50, 350,
		"CHANGELOG-1.32 (PR #126287): node-monitor-grace-period 50s"},
	{"OpenShift Default", 10 * time.Second, 5 * time.Minute, 5 * time.Second, 40 * time.Second, 300, 40, 40, 340,
		"OKD docs, worker latency profiles: 40s, then evicted in 300s"},
	{"MediumUpdateAverageReaction", 20 * time.Second, 5 * time.Minute, 5 * time.Second, 2 * time.Minute, 60, 120, 120, 180,
		"OKD docs: 2 minutes to consider a node unhealthy, in another minute eviction starts"},
	{"LowUpdateSlowReaction", time.Minute, 5 * time.Minute, 5 * time.Second, 5 * time.Minute, 60, 300, 300, 360,
		"OKD docs: 5 minutes to consider a node unhealthy, in another minute eviction starts"},
	{"kubespray fast", 4 * time.Second, 4 * time.Second, 2 * time.Second, 20 * time.Second, 30, 20, 20, 50,
		"kubespray kubernetes-reliability.md: down after 20s, evicted in 50s"},
	{"kubespray medium", 20 * time.Second, 20 * time.Second, 5 * time.Second, 2 * time.Minute, 60, 120, 120, 180,
		"kubespray kubernetes-reliability.md: 3m in total before eviction"},
	{"kubespray low", time.Minute, time.Minute, 5 * time.Second, 5 * time.Minute, 60, 300, 300, 360,
		"kubespray kubernetes-reliability.md: unhealthy after 5m, evicted 1m later (6m in total)"},
}

// TestRecipesAsDocumented: every named point of the recipes built-in
// sets exactly its document's values.
func TestRecipesAsDocumented(t *testing.T) {
	t.Parallel()
	sc, err := Load("recipes", nil)
	require.NoError(t, err)
	require.Len(t, sc.Points, len(recipes))
	for i, r := range recipes {
		p := sc.Points[i]
		c := p.Config
		require.Equal(t, r.name, p.Params["name"])
		assert.Equal(t, r.updateFreq, c.Kubelet.NodeStatusUpdateFrequency, r.name)
		assert.Equal(t, r.reportFreq, c.Kubelet.NodeStatusReportFrequency, r.name)
		assert.Equal(t, r.monitorPeriod, c.Controller.NodeMonitorPeriod, r.name)
		assert.Equal(t, r.grace, c.Controller.NodeMonitorGracePeriod, r.name)
		assert.Equal(t, r.toleration, c.APIServer.DefaultUnreachableTolerationSeconds, r.name)
		assert.Equal(t, r.toleration, c.APIServer.DefaultNotReadyTolerationSeconds, r.name)
		// The documents' own arithmetic: detection is the grace, eviction
		// the toleration after the taint, the taint at detection.
		assert.Equal(t, r.grace.Seconds(), r.detectS, r.name)
		assert.Equal(t, r.detectS, r.taintS, r.name)
		assert.Equal(t, r.detectS+float64(r.toleration), r.evictS, r.name)
	}
}

// TestRecipesDetection: the detection latency nodesim computes for each
// recipe agrees with the reaction time its document states, within what
// the document leaves out. A crash at time c stops heartbeats; the last
// one was seen at most η (the lease renew interval with its jitter, the
// slowest heartbeat the controller can rely on) before c, and Unknown is
// written at the first pass after probe + G. So D ≥ G − η, and
// D ≤ G + T (the pass) + T (one extra pass of credit when a status
// heartbeat reset the saved lease, upstream's quirk) + ε, ε the p99 of
// the write and watch latencies plus a pass's duration. The documents
// state D = G: |D − G| is within max(η, 2T + ε). The mean is checked
// against the closed form of theory.md §3.6 off the grid,
// E[D] = G + T/2 − E[age of the last heartbeat], within the extra pass
// of credit and 4 standard errors.
func TestRecipesDetection(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("Monte Carlo")
	}
	// More crashes, fewer nodes: ~600 failures per recipe. The documents'
	// figures are for a healthy control plane: no incidents (an outage
	// delays the Unknown write as well), crude counting.
	sc, err := Load("recipes", []string{"cluster.nodes=300", `failures.crash.every={dist="exponential", mean="1d"}`,
		"simulation.replications=2", "apiserver.incident=[]", "simulation.method=crude"})
	require.NoError(t, err)
	means := map[string]float64{}
	for i, r := range recipes {
		c := sc.Points[i].Config
		pt, err := model.RunPoint(context.Background(), c, 2, nil)
		require.NoError(t, err)
		d := pt.Detection
		require.Greater(t, d.Detected, int64(300), r.name)
		assert.Zero(t, d.Undetected, r.name)

		G, T := r.grace.Seconds(), r.monitorPeriod.Seconds()
		eta := c.RenewInterval().Seconds() * (1 + c.Kubelet.RenewJitterFactor)
		eps := c.APIServer.WriteLatency.Quantile(0.99) + c.Informer.WatchDelay.Quantile(0.99) +
			(c.Controller.PassOverhead + time.Duration(c.Cluster.Nodes)*c.Controller.PerNodeProcessing).Seconds()
		lo, hi := G-eta, G+2*T+eps
		for what, v := range map[string]model.Num{"p50": d.P50S, "p99": d.P99S, "mean": d.MeanS} {
			assert.GreaterOrEqual(t, float64(v), lo, "%s %s", r.name, what)
			assert.LessOrEqual(t, float64(v), hi, "%s %s", r.name, what)
		}
		assert.LessOrEqual(t, math.Abs(float64(d.P50S)-r.detectS), math.Max(eta, 2*T+eps), "%s: p50 against the documented %vs", r.name, r.detectS)

		// Heartbeats: the lease every η (age uniform, mean η/2), and a
		// status report every reportFreq when shorter.
		h := math.Min(eta, r.reportFreq.Seconds()*(1+c.Kubelet.StatusJitterFactor))
		want := G + T/2 - h/2
		sd := math.Sqrt((T*T + h*h) / 12)
		tol := 4*sd/math.Sqrt(float64(d.Detected)) + eps
		mean := float64(d.MeanS)
		assert.GreaterOrEqual(t, mean, want-tol, "%s mean", r.name)
		assert.LessOrEqual(t, mean, want+T+tol, "%s mean (one extra pass of credit at most)", r.name)
		means[r.name] = mean

		// Failing over (v1.37): the unreachable taint is queued in the pass
		// that writes Unknown and lands at the tainter's next 100ms tick if
		// its lister shows the write by then; if not, the tainter drops the
		// node ("it's ready now", doNoExecuteTaintingPass) and the next pass
		// queues it again, a monitor period later. So per crash taint −
		// Unknown ∈ [0, Δ], Δ = T + the watch delay's 99.9th percentile +
		// the tick + a write's p99, and evicted − taint − toleration is one
		// watch delay (the taint eviction controller sees the taint); means
		// differ by those, and quantiles shift by no more than the shift.
		f := pt.Failover
		require.Greater(t, f.Tainted, int64(300), r.name) // crashes near the run's end are detected, not yet tainted
		require.Greater(t, f.Evicted, int64(300), r.name)
		watch := c.Informer.WatchDelay
		delta := T + watch.Quantile(0.999) + 0.1 + c.APIServer.WriteLatency.Quantile(0.99)
		dT := float64(f.TaintedMeanS) - mean
		assert.GreaterOrEqual(t, dT, 0.0, "%s: taint after Unknown", r.name)
		assert.LessOrEqual(t, dT, delta, "%s: taint within a pass, a watch delay and a tick of Unknown", r.name)
		dE := float64(f.EvictedMeanS-f.TaintedMeanS) - float64(r.toleration)
		assert.GreaterOrEqual(t, dE, 0.0, "%s: evicted the toleration after the taint", r.name)
		assert.LessOrEqual(t, dE, watch.Quantile(0.999), "%s: evicted a watch delay + the toleration after the taint", r.name)
		// Against the documents: taint at detection, pods evicted the
		// toleration later, within the detection band and Δ.
		band := math.Max(eta, 2*T+eps) + delta + watch.Quantile(0.999)
		assert.LessOrEqual(t, math.Abs(float64(f.TaintedP50S)-r.taintS), band, "%s: taint p50 against the documented %vs", r.name, r.taintS)
		assert.LessOrEqual(t, math.Abs(float64(f.EvictedP50S)-r.evictS), band, "%s: eviction p50 against the documented %vs", r.name, r.evictS)
		t.Logf("%-38s taint mean %6.1fs p50 %6.1fs (documented %4.0fs, %.1fs after Unknown on average), evicted p50 %6.1fs p99 %6.1fs (documented %4.0fs)",
			r.name, float64(f.TaintedMeanS), float64(f.TaintedP50S), r.taintS, dT, float64(f.EvictedP50S), float64(f.EvictedP99S), r.evictS)
		t.Logf("%-38s documented %4.0fs (taint %4.0fs, evicted %4.0fs) | nodesim detection mean %6.1fs p50 %6.1fs p99 %6.1fs max %6.1fs (n=%d) | closed form %6.1f..%6.1fs | band [%.1f, %.1f]",
			r.name, r.detectS, r.taintS, r.evictS, mean, float64(d.P50S), float64(d.P99S), float64(d.MaxS), d.Detected, want-tol, want+T+tol, lo, hi)
	}
	// Common random numbers: v1.31 and v1.32 differ only in the grace, so
	// the same crashes are detected exactly 10s later, give or take the
	// pass they land in.
	diff := means["upstream v1.32"] - means["upstream v1.31"]
	assert.InDelta(t, 10, diff, 5.0/math.Sqrt(6)*4/math.Sqrt(300), "v1.32 − v1.31 mean detection")
	t.Logf("v1.32 − v1.31: %.3fs, want 10s", diff)
}
