package model

import (
	"context"
	"math"
	"os"
	"testing"
	"time"

	"github.com/nodesim/nodesim/sim"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Coverage of the crude rate's 95% interval, measured over seeds. With n
// seeds the measured coverage has standard error sqrt(0.95·0.05/n): the
// full runs (NODESIM_VALIDATE=1, 500 seeds, SE ≈ 1%) must land in
// [0.93, 0.97], the default suite's cheap ones (cheap seeds) no lower
// than 3 SE under 0.95.

func coverageSeeds(t *testing.T, cheap int) (seeds int, lo, hi float64) {
	if testing.Short() {
		t.Skip("Monte Carlo")
	}
	if os.Getenv("NODESIM_VALIDATE") != "" {
		return 500, 0.93, 0.97
	}
	se := math.Sqrt(0.95 * 0.05 / float64(cheap))
	return cheap, 0.95 - 3*se, 1
}

// crudePoints runs mk(seed) for each seed.
func crudePoints(t *testing.T, seeds int, mk func(seed uint64) *Config) []Point {
	t.Helper()
	out := make([]Point, seeds)
	for i := range out {
		c := mk(uint64(i + 1))
		require.NoError(t, c.Validate())
		p, err := RunPoint(context.Background(), c, 2, nil)
		require.NoError(t, err)
		out[i] = p
	}
	return out
}

func covers(iv Interval, x float64) bool { return float64(iv.Lo) <= x && x <= float64(iv.Hi) }

// (a) Independent events: the pre-lease oracle (TestOraclePreLeaseRandomCollectionDelay)
// raises a false NotReady after a heartbeat with probability 1/110, and
// heartbeats come 10s + C apart, C ~ U[25s, 36s], so 86400/40.5/110 per
// node-day. 50 nodes flip about once every 20 passes between them, so the
// pass rule chains some independent flips: the interval must still be the
// exact Poisson one, within a few percent.
func TestCrudeCoverageIndependentEvents(t *testing.T) {
	t.Parallel()
	seeds, lo, hi := coverageSeeds(t, 40)
	truth := 86400 / 40.5 / 110
	points := crudePoints(t, seeds, func(seed uint64) *Config {
		c := exactConfig(t, "v1.12", 50)
		c.Kubelet.StatusCollectionDelay = Dist{Kind: Uniform, A: 25, B: 36}
		c.Simulation.Duration, c.Simulation.Warmup, c.Simulation.Replications, c.Simulation.Seed = time.Hour, 10*time.Minute, 2, seed
		return c
	})
	covered, episodes := 0, int64(0)
	var width, events, ratio sim.Moments
	for i := range points {
		p := &points[i]
		f := &p.FalseNotReady
		if covers(f.RatePerNodeDayCI95, truth) {
			covered++
		}
		plo, phi := sim.PoissonCI(f.Events, conf)
		ratio.Add(float64(f.RatePerNodeDayCI95.Hi-f.RatePerNodeDayCI95.Lo) / ((phi - plo) / p.NodeDays))
		width.Add(float64(f.Estimator.RelativeError))
		events.Add(float64(f.Events))
		episodes += f.Episodes
	}
	assert.Less(t, float64(episodes), events.Mean*float64(seeds), "some flips share a pass")
	cov := float64(covered) / float64(seeds)
	t.Logf("independent: coverage %d/%d = %.3f; %.0f events a seed, ±%.1f%%; width over exact Poisson %.4f (max %.4f)",
		covered, seeds, cov, events.Mean, 100*width.Mean, ratio.Mean, ratio.Max)
	assert.GreaterOrEqual(t, cov, lo)
	assert.LessOrEqual(t, cov, hi)
	assert.LessOrEqual(t, ratio.Mean, 1.03, "no wider than exact Poisson by more than a few percent")
}

// (b) Events only from incidents of random size: watch stalls of
// U[48s, 68s] every 20 minutes on average, in a noiseless cluster (grace
// 50s, renewals every 10s), flip from none to all of its 50 nodes: the
// nodes whose last renewal before the stall is more than grace + a pass
// older than its end. Exact Poisson covers about a quarter of the time. The true rate has no closed form, so
// it is the pooled estimate over all the seeds, whose error is 1/√seeds
// of one seed's.
func TestCrudeCoverageRandomIncidents(t *testing.T) {
	t.Parallel()
	seeds, lo, hi := coverageSeeds(t, 20)
	points := crudePoints(t, seeds, func(seed uint64) *Config {
		c := watchStallCluster(t, 50, 20*time.Minute)
		c.APIServer.Incidents[0].Lasts = Dist{Kind: Uniform, A: 48, B: 68}
		c.Simulation.Duration, c.Simulation.Replications, c.Simulation.Seed = 12*time.Hour, 2, seed
		return c
	})
	var events, days float64
	var episodes, size sim.Moments
	for i := range points {
		events += float64(points[i].FalseNotReady.Events)
		days += points[i].NodeDays
		episodes.Add(float64(points[i].FalseNotReady.Episodes))
		size.Add(float64(points[i].FalseNotReady.LargestEpisode))
	}
	truth := events / days
	covered, poisson := 0, 0
	for i := range points {
		f := &points[i].FalseNotReady
		if covers(f.RatePerNodeDayCI95, truth) {
			covered++
		}
		if plo, phi := sim.PoissonCI(f.Events, conf); covers(Interval{Num(plo / points[i].NodeDays), Num(phi / points[i].NodeDays)}, truth) {
			poisson++
		}
	}
	cov := float64(covered) / float64(seeds)
	t.Logf("incidents: coverage %d/%d = %.3f (exact Poisson would cover %d); truth %.4g per node-day, %.1f episodes a seed, largest %.0f on average",
		covered, seeds, cov, poisson, truth, episodes.Mean, size.Mean)
	assert.GreaterOrEqual(t, cov, lo)
	assert.LessOrEqual(t, cov, hi)
}
