package sim

import "math"

// Moments accumulates count, mean, variance, minimum and maximum of a
// stream of values in O(1) memory using Welford's online algorithm, which
// avoids the catastrophic cancellation of the naive sum-of-squares formula
// when the mean is large compared with the spread (e.g. absolute times).
//
// The zero value is an empty accumulator ready for use. Fields are exported
// so that results can be serialised and merged across runs; treat them as
// read-only unless restoring a saved state.
type Moments struct {
	// N is the number of values added.
	N int64
	// Mean is the running arithmetic mean (0 when N == 0).
	Mean float64
	// M2 is the sum of squared deviations from the mean.
	M2 float64
	// Min and Max are the extremes seen (0 when N == 0).
	Min, Max float64
}

// Add records one value. A NaN propagates into Mean and M2, as it would
// with any other arithmetic, so callers filter NaNs they do not want.
func (m *Moments) Add(x float64) {
	m.N++
	if m.N == 1 {
		m.Mean, m.M2, m.Min, m.Max = x, 0, x, x
		return
	}
	d := x - m.Mean
	m.Mean += d / float64(m.N)
	// Using the updated mean in the second factor is what makes the
	// update exact in exact arithmetic (Welford 1962).
	m.M2 += d * (x - m.Mean)
	if x < m.Min {
		m.Min = x
	}
	if x > m.Max {
		m.Max = x
	}
}

// Merge folds o into m using the parallel formula of Chan, Golub and
// LeVeque (1979). The result depends only on the two operands, so merging
// per-replication accumulators in a fixed order is deterministic
// regardless of how the replications were scheduled.
func (m *Moments) Merge(o Moments) {
	if o.N == 0 {
		return
	}
	if m.N == 0 {
		*m = o
		return
	}
	na, nb := float64(m.N), float64(o.N)
	n := na + nb
	d := o.Mean - m.Mean
	m.Mean += d * nb / n
	m.M2 += o.M2 + d*d*na*nb/n
	m.N += o.N
	if o.Min < m.Min {
		m.Min = o.Min
	}
	if o.Max > m.Max {
		m.Max = o.Max
	}
}

// Variance returns the unbiased sample variance (divisor N-1), or 0 when
// fewer than two values were added: a single observation carries no
// information about spread, and 0 keeps downstream arithmetic finite.
func (m Moments) Variance() float64 {
	if m.N < 2 {
		return 0
	}
	v := m.M2 / float64(m.N-1)
	// Rounding can leave M2 a hair below zero for constant input.
	if v < 0 {
		return 0
	}
	return v
}

// StdDev returns the sample standard deviation, sqrt(Variance()).
func (m Moments) StdDev() float64 {
	return math.Sqrt(m.Variance())
}

// StdErr returns the standard error of the mean, StdDev()/sqrt(N), or 0
// when N < 2.
func (m Moments) StdErr() float64 {
	if m.N < 2 {
		return 0
	}
	return m.StdDev() / math.Sqrt(float64(m.N))
}

// Sum returns the sum of the values added, reconstructed as Mean*N.
func (m Moments) Sum() float64 {
	return m.Mean * float64(m.N)
}

// MomentsOf returns the Moments of xs, a convenience for tests and for
// summarising small slices.
func MomentsOf(xs []float64) Moments {
	var m Moments
	for _, x := range xs {
		m.Add(x)
	}
	return m
}
