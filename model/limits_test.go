package model

import (
	"errors"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestQuantileMatchesSampler checks each family's quantile, the formula
// Validate bounds draws with, against the sampler itself: the fraction of
// draws above the p-quantile must be 1-p within 4 standard errors (a
// mixture's bound may only be conservative). A parameterisation slip, such
// as a gamma rate read as a scale, fails here.
func TestQuantileMatchesSampler(t *testing.T) {
	t.Parallel()
	mix := must(NewMixture([]Dist{Const(time.Second), {Kind: Exponential, A: 3}}, []float64{1, 1}))
	for _, d := range []Dist{
		Const(2 * time.Second),
		{Kind: Uniform, A: 1, B: 3},
		{Kind: Exponential, A: 2},
		mustLogNormal(150*time.Millisecond, 2*time.Second),
		{Kind: Normal, A: 1, B: 2},
		{Kind: Normal, A: 5, B: 1},
		{Kind: Gamma, A: 2.5, B: 4},
		{Kind: Gamma, A: 0.3, B: 1},
		{Kind: Weibull, A: 0.7, B: 2},
		{Kind: Pareto, A: 1, B: 1.5},
		must(NewEmpirical([]float64{1, 2, 5, 7, 9, 11, 13})),
		mix,
	} {
		const n, p = 200_000, 0.99
		q := d.quantile(p)
		above := 0
		for _, x := range samples(d, n, 4) {
			if x > q {
				above++
			}
		}
		got, tol := float64(above)/n, 4*math.Sqrt(p*(1-p)/n)
		if d.Kind == Mixture || d.Kind == Empirical || d.Kind == Constant {
			assert.LessOrEqual(t, got, 1-p+tol, "%v: a draw in %v above the bound %v", d.Kind, got, q)
			continue
		}
		assert.InDelta(t, 1-p, got, tol, "%v %v %v: fraction above the %v-quantile %v", d.Kind, d.A, d.B, p, q)
	}
}

// TestDistSpanLimit: a distribution may put at most one draw in TailDraws
// beyond MaxSpan (issue 19: gamma beta = 1e-300 and weibull k = 1e-9 made
// draws of centuries, and runs that never ended).
func TestDistSpanLimit(t *testing.T) {
	t.Parallel()
	limit := MaxSpan.Seconds()
	atLimit := limit / math.Log(TailDraws) // exponential: P(X > limit) = 1/TailDraws
	for _, tc := range []struct {
		d    Dist
		want string // "" for valid
	}{
		{Const(MaxSpan), ""},
		{Const(MaxSpan + time.Second), "constant draws beyond any simulated span"},
		{Dist{Kind: Exponential, A: atLimit * 0.999}, ""},
		{Dist{Kind: Exponential, A: atLimit * 1.001}, "exponential draws beyond"},
		{Dist{Kind: Gamma, A: 2, B: 1e-300}, "gamma draws beyond any simulated span: more than one draw in a billion exceeds 100 years (median 5.3e+292 years)"},
		{Dist{Kind: Weibull, A: 1e-9, B: 0.01}, "weibull draws beyond"},
		{Dist{Kind: Pareto, A: 0.001, B: 0.5}, "pareto draws beyond"},
		{Dist{Kind: Pareto, A: 0.001, B: 1}, ""}, // infinite mean, but a billionth of draws above 11.6 days only
		{Dist{Kind: Normal, A: 0, B: limit}, "normal draws beyond"},
		{must(NewMixture([]Dist{Const(time.Second), {Kind: Gamma, A: 2, B: 1e-300}}, []float64{1, 1e-12})), "component 2: gamma draws beyond"},
	} {
		err := tc.d.Validate()
		if tc.want == "" {
			assert.NoError(t, err, "%v %v %v", tc.d.Kind, tc.d.A, tc.d.B)
		} else {
			assert.ErrorContains(t, err, tc.want, "%v %v %v", tc.d.Kind, tc.d.A, tc.d.B)
		}
	}
}

func TestMixtureWeightsMustNotOverflow(t *testing.T) {
	t.Parallel()
	_, err := NewMixture([]Dist{Const(time.Second), Const(time.Second)}, []float64{math.MaxFloat64, math.MaxFloat64})
	assert.ErrorContains(t, err, "mixture weights overflow their sum")
}

// TestValidateLimits: Validate refuses durations, products and arrival
// rates beyond the model's limits, naming the key of each.
func TestValidateLimits(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		edit func(c *Config)
		path string
		want string
	}{
		{func(c *Config) { c.Controller.NodeMonitorGracePeriod = math.MaxInt64 }, KeyNodeMonitorGracePeriod, "must be at most 100 years, got 292 years"},
		{func(c *Config) { c.Simulation.Warmup, c.Simulation.Duration = MaxSpan, time.Hour }, KeyWarmup, "plus simulation.duration must be at most 100 years"},
		{func(c *Config) { c.APIServer.DefaultUnreachableTolerationSeconds = math.MaxInt64 }, KeyDefaultUnreachableTolerationSeconds, "must be at most 3153600000"},
		{func(c *Config) { c.Kubelet.StatusCollectionDelayPerPod = 1000000 * time.Hour }, KeyStatusCollectionDelayPerPod, "times cluster.pods-per-node (30)"},
		{func(c *Config) { c.Controller.PerNodeProcessing = 2 * time.Hour }, KeyPerNodeProcessing, "must be at most 1h, got 2h"},
		{func(c *Config) { c.Controller.TransitionCost = 36500 * 24 * time.Hour }, KeyTransitionCost, "must be at most 1h, got 100 years"},
		{func(c *Config) { c.APIServer.WriteLatency = Dist{Kind: Gamma, A: 2, B: 1e-300} }, KeyWriteLatency, "gamma draws beyond"},
		{func(c *Config) { c.Kubelet.NodeStatusUpdateFrequency = time.Nanosecond }, KeyNodeStatusUpdateFrequency, "must be at least 100ms"},
		{func(c *Config) { c.Controller.NodeMonitorPeriod = time.Millisecond }, KeyNodeMonitorPeriod, "must be at least 100ms (the model's resolution), got 1ms"},
		{func(c *Config) { c.Kubelet.NodeStatusUpdateRetry = 1e9 }, KeyNodeStatusUpdateRetry, "must be at most 100"},
		{func(c *Config) { c.Kubelet.LeaseMaxUpdateRetries = 1e9 }, KeyLeaseMaxUpdateRetries, "must be at most 100"},
		{func(c *Config) { c.Informer.WatchDelay = Dist{Kind: Weibull, A: 1e-9, B: 0.01} }, KeyWatchDelay, "weibull draws beyond"},
		{func(c *Config) {
			c.APIServer.Incidents = []Incident{{Every: Const(time.Nanosecond), Lasts: Const(time.Second), Effect: Unavailable}}
		}, "apiserver.incident[1].every", "must have a mean of at least 1s"},
		{func(c *Config) {
			c.APIServer.Incidents = []Incident{{Every: Const(time.Hour), Lasts: Const(time.Second), Effect: Slow, Multiply: 1e300}}
		}, "apiserver.incident[1]", "slow latencies (× 1e+300 + 0s) reach beyond any simulated span"},
		{func(c *Config) { c.Failures.Crash = &FailureProcess{Every: Const(time.Nanosecond)} }, KeyCrashEvery, "must have a mean of at least 1s (the model's resolution: passes every few seconds), got 1ns"},
		{func(c *Config) {
			c.Failures.Partition = &FailureProcess{Every: Dist{Kind: Normal, A: 0, B: 1}, Lasts: Const(time.Second)}
		}, KeyPartitionEvery, "got 797.88456ms"}, // truncated normal: mean sqrt(2/π)
		{func(c *Config) {
			c.Failures.Gray = &FailureProcess{Every: Const(time.Hour), Lasts: Dist{Kind: Pareto, A: 1, B: 0.1}}
		}, KeyGrayLasts, "pareto draws beyond"},
	} {
		c := must(Default(DefaultProfile))
		tc.edit(c)
		err := c.Validate()
		var fe *FieldError
		require.True(t, errors.As(err, &fe), "%s: %v", tc.path, err)
		assert.Equal(t, tc.path, fe.Path(), "%v", err)
		assert.ErrorContains(t, err, tc.want)
	}
	for _, p := range Profiles {
		assert.NoError(t, must(Default(p)).Validate(), p)
	}
}

// An incident or a failure rarer than any run is long is what the rare
// method is for: its inter-arrival may draw beyond MaxSpan (that arrival
// is just not in the run). A latency drawing that far is still refused.
func TestRareArrivalsAreNotRefused(t *testing.T) {
	c, err := Default(DefaultProfile)
	require.NoError(t, err)
	c.APIServer.Incidents = []Incident{{Name: "once a century", Every: Dist{Kind: Exponential, A: 100 * 365 * 86400},
		Lasts: Const(time.Minute), Effect: WatchStall}}
	c.Failures.Crash = &FailureProcess{Every: Dist{Kind: Exponential, A: 50 * 365 * 86400}}
	assert.NoError(t, c.Validate())
	c.APIServer.WriteLatency = Dist{Kind: Exponential, A: 50 * 365 * 86400}
	assert.ErrorContains(t, c.Validate(), "draws beyond any simulated span")
}
