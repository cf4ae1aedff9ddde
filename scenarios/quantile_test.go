package scenarios

import (
	"math"
	"testing"
	"time"

	"github.com/nodesim/nodesim/model"
	"github.com/nodesim/nodesim/sim"
)

// TestDistQuantileMatchesSampler: the quantiles check reports are those of
// the sampler. For every kind, the share of draws at or
// below Quantile(p) is p within five binomial standard errors,
// sqrt(p(1-p)/n), whatever the density (atoms only add draws at q).
func TestDistQuantileMatchesSampler(t *testing.T) {
	ln, _ := model.LogNormalMedianP99(8*time.Millisecond, 200*time.Millisecond)
	h, _ := model.NewHistogram([]float64{0.005, 0.025, 0.1, math.Inf(1)}, []float64{600, 950, 998, 1000})
	emp, _ := model.NewEmpirical([]float64{0.1, 0.2, 0.2, 0.5, 3})
	mix, _ := model.NewMixture([]model.Dist{ln, {Kind: model.Uniform, A: 1, B: 2}, h}, []float64{0.7, 0.2, 0.1})
	for _, d := range []model.Dist{
		model.Const(2 * time.Second),
		{Kind: model.Uniform, A: 1, B: 4},
		{Kind: model.Exponential, A: 3},
		ln,
		{Kind: model.Normal, A: 0.5, B: 1}, // truncated at 0: most of the mass is cut
		{Kind: model.Gamma, A: 0.7, B: 5},
		{Kind: model.Weibull, A: 1.5, B: 2},
		{Kind: model.Pareto, A: 1, B: 2.5},
		emp, h, mix,
	} {
		const n = 200_000
		r := sim.NewRand(sim.StreamKey{Seed: 11, Component: "quantile-test"})
		x := make([]float64, n)
		for i := range x {
			x[i] = d.Sample(r)
		}
		for _, p := range []float64{0.01, 0.1, 0.5, 0.9, 0.99} {
			q := d.Quantile(p)
			below, at := 0, 0
			for _, v := range x {
				if v < q {
					below++
				} else if v == q {
					at++
				}
			}
			tol := 5 * math.Sqrt(p*(1-p)/n)
			lo, hi := float64(below)/n, float64(below+at)/n
			if lo > p+tol || hi < p-tol {
				t.Errorf("%v: P(X < q%v = %v) = %v, P(X <= q) = %v; want p within %.2g", d.Kind, p, q, lo, hi, tol)
			}
		}
	}
}

func TestParametersHaveQuantilesForEveryDistribution(t *testing.T) {
	sc, err := Load("default", []string{"failures.partition.every={dist=\"exponential\", mean=\"10d\"}", "failures.partition.lasts=30s"})
	if err != nil {
		t.Fatal(err)
	}
	seen := 0
	for _, p := range sc.Parameters() {
		isDist := false
		for _, st := range sc.Settings {
			if st.Key == p.Key && st.Dist != nil {
				isDist = true
			}
		}
		if len(p.Key) > 20 && p.Key[:19] == "apiserver.incident[" {
			isDist = true
		}
		if isDist != (p.P50S != nil && p.P99S != nil) {
			t.Errorf("%s: p50 %v p99 %v, distribution %v", p.Key, p.P50S, p.P99S, isDist)
		}
		if isDist {
			seen++
		}
	}
	// status-collection-delay, network-latency, status-change-every,
	// write, read, watch-delay, endpoint-update-delay, crash.every,
	// partition every and lasts, the incident's every and lasts,
	// disk.runaway-every, memory.leak-every, pids.fork-bomb-every.
	if seen != 15 {
		t.Errorf("%d distributions with quantiles, want 15", seen)
	}
}
