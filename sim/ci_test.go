package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"
)

// Coverage tests estimate the probability that a 95% interval contains the
// true parameter from ciTrials simulated experiments. The estimate has
// binomial standard error sqrt(0.95*0.05/2000) ≈ 0.0049, so ±3 SE ≈ ±1.5%
// around the true coverage: an interval at nominal 95% should land in
// about [0.935, 0.965], and the lower bound 0.93 used throughout is
// 0.95 - 3 SE with a little slack. Upper bounds are widened only where the
// method's true coverage is known to exceed 95% (see each test). Seeds are
// fixed, so the tests are deterministic; the bands make them robust to a
// change of seed, yet a wrong critical value (e.g. 90% instead of 95%)
// moves coverage by ~5% and fails them.
const (
	ciTrials = 2000
	ciConf   = 0.95
	covLo    = 0.93
)

func TestPoissonCITextbookValues(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		k      int64
		lo, hi float64
	}{
		{0, 0, 3.6889},        // the "rule of three" made exact
		{10, 4.7954, 18.3904}, // Garwood table, 95%
	} {
		lo, hi := PoissonCI(c.k, ciConf)
		if math.Abs(lo-c.lo) > 1e-3 || math.Abs(hi-c.hi) > 1e-3 {
			t.Errorf("PoissonCI(%d) = [%.4f, %.4f], want [%.4f, %.4f]", c.k, lo, hi, c.lo, c.hi)
		}
	}
}

// Garwood is conservative, so coverage is at least 95% for every mean;
// exact coverages (summed over the Poisson pmf) are 98.6%, 98.8% and
// 95.7% for the three means, all well below the 99.9% cap.
func TestPoissonCICoverage(t *testing.T) {
	t.Parallel()
	for i, mu := range []float64{0.5, 3, 20} {
		src := rand.NewPCG(100, uint64(i))
		d := distuv.Poisson{Lambda: mu, Src: src}
		covered := 0
		for range ciTrials {
			lo, hi := PoissonCI(int64(d.Rand()), ciConf)
			if lo <= mu && mu <= hi {
				covered++
			}
		}
		cov := float64(covered) / ciTrials
		t.Logf("Poisson mean %g: coverage %.4f", mu, cov)
		if cov < covLo || cov > 0.999 {
			t.Errorf("Poisson mean %g: coverage %.4f outside [%.3f, 0.999]", mu, cov, covLo)
		}
	}
}

// Wilson coverage oscillates with p because the binomial is discrete; at
// n=200 its exact coverage is 96.7% for p=0.05 and 94.7% for p=0.3, hence
// the upper bound 0.975 (0.967 + ~2 SE) rather than 0.965.
func TestWilsonCICoverage(t *testing.T) {
	t.Parallel()
	const n = 200
	for i, p := range []float64{0.05, 0.3} {
		d := distuv.Binomial{N: n, P: p, Src: rand.NewPCG(200, uint64(i))}
		covered := 0
		for range ciTrials {
			lo, hi := WilsonCI(int64(d.Rand()), n, ciConf)
			if lo <= p && p <= hi {
				covered++
			}
		}
		cov := float64(covered) / ciTrials
		t.Logf("Wilson p=%g n=%d: coverage %.4f", p, n, cov)
		if cov < covLo || cov > 0.975 {
			t.Errorf("Wilson p=%g: coverage %.4f outside [%.3f, 0.975]", p, cov, covLo)
		}
	}
}

// The t interval is exact for normal data, so true coverage is 95% and the
// band is the ±3 SE one, rounded out to [0.93, 0.97].
func TestStudentTCICoverage(t *testing.T) {
	t.Parallel()
	const mu, sigma = 12.5, 3.0
	r := rand.New(rand.NewPCG(300, 0))
	covered := 0
	for range ciTrials {
		var m Moments
		for range 10 {
			m.Add(mu + sigma*r.NormFloat64())
		}
		lo, hi := StudentTCI(m, ciConf)
		if lo <= mu && mu <= hi {
			covered++
		}
	}
	cov := float64(covered) / ciTrials
	t.Logf("Student t n=10: coverage %.4f", cov)
	if cov < covLo || cov > 0.97 {
		t.Errorf("Student t: coverage %.4f outside [%.3f, 0.97]", cov, covLo)
	}
}

func TestCIEdgeCases(t *testing.T) {
	t.Parallel()
	nan := func(lo, hi float64) bool { return math.IsNaN(lo) && math.IsNaN(hi) }
	if !nan(PoissonCI(-1, ciConf)) || !nan(PoissonCI(3, 0)) || !nan(PoissonCI(3, 1)) {
		t.Error("PoissonCI accepts invalid input")
	}
	if lo, hi := WilsonCI(0, 0, ciConf); lo != 0 || hi != 1 {
		t.Errorf("WilsonCI(0,0) = [%g, %g], want [0, 1]", lo, hi)
	}
	if !nan(WilsonCI(5, 3, ciConf)) || !nan(WilsonCI(-1, 3, ciConf)) || !nan(WilsonCI(1, 3, 1.5)) {
		t.Error("WilsonCI accepts invalid input")
	}
	if lo, hi := WilsonCI(0, 50, ciConf); lo != 0 || hi <= 0 || hi >= 0.1 {
		t.Errorf("WilsonCI(0,50) = [%g, %g], want [0, ~0.071]", lo, hi)
	}
	if lo, hi := WilsonCI(50, 50, ciConf); hi != 1 || lo >= 1 || lo <= 0.9 {
		t.Errorf("WilsonCI(50,50) = [%g, %g], want [~0.929, 1]", lo, hi)
	}
	if !nan(StudentTCI(MomentsOf([]float64{1}), ciConf)) || !nan(StudentTCI(Moments{}, ciConf)) {
		t.Error("StudentTCI with N < 2 should be NaN")
	}
	// Two points 0 and 2: mean 1, sd sqrt(2), t_{0.975,1} = 12.706.
	lo, hi := StudentTCI(MomentsOf([]float64{0, 2}), ciConf)
	if math.Abs(hi-1-12.7062) > 1e-3 || math.Abs(1-lo-12.7062) > 1e-3 {
		t.Errorf("StudentTCI({0,2}) = [%g, %g], want 1 ± 12.706", lo, hi)
	}
	if got := z(ciConf); math.Abs(got-1.959964) > 1e-6 || !math.IsNaN(z(1)) {
		t.Errorf("z(0.95) = %g", got)
	}
}

func ExamplePoissonCI() {
	// No node failures seen in a run: the rate could still be up to 3.69.
	lo, hi := PoissonCI(0, 0.95)
	fmt.Printf("k=0:  [%.4f, %.4f]\n", lo, hi)
	lo, hi = PoissonCI(10, 0.95)
	fmt.Printf("k=10: [%.4f, %.4f]\n", lo, hi)
	// Output:
	// k=0:  [0.0000, 3.6889]
	// k=10: [4.7954, 18.3904]
}
