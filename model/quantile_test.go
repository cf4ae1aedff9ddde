package model

import (
	"math"
	"sort"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat/distuv"
)

// continuousDists covers every continuous family, with a mixture of two.
func continuousDists(t *testing.T) []Dist {
	mix, err := NewMixture([]Dist{mustLogNormal(5*time.Millisecond, 50*time.Millisecond), {Kind: Exponential, A: 9}}, []float64{0.999, 0.001})
	require.NoError(t, err)
	return []Dist{
		{Kind: Uniform, A: 1, B: 3},
		{Kind: Exponential, A: 2},
		mustLogNormal(150*time.Millisecond, 2*time.Second),
		{Kind: Normal, A: 0.5, B: 1},
		{Kind: Gamma, A: 2.5, B: 4},
		{Kind: Gamma, A: 0.5, B: 1},
		{Kind: Weibull, A: 1.5, B: 2},
		{Kind: Pareto, A: 1, B: 3},
		mix,
	}
}

// TailQuantile inverts Survival, down to tail probabilities of 1e-15.
func TestTailQuantileInvertsSurvival(t *testing.T) {
	for _, d := range continuousDists(t) {
		for _, v := range []float64{1e-15, 1e-9, 1e-4, 0.01, 0.3, 0.5, 0.9, 0.999} {
			x := d.TailQuantile(v)
			if d.Kind == Uniform && (v > 0.99 || v < 1e-9) {
				continue // x has no digits left to resolve v at the ends of a bounded range
			}
			assert.InEpsilon(t, v, d.Survival(x), 1e-6, "%v(%v, %v): v=%v x=%v", d.Kind, d.A, d.B, v, x)
		}
	}
}

// Survival agrees with gonum's distributions where they exist.
func TestSurvivalMatchesGonum(t *testing.T) {
	ln := mustLogNormal(150*time.Millisecond, 2*time.Second)
	for _, c := range []struct {
		d   Dist
		ref interface{ Survival(float64) float64 }
	}{
		{Dist{Kind: Exponential, A: 2}, distuv.Exponential{Rate: 0.5}},
		{ln, distuv.LogNormal{Mu: ln.A, Sigma: ln.B}},
		{Dist{Kind: Gamma, A: 2.5, B: 4}, distuv.Gamma{Alpha: 2.5, Beta: 4}},
		{Dist{Kind: Weibull, A: 1.5, B: 2}, distuv.Weibull{K: 1.5, Lambda: 2}},
		{Dist{Kind: Pareto, A: 1, B: 3}, distuv.Pareto{Xm: 1, Alpha: 3}},
	} {
		for _, x := range []float64{0.01, 0.5, 1.5, 4, 20} {
			want := c.ref.Survival(x)
			if want < 1e-300 {
				continue
			}
			assert.InEpsilon(t, want, c.d.Survival(x), 1e-9, "%v at %v", c.d.Kind, x)
		}
	}
}

// TailQuantile of a uniform v is a draw of the distribution: its samples
// match Sample's in distribution (two-sample Kolmogorov–Smirnov at the
// 99.9% level) for every family, the empirical one included.
func TestTailQuantileSamplesTheDistribution(t *testing.T) {
	emp, err := NewEmpirical([]float64{0.1, 0.2, 0.2, 0.5, 3})
	require.NoError(t, err)
	const n = 20000
	for _, d := range append(continuousDists(t), emp, Const(time.Second)) {
		a := samples(d, n, 11)
		u := samples(Dist{Kind: Uniform, A: 0, B: 1}, n, 12)
		b := make([]float64, n)
		for i, x := range u {
			b[i] = d.TailQuantile(1 - x)
		}
		sortFloats(b)
		ks := ksDistance(a, b)
		crit := 1.95 * math.Sqrt(2.0/n) // 99.9%
		assert.Less(t, ks, crit, "%v(%v, %v): KS %v", d.Kind, d.A, d.B, ks)
	}
}

func ksDistance(a, b []float64) float64 {
	var i, j int
	var d float64
	for i < len(a) && j < len(b) {
		x := min(a[i], b[j])
		for i < len(a) && a[i] <= x {
			i++
		}
		for j < len(b) && b[j] <= x {
			j++
		}
		d = max(d, math.Abs(float64(i)/float64(len(a))-float64(j)/float64(len(b))))
	}
	return d
}

func sortFloats(x []float64) { sort.Float64s(x) }
