package model

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nodesim/nodesim/sim"
)

// TestDiurnalSteps: each step holds the shape's average over it, so the
// factors average to 1 over a period, the peak step is the largest, the
// trough's the smallest, and the profile repeats.
func TestDiurnalSteps(t *testing.T) {
	t.Parallel()
	d := Diurnal{Amplitude: 0.6, Period: 24 * time.Hour, PeakAt: 14 * time.Hour, Step: time.Hour}
	p := newBGProfile(&d)
	require.Len(t, p.factor, 24)
	var sum float64
	for _, f := range p.factor {
		sum += f
	}
	assert.InDelta(t, 1, sum/24, 1e-12)
	// the step [14h, 15h) starts at the peak: the average of cos over its
	// first 15° is sin(15°)/(π/12)
	w := math.Pi / 12
	assert.InDelta(t, 1+0.6*math.Sin(w)/w, p.at(sim.At(14*time.Hour+time.Minute)), 1e-12)
	assert.Equal(t, p.at(sim.At(3*time.Hour)), p.at(sim.At(27*time.Hour)), "periodic")
	assert.Equal(t, sim.At(4*time.Hour), p.next(sim.At(3*time.Hour+time.Second)))
	assert.Nil(t, newBGProfile(&Diurnal{Period: time.Hour, Step: time.Minute}), "amplitude 0: constant, no profile")
}

// TestDiurnalOfferedLoadFollowsProfile: apiserver_load's mean offered
// load over a window is the profile's mean over it. Pre-APF writes with no
// 429s: offered erlangs = (background × factor + own) × hold. Over a
// whole period the factor averages 1; over the half period centred on the
// peak, 1 + A·2/π (the mean of cos over [−π/2, π/2]).
func TestDiurnalOfferedLoadFollowsProfile(t *testing.T) {
	t.Parallel()
	const hold, bg, amp = 0.01, 100.0, 0.5
	offered := func(dur, peakAt time.Duration) (got, own float64) {
		c := exactConfig(t, "v1.13", 1)
		c.APIServer.WriteLatency = Const(10 * time.Millisecond)
		c.APIServer.BackgroundLoad.WritesPerSecond = bg
		c.APIServer.BackgroundLoad.Diurnal = Diurnal{Amplitude: amp, Period: 2 * time.Hour, PeakAt: peakAt, Step: 10 * time.Minute}
		c.Simulation.Duration = dur
		require.NoError(t, c.Validate())
		rep, err := Simulate(context.Background(), c, 0)
		require.NoError(t, err)
		require.NotNil(t, rep.load)
		mut := rep.load.cls[0]
		require.Equal(t, "mutating", mut.name)
		w, _ := ownRates(c)
		return mut.offered / mut.secs, w * hold
	}
	got, own := offered(2*time.Hour, 0)
	assert.InEpsilon(t, bg*hold+own, got, 1e-9, "a whole period: the mean rate")
	got, own = offered(time.Hour, 30*time.Minute)
	assert.InEpsilon(t, bg*hold*(1+amp*2/math.Pi)+own, got, 1e-9, "the half period around the peak")
	got, own = offered(time.Hour, 90*time.Minute)
	assert.InEpsilon(t, bg*hold*(1-amp*2/math.Pi)+own, got, 1e-9, "the half period around the trough")
}
