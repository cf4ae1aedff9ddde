package model

import (
	"math"
	"sort"

	"gonum.org/v1/gonum/mathext"
)

// Survival and tail quantiles of every distribution family, in seconds.
// The rare-event estimator samples through them: a draw with tail
// probability v is TailQuantile(v), so changing the law of v changes the
// law of the draw with a likelihood ratio that is a function of v alone.
// They are computed from the upper tail (Survival, not 1−CDF) so that
// probabilities of 1e-15 keep their digits.

// Survival is P(X > x).
func (d *Dist) Survival(x float64) float64 {
	switch d.Kind {
	case Constant:
		if x < d.A {
			return 1
		}
		return 0
	case Uniform:
		switch {
		case x < d.A:
			return 1
		case x >= d.B:
			return 0
		}
		return (d.B - x) / (d.B - d.A)
	case Exponential:
		if x <= 0 {
			return 1
		}
		return math.Exp(-x / d.A)
	case LogNormal:
		if x <= 0 {
			return 1
		}
		return upperNormal((math.Log(x) - d.A) / d.B)
	case Normal:
		if x <= 0 {
			return 1
		}
		return upperNormal((x-d.A)/d.B) / upperNormal(-d.A/d.B)
	case Gamma:
		if x <= 0 {
			return 1
		}
		return mathext.GammaIncRegComp(d.A, d.B*x)
	case Weibull:
		if x <= 0 {
			return 1
		}
		return math.Exp(-math.Pow(x/d.B, d.A))
	case Pareto:
		if x <= d.A {
			return 1
		}
		return math.Pow(d.A/x, d.B)
	case Empirical:
		n := len(d.Samples)
		i := sort.Search(n, func(i int) bool { return d.Samples[i] > x })
		return float64(n-i) / float64(n)
	case Mixture:
		var s, prev float64
		for i := range d.Parts {
			s += (d.Weights[i] - prev) * d.Parts[i].Survival(x)
			prev = d.Weights[i]
		}
		return s
	case Histogram:
		return d.Buckets.Survival(x)
	}
	return math.NaN()
}

// TailQuantile is the value whose upper tail has probability v, for v in
// (0, 1]: the x with Survival(x) = v, the least such for plateaus. With v
// uniform on (0, 1] it is a draw of the distribution (inverse transform
// from the top).
func (d *Dist) TailQuantile(v float64) float64 {
	v = min(max(v, math.SmallestNonzeroFloat64), 1)
	switch d.Kind {
	case Constant:
		return d.A
	case Uniform:
		return d.B - (d.B-d.A)*v
	case Exponential:
		return -d.A * math.Log(v)
	case LogNormal:
		return math.Exp(d.A + d.B*upperNormalInv(v))
	case Normal:
		return max(d.A+d.B*upperNormalInv(v*upperNormal(-d.A/d.B)), 0)
	case Gamma:
		return mathext.GammaIncRegCompInv(d.A, v) / d.B
	case Weibull:
		return d.B * math.Pow(-math.Log(v), 1/d.A)
	case Pareto:
		return d.A * math.Pow(v, -1/d.B)
	case Empirical:
		n := len(d.Samples)
		i := n - 1 - int(v*float64(n))
		return d.Samples[max(i, 0)]
	case Mixture:
		return d.mixtureTailQuantile(v)
	case Histogram:
		return d.Buckets.TailQuantile(v)
	}
	return math.NaN()
}

// Quantile is the p-quantile, TailQuantile(1−p).
func (d *Dist) Quantile(p float64) float64 { return d.TailQuantile(1 - p) }

// mixtureTailQuantile inverts the mixture's survival by bisection between
// the components' own quantiles, which bracket it.
func (d *Dist) mixtureTailQuantile(v float64) float64 {
	lo, hi := math.Inf(1), 0.0
	for i := range d.Parts {
		x := d.Parts[i].TailQuantile(v)
		lo, hi = min(lo, x), max(hi, x)
	}
	for range 200 {
		mid := lo + (hi-lo)/2
		if mid <= lo || mid >= hi {
			break
		}
		if d.Survival(mid) > v {
			lo = mid
		} else {
			hi = mid
		}
	}
	return hi
}

// upperNormal is P(Z > z) for a standard normal Z.
func upperNormal(z float64) float64 { return 0.5 * math.Erfc(z/math.Sqrt2) }

// upperNormalInv is the z with P(Z > z) = v, accurate for tiny v.
func upperNormalInv(v float64) float64 {
	if v >= 1 {
		return math.Inf(-1)
	}
	return -mathext.NormalQuantile(v)
}
