package model

import (
	"math"
	"time"

	"github.com/nodesim/nodesim/sim"
)

// bgProfile is the background load's time profile: a factor on its
// rates, constant over each step, repeating every period. Each step is
// one regime of the mean field, so the cost is one solve per step of a
// period and the memory one float per step, whatever the simulated time.
type bgProfile struct {
	step   int64     // ns
	factor []float64 // per step of a period
}

// MaxDiurnalSteps bounds period / step: each step is a regime solved on
// its own.
const MaxDiurnalSteps = 1440

// newBGProfile is d's profile, nil when it is constant. A step's factor is
// the shape's exact average over it, so the mean over a period is 1.
func newBGProfile(d *Diurnal) *bgProfile {
	if d.Amplitude == 0 {
		return nil
	}
	n := int(d.Period / d.Step)
	p := &bgProfile{step: int64(d.Step), factor: make([]float64, n)}
	w := 2 * math.Pi / d.Period.Seconds()
	s, peak := d.Step.Seconds(), d.PeakAt.Seconds()
	for k := range p.factor {
		a, b := float64(k)*s-peak, float64(k+1)*s-peak
		p.factor[k] = 1 + d.Amplitude*(math.Sin(w*b)-math.Sin(w*a))/(w*s)
	}
	return p
}

// at is the factor in force at t.
func (p *bgProfile) at(t sim.Time) float64 {
	if p == nil {
		return 1
	}
	return p.factor[(int64(t)/p.step)%int64(len(p.factor))]
}

// next is the first step boundary after t (Never: constant).
func (p *bgProfile) next(t sim.Time) sim.Time {
	if p == nil {
		return sim.Never
	}
	return sim.Time((int64(t)/p.step + 1) * p.step)
}

// validateDiurnal checks the profile's keys.
func (c *Config) validateDiurnal(bad func(key, format string, a ...any)) {
	d := &c.APIServer.BackgroundLoad.Diurnal
	if !(d.Amplitude >= 0 && d.Amplitude < 1) {
		bad(KeyDiurnalAmplitude, "must be in [0, 1) (0: constant; the trough is (1 - amplitude) × the mean rate), got %v", d.Amplitude)
	}
	if d.Period <= 0 || d.Period > MaxSpan {
		bad(KeyDiurnalPeriod, "must be > 0 and at most %v, got %v", MaxSpan, d.Period)
		return
	}
	switch {
	case d.Step < time.Second:
		bad(KeyDiurnalStep, "must be at least 1s (the mean field's regimes last a step), got %v", d.Step)
	case d.Period%d.Step != 0:
		bad(KeyDiurnalStep, "must divide %s (%v), got %v", KeyDiurnalPeriod, d.Period, d.Step)
	case d.Period/d.Step > MaxDiurnalSteps:
		bad(KeyDiurnalStep, "gives %d steps per period; at most %d (each is a regime to solve)", d.Period/d.Step, MaxDiurnalSteps)
	}
	if d.PeakAt < 0 || d.PeakAt >= d.Period {
		bad(KeyDiurnalPeakAt, "must be in [0, %s), got %v", KeyDiurnalPeriod, d.PeakAt)
	}
}
