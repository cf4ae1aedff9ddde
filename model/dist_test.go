package model

import (
	"math"
	"sort"
	"testing"
	"time"

	"github.com/nodesim/nodesim/sim"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat/distuv"
)

func samples(d Dist, n int, seed uint64) []float64 {
	r := sim.NewRand(sim.StreamKey{Seed: seed, Component: "dist-test"})
	x := make([]float64, n)
	for i := range x {
		x[i] = d.Sample(r)
	}
	sort.Float64s(x)
	return x
}

// Lognormal samples match the exact quantiles within the order-statistic
// error: Var(q̂_p) ≈ p(1-p)/(n f(q_p)²).
func TestLogNormalQuantiles(t *testing.T) {
	t.Parallel()
	d, err := LogNormalMedianP99(8*time.Millisecond, 200*time.Millisecond)
	require.NoError(t, err)
	exact := distuv.LogNormal{Mu: d.A, Sigma: d.B}
	const n = 400_000
	x := samples(d, n, 1)
	for _, p := range []float64{0.001, 0.01, 0.1, 0.5, 0.9, 0.99, 0.999, 0.9999} {
		q := exact.Quantile(p)
		se := math.Sqrt(p*(1-p)/n) / exact.Prob(q)
		assert.InDelta(t, q, x[int(math.Ceil(p*n))-1], 5*se, "p=%v", p)
	}
}

func TestDistMeans(t *testing.T) {
	t.Parallel()
	for _, d := range []Dist{
		{Kind: Uniform, A: 1, B: 3},
		{Kind: Exponential, A: 2},
		{Kind: Gamma, A: 2.5, B: 4},
		{Kind: Gamma, A: 0.5, B: 1},
		{Kind: Weibull, A: 1.5, B: 2},
		{Kind: Pareto, A: 1, B: 3},
		{Kind: Normal, A: 0.5, B: 1}, // truncated at 0
		mustLogNormal(150*time.Millisecond, 2*time.Second),
	} {
		x := samples(d, 200_000, 2)
		var m sim.Moments
		for _, v := range x {
			m.Add(v)
		}
		assert.InDelta(t, d.Mean(), m.Mean, 5*m.StdErr(), "%v %v %v", d.Kind, d.A, d.B)
	}
}

func TestDistValidation(t *testing.T) {
	t.Parallel()
	_, err := LogNormalMedianP99(time.Second, time.Second)
	assert.ErrorContains(t, err, "p99 (1s) must be greater than median (1s)")
	assert.ErrorContains(t, Dist{Kind: Uniform, A: 2, B: 1}.Validate(), "min (2s) must be <= max (1s)")
	_, err = NewMixture([]Dist{Const(time.Second)}, []float64{0})
	assert.ErrorContains(t, err, "weight must be > 0")
	assert.NoError(t, Dist{Kind: Gamma, A: 1, B: 1}.Validate())
}

func TestMixtureWeights(t *testing.T) {
	t.Parallel()
	m, err := NewMixture([]Dist{Const(time.Second), Const(2 * time.Second)}, []float64{3, 1})
	require.NoError(t, err)
	x := samples(m, 100_000, 3)
	ones := sort.SearchFloat64s(x, 1.5)
	assert.InDelta(t, 0.75, float64(ones)/1e5, 4*math.Sqrt(0.75*0.25/1e5))
}
