package model

import (
	"strings"
	"testing"
	"time"

	"github.com/nodesim/nodesim/sim"
	"github.com/stretchr/testify/assert"
)

// rep is a replication of 1000 node-days with events false NotReady in
// episodes of size each.
func rep(events, size int64) *Replication {
	r := &Replication{nodes: 1000, warmup: 0, end: sim.At(24 * time.Hour)}
	r.falseEvents = events
	r.ep.count, r.ep.largest = events/size, size
	r.ep.sizeSq = float64(events * size)
	r.ep.passes = 1 << 50 // chance pairs negligible
	return r
}

func dispersed(p Point) bool {
	for _, w := range p.Warnings {
		if strings.Contains(w, "replications disagree") {
			return true
		}
	}
	return false
}

// Replications 100 and 300 apart: 100 standard deviations for independent
// events (χ² = 100 on 1 d.o.f.), 1.4 for episodes of 50 (χ² = 2).
func TestDispersionWarnsWhenReplicationsDisagree(t *testing.T) {
	t.Parallel()
	c := exactConfig(t, "v1.33", 1000)
	c.Simulation.Replications = 2
	assert.True(t, dispersed(Summarize(c, []*Replication{rep(100, 1), rep(300, 1)})), "independent events")
	assert.False(t, dispersed(Summarize(c, []*Replication{rep(190, 1), rep(210, 1)})), "within Poisson noise")
	assert.False(t, dispersed(Summarize(c, []*Replication{rep(100, 50), rep(300, 50)})), "within the episodes' noise")
	p := Summarize(c, []*Replication{rep(100, 50), rep(300, 50)})
	f := p.FalseNotReady
	assert.Equal(t, int64(8), f.Episodes)
	assert.Equal(t, int64(50), f.LargestEpisode)
	// Eight episodes of 50: 50 × the exact interval of 8.
	lo, hi := sim.PoissonCI(8, conf)
	assert.InEpsilon(t, 50*lo/p.NodeDays, float64(f.RatePerNodeDayCI95.Lo), 1e-9)
	assert.InEpsilon(t, 50*hi/p.NodeDays, float64(f.RatePerNodeDayCI95.Hi), 1e-9)
	assert.InEpsilon(t, 8, float64(f.Estimator.EffectiveSamples), 1e-9)
}
