package model

import (
	"context"
	"fmt"
	"math"
	"slices"

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

// RareOptions are the estimator's knobs (simulation.target-relative-error,
// simulation.max-work-node-days).
type rareOptions struct {
	target  float64
	maxWork float64
}

// rareEstimate is the estimator's state and, when done, its result.
type rareEstimate struct {
	cfg       *Config
	pilot     pilotResult
	noiseMode string // "importance-sampling" or "crude"
	plan      noisePlan
	batches   []noiseBatch
	specs     []specState
	workDays  float64
	stoppedBy string

	noEvictionSeen bool // set by apply
}

// specState is one incident spec's windows, by stratum.
type specState struct {
	spec    *Incident
	perDay  float64 // incidents per day
	strata  [][]windowResult
	sparse  []bool // the stratum's windows are sparse (runSparseWindow)
	windows int    // all windows run, the pilot's included
}

// estimateRare runs the estimator on cfg.
func estimateRare(ctx context.Context, cfg *Config, opt rareOptions, workers int, progress func()) (*rareEstimate, error) {
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
		k := windowStrata(spec)
		e.specs = append(e.specs, specState{spec: spec, perDay: incidentsPerDay(spec), strata: make([][]windowResult, k), sparse: make([]bool, k)})
	}
	for round := 0; ; round++ {
		units := e.nextRound(round == 0)
		res, err := sim.Replicate(ctx, len(units), workers, func(k int) unitResult {
			return e.runUnit(ctx, units[k])
		}, func(int) {
			if progress != nil {
				progress()
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
		switch {
		case !e.ready():
			continue
		case est > 0 && z95*se <= opt.target*est:
			e.stoppedBy = "target"
		case est == 0 && se == 0:
			e.stoppedBy = "nothing-found"
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
			if len(st) < minWindows {
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
	s := &e.specs[u.spec]
	if s.sparse[u.stratum] {
		wr, err := runSparseWindow(ctx, e.cfg, u.spec, u.index, u.stratum, len(s.strata), noisePlan{nodes: sparseNodes, prop: e.pilot.prop})
		return unitResult{wr: wr, err: err}
	}
	wr, err := runWindow(ctx, e.cfg, u.spec, u.index, u.stratum, len(s.strata))
	return unitResult{wr: wr, err: err}
}

// chooseModes makes sparse every duration stratum whose pilot windows saw
// no false NotReady at all: its response is rare node by node, so nodes do
// not interact and importance sampling finds what counting cannot. The
// pilot windows are set aside; they only chose.
func (e *rareEstimate) chooseModes() {
	for i := range e.specs {
		s := &e.specs[i]
		for k, st := range s.strata {
			var flips float64
			for _, w := range st {
				flips += w.flips
			}
			if len(st) > 0 && flips == 0 {
				s.sparse[k], s.strata[k] = true, nil
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
	s.strata[u.stratum] = append(s.strata[u.stratum], res.wr)
	s.windows++
	e.workDays += res.wr.workDays
}

// nextRound chooses the next round's units: the minimums first, then
// each unit to the component with the largest variance reduction per
// node-day of work, from what the rounds so far measured.
func (e *rareEstimate) nextRound(first bool) []rareUnit {
	var units []rareUnit
	nb := len(e.batches)
	nw := make([]int, len(e.specs))
	for i := range e.specs {
		nw[i] = e.specs[i].windows
	}
	addNoise := func() {
		units = append(units, rareUnit{spec: -1, index: nb})
		nb++
	}
	// Windows go to the stratum with the fewest, in this round included.
	planned := make([][]int, len(e.specs))
	for i := range e.specs {
		planned[i] = make([]int, len(e.specs[i].strata))
		for k, st := range e.specs[i].strata {
			planned[i][k] = len(st)
		}
	}
	addWindow := func(i int) {
		k := 0
		for j, n := range planned[i] {
			if n < planned[i][k] {
				k = j
			}
		}
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
		if s.perDay > 0 {
			for slices.Min(planned[i]) < need {
				addWindow(i)
			}
		}
	}
	if len(units) > 0 {
		return units
	}
	a0, aw := e.coefficients()
	v0, c0 := e.noiseUnitVariance()
	for len(units) < roundUnits {
		best, bestGain := -1, a0*a0*v0*(1/float64(nb)-1/float64(nb+1))/c0
		for i := range e.specs {
			v, c := e.windowUnitVariance(i)
			if g := aw[i] * aw[i] * v * (1/float64(nw[i]) - 1/float64(nw[i]+1)) / c; g > bestGain {
				best, bestGain = i, g
			}
		}
		if best < 0 {
			addNoise()
		} else {
			addWindow(best)
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

// windowUnitVariance is the variance of one window's count under
// proportional allocation, Σ_s σ²_s / S, and a window's work.
func (e *rareEstimate) windowUnitVariance(i int) (v, cost float64) {
	s := &e.specs[i]
	var w sim.Moments
	for _, st := range s.strata {
		var m sim.Moments
		for _, r := range st {
			m.Add(r.flips)
			w.Add(r.workDays)
		}
		if m.N >= 2 {
			v += m.Variance()
		}
	}
	return v / float64(len(s.strata)), max(w.Mean, 1e-9)
}

func (s *specState) meanSpan() float64 {
	var m sim.Moments
	for _, st := range s.strata {
		for _, r := range st {
			m.Add(r.spanDays)
		}
	}
	return m.Mean
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
		s := &e.specs[i]
		if s.perDay == 0 {
			continue
		}
		var mean, v float64
		for _, st := range s.strata {
			var sm sim.Moments
			for k := range st {
				sm.Add(window(&st[k]))
			}
			mean += sm.Mean / float64(len(s.strata))
			if sm.N >= 2 {
				v += sm.Variance() / float64(sm.N) / float64(len(s.strata)*len(s.strata))
			}
		}
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
