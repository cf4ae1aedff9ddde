package model

import (
	"errors"
	"fmt"
	"math"
	"sort"

	"github.com/nodesim/nodesim/sim"
)

// Buckets is the histogram distribution: a distribution read off a Prometheus classic histogram:
// bucket upper bounds le (seconds) with cumulative counts, as
// apiserver_request_duration_seconds_bucket stores them.
//
// Its quantile function is Prometheus's histogram_quantile rule
// (promql/quantile.go bucketQuantile): the rank p·total falls in the first
// bucket whose cumulative count reaches it, and the value is interpolated
// linearly between that bucket's lower bound (the previous bound, or 0 for
// the first bucket) and its upper bound. Samples are drawn by inverse CDF
// through the same function, so their quantiles converge to
// histogram_quantile's.
//
// The +Inf bucket: observations above the largest finite bound have no
// known value. They are drawn at the largest finite bound, which is what
// histogram_quantile returns for a rank that falls there. For
// apiserver_request_duration_seconds (largest finite bound 60s) that is
// beyond every client timeout, so a request that slow times out either way.
type Buckets struct {
	le    []float64 // finite upper bounds in seconds, strictly increasing, >= 0
	cum   []float64 // cumulative count at each finite bound
	cdf   []float64 // cum / total
	total float64   // count of the +Inf bucket: every observation
	first int       // the first non-empty finite bucket, len(le) if none
}

// NewBuckets builds a histogram from upper bounds and cumulative counts
// of equal length. The last bound may be +Inf (its count is the total);
// without one, no observation lies above the last bound.
func NewBuckets(le, counts []float64) (*Buckets, error) {
	if len(le) != len(counts) {
		return nil, fmt.Errorf("histogram needs one count per bound: %d bounds (le), %d counts", len(le), len(counts))
	}
	h := &Buckets{}
	for i, b := range le {
		c := counts[i]
		if !(c >= 0) || math.IsInf(c, 0) {
			return nil, fmt.Errorf("histogram counts[%d] must be a finite number >= 0, got %v", i+1, c)
		}
		if i > 0 && c < counts[i-1] {
			return nil, fmt.Errorf("histogram counts must be cumulative (non-decreasing): counts[%d] = %v < counts[%d] = %v", i+1, c, i, counts[i-1])
		}
		if i > 0 && !(b > le[i-1]) {
			return nil, fmt.Errorf("histogram bounds must increase: le[%d] = %v after le[%d] = %v", i+1, b, i, le[i-1])
		}
		if math.IsInf(b, 1) {
			if i != len(le)-1 {
				return nil, errors.New("histogram bound +Inf must be the last")
			}
			h.total = c
			break
		}
		if !(b >= 0) || math.IsInf(b, 0) {
			return nil, fmt.Errorf("histogram le[%d] must be a number of seconds >= 0, got %v", i+1, b)
		}
		h.le = append(h.le, b)
		h.cum = append(h.cum, c)
		h.total = c
	}
	if err := h.Validate(); err != nil {
		return nil, err
	}
	h.cdf = make([]float64, len(h.cum))
	h.first = len(h.cum)
	for i, c := range h.cum {
		h.cdf[i] = c / h.total
		if c > 0 && h.first == len(h.cum) {
			h.first = i
		}
	}
	return h, nil
}

// Validate reports a histogram that cannot be sampled.
func (h *Buckets) Validate() error {
	switch {
	case h == nil:
		return errors.New("histogram built without NewBuckets has no buckets")
	case len(h.le) == 0 || h.le[len(h.le)-1] <= 0:
		return errors.New("histogram needs at least one finite bound > 0")
	case !(h.total > 0):
		return errors.New("histogram has no observations (every count is 0)")
	}
	return nil
}

// Quantile is histogram_quantile(p) over the buckets, in seconds; p is
// clamped to [0, 1]. At p = 0 it returns the lower bound of the first
// non-empty bucket (histogram_quantile gives NaN when that bucket is the
// first and empty).
func (h *Buckets) Quantile(p float64) float64 {
	p = min(max(p, 0), 1)
	rank := p * h.total
	b := sort.Search(len(h.cum), func(i int) bool { return h.cum[i] >= rank && h.cum[i] > 0 })
	return h.interpolate(b, rank, h.cum)
}

// TailQuantile is the value whose upper tail has probability v, the
// least such on a plateau: Quantile(1 − v), computed from the top (counts
// above) so that tiny v keeps its digits, for model.Dist.TailQuantile.
func (h *Buckets) TailQuantile(v float64) float64 {
	above := min(max(v, 0), 1) * h.total // observations above the answer
	if above >= h.total {                // p = 0: the lower bound of the first non-empty bucket
		if h.first == len(h.le) {
			return h.le[len(h.le)-1]
		}
		if h.first == 0 {
			return 0
		}
		return h.le[h.first-1]
	}
	// Step down while even the bucket below has no more than above it.
	i := len(h.cum)
	for i > 0 && h.total-h.cum[i-1] <= above {
		i--
	}
	if i == len(h.cum) {
		return h.le[len(h.le)-1] // inside the +Inf share
	}
	lo, below := 0.0, 0.0
	if i > 0 {
		lo, below = h.le[i-1], h.cum[i-1]
	}
	return h.le[i] - (h.le[i]-lo)*((above-(h.total-h.cum[i]))/(h.cum[i]-below))
}

// Survival is P(X > x), from the top, for model.Dist.Survival.
func (h *Buckets) Survival(x float64) float64 {
	if x < 0 {
		return 1
	}
	i := sort.SearchFloat64s(h.le, x) // first bound >= x
	switch {
	case i == len(h.le) || (i == len(h.le)-1 && x == h.le[i]):
		return 0
	case x == h.le[i]:
		return (h.total - h.cum[i]) / h.total
	}
	lo, below := 0.0, 0.0
	if i > 0 {
		lo, below = h.le[i-1], h.cum[i-1]
	}
	return (h.total - h.cum[i] + (h.cum[i]-below)*(h.le[i]-x)/(h.le[i]-lo)) / h.total
}

// Sample draws one value in seconds: the quantile of a uniform draw.
func (h *Buckets) Sample(r *sim.Rand) float64 {
	u := r.Float64()
	return h.interpolate(sort.Search(len(h.cdf), func(i int) bool { return h.cdf[i] >= u && h.cdf[i] > 0 }), u, h.cdf)
}

// interpolate places rank inside bucket b of the cumulative series cum
// (counts or fractions); b = len(cum) is the +Inf bucket.
func (h *Buckets) interpolate(b int, rank float64, cum []float64) float64 {
	if b == len(cum) {
		return h.le[len(h.le)-1]
	}
	lo, below := 0.0, 0.0
	if b > 0 {
		lo, below = h.le[b-1], cum[b-1]
	}
	return lo + (h.le[b]-lo)*((rank-below)/(cum[b]-below))
}

// Mean is the expected value in seconds: bucket midpoints weighted by
// their counts, the +Inf bucket at the largest finite bound.
func (h *Buckets) Mean() float64 {
	var s, lo, below float64
	for i, c := range h.cum {
		s += (c - below) * (lo + h.le[i]) / 2
		lo, below = h.le[i], c
	}
	s += (h.total - below) * lo
	return s / h.total
}

// Bounds returns the finite upper bounds in seconds.
func (h *Buckets) Bounds() []float64 { return append([]float64(nil), h.le...) }

// Counts returns the cumulative counts at the finite bounds.
func (h *Buckets) Counts() []float64 { return append([]float64(nil), h.cum...) }

// Total is the number of observations, the +Inf bucket's count.
func (h *Buckets) Total() float64 { return h.total }

// NewHistogram builds the histogram distribution of NewBuckets.
func NewHistogram(le, counts []float64) (Dist, error) {
	h, err := NewBuckets(le, counts)
	if err != nil {
		return Dist{}, err
	}
	return Dist{Kind: Histogram, Buckets: h}, nil
}
