package sim

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// Clusters of size 1 are independent events: the interval must be the
// exact Poisson one, not merely close to it.
func TestCompoundPoissonCIReducesToPoisson(t *testing.T) {
	t.Parallel()
	for _, k := range []int64{0, 1, 2, 10, 2018} {
		lo, hi := CompoundPoissonCI(float64(k), float64(k), ciConf)
		plo, phi := PoissonCI(k, ciConf)
		if math.Abs(lo-plo) > 1e-9*plo || math.Abs(hi-phi) > 1e-9*phi {
			t.Errorf("k=%d: compound [%g, %g], Poisson [%g, %g]", k, lo, hi, plo, phi)
		}
	}
}

// k clusters of one size s: s times the exact interval of k clusters.
func TestCompoundPoissonCIFixedSize(t *testing.T) {
	t.Parallel()
	const s = 120.0
	for _, k := range []int64{1, 2, 7} {
		lo, hi := CompoundPoissonCI(s*float64(k), s*s*float64(k), ciConf)
		plo, phi := PoissonCI(k, ciConf)
		if math.Abs(lo-s*plo) > 1e-9*s*plo || math.Abs(hi-s*phi) > 1e-9*s*phi {
			t.Errorf("k=%d: [%g, %g], want %g×[%g, %g]", k, lo, hi, s, plo, phi)
		}
	}
}

func TestCompoundPoissonCIEdgeCases(t *testing.T) {
	t.Parallel()
	for _, c := range [][3]float64{{-1, 1, ciConf}, {1, -1, ciConf}, {3, 0, ciConf}, {1, 1, 1}} {
		if lo, hi := CompoundPoissonCI(c[0], c[1], c[2]); !math.IsNaN(lo) || !math.IsNaN(hi) {
			t.Errorf("CompoundPoissonCI%v = [%g, %g], want NaN", c, lo, hi)
		}
	}
	if lo, hi := WilsonDesignCI(3, 10, 0.5, ciConf); !math.IsNaN(lo) || !math.IsNaN(hi) {
		t.Errorf("deff 0.5 accepted: [%g, %g]", lo, hi)
	}
}

// Compound Poisson totals of known mean λ·E[S]: a Poisson number of
// clusters of random size. With tens of clusters or more the interval
// covers at the nominal rate (the ±1.5% band of ciTrials, see covLo);
// with fewer, coverage falls with the size's spread, which is why the
// summary flags figures resting on few episodes.
func TestCompoundPoissonCICoverage(t *testing.T) {
	t.Parallel()
	geometric := func(r *rand.Rand) float64 { // mean 20, sd ≈ 19.5
		return math.Floor(math.Log(1-r.Float64())/math.Log(1-1.0/20)) + 1
	}
	uniform := func(r *rand.Rand) float64 { return float64(1 + r.IntN(200)) } // mean 100.5
	for i, c := range []struct {
		name  string
		lam   float64
		size  func(*rand.Rand) float64
		sMean float64
	}{
		{"geometric", 30, geometric, 20},
		{"geometric", 300, geometric, 20},
		{"uniform", 50, uniform, 100.5},
		{"size 1", 200, func(*rand.Rand) float64 { return 1 }, 1},
	} {
		src := rand.NewPCG(200, uint64(i))
		r := rand.New(src)
		d := distuv.Poisson{Lambda: c.lam, Src: src}
		mu := c.lam * c.sMean
		covered := 0
		for range ciTrials {
			var s, s2 float64
			for range int(d.Rand()) {
				x := c.size(r)
				s, s2 = s+x, s2+x*x
			}
			if lo, hi := CompoundPoissonCI(s, s2, ciConf); lo <= mu && mu <= hi {
				covered++
			}
		}
		cov := float64(covered) / ciTrials
		t.Logf("%s sizes, %g clusters: coverage %.4f", c.name, c.lam, cov)
		if cov < covLo || cov > 0.97 {
			t.Errorf("%s sizes, %g clusters: coverage %.4f outside [%.2f, 0.97]", c.name, c.lam, cov, covLo)
		}
	}
}

// Successes in clusters of m: the design effect m restores the coverage
// the plain Wilson interval loses.
func TestWilsonDesignCICoverage(t *testing.T) {
	t.Parallel()
	const m, clusters, p = 10, 400, 0.05
	r := rand.New(rand.NewPCG(300, 1))
	plain, design := 0, 0
	for range ciTrials {
		var k int64
		for range clusters {
			if r.Float64() < p {
				k += m
			}
		}
		n := int64(m * clusters)
		if lo, hi := WilsonCI(k, n, ciConf); lo <= p && p <= hi {
			plain++
		}
		if lo, hi := WilsonDesignCI(k, n, m, ciConf); lo <= p && p <= hi {
			design++
		}
	}
	pc, dc := float64(plain)/ciTrials, float64(design)/ciTrials
	t.Logf("clusters of %d: Wilson coverage %.4f, with the design effect %.4f", m, pc, dc)
	if dc < covLo || dc > 0.97 || pc > 0.8 {
		t.Errorf("Wilson %.4f, design %.4f", pc, dc)
	}
	lo, hi := WilsonDesignCI(7, 100, 1, ciConf)
	if wlo, whi := WilsonCI(7, 100, ciConf); math.Abs(lo-wlo) > 1e-12 || math.Abs(hi-whi) > 1e-12 {
		t.Errorf("deff 1: [%g, %g], Wilson [%g, %g]", lo, hi, wlo, whi)
	}
}
