package model

import (
	"math"
	"sort"
	"testing"

	"github.com/nodesim/nodesim/sim"
	"github.com/stretchr/testify/require"
)

var testSigmas = []float64{1e-9, 1e-5, 0.02, 0.3, 1, 1.37, 2.5, 4, 12}

// TestLognormalTableCoversDensity checks the ziggurat's geometry, which is
// what makes it exact: every layer has the same area, the layers of each
// side cover the density (at a layer's bottom the density is at or inside
// its width; the top layer reaches the peak), and the fast-accept part of
// each layer lies under the density.
func TestLognormalTableCoversDensity(t *testing.T) {
	t.Parallel()
	for _, sigma := range testSigmas {
		tab, err := newLognormalTable(0, sigma)
		require.NoError(t, err)
		sides := [2]lnSide{{sigma: sigma, m: tab.mode}, {sigma: sigma, m: tab.mode, left: true}}
		var v float64
		n := 0
		fast := 0.0
		for i, c := range tab.cold {
			if c.kind == zigEmpty {
				continue
			}
			n++
			s := sides[c.side]
			area := c.width * (c.hi - c.lo)
			if v == 0 {
				v = area
			}
			require.InEpsilon(t, v, area, 1e-9, "sigma %v layer %d: areas differ", sigma, i)
			if c.kind == zigLayer {
				require.LessOrEqual(t, s.g(c.width), c.lo, "sigma %v layer %d: density pokes out of the layer's width", sigma, i)
			}
			if c.fastBelow > 0 {
				require.GreaterOrEqual(t, s.g(c.fastBelow), c.hi, "sigma %v layer %d: fast part is not under the density", sigma, i)
			}
			if c.kind == zigBase {
				require.Zero(t, c.lo)
				require.LessOrEqual(t, c.tailAccept, 1.0)
				require.InDelta(t, s.tailMass(c.fastBelow), c.tailAccept*(v-c.fastBelow*c.hi), 1e-15)
			}
			fast += float64(tab.hot[i].fast) / (1 << 53)
		}
		for s := range sides {
			top := tab.cold[tab.layers[0]*s+tab.layers[s]-1]
			require.GreaterOrEqual(t, top.hi, sides[s].peak(), "sigma %v side %d: the top layer is below the peak", sigma, s)
		}
		require.Equal(t, n, tab.layers[0]+tab.layers[1])
		require.GreaterOrEqual(t, float64(zigLayers)*v, 1.0, "layers cannot hold the whole mass")
		t.Logf("sigma %v: %d+%d layers, area %.4f, fast path %.4f of draws", sigma, tab.layers[0], tab.layers[1], zigLayers*v, fast/zigLayers)
		floor := 0.97 // latencies: p99 under 10,000× the median
		if sigma > 4 {
			floor = 0.9
		}
		require.Greater(t, fast/zigLayers, floor)
	}
}

// TestLognormalSamplesMatchCDF compares draws with the lognormal CDF:
// a chi-square over equiprobable bins and the far tails on both sides,
// each within 4 standard errors of its probability.
func TestLognormalSamplesMatchCDF(t *testing.T) {
	t.Parallel()
	const n = 400_000
	for _, sigma := range testSigmas {
		mu := math.Log(0.005)
		d, err := NewLogNormal(mu, sigma)
		require.NoError(t, err)
		r := sim.NewRand(sim.StreamKey{Seed: 7})
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = d.Sample(r)
		}
		sort.Float64s(xs)
		cdf := func(x float64) float64 { return math.Erfc(-(math.Log(x)-mu)/(sigma*math.Sqrt2)) / 2 }
		quantile := func(p float64) float64 { return math.Exp(mu + sigma*math.Sqrt2*math.Erfinv(2*p-1)) }
		countBelow := func(x float64) int { return sort.SearchFloat64s(xs, x) }

		// Chi-square with k-1 degrees of freedom: mean k-1, sd sqrt(2(k-1)).
		const k = 100
		chi := 0.0
		prev := 0
		for b := 1; b <= k; b++ {
			c := n
			if b < k {
				c = countBelow(quantile(float64(b) / k))
			}
			e := float64(n) / k
			chi += (float64(c-prev) - e) * (float64(c-prev) - e) / e
			prev = c
		}
		require.Less(t, chi, (k-1)+6*math.Sqrt(2*(k-1)), "sigma %v: chi-square %.1f", sigma, chi)

		for _, p := range []float64{1e-4, 1e-3, 0.01, 0.99, 0.999, 0.9999} {
			q := quantile(p)
			got := float64(countBelow(q)) / n
			tol := 4 * math.Sqrt(p*(1-p)/n)
			require.InDelta(t, cdf(q), got, tol, "sigma %v: P(X < q_%v)", sigma, p)
		}
		require.Greater(t, xs[0], 0.0)
	}
}

// TestLognormalScalesWithMedian pins the common-random-numbers property:
// the same stream under a doubled median gives every draw doubled, so a
// sweep over a median compares like with like.
func TestLognormalScalesWithMedian(t *testing.T) {
	t.Parallel()
	a, err := LogNormalMedianP99(5e6, 51.2e6)
	require.NoError(t, err)
	b, err := LogNormalMedianP99(10e6, 102.4e6)
	require.NoError(t, err)
	ra, rb := sim.NewRand(sim.StreamKey{Seed: 3}), sim.NewRand(sim.StreamKey{Seed: 3})
	for i := 0; i < 100_000; i++ {
		x, y := a.Sample(ra), b.Sample(rb)
		require.InEpsilon(t, 2*x, y, 1e-12, "draw %d", i)
	}
}

func TestNewLogNormalRejectsBadSigma(t *testing.T) {
	t.Parallel()
	for _, sigma := range []float64{0, -1, math.NaN(), math.Inf(1)} {
		_, err := NewLogNormal(0, sigma)
		require.Error(t, err, "sigma %v", sigma)
	}
	require.Error(t, Dist{Kind: LogNormal, A: 0, B: 1}.Validate(), "a lognormal without its table")
}

func BenchmarkLognormalSample(b *testing.B) {
	d, err := NewLogNormal(math.Log(0.005), 1)
	require.NoError(b, err)
	r := sim.NewRand(sim.StreamKey{Seed: 1})
	var sink int64
	b.Run("table", func(b *testing.B) {
		for b.Loop() {
			sink += d.SampleNs(r)
		}
	})
	b.Run("exp-of-normal", func(b *testing.B) {
		for b.Loop() {
			sink += int64(math.Exp(d.A+d.B*r.NormFloat64()) * 1e9)
		}
	})
	_ = sink
}

func BenchmarkLognormalTableBuild(b *testing.B) {
	for b.Loop() {
		if _, err := newLognormalShape(1); err != nil {
			b.Fatal(err)
		}
	}
}
