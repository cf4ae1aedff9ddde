package sim

import (
	"math"
	"sort"
)

// WeightedHistogram is a Histogram whose samples carry real weights, such
// as the likelihood ratios of an importance-sampling estimator. It uses the
// same log buckets, so Quantile has the same 1% relative accuracy, and it
// keeps only the buckets that were hit: memory follows the range of
// values, not their number.
//
// The zero value is empty and ready for use.
type WeightedHistogram struct {
	w     map[int]float64 // bucket index → total weight
	zero  float64         // weight of values below zeroThreshold
	total float64
}

// Add records x with weight w; non-positive or non-finite weights, NaN
// and +Inf values are ignored, negative values count as 0.
func (h *WeightedHistogram) Add(x, w float64) {
	if !(w > 0) || math.IsInf(w, 1) || math.IsNaN(x) || math.IsInf(x, 1) {
		return
	}
	h.total += w
	if x < zeroThreshold {
		h.zero += w
		return
	}
	if h.w == nil {
		h.w = map[int]float64{}
	}
	h.w[bucketIndex(x)] += w
}

// Merge adds o's samples to h.
func (h *WeightedHistogram) Merge(o *WeightedHistogram) { h.MergeScaled(o, 1) }

// MergeScaled adds o's samples to h with their weights times f > 0.
func (h *WeightedHistogram) MergeScaled(o *WeightedHistogram, f float64) {
	if o == nil || !(f > 0) {
		return
	}
	h.total += f * o.total
	h.zero += f * o.zero
	for i, w := range o.w {
		if h.w == nil {
			h.w = map[int]float64{}
		}
		h.w[i] += f * w
	}
}

// Total is the sum of the weights recorded.
func (h *WeightedHistogram) Total() float64 { return h.total }

// Quantile returns the weighted q-quantile (0 ≤ q ≤ 1): the
// representative value of the first bucket at which the cumulative
// weight reaches q of the total. NaN when empty or q is out of range.
func (h *WeightedHistogram) Quantile(q float64) float64 {
	if !(h.total > 0) || !(q >= 0 && q <= 1) {
		return math.NaN()
	}
	target := q * h.total
	if h.zero >= target && h.zero > 0 {
		return 0
	}
	idx := make([]int, 0, len(h.w))
	for i := range h.w {
		idx = append(idx, i)
	}
	sort.Ints(idx)
	cum := h.zero
	for _, i := range idx {
		cum += h.w[i]
		if cum >= target {
			return bucketValue(i)
		}
	}
	return bucketValue(idx[len(idx)-1])
}
