package sim

import (
	"math"

	"gonum.org/v1/gonum/stat/distuv"
)

// Confidence intervals for the kinds of estimate a simulation report
// needs: event counts (Poisson, and compound Poisson when events come in
// clusters), proportions (binomial, with a design effect for clusters)
// and means of replications (Student's t).
//
// All functions take the confidence level conf in (0, 1), e.g. 0.95, and
// report invalid arguments as NaN bounds rather than panicking, because
// conf and counts may come from user configuration. Only distribution
// quantiles are used, which need no random source.

// validConf reports whether conf is a usable confidence level.
func validConf(conf float64) bool { return conf > 0 && conf < 1 }

// z returns the two-sided standard normal critical value for conf, i.e.
// the (1+conf)/2 quantile (1.959964 for 0.95). It returns NaN for conf
// outside (0, 1).
func z(conf float64) float64 {
	if !validConf(conf) {
		return math.NaN()
	}
	return distuv.UnitNormal.Quantile(1 - (1-conf)/2)
}

// PoissonCI returns the exact (Garwood 1936) two-sided interval for the
// mean of a Poisson distribution after observing k events:
//
//	lo = chi2_{alpha/2}(2k)/2       (0 when k == 0)
//	hi = chi2_{1-alpha/2}(2k+2)/2
//
// with alpha = 1-conf. It is conservative: coverage is at least conf for
// every true mean, which matters for the small counts (rare failures)
// where normal approximations break down. For k == 0 at 95% hi is 3.6889.
// It returns NaN, NaN when k < 0 or conf is outside (0, 1).
func PoissonCI(k int64, conf float64) (lo, hi float64) {
	if k < 0 || !validConf(conf) {
		return math.NaN(), math.NaN()
	}
	alpha := 1 - conf
	if k > 0 {
		lo = distuv.ChiSquared{K: float64(2 * k)}.Quantile(alpha/2) / 2
	}
	hi = distuv.ChiSquared{K: float64(2*k + 2)}.Quantile(1-alpha/2) / 2
	return lo, hi
}

// WilsonCI returns the Wilson score interval for a binomial proportion
// after observing successes out of n trials, with p = successes/n:
//
//	centre = (p + z²/2n) / (1 + z²/n)
//	half   = z/(1 + z²/n) * sqrt(p(1-p)/n + z²/4n²)
//
// Unlike the Wald interval p ± z*sqrt(p(1-p)/n) it stays inside [0, 1],
// is not degenerate at 0 or n successes, and keeps close to nominal
// coverage when the proportion is near 0 or 1, as failure rates usually
// are.
//
// With no trials nothing is known, so it returns 0, 1. It returns
// NaN, NaN when n < 0, successes is outside [0, n], or conf is outside
// (0, 1).
func WilsonCI(successes, n int64, conf float64) (lo, hi float64) {
	if n < 0 || successes < 0 || successes > n || !validConf(conf) {
		return math.NaN(), math.NaN()
	}
	if n == 0 {
		return 0, 1
	}
	zz := z(conf)
	nf := float64(n)
	p := float64(successes) / nf
	z2n := zz * zz / nf
	den := 1 + z2n
	centre := (p + z2n/2) / den
	half := zz * math.Sqrt(p*(1-p)/nf+z2n/(4*nf)) / den
	// Clamp rounding noise; the exact bounds lie in [0, 1].
	return max(centre-half, 0), min(centre+half, 1)
}

// StudentTCI returns the two-sided t interval for the mean of the values
// summarised in m:
//
//	mean ± t_{1-alpha/2, N-1} * sd / sqrt(N)
//
// It is exact for normal data and a good approximation for means of
// independent replications. It returns NaN, NaN when m.N < 2 (no spread
// estimate) or conf is outside (0, 1).
func StudentTCI(m Moments, conf float64) (lo, hi float64) {
	if m.N < 2 || !validConf(conf) {
		return math.NaN(), math.NaN()
	}
	t := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: float64(m.N - 1)}.Quantile(1 - (1-conf)/2)
	half := t * m.StdDev() / math.Sqrt(float64(m.N))
	return m.Mean - half, m.Mean + half
}

// CompoundPoissonCI returns a two-sided interval for the mean of a sum of
// clustered counts, given the observed total sum = Σ s_i and sumSq =
// Σ s_i² over its clusters (episodes) s_i. A compound Poisson total has
// variance E[Σ s_i²], so φ = sumSq/sum is its overdispersion and n =
// sum/φ = sum²/sumSq the effective number of independent events; the
// interval is the exact Poisson interval of n (with the gamma quantiles
// for a non-integer n) scaled by φ:
//
//	lo = φ·chi2_{alpha/2}(2n)/2,  hi = φ·chi2_{1-alpha/2}(2n+2)/2
//
// When every cluster has size 1 it is PoissonCI(sum); when all have the
// same size s it is s times PoissonCI of the number of clusters, exact
// for clusters of a fixed size; in between it keeps the exact interval's
// skew for few clusters and tends to the normal interval for many. sum
// need not be an integer (pod-seconds). With sum == 0 nothing is known
// of the clusters, so it returns PoissonCI(0). It returns NaN, NaN for a
// negative sum or sumSq, sumSq == 0 < sum, or conf outside (0, 1).
func CompoundPoissonCI(sum, sumSq float64, conf float64) (lo, hi float64) {
	if sum < 0 || sumSq < 0 || !validConf(conf) || (sum > 0 && sumSq == 0) {
		return math.NaN(), math.NaN()
	}
	if sum == 0 {
		return PoissonCI(0, conf)
	}
	phi := sumSq / sum
	n := sum / phi
	alpha := 1 - conf
	lo = phi * distuv.ChiSquared{K: 2 * n}.Quantile(alpha/2) / 2
	hi = phi * distuv.ChiSquared{K: 2*n + 2}.Quantile(1-alpha/2) / 2
	return lo, hi
}

// WilsonDesignCI is WilsonCI for successes out of n trials that come in
// clusters, with design effect deff ≥ 1 (the variance over the binomial
// one): the Wilson interval of the effective sample, successes/deff out
// of n/deff (Kish). deff == 1 gives WilsonCI. It returns NaN, NaN where
// WilsonCI would, or for deff < 1.
func WilsonDesignCI(successes, n int64, deff, conf float64) (lo, hi float64) {
	if n < 0 || successes < 0 || successes > n || !validConf(conf) || !(deff >= 1) {
		return math.NaN(), math.NaN()
	}
	if n == 0 {
		return 0, 1
	}
	zz := z(conf)
	nf := float64(n) / deff
	p := float64(successes) / float64(n)
	z2n := zz * zz / nf
	den := 1 + z2n
	centre := (p + z2n/2) / den
	half := zz * math.Sqrt(p*(1-p)/nf+z2n/(4*nf)) / den
	return max(centre-half, 0), min(centre+half, 1)
}
