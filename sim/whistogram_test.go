package sim

import (
	"math"
	"testing"
)

// Weighted quantiles against the unweighted histogram fed the same values
// with integer counts: equal weights are counts.
func TestWeightedHistogramMatchesCounts(t *testing.T) {
	var h Histogram
	var w WeightedHistogram
	r := NewRand(StreamKey{Seed: 3, Component: "whist"})
	for i := 0; i < 20000; i++ {
		x := math.Exp(r.NormFloat64())
		k := 1 + r.Uint64N(4)
		h.AddN(x, k)
		w.Add(x, float64(k))
	}
	for _, q := range []float64{0, 0.01, 0.5, 0.9, 0.99, 1} {
		if got, want := w.Quantile(q), h.Quantile(q); math.Abs(got-want) > 0.0201*want {
			t.Errorf("q=%v: weighted %v, counts %v", q, got, want)
		}
	}
	if w.Total() != float64(h.Count()) {
		t.Errorf("total %v, count %v", w.Total(), h.Count())
	}
}

// A sample's weight moves the quantile: one heavy value dominates.
func TestWeightedHistogramWeights(t *testing.T) {
	var w WeightedHistogram
	w.Add(1, 1)
	w.Add(100, 99)
	if q := w.Quantile(0.5); math.Abs(q-100) > 1 {
		t.Errorf("median %v, want about 100", q)
	}
	if q := w.Quantile(0.005); math.Abs(q-1) > 0.0101 { // within the buckets' 1%
		t.Errorf("0.5%% quantile %v, want about 1", q)
	}
	var a, b WeightedHistogram
	a.Add(1, 1)
	b.Add(100, 99)
	a.Merge(&b)
	if a.Quantile(0.5) != w.Quantile(0.5) || a.Total() != w.Total() {
		t.Error("merge differs from adding all")
	}
	var e WeightedHistogram
	if !math.IsNaN(e.Quantile(0.5)) {
		t.Error("empty quantile should be NaN")
	}
}
