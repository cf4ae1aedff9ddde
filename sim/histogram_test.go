package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

var testQuantiles = []float64{0.01, 0.1, 0.5, 0.9, 0.99, 0.999}

// exactQuantile uses the rank definition documented on Quantile.
func exactQuantile(sorted []float64, q float64) float64 {
	return sorted[int(math.Ceil(q*float64(len(sorted))))-1]
}

// histSamples draws n samples of the named distribution with a fixed seed.
func histSamples(dist string, n int) []float64 {
	r := rand.New(rand.NewPCG(42, uint64(len(dist))))
	xs := make([]float64, n)
	for i := range xs {
		switch dist {
		case "lognormal": // median 30 s, heavy right tail
			xs[i] = math.Exp(math.Log(30) + 1.5*r.NormFloat64())
		case "exponential":
			xs[i] = 5 * r.ExpFloat64()
		case "uniform":
			xs[i] = r.Float64()
		default:
			panic(dist)
		}
	}
	return xs
}

func TestHistogramQuantileAccuracy(t *testing.T) {
	t.Parallel()
	// The bound is exactly relAcc; allow for rounding at bucket edges.
	const tol = relAcc * (1 + 1e-9)
	for _, dist := range []string{"lognormal", "exponential", "uniform"} {
		t.Run(dist, func(t *testing.T) {
			xs := histSamples(dist, 100_000)
			var h Histogram // zero value must be usable
			for _, x := range xs {
				h.Add(x)
			}
			sorted := slices.Sorted(slices.Values(xs))
			for _, q := range testQuantiles {
				got, want := h.Quantile(q), exactQuantile(sorted, q)
				if err := math.Abs(got-want) / want; err > tol {
					t.Errorf("q=%g: got %g, exact %g, rel err %.4f%%", q, got, want, 100*err)
				}
			}
			if h.Quantile(0) != sorted[0] || h.Quantile(1) != sorted[len(sorted)-1] {
				t.Errorf("Quantile(0),(1) = %g,%g; want exact %g,%g",
					h.Quantile(0), h.Quantile(1), sorted[0], sorted[len(sorted)-1])
			}
			if h.Count() != uint64(len(xs)) || h.Min() != sorted[0] || h.Max() != sorted[len(xs)-1] {
				t.Errorf("Count/Min/Max = %d/%g/%g", h.Count(), h.Min(), h.Max())
			}
			mean, _ := twoPass(xs)
			if !relClose(h.Mean(), mean, 1e-12) {
				t.Errorf("Mean = %g, want %g", h.Mean(), mean)
			}
		})
	}
}

func TestHistogramMergeEqualsSingle(t *testing.T) {
	t.Parallel()
	xs := histSamples("lognormal", 50_000)
	xs = append(xs, 0, 1e-12) // exercise the zero bucket too
	all, a := NewHistogram(), NewHistogram()
	var b Histogram
	for i, x := range xs {
		all.Add(x)
		if i%3 == 0 { // interleaved split: a and b see different ranges
			a.Add(x)
		} else {
			b.Add(x)
		}
	}
	a.Merge(&b)
	a.Merge(nil)
	a.Merge(NewHistogram())
	if a.Count() != all.Count() || a.zero != all.zero || a.Min() != all.Min() || a.Max() != all.Max() {
		t.Fatalf("merged count/zero/min/max %d/%d/%g/%g, single %d/%d/%g/%g",
			a.Count(), a.zero, a.Min(), a.Max(), all.Count(), all.zero, all.Min(), all.Max())
	}
	if a.offset != all.offset || !slices.Equal(a.counts, all.counts) {
		t.Fatalf("bucket counts differ: offsets %d vs %d, lens %d vs %d",
			a.offset, all.offset, len(a.counts), len(all.counts))
	}
	for q := 0.0; q <= 1; q += 0.001 {
		if ga, gs := a.Quantile(q), all.Quantile(q); ga != gs {
			t.Fatalf("Quantile(%g): merged %g, single %g", q, ga, gs)
		}
	}
	if !relClose(a.Sum(), all.Sum(), 1e-12) {
		t.Errorf("Sum: merged %g, single %g", a.Sum(), all.Sum())
	}
}

func TestHistogramMemoryBound(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(7, 7))
	var h Histogram
	for range 1_000_000 {
		h.Add(math.Pow(10, -3+6*r.Float64())) // log-uniform on [1e-3, 1e3]
	}
	// ln(1e6)/ln(gamma) ≈ 691 buckets span the range.
	if n := len(h.counts); n >= 2000 || n < 600 {
		t.Errorf("len(counts) = %d, want about 691 and < 2000", n)
	}
}

func TestHistogramAddDoesNotAllocate(t *testing.T) {
	var h Histogram
	xs := []float64{1e-6, 3e-3, 0.5, 42, 1e7, 0}
	for _, x := range xs { // warm-up: cover the range
		h.Add(x)
	}
	i := 0
	allocs := testing.AllocsPerRun(1000, func() {
		h.Add(xs[i%len(xs)] * 0.9999)
		i++
	})
	if allocs != 0 {
		t.Errorf("Add allocates %g times per call after warm-up", allocs)
	}
}

func TestHistogramZeroAndTiny(t *testing.T) {
	t.Parallel()
	var h Histogram
	h.AddN(0, 10)
	h.Add(1e-12)
	h.Add(-2)         // negative duration: recorded as 0
	h.Add(math.NaN()) // ignored
	h.Add(math.Inf(1))
	h.AddN(5, 0)
	h.AddN(5, 12)
	if h.Count() != 24 || h.zero != 12 {
		t.Fatalf("Count = %d, zero = %d, want 24, 12", h.Count(), h.zero)
	}
	if h.Min() != 0 || h.Max() != 5 || h.Quantile(0.25) != 0 || h.Quantile(0.5) != 0 {
		t.Errorf("Min/Max/q25/q50 = %g/%g/%g/%g", h.Min(), h.Max(), h.Quantile(0.25), h.Quantile(0.5))
	}
	if got := h.Quantile(0.51); math.Abs(got-5)/5 > relAcc {
		t.Errorf("Quantile(0.51) = %g, want ~5", got)
	}
	if got := h.CCDF(1e-9); got != 0.5 {
		t.Errorf("CCDF(1e-9) = %g, want 0.5", got)
	}
	var tiny Histogram
	tiny.Add(1e-12)
	if tiny.Quantile(0.5) != 1e-12 || len(tiny.counts) != 0 {
		t.Errorf("tiny: Quantile = %g, buckets %d", tiny.Quantile(0.5), len(tiny.counts))
	}
}

func TestHistogramEmpty(t *testing.T) {
	t.Parallel()
	var h Histogram
	for name, v := range map[string]float64{"Quantile": h.Quantile(0.5), "Min": h.Min(),
		"Max": h.Max(), "Mean": h.Mean(), "CCDF": h.CCDF(1)} {
		if !math.IsNaN(v) {
			t.Errorf("empty %s = %g, want NaN", name, v)
		}
	}
	h.Buckets(func(lo, hi float64, c uint64) { t.Errorf("empty histogram has bucket (%g,%g]", lo, hi) })
	if h.Count() != 0 || h.Sum() != 0 {
		t.Errorf("empty Count/Sum = %d/%g", h.Count(), h.Sum())
	}
}

func TestHistogramBucketsAndCCDF(t *testing.T) {
	t.Parallel()
	xs := histSamples("exponential", 20_000)
	var h Histogram
	for _, x := range xs {
		h.Add(x)
	}
	sorted := slices.Sorted(slices.Values(xs))
	var total uint64
	prevHi := -1.0
	h.Buckets(func(lo, hi float64, c uint64) {
		if lo >= hi || lo < prevHi || c == 0 {
			t.Fatalf("bad bucket (%g,%g] count %d after hi %g", lo, hi, c, prevHi)
		}
		// Count the samples that really lie in (lo, hi].
		n := uint64(upperIndex(sorted, hi) - upperIndex(sorted, lo))
		if d := int64(n) - int64(c); d < -1 || d > 1 { // ±1 for rounding at edges
			t.Fatalf("bucket (%g,%g] count %d, samples inside %d", lo, hi, c, n)
		}
		prevHi, total = hi, total+c
	})
	if total != h.Count() {
		t.Fatalf("bucket counts sum to %d, want %d", total, h.Count())
	}
	frac := func(x float64) float64 {
		return float64(len(sorted)-upperIndex(sorted, x)) / float64(len(sorted))
	}
	for _, x := range []float64{0.01, 0.5, 1, 5, 20, 40} {
		got := h.CCDF(x)
		if got < frac(x/(1-relAcc))-1e-12 || got > frac(x/(1+relAcc))+1e-12 {
			t.Errorf("CCDF(%g) = %g, true %g", x, got, frac(x))
		}
	}
	if h.CCDF(-1) != 1 || h.CCDF(h.Max()) != 0 {
		t.Errorf("CCDF outside range: %g, %g", h.CCDF(-1), h.CCDF(h.Max()))
	}
}

// upperIndex returns the number of sorted values <= x.
func upperIndex(sorted []float64, x float64) int {
	i, _ := slices.BinarySearchFunc(sorted, x, func(v, x float64) int {
		if v <= x {
			return -1
		}
		return 1
	})
	return i
}

func TestHistogramCloneIsDeep(t *testing.T) {
	t.Parallel()
	h := NewHistogram()
	h.Add(1)
	c := h.Clone()
	c.Add(1)
	c.Add(1000)
	if h.Count() != 1 || h.Max() != 1 || h.counts[0] != 1 {
		t.Errorf("Clone shares state: original count %d max %g", h.Count(), h.Max())
	}
	if c.Count() != 3 {
		t.Errorf("clone count %d, want 3", c.Count())
	}
	if e := new(Histogram).Clone(); e.Count() != 0 || e.counts != nil {
		t.Errorf("clone of empty not empty")
	}
}

func TestHistogramQuantileOutOfRangePanics(t *testing.T) {
	t.Parallel()
	for _, q := range []float64{-0.1, 1.1, math.NaN()} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Quantile(%g) did not panic", q)
				}
			}()
			new(Histogram).Quantile(q)
		}()
	}
}

func BenchmarkHistogramAdd(b *testing.B) {
	xs := histSamples("lognormal", 1<<12)
	var h Histogram
	for _, x := range xs {
		h.Add(x)
	}
	i := 0
	for b.Loop() {
		h.Add(xs[i&(len(xs)-1)])
		i++
	}
}

func ExampleHistogram() {
	var h Histogram
	for i := 1; i <= 1000; i++ {
		h.Add(float64(i) / 100) // 0.01 s .. 10 s
	}
	fmt.Printf("n=%d min=%g max=%g mean=%.3f\n", h.Count(), h.Min(), h.Max(), h.Mean())
	// Exact values are p50=5, p99=9.9, P(>9s)=0.1; the estimates are
	// within 1% in value, and the CCDF within one bucket.
	fmt.Printf("p50=%.3g p99=%.3g P(>9s)=%.3f\n", h.Quantile(0.5), h.Quantile(0.99), h.CCDF(9))
	// Output:
	// n=1000 min=0.01 max=10 mean=5.005
	// p50=5 p99=9.88 P(>9s)=0.098
}
