package sim

import "math"

// Histogram parameters. Bucket i holds values in (gamma^(i-1), gamma^i];
// reporting 2*gamma^i/(gamma+1) for it is within relAcc of every value in
// the bucket (DDSketch, Masson et al. 2019).
const (
	// relAcc is the guaranteed relative accuracy of Quantile.
	relAcc = 0.01
	// zeroThreshold separates the zero bucket from the log buckets: below
	// a nanosecond a duration is indistinguishable from zero here, and it
	// caps how far the bucket range can grow downwards.
	zeroThreshold = 1e-9
	gamma         = (1 + relAcc) / (1 - relAcc)
)

var (
	logGamma = math.Log(gamma)
	// repScale turns gamma^i into the bucket's representative value.
	repScale = 2 / (gamma + 1)
)

// Histogram is a streaming log-bucketed histogram of non-negative values
// (typically durations in seconds). Quantile estimates have relative error
// at most 1%, merging is exact, and memory depends only on the range of
// values seen, not on their number: about 1,850 buckets (15 KiB) span
// 1e-9 .. 1e7.
//
// The zero value is an empty histogram ready for use. A Histogram is not
// safe for concurrent use; give each goroutine its own and Merge them.
type Histogram struct {
	counts []uint64 // counts[j] is the count of bucket offset+j
	offset int
	zero   uint64 // values below zeroThreshold
	count  uint64
	sum    float64
	min    float64
	max    float64
}

// NewHistogram returns an empty histogram; it is equivalent to
// new(Histogram).
func NewHistogram() *Histogram { return new(Histogram) }

// bucketIndex returns ceil(log_gamma(x)) for x >= zeroThreshold.
func bucketIndex(x float64) int {
	return int(math.Ceil(math.Log(x) / logGamma))
}

// bucketUpper returns gamma^i, the inclusive upper bound of bucket i.
func bucketUpper(i int) float64 { return math.Exp(float64(i) * logGamma) }

// bucketValue returns the representative value of bucket i.
func bucketValue(i int) float64 { return repScale * bucketUpper(i) }

// Add records one value. Negative values are recorded as 0, since the
// histogram is meant for durations; NaN and +Inf have no bucket and are
// ignored.
func (h *Histogram) Add(x float64) { h.AddN(x, 1) }

// AddN records n copies of x, with the same rules as Add.
func (h *Histogram) AddN(x float64, n uint64) {
	if n == 0 || math.IsNaN(x) || math.IsInf(x, 1) {
		return
	}
	if x < 0 {
		x = 0
	}
	if h.count == 0 || x < h.min {
		h.min = x
	}
	if h.count == 0 || x > h.max {
		h.max = x
	}
	h.count += n
	h.sum += x * float64(n)
	if x < zeroThreshold {
		h.zero += n
		return
	}
	i := bucketIndex(x)
	h.cover(i, i)
	h.counts[i-h.offset] += n
}

// cover grows counts so that bucket indices lo..hi are addressable. It
// only allocates when the range actually widens, keeping Add alloc-free
// once the range of the workload has been seen.
func (h *Histogram) cover(lo, hi int) {
	if len(h.counts) == 0 {
		h.counts = make([]uint64, hi-lo+1)
		h.offset = lo
		return
	}
	end := h.offset + len(h.counts) // exclusive
	if lo >= h.offset && hi < end {
		return
	}
	newLo, newEnd := min(lo, h.offset), max(hi+1, end)
	if newLo == h.offset {
		// Growing upwards only: append amortises repeated growth.
		h.counts = append(h.counts, make([]uint64, newEnd-end)...)
		return
	}
	c := make([]uint64, newEnd-newLo)
	copy(c[h.offset-newLo:], h.counts)
	h.counts, h.offset = c, newLo
}

// Merge adds all samples of o to h. Bucket counts add exactly, so merging
// histograms of disjoint sample sets is equivalent to one histogram fed
// all of them (Sum may differ in the last bits from summation order).
// A nil o is treated as empty.
func (h *Histogram) Merge(o *Histogram) {
	if o == nil || o.count == 0 {
		return
	}
	if h.count == 0 || o.min < h.min {
		h.min = o.min
	}
	if h.count == 0 || o.max > h.max {
		h.max = o.max
	}
	h.count += o.count
	h.sum += o.sum
	h.zero += o.zero
	if len(o.counts) == 0 {
		return
	}
	h.cover(o.offset, o.offset+len(o.counts)-1)
	d := o.offset - h.offset
	for j, c := range o.counts {
		h.counts[d+j] += c
	}
}

// Reset empties h, keeping its buckets' memory.
func (h *Histogram) Reset() {
	clear(h.counts)
	h.zero, h.count, h.sum, h.min, h.max = 0, 0, 0, 0, 0
}

// Count returns the number of samples recorded.
func (h *Histogram) Count() uint64 { return h.count }

// Sum returns the exact (floating-point) sum of the samples recorded.
func (h *Histogram) Sum() float64 { return h.sum }

// Min returns the smallest sample recorded, or NaN when empty.
func (h *Histogram) Min() float64 {
	if h.count == 0 {
		return math.NaN()
	}
	return h.min
}

// Max returns the largest sample recorded, or NaN when empty.
func (h *Histogram) Max() float64 {
	if h.count == 0 {
		return math.NaN()
	}
	return h.max
}

// Mean returns the exact mean of the samples recorded, or NaN when empty.
func (h *Histogram) Mean() float64 {
	if h.count == 0 {
		return math.NaN()
	}
	return h.sum / float64(h.count)
}

// Quantile returns an estimate of the q-quantile, defined as the sample of
// 0-based rank ceil(q*n)-1 in sorted order (the smallest sample x such
// that at least a fraction q of the samples are <= x). The estimate is
// within 1% relative error of that sample for values >= 1e-9; smaller
// values are reported as Min. Quantile(0) is exactly Min and Quantile(1)
// exactly Max. It returns NaN when the histogram is empty.
//
// Quantile panics if q is outside [0, 1] or NaN: q is chosen by the
// program, not read from input, so a bad q is a bug to surface early.
func (h *Histogram) Quantile(q float64) float64 {
	if !(q >= 0 && q <= 1) {
		panic("sim: Histogram.Quantile: q outside [0, 1]")
	}
	if h.count == 0 {
		return math.NaN()
	}
	if q == 0 {
		return h.min
	}
	if q == 1 {
		return h.max
	}
	rank := uint64(math.Ceil(q*float64(h.count))) - 1 // q > 0 so rank >= 0
	if rank < h.zero {
		return h.min
	}
	seen := h.zero
	for j, c := range h.counts {
		seen += c
		if seen > rank {
			// Clamping can only move the estimate closer to the truth.
			return min(max(bucketValue(h.offset+j), h.min), h.max)
		}
	}
	return h.max // unreachable: counts sum to count
}

// CCDF returns the fraction of samples greater than x, to bucket
// resolution: a bucket counts as above x when its representative value
// is, so the answer is exact for x outside [Min, Max] and otherwise lies
// between the true fractions above x/(1-0.01) and above x/(1+0.01).
// It returns NaN when the histogram is empty.
func (h *Histogram) CCDF(x float64) float64 {
	if h.count == 0 {
		return math.NaN()
	}
	if x < h.min {
		return 1
	}
	if x >= h.max {
		return 0
	}
	var above uint64
	for j := len(h.counts) - 1; j >= 0; j-- {
		if bucketValue(h.offset+j) <= x {
			break
		}
		above += h.counts[j]
	}
	return float64(above) / float64(h.count)
}

// Buckets calls fn for every non-empty bucket in increasing order of
// value with the bucket's bounds and count. Log buckets are (lo, hi];
// the zero bucket, if non-empty, comes first as [0, 1e-9).
func (h *Histogram) Buckets(fn func(lo, hi float64, count uint64)) {
	if h.zero > 0 {
		fn(0, zeroThreshold, h.zero)
	}
	for j, c := range h.counts {
		if c > 0 {
			i := h.offset + j
			fn(bucketUpper(i-1), bucketUpper(i), c)
		}
	}
}

// Clone returns a deep copy of h.
func (h *Histogram) Clone() *Histogram {
	c := *h
	if h.counts != nil {
		c.counts = append([]uint64(nil), h.counts...)
	}
	return &c
}
