package sim

import (
	"math"
	"math/rand/v2"
	"testing"
)

// relClose reports whether got is within tol relative error of want
// (absolute near zero, where relative error is meaningless).
func relClose(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Max(math.Abs(want), 1e-300)
}

// twoPass returns the mean and sample variance of xs by the textbook
// two-pass method, the reference that streaming results must match.
func twoPass(xs []float64) (mean, variance float64) {
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	for _, x := range xs {
		variance += (x - mean) * (x - mean)
	}
	return mean, variance / float64(len(xs)-1)
}

func momentsSample(seed uint64, n int) []float64 {
	r := rand.New(rand.NewPCG(seed, 0x6d6f6d656e7473))
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = 100 + math.Exp(r.NormFloat64())
	}
	return xs
}

func TestMomentsMergeMatchesAdd(t *testing.T) {
	t.Parallel()
	xs := momentsSample(1, 10001) // odd length: unequal halves
	wantMean, wantVar := twoPass(xs)

	all := MomentsOf(xs)
	var a, b Moments
	for _, x := range xs[:len(xs)/3] {
		a.Add(x)
	}
	for _, x := range xs[len(xs)/3:] {
		b.Add(x)
	}
	merged := a
	merged.Merge(b)

	for _, c := range []struct {
		name string
		m    Moments
	}{{"all", all}, {"merged", merged}} {
		if c.m.N != int64(len(xs)) {
			t.Errorf("%s: N = %d, want %d", c.name, c.m.N, len(xs))
		}
		if !relClose(c.m.Mean, wantMean, 1e-12) {
			t.Errorf("%s: Mean = %.17g, two-pass %.17g", c.name, c.m.Mean, wantMean)
		}
		if !relClose(c.m.Variance(), wantVar, 1e-12) {
			t.Errorf("%s: Variance = %.17g, two-pass %.17g", c.name, c.m.Variance(), wantVar)
		}
		if !relClose(c.m.Sum(), wantMean*float64(len(xs)), 1e-12) {
			t.Errorf("%s: Sum = %g", c.name, c.m.Sum())
		}
	}
	if !relClose(merged.Mean, all.Mean, 1e-12) || !relClose(merged.M2, all.M2, 1e-12) {
		t.Errorf("merged %+v differs from all %+v", merged, all)
	}
	if merged.Min != all.Min || merged.Max != all.Max {
		t.Errorf("merged min/max %g/%g, all %g/%g", merged.Min, merged.Max, all.Min, all.Max)
	}
}

func TestMomentsMergeDeterministicAndEmpty(t *testing.T) {
	t.Parallel()
	xs := momentsSample(2, 1000)
	parts := make([]Moments, 7)
	for i, x := range xs {
		parts[i%len(parts)].Add(x)
	}
	fold := func() Moments {
		var m Moments
		m.Merge(Moments{}) // empty into empty stays empty
		for _, p := range parts {
			m.Merge(p)
			m.Merge(Moments{}) // empty is the identity
		}
		return m
	}
	m1, m2 := fold(), fold()
	if m1 != m2 {
		t.Fatalf("merging in a fixed order is not bit-identical: %+v vs %+v", m1, m2)
	}
	if m1.N != int64(len(xs)) {
		t.Fatalf("N = %d, want %d", m1.N, len(xs))
	}
	var e Moments
	e.Merge(parts[3])
	if e != parts[3] {
		t.Errorf("merge into empty = %+v, want %+v", e, parts[3])
	}
}

func TestMomentsSmallN(t *testing.T) {
	t.Parallel()
	var m Moments
	if m.Variance() != 0 || m.StdDev() != 0 || m.Sum() != 0 || m.StdErr() != 0 {
		t.Errorf("empty: %+v var=%g", m, m.Variance())
	}
	m.Add(-3.5)
	if m.N != 1 || m.Mean != -3.5 || m.Min != -3.5 || m.Max != -3.5 || m.Variance() != 0 {
		t.Errorf("one value: %+v var=%g", m, m.Variance())
	}
	m.Add(1.5)
	if m.Mean != -1 || m.Variance() != 12.5 || m.Min != -3.5 || m.Max != 1.5 {
		t.Errorf("two values: %+v var=%g", m, m.Variance())
	}
	if !relClose(m.StdErr(), math.Sqrt(12.5/2), 1e-15) {
		t.Errorf("StdErr = %g", m.StdErr())
	}
}

// A large offset defeats the sum-of-squares formula (its variance would be
// rounding noise); Welford must still recover the exact answer.
func TestMomentsLargeOffset(t *testing.T) {
	t.Parallel()
	var m Moments
	for _, d := range []float64{4, 7, 13, 16} {
		m.Add(1e9 + d)
	}
	if !relClose(m.Variance(), 30, 1e-9) {
		t.Errorf("Variance = %.17g, want 30", m.Variance())
	}
	if m.Mean != 1e9+10 {
		t.Errorf("Mean = %.17g, want 1e9+10", m.Mean)
	}
}
