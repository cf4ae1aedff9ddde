package model

import (
	"context"
	"fmt"
	"math"

	"github.com/nodesim/nodesim/sim"
)

// The rare-event estimator (simulation.method = "rare") of one point.
//
// The long-run rate of false NotReady splits by what causes them:
//
//	λ = λ₀·(1 − Σᵢ νᵢ·w̄ᵢ) + Σᵢ νᵢ·F̄ᵢ / N
//
// λ₀ is the rate with no incident at all (noise.go: importance-sampled
// excursions from thin main paths, or plain counting when false NotReady
// is common), νᵢ the rate of incidents of spec i (1/E[every], exact for
// any renewal process), F̄ᵢ the false NotReady counted in a window from an
// incident's start to windowPost after its end, averaged over strata of
// its duration (window.go), and w̄ᵢ that window's mean length, in which
// the noise is already counted. It is exact when incidents do not overlap
// each other's windows; Σ νᵢ·w̄ᵢ, the share of time inside a window, says
// how far that holds and a warning says when it does not.
//
// Work is decided by sample counts alone: rounds of a fixed number of
// units (noise batches, incident windows), each given to the component
// whose variance it reduces most per node-day of work, run on any number
// of workers and merged in order; after each round the estimator stops if
// the 95% half-width is within the target share of the estimate, or the
// work cap is spent. So the estimate is a pure function of scenario and
// seed.

const (
	roundUnits      = 8    // units per round: fixed, so workers cannot change the result
	minNoiseBatches = 16   // before the batch variance is trusted
	pilotWindows    = 3    // natural windows per duration stratum, to choose its mode
	minWindows      = 2    // per stratum in its mode, before its variance is trusted
	sparseNodes     = 16   // positions of a sparse window
	crudeNoiseRate  = 1.0  // per node-day: from here plain counting beats importance sampling
	overlapWarning  = 0.02 // share of time inside incident windows
	z95             = 1.959963984540054
)

// rareDebug, if set, sees the estimate after each round (tests).
var rareDebug func(e *rareEstimate, round int)

// RareOptions are the estimator's knobs (simulation.target-relative-error,
// simulation.max-work-node-days).
type rareOptions struct {
	target  float64
	maxWork float64
	floor   float64
}

// rareEstimate is the estimator's state and, when done, its result.
type rareEstimate struct {
	cfg       *Config `state:"-"` // relinked by UnmarshalRareEstimate
	pilot     pilotResult
	noiseMode string // "importance-sampling" or "crude"
	plan      noisePlan
	batches   []noiseBatch
	specs     []specState
	workDays  float64
	stoppedBy string

	noEvictionSeen bool // set by apply
}

// specState is one incident spec's windows, by stratum of its duration.
type specState struct {
	spec    *Incident `state:"-"` // relinked by UnmarshalRareEstimate
	perDay  float64   // incidents per day
	strata  []stratumState
	windows int // all windows run, the pilots' included
}

// stratumState is one duration stratum's windows.
type stratumState struct {
	stratum
	windows []windowResult
	sparse  bool // its windows are sparse (runSparseWindow)
}

// moments of a per-window measure over the stratum's windows.
func (st *stratumState) moments(f func(*windowResult) float64) sim.Moments {
	var m sim.Moments
	for k := range st.windows {
		m.Add(f(&st.windows[k]))
	}
	return m
}

// stratified is Σ P_s·mean_s of a per-window measure and its variance
// Σ P_s²·σ²_s/n_s, where a counted (whole) stratum whose windows all
// measured the same does not count as certain: a count bounded by the
// cluster's nodes may still, with probability up to 3/n (the rule of
// three), take any other value, so its mean is known to ±nodes·3/n and
// that is its variance's share. A sparse stratum's zero is the verdict of
// many importance-sampled excursions, each pushed towards a false
// NotReady, and stands on its sample variance.
func (s *specState) stratified(f func(*windowResult) float64, nodes float64) (mean, variance float64) {
	for k := range s.strata {
		st := &s.strata[k]
		m := st.moments(f)
		mean += st.prob() * m.Mean
		v := m.Variance() / float64(m.N)
		if m.N > 0 && !(v > 0) && !st.sparse {
			b := nodes * 3 / float64(m.N) / z95
			v = b * b
		}
		if m.N >= 2 {
			variance += st.prob() * st.prob() * v
		}
	}
	return mean, variance
}

func (s *specState) meanSpan() float64 {
	m, _ := s.stratified(func(w *windowResult) float64 { return w.spanDays }, 0)
	return m
}

// estimateRare runs the estimator on cfg.
func estimateRare(ctx context.Context, cfg *Config, opt rareOptions, workers int, progress Progress) (*rareEstimate, error) {
	e := &rareEstimate{cfg: cfg}
	pilot, err := noisePilot(ctx, cfg)
	if err != nil {
		return nil, err
	}
	e.pilot, e.workDays = pilot, pilot.workDays
	e.noiseMode = "importance-sampling"
	e.plan = noisePlan{nodes: 4, duration: 6 * 3600e9, prop: pilot.prop, pi: 1}
	if pilot.rate >= crudeNoiseRate {
		e.noiseMode = "crude"
		e.plan = noisePlan{duration: 3600e9}
	}
	for i := range cfg.APIServer.Incidents {
		spec := &cfg.APIServer.Incidents[i]
		ss := specState{spec: spec, perDay: incidentsPerDay(spec)}
		for _, st := range durationStrata(spec) {
			ss.strata = append(ss.strata, stratumState{stratum: st})
		}
		e.specs = append(e.specs, ss)
	}
	for round := 0; ; round++ {
		units := e.nextRound(round == 0)
		if progress != nil {
			progress(0, len(units))
		}
		res, err := sim.Replicate(ctx, len(units), workers, func(k int) unitResult {
			return e.runUnit(ctx, units[k])
		}, func(int) {
			if progress != nil {
				progress(1, 0)
			}
		})
		if err != nil {
			return nil, err
		}
		for k, u := range units {
			if res[k].err != nil {
				return nil, res[k].err
			}
			e.merge(u, res[k])
		}
		if round == 0 {
			e.chooseModes()
		}
		est, se := e.rate()
		if rareDebug != nil {
			rareDebug(e, round)
		}
		switch {
		case !e.ready():
			continue
		case est > 0 && z95*se <= opt.target*est:
			e.stoppedBy = "target"
		case est == 0 && se == 0:
			e.stoppedBy = "nothing-found"
		case est+z95*se < opt.floor:
			e.stoppedBy = "below-floor"
		case e.workDays >= opt.maxWork:
			e.stoppedBy = "work-cap"
		default:
			continue
		}
		return e, nil
	}
}

// ready reports whether every component has its minimum of samples in
// its mode, so that its variance can be trusted.
func (e *rareEstimate) ready() bool {
	if len(e.batches) < minNoiseBatches {
		return false
	}
	for _, s := range e.specs {
		if s.perDay == 0 {
			continue
		}
		for _, st := range s.strata {
			if len(st.windows) < minWindows {
				return false
			}
		}
	}
	return true
}

// incidentsPerDay is the long-run rate of a renewal process of spec's
// inter-arrival distribution.
func incidentsPerDay(spec *Incident) float64 {
	m := spec.Every.Mean()
	if !(m > 0) || math.IsInf(m, 0) {
		return 0
	}
	return 86400 / m
}

// rareUnit is one unit of work: a noise batch, or a window of spec in one
// of its strata.
type rareUnit struct {
	spec    int // -1: noise
	index   int
	stratum int
}

type unitResult struct {
	nb  noiseBatch
	wr  windowResult
	err error
}

func (e *rareEstimate) runUnit(ctx context.Context, u rareUnit) unitResult {
	if u.spec < 0 {
		if e.noiseMode == "crude" {
			nb, err := runCrudeNoiseBatch(ctx, e.cfg, u.index, e.plan)
			return unitResult{nb: nb, err: err}
		}
		nb, err := runNoiseBatch(ctx, e.cfg, u.index, branchNoise, e.plan, newExcursion(e.cfg))
		return unitResult{nb: nb, err: err}
	}
	st := &e.specs[u.spec].strata[u.stratum]
	if st.sparse {
		wr, err := runSparseWindow(ctx, e.cfg, u.spec, u.index, st.stratum, noisePlan{nodes: sparseNodes, prop: e.pilot.prop})
		return unitResult{wr: wr, err: err}
	}
	wr, err := runWindow(ctx, e.cfg, u.spec, u.index, st.stratum)
	return unitResult{wr: wr, err: err}
}

// chooseModes makes sparse every duration stratum whose pilot windows saw
// no false NotReady at all: its response is rare node by node, so nodes do
// not interact and importance sampling finds what counting cannot. The
// pilot windows are set aside; they only chose.
func (e *rareEstimate) chooseModes() {
	for i := range e.specs {
		for k := range e.specs[i].strata {
			st := &e.specs[i].strata[k]
			if m := st.moments(func(w *windowResult) float64 { return w.flips }); m.N > 0 && m.Mean == 0 {
				st.sparse, st.windows = true, nil
			}
		}
	}
}

func (e *rareEstimate) merge(u rareUnit, res unitResult) {
	if u.spec < 0 {
		e.batches = append(e.batches, res.nb)
		e.workDays += res.nb.workDays
		return
	}
	s := &e.specs[u.spec]
	s.strata[u.stratum].windows = append(s.strata[u.stratum].windows, res.wr)
	s.windows++
	e.workDays += res.wr.workDays
}

// nextRound chooses the next round's units: the minimums first, then
// each unit to the component (the noise, or one duration stratum of one
// incident spec) whose variance it reduces most per node-day of work,
// from what the rounds so far measured.
func (e *rareEstimate) nextRound(first bool) []rareUnit {
	var units []rareUnit
	nb := len(e.batches)
	nw := make([]int, len(e.specs))
	planned := make([][]int, len(e.specs))
	for i := range e.specs {
		nw[i] = e.specs[i].windows
		for _, st := range e.specs[i].strata {
			planned[i] = append(planned[i], len(st.windows))
		}
	}
	addNoise := func() {
		units = append(units, rareUnit{spec: -1, index: nb})
		nb++
	}
	addWindow := func(i, k int) {
		units = append(units, rareUnit{spec: i, index: nw[i], stratum: k})
		planned[i][k]++
		nw[i]++
	}
	need := minWindows
	if first {
		need = pilotWindows
	}
	for nb < minNoiseBatches {
		addNoise()
	}
	for i, s := range e.specs {
		for k := range s.strata {
			for s.perDay > 0 && planned[i][k] < need {
				addWindow(i, k)
			}
		}
	}
	if len(units) > 0 {
		return units
	}
	a0, aw := e.coefficients()
	v0, c0 := e.noiseUnitVariance()
	gain := func(coef, v float64, n int, c float64) float64 {
		return coef * coef * v * (1/float64(n) - 1/float64(n+1)) / c
	}
	// A stratum's variance for allocation has a prior, the cluster's size
	// squared over its windows: few windows that happened to agree must not
	// starve a stratum that holds rare long outages.
	nodes := float64(e.cfg.Cluster.Nodes)
	for len(units) < roundUnits {
		bi, bk, best := -1, -1, gain(a0, v0, nb, c0)
		for i := range e.specs {
			s := &e.specs[i]
			for k := range s.strata {
				st := &s.strata[k]
				m := st.moments(func(w *windowResult) float64 { return w.flips })
				c := st.moments(func(w *windowResult) float64 { return w.workDays }).Mean
				prior := 0.0
				if !st.sparse {
					prior = nodes * nodes / float64(planned[i][k])
				}
				if g := gain(aw[i]*st.prob(), m.Variance()+prior, planned[i][k], max(c, 1e-9)); g > best {
					bi, bk, best = i, k, g
				}
			}
		}
		if bi < 0 {
			addNoise()
		} else {
			addWindow(bi, bk)
		}
	}
	return units
}

// coefficients are a₀ = 1 − Σ νᵢ·w̄ᵢ and aᵢ = νᵢ/N of the rate's formula.
func (e *rareEstimate) coefficients() (float64, []float64) {
	a0 := 1.0
	aw := make([]float64, len(e.specs))
	for i := range e.specs {
		s := &e.specs[i]
		a0 -= s.perDay * s.meanSpan()
		aw[i] = s.perDay / float64(e.cfg.Cluster.Nodes)
	}
	return max(a0, 0), aw
}

// noiseUnitVariance is the variance of one batch's rate and a batch's work.
func (e *rareEstimate) noiseUnitVariance() (v, cost float64) {
	var m, w sim.Moments
	for i := range e.batches {
		m.Add(e.batches[i].alarms / e.batches[i].nodeDays)
		w.Add(e.batches[i].workDays)
	}
	return m.Variance(), max(w.Mean, 1e-9)
}

// linear evaluates the rate formula for any additive per-event measure:
// noise gives a batch's total, window a window's; it returns the estimate
// per node-day and its variance.
func (e *rareEstimate) linear(noise func(*noiseBatch) float64, window func(*windowResult) float64) (est, variance float64) {
	a0, aw := e.coefficients()
	var m sim.Moments
	for i := range e.batches {
		m.Add(noise(&e.batches[i]) / e.batches[i].nodeDays)
	}
	est = a0 * m.Mean
	if m.N >= 2 {
		variance = a0 * a0 * m.Variance() / float64(m.N)
	}
	for i := range e.specs {
		if e.specs[i].perDay == 0 {
			continue
		}
		mean, v := e.specs[i].stratified(window, float64(e.cfg.Cluster.Nodes))
		est += aw[i] * mean
		variance += aw[i] * aw[i] * v
	}
	return est, variance
}

// rate is the false NotReady rate per node-day and its standard error.
func (e *rareEstimate) rate() (float64, float64) {
	est, v := e.linear(func(b *noiseBatch) float64 { return b.alarms }, func(w *windowResult) float64 { return w.flips })
	return est, math.Sqrt(v)
}

func (e *rareEstimate) String() string {
	est, se := e.rate()
	return fmt.Sprintf("rare: %.4g ± %.2g per node-day (%s, %d batches, %.4g node-days of work, %s)", est, z95*se, e.noiseMode, len(e.batches), e.workDays, e.stoppedBy)
}
