package model

import (
	"fmt"
	"math"

	"github.com/nodesim/nodesim/sim"
)

// apply writes the estimate into p: the false-NotReady family of figures,
// endpoint loss, false evictions and QoS keep their meaning and carry the
// rare-event estimate; everything else (detection, mass NotReady, gaps,
// timeline) stays the crude replications'.
func (e *rareEstimate) apply(p *Point) {
	cfg := e.cfg
	nodes := float64(cfg.Cluster.Nodes)
	est, se := e.rate()
	lo, hi := max(est-z95*se, 0), est+z95*se
	if e.stoppedBy == "nothing-found" {
		lo, hi = 0, e.upperBound()
	}
	f := &p.FalseNotReady
	f.RatePerNodeDay, f.RatePerNodeDayCI95 = Num(est), Interval{Num(lo), Num(hi)}
	f.PerClusterDay = Num(est * nodes)
	// A node-day has a false NotReady with probability 1−e^{−λ} when they
	// come one at a time, as they do whenever they are rare.
	perDay := func(x float64) Num { return Num(-math.Expm1(-x)) }
	f.ProbabilityPerNodeDay = perDay(est)
	f.ProbabilityPerNodeDayCI95 = Interval{perDay(lo), perDay(hi)}
	if hb := e.heartbeatsPerNodeDay(); hb > 0 {
		f.ProbabilityPerHeartbeat = Num(est / hb)
	}
	dur, _ := e.linear(func(b *noiseBatch) float64 { return b.durSecs }, func(w *windowResult) float64 { return w.durSecs })
	f.MeanDurationS, f.P99DurationS = ratio(dur, est), NaN()
	if q := e.durations().Quantile(0.99); !math.IsNaN(q) {
		f.P99DurationS = Num(q)
	}
	endpoint, _ := e.linear(func(b *noiseBatch) float64 { return b.endpoint }, func(w *windowResult) float64 { return w.endpoint })
	p.EndpointLoss = EndpointLoss{PodSeconds: Num(endpoint * p.NodeDays), SecondsPerNodeDay: Num(endpoint)}
	ev, evVar := e.linear(func(b *noiseBatch) float64 { return b.evicted }, func(w *windowResult) float64 { return w.evicted })
	p.FalseEvictions.RatePerNodeDay = Num(ev)
	p.FalseEvictions.RatePerNodeDayCI95 = Interval{Num(max(ev-z95*math.Sqrt(evVar), 0)), Num(ev + z95*math.Sqrt(evVar))}
	if ev == 0 {
		// No sampled episode outlasted the toleration: all that is known
		// is that no false NotReady evicts more than its node's pods.
		p.FalseEvictions.RatePerNodeDayCI95.Hi = Num(hi * float64(cfg.Cluster.PodsPerNode))
		e.noEvictionSeen = true
	}
	p.QoS = QoS{TMRS: ratio(86400, est), TMS: f.MeanDurationS, PA: Num(1 - dur/86400)}
	f.Estimator = e.estimator(est, se)
	p.IncidentResponse = e.responses()
	p.Warnings = append(p.Warnings[:0:0], e.warnings(p)...)
}

func (e *rareEstimate) estimator(est, se float64) Estimator {
	x := Estimator{Method: MethodRare, RelativeError: ratio(z95*se, est), EffectiveSamples: ratio(est*est, se*se),
		WorkNodeDays: Num(e.workDays), TargetRelativeError: Num(e.cfg.Simulation.TargetRelativeError), StoppedBy: e.stoppedBy}
	var exc int64
	for _, b := range e.batches {
		exc += b.excursions
	}
	// The noise's rate with no incident, then each incident's excess over
	// what the noise gives in its window: the components add up to the
	// estimate.
	l0, v0 := e.noiseRate()
	x.Components = append(x.Components, EstimatorComponent{Source: "noise", Mode: e.noiseMode,
		RatePerNodeDay: Num(l0), RateCI95: ci(l0, v0), Samples: int64(len(e.batches)), Excursions: exc})
	nodes := float64(e.cfg.Cluster.Nodes)
	for i := range e.specs {
		s := &e.specs[i]
		x.IncidentsSimulated += int64(s.windows)
		if s.perDay == 0 {
			continue
		}
		mean, v := s.stratified(func(w *windowResult) float64 { return w.flips }, nodes)
		span := s.meanSpan()
		excess := mean - l0*nodes*span
		varEx := v + nodes*nodes*span*span*v0
		rate := s.perDay * excess / nodes
		var mode string
		for k, st := range s.strata {
			if k > 0 {
				mode += ","
			}
			mode += map[bool]string{true: "sparse", false: "whole"}[st.sparse]
		}
		x.Components = append(x.Components, EstimatorComponent{Source: incidentLabel(e.cfg, i), Effect: s.spec.Effect.String(),
			Mode: "forced-incidents", RatePerNodeDay: Num(rate), RateCI95: signedCI(rate, s.perDay*s.perDay*varEx/(nodes*nodes)),
			Samples: int64(s.windows), Excursions: s.excursions(), IncidentsPerDay: Num(s.perDay), FlipsPerIncident: Num(excess),
			StrataModes: mode})
	}
	return x
}

// noiseRate is λ₀, the rate with no incident, and its variance.
func (e *rareEstimate) noiseRate() (float64, float64) {
	var m sim.Moments
	for i := range e.batches {
		m.Add(e.batches[i].alarms / e.batches[i].nodeDays)
	}
	if m.N < 2 {
		return m.Mean, 0
	}
	return m.Mean, m.Variance() / float64(m.N)
}

func (s *specState) excursions() (n int64) {
	for _, st := range s.strata {
		for _, w := range st.windows {
			n += w.excursions
		}
	}
	return n
}

// signedCI is a 95% interval of a quantity that may be negative (an
// incident can prevent false NotReady: a new leader restarts every probe).
func signedCI(est, variance float64) Interval {
	h := z95 * math.Sqrt(variance)
	return Interval{Num(est - h), Num(est + h)}
}

func ci(est, variance float64) Interval {
	h := z95 * math.Sqrt(variance)
	return Interval{Num(max(est-h, 0)), Num(est + h)}
}

// heartbeatsPerNodeDay is the probe refresh rate of the noise main paths.
func (e *rareEstimate) heartbeatsPerNodeDay() float64 {
	var hb, days float64
	for _, b := range e.batches {
		hb += float64(b.heartbeats)
		days += b.nodeDays
	}
	if days == 0 {
		return 0
	}
	return hb / days
}

// durations is the weighted distribution of false-NotReady durations:
// each episode weighted by its share of the rate.
func (e *rareEstimate) durations() *sim.WeightedHistogram {
	var h sim.WeightedHistogram
	a0, aw := e.coefficients()
	var days float64
	for _, b := range e.batches {
		days += b.nodeDays
	}
	for i := range e.batches {
		h.MergeScaled(&e.batches[i].durations, a0/days)
	}
	for i := range e.specs {
		s := &e.specs[i]
		for _, st := range s.strata {
			for _, r := range st.windows {
				for j, d := range r.durations {
					w := 1.0
					if r.durW != nil {
						w = r.durW[j]
					}
					h.Add(d, w*aw[i]*st.prob()/float64(len(st.windows)))
				}
			}
		}
	}
	return &h
}

// upperBound is a 95% bound when no false NotReady was found at all: the
// exact Poisson bound on the natural node-time simulated without
// incidents, plus, per incident spec, the bound on the share of windows
// with any false NotReady, each of which flips at most every node.
func (e *rareEstimate) upperBound() float64 {
	var days float64
	for _, b := range e.batches {
		days += b.nodeDays
	}
	_, hi := sim.PoissonCI(0, 0.95)
	bound := hi / max(days, 1e-12)
	for i := range e.specs {
		if s := &e.specs[i]; s.windows > 0 {
			bound += s.perDay * 3.0 / float64(s.windows)
		}
	}
	return bound
}

// responses is each incident spec's response curve.
func (e *rareEstimate) responses() []IncidentResponse {
	var out []IncidentResponse
	for i := range e.specs {
		s := &e.specs[i]
		if s.windows == 0 {
			continue
		}
		r := IncidentResponse{Name: incidentLabel(e.cfg, i), Effect: s.spec.Effect.String(), IncidentsPerDay: Num(s.perDay), Windows: int64(s.windows)}
		l0, _ := e.noiseRate()
		nodes := float64(e.cfg.Cluster.Nodes)
		for _, st := range s.strata {
			f := func(g func(*windowResult) float64) sim.Moments { return st.moments(g) }
			flips := f(func(w *windowResult) float64 { return w.flips - l0*nodes*w.spanDays }) // net of the noise in the window
			r.Strata = append(r.Strata, ResponseStratum{
				Probability: Num(st.prob()),
				DurationLoS: Num(s.spec.Lasts.TailQuantile(st.vHi)), DurationHiS: Num(s.spec.Lasts.TailQuantile(max(st.vLo, 1e-300))),
				DurationMeanS: Num(f(func(w *windowResult) float64 { return w.duration }).Mean), Windows: int64(len(st.windows)),
				NodesFlipped: Num(flips.Mean), NodesFlippedCI95: signedCI(flips.Mean, flips.Variance()/float64(max(flips.N, 1))),
				MaxFraction:        Num(f(func(w *windowResult) float64 { return w.maxFrac }).Mean),
				EndpointPodSeconds: Num(f(func(w *windowResult) float64 { return w.endpoint }).Mean),
				PodsEvicted:        Num(f(func(w *windowResult) float64 { return w.evicted }).Mean),
				Mode:               map[bool]string{true: "sparse", false: "whole"}[st.sparse],
			})
		}
		out = append(out, r)
	}
	return out
}

// incidentLabel names incident spec i for output: its name, or its effect.
func incidentLabel(cfg *Config, i int) string {
	in := &cfg.APIServer.Incidents[i]
	if in.Name != "" {
		return in.Name
	}
	return fmt.Sprintf("%s #%d", in.Effect, i+1)
}

func (e *rareEstimate) warnings(p *Point) []string {
	var w []string
	switch e.stoppedBy {
	case "work-cap":
		w = append(w, fmt.Sprintf("the work cap (simulation.max-work-node-days = %g) ended the rare-event estimate at a relative error of %s, before the target %g",
			e.cfg.Simulation.MaxWorkNodeDays, fmtRel(p.FalseNotReady.Estimator.RelativeError), e.cfg.Simulation.TargetRelativeError))
	case "below-floor":
		w = append(w, fmt.Sprintf("the false-NotReady rate is below the floor of %g per node-day (simulation.rate-floor; 95%% bound %.2g): too rare to matter, so not estimated further; at such rarity the likelihood ratios are heavy-tailed and the interval is a rough guide",
			e.cfg.Simulation.RateFloor, float64(p.FalseNotReady.RatePerNodeDayCI95.Hi)))
	case "nothing-found":
		w = append(w, "the rare-event estimator found no false NotReady at all: the rate is given as 0 with an upper bound")
	}
	if e.noEvictionSeen && p.FalseNotReady.RatePerNodeDay > 0 {
		w = append(w, "no rare-event sample stayed Unknown long enough to be evicted: the false-eviction bound assumes any false NotReady might")
	}
	if !e.pilot.reached && e.noiseMode == "importance-sampling" {
		w = append(w, "the importance-sampling pilot never reached a false NotReady from per-node noise: that part of the estimate rests on what the batches found")
	}
	var overlap float64
	for i := range e.specs {
		overlap += e.specs[i].perDay * e.specs[i].meanSpan()
	}
	if overlap > overlapWarning {
		w = append(w, fmt.Sprintf("incident windows cover %.1f%% of the time: the rare method treats incidents as isolated, so overlapping ones are off by about that much; compare with --method crude", 100*overlap))
	}
	return w
}

func fmtRel(n Num) string {
	if !n.Defined() {
		return "-"
	}
	return fmt.Sprintf("%.2g", float64(n))
}
