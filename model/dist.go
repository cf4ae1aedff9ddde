package model

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"time"

	"github.com/nodesim/nodesim/sim"
)

// DistKind names a distribution family of the scenario format.
type DistKind uint8

// The distribution families of DESIGN §4.
const (
	Constant DistKind = iota
	Uniform
	Exponential
	LogNormal
	Normal // truncated at 0 by resampling
	Gamma
	Weibull
	Pareto
	Empirical
	Mixture
	Histogram // Prometheus buckets: see Buckets
)

var distNames = [...]string{"constant", "uniform", "exponential", "lognormal", "normal", "gamma", "weibull", "pareto", "empirical", "mixture", "histogram"}

func (k DistKind) String() string { return distNames[k] }

// ParseDistKind maps a scenario name to a kind.
func ParseDistKind(s string) (DistKind, bool) {
	for i, n := range distNames {
		if n == s {
			return DistKind(i), true
		}
	}
	return 0, false
}

// DistNames lists the accepted family names.
func DistNames() []string { return distNames[:] }

// Dist is a distribution of non-negative durations. Parameters are in
// seconds (durations) or unitless (shapes) so sampling is plain float
// arithmetic; the zero value is the constant 0.
type Dist struct {
	Kind DistKind
	// A and B are the family's two parameters:
	// constant (value, -), uniform (min, max), exponential (mean, -),
	// lognormal (mu, sigma of ln seconds), normal (mean, stddev),
	// gamma (shape alpha, rate beta per second), weibull (shape k, scale
	// lambda), pareto (scale xm, shape alpha).
	A, B    float64
	Samples []float64 // empirical: sorted samples in seconds
	Parts   []Dist    // mixture components
	Weights []float64 // mixture: cumulative, normalised to end at 1
	Buckets *Buckets  // histogram: bounds and cumulative counts
	Source  string    // how the user wrote it, for `nodesim check`

	ln *lognormalTable `state:"-"` // lognormal: its sampler, built by NewLogNormal; derived from A and B, so not serialised (restoreState)
}

// restoreState rebuilds what a decoded Dist derives from its parameters
// (state.go): the lognormal sampler's 60 KB table is not worth carrying.
func (d *Dist) restoreState() error {
	if d.Kind != LogNormal {
		return nil
	}
	t, err := newLognormalTable(d.A, d.B)
	d.ln = t
	return err
}

// Const returns the constant distribution at d.
func Const(d time.Duration) Dist { return Dist{Kind: Constant, A: d.Seconds()} }

// LogNormalMedianP99 builds a lognormal from its median and 99th percentile,
// the way latency SLOs are usually stated: sigma = ln(p99/median)/z_0.99.
func LogNormalMedianP99(median, p99 time.Duration) (Dist, error) {
	if median <= 0 {
		return Dist{}, errors.New("median must be > 0")
	}
	if p99 <= median {
		return Dist{}, fmt.Errorf("p99 (%v) must be greater than median (%v)", p99, median)
	}
	const z99 = 2.3263478740408408
	return NewLogNormal(math.Log(median.Seconds()), math.Log(p99.Seconds()/median.Seconds())/z99)
}

// NewLogNormal builds the lognormal of ln seconds ~ N(mu, sigma²) with its
// sampler.
func NewLogNormal(mu, sigma float64) (Dist, error) {
	t, err := newLognormalTable(mu, sigma)
	if err != nil {
		return Dist{}, err
	}
	return Dist{Kind: LogNormal, A: mu, B: sigma, ln: t}, nil
}

// NewMixture builds a mixture from components and positive weights.
func NewMixture(parts []Dist, weights []float64) (Dist, error) {
	if len(parts) == 0 || len(parts) != len(weights) {
		return Dist{}, errors.New("mixture needs at least one component, each with a weight")
	}
	var sum float64
	cum := make([]float64, len(weights))
	for i, w := range weights {
		if !(w > 0) || math.IsInf(w, 0) {
			return Dist{}, fmt.Errorf("component %d: weight must be > 0, got %v", i+1, w)
		}
		sum += w
		cum[i] = sum
	}
	if math.IsInf(sum, 0) {
		return Dist{}, errors.New("mixture weights overflow their sum; scale them down (only their ratios matter)")
	}
	for i := range cum {
		cum[i] /= sum
	}
	cum[len(cum)-1] = 1
	return Dist{Kind: Mixture, Parts: parts, Weights: cum}, nil
}

// NewEmpirical builds an empirical distribution from samples in seconds.
func NewEmpirical(samples []float64) (Dist, error) {
	if len(samples) == 0 {
		return Dist{}, errors.New("empirical distribution needs at least one sample")
	}
	s := append([]float64(nil), samples...)
	for i, x := range s {
		if !(x >= 0) || math.IsInf(x, 0) {
			return Dist{}, fmt.Errorf("sample %d: %v is not a non-negative number of seconds", i+1, x)
		}
	}
	sort.Float64s(s)
	return Dist{Kind: Empirical, Samples: s}, nil
}

// Validate reports parameters outside the family's domain, and
// distributions whose draws reach beyond any simulated span (MaxSpan).
func (d Dist) Validate() error {
	if err := d.validateDomain(); err != nil {
		return err
	}
	return d.checkSpan()
}

func (d Dist) validateDomain() error {
	pos := func(name string, v float64) error {
		if !(v > 0) || math.IsInf(v, 0) {
			return fmt.Errorf("%s %s must be > 0, got %v", d.Kind, name, v)
		}
		return nil
	}
	nonneg := func(name string, v float64) error {
		if !(v >= 0) || math.IsInf(v, 0) {
			return fmt.Errorf("%s %s must be >= 0, got %v", d.Kind, name, v)
		}
		return nil
	}
	switch d.Kind {
	case Constant:
		return nonneg("value", d.A)
	case Uniform:
		if err := nonneg("min", d.A); err != nil {
			return err
		}
		if d.A > d.B {
			return fmt.Errorf("uniform min (%gs) must be <= max (%gs)", d.A, d.B)
		}
	case Exponential:
		return pos("mean", d.A)
	case LogNormal:
		if math.IsNaN(d.A) || math.IsInf(d.A, 0) {
			return errors.New("lognormal median must be > 0")
		}
		if err := pos("sigma", d.B); err != nil {
			return err
		}
		if d.ln == nil {
			return errors.New("lognormal built without NewLogNormal has no sampler")
		}
	case Normal:
		if err := nonneg("mean", d.A); err != nil {
			return err
		}
		if err := pos("stddev", d.B); err != nil {
			return err
		}
		if d.A+4*d.B <= 0 {
			return errors.New("normal has no mass above 0")
		}
	case Gamma:
		if err := pos("alpha", d.A); err != nil {
			return err
		}
		return pos("beta", d.B)
	case Weibull:
		if err := pos("k", d.A); err != nil {
			return err
		}
		return pos("lambda", d.B)
	case Pareto:
		if err := pos("xm", d.A); err != nil {
			return err
		}
		return pos("alpha", d.B)
	case Empirical:
		if len(d.Samples) == 0 {
			return errors.New("empirical distribution needs at least one sample")
		}
	case Mixture:
		for i, p := range d.Parts {
			if err := p.Validate(); err != nil {
				return fmt.Errorf("component %d: %w", i+1, err)
			}
		}
	case Histogram:
		return d.Buckets.Validate()
	}
	return nil
}

// Sample draws one value in seconds. It allocates nothing.
func (d *Dist) Sample(r *sim.Rand) float64 {
	switch d.Kind {
	case Constant:
		return d.A
	case Uniform:
		return d.A + (d.B-d.A)*r.Float64()
	case Exponential:
		return d.A * r.ExpFloat64()
	case LogNormal:
		return d.ln.sample(r) / 1e9
	case Normal:
		for {
			if x := d.A + d.B*r.NormFloat64(); x >= 0 {
				return x
			}
		}
	case Gamma:
		return gammaSample(r, d.A) / d.B
	case Weibull:
		return d.B * math.Pow(r.ExpFloat64(), 1/d.A)
	case Pareto:
		return d.A * math.Exp(r.ExpFloat64()/d.B)
	case Empirical:
		return d.Samples[r.IntN(len(d.Samples))]
	case Mixture:
		u := r.Float64()
		i := sort.SearchFloat64s(d.Weights, u)
		if i >= len(d.Parts) {
			i = len(d.Parts) - 1
		}
		return d.Parts[i].Sample(r)
	case Histogram:
		return d.Buckets.Sample(r)
	}
	panic(fmt.Sprintf("model: unknown distribution kind %d", d.Kind))
}

// SampleNs draws one value as integer nanoseconds, saturating huge draws.
func (d *Dist) SampleNs(r *sim.Rand) int64 {
	var ns float64
	if d.Kind == LogNormal {
		ns = d.ln.sample(r) // latencies: the hot path, already in ns
	} else {
		ns = d.Sample(r) * 1e9
	}
	if ns >= 9e18 { // ~285 years: far beyond any simulated span
		return 9e18
	}
	return int64(ns)
}

// Mean is the expected value in seconds (NaN where it does not exist).
func (d *Dist) Mean() float64 {
	switch d.Kind {
	case Constant:
		return d.A
	case Uniform:
		return (d.A + d.B) / 2
	case Exponential:
		return d.A
	case LogNormal:
		return math.Exp(d.A + d.B*d.B/2)
	case Gamma:
		return d.A / d.B
	case Weibull:
		return d.B * math.Gamma(1+1/d.A)
	case Pareto:
		if d.B <= 1 {
			return math.Inf(1)
		}
		return d.A * d.B / (d.B - 1)
	case Empirical:
		var s float64
		for _, x := range d.Samples {
			s += x
		}
		return s / float64(len(d.Samples))
	case Mixture:
		var m, prev float64
		for i := range d.Parts {
			m += (d.Weights[i] - prev) * d.Parts[i].Mean()
			prev = d.Weights[i]
		}
		return m
	case Normal: // truncated at 0
		a := -d.A / d.B
		return d.A + d.B*math.Exp(-a*a/2)/math.Sqrt(2*math.Pi)/upperNormal(a)
	case Histogram:
		return d.Buckets.Mean()
	}
	return math.NaN()
}

// gammaSample draws Gamma(alpha, 1) by Marsaglia and Tsang's method.
func gammaSample(r *sim.Rand, alpha float64) float64 {
	if alpha < 1 {
		u := r.Float64()
		return gammaSample(r, alpha+1) * math.Pow(u, 1/alpha)
	}
	d := alpha - 1.0/3
	c := 1 / math.Sqrt(9*d)
	for {
		x := r.NormFloat64()
		v := 1 + c*x
		if v <= 0 {
			continue
		}
		v = v * v * v
		u := r.Float64()
		if u < 1-0.0331*x*x*x*x || math.Log(u) < 0.5*x*x+d*(1-v+math.Log(v)) {
			return d * v
		}
	}
}
