package recommend

import (
	"context"
	"fmt"
	"slices"

	"github.com/nodesim/nodesim/model"
	"github.com/nodesim/nodesim/scenarios"
)

// Methods are the --method values: auto counts where false NotReady is
// common and estimates rare events where it is not.
var Methods = []string{"auto", model.MethodCrude, model.MethodRare}

// crudeEnough is the pilot's event count from which more replications,
// rather than the rare-event method, settle an undecided point.
const crudeEnough = 30

// rareTargets are the rare method's relative errors, one per refinement;
// each costs about 16 times the work of the one before it.
var rareTargets = []float64{0.2, 0.05, 0.0125}

// Candidate is one value of the key, estimated until its interval is
// clearly below or above the budget, or the work cap.
type Candidate struct {
	Value          string         `json:"value"`
	Verdict        verdict        `json:"verdict"`
	RatePerNodeDay model.Num      `json:"rate_per_node_day"`
	RateCI95       model.Interval `json:"rate_per_node_day_ci95"`
	// UpperBound is the interval's upper end at the requested confidence:
	// what is compared with the budget.
	UpperBound   model.Num `json:"upper_bound"`
	Events       int64     `json:"events"`
	Method       string    `json:"method"`
	Replications int       `json:"replications"`
	Refinements  int       `json:"refinements"` // estimates after the pilot
	WorkNodeDays model.Num `json:"work_node_days"`
	StoppedBy    string    `json:"stopped_by,omitempty"`
	// OutageTolerance is, per incident effect, the longest incident this
	// value absorbs without a false NotReady.
	OutageTolerance []Tolerance `json:"outage_tolerance,omitempty"`

	x float64 // the value in base units (seconds for durations)
}

// evaluator estimates candidates of one key, the other keys fixed.
type evaluator struct {
	text     *scenarios.Text
	sets     []string // the user's --set flags and this search's grid values
	key      string
	workers  int
	budget   float64 // per node-day
	conf     float64
	maxWork  float64 // node-days per candidate
	method   string
	progress model.Progress
}

// config loads the scenario at key=value.
func (e *evaluator) config(value string, extra ...string) (*model.Config, error) {
	sets := append(slices.Clone(e.sets), e.key+"="+value)
	sc, err := e.text.Load(append(sets, extra...))
	if err != nil {
		return nil, err
	}
	if len(sc.Points) != 1 {
		return nil, fmt.Errorf("%s=%s: the scenario still sweeps %d points", e.key, value, len(sc.Points))
	}
	return sc.Points[0].Config, nil
}

// evaluate estimates the rate at value: a crude pilot with the scenario's
// replications, then, while the interval straddles the budget, more
// replications (where the pilot counted enough events) or the rare-event
// method at ever smaller relative errors, up to the work cap.
func (e *evaluator) evaluate(ctx context.Context, value string, x float64) (Candidate, error) {
	c := Candidate{Value: value, x: x}
	cfg, err := e.config(value)
	if err != nil {
		return c, err
	}
	reps := cfg.Simulation.Replications
	perRep := float64(cfg.Cluster.Nodes) * (cfg.Simulation.Warmup + cfg.Simulation.Duration).Hours() / 24
	var work float64
	run := func(cfg *model.Config) (model.Point, error) {
		e.plan(cfg.Simulation.Replications)
		p, err := model.RunPoint(ctx, cfg, e.workers, e.progress)
		if err != nil {
			return p, err
		}
		work += perRep * float64(cfg.Simulation.Replications)
		if cfg.Simulation.Method == model.MethodRare {
			work += float64(p.FalseNotReady.Estimator.WorkNodeDays)
		}
		e.record(&c, &p, cfg)
		c.WorkNodeDays = model.Num(work)
		return p, nil
	}
	crude := func() error {
		for c.Verdict == undecided {
			if reps*4 > 1<<20 || work+perRep*float64(reps*4) > e.maxWork {
				c.StoppedBy = "work-cap"
				return nil
			}
			reps *= 4
			cfg.Simulation.Method = model.MethodCrude
			cfg.Simulation.Replications = reps
			c.Refinements++
			if _, err := run(cfg); err != nil {
				return err
			}
		}
		return nil
	}
	if e.method != model.MethodRare {
		cfg.Simulation.Method = model.MethodCrude
		p, err := run(cfg)
		if err != nil || c.Verdict != undecided {
			return c, err
		}
		if e.method == model.MethodCrude || p.FalseNotReady.Events >= crudeEnough {
			return c, crude()
		}
		c.Refinements++
	}
	// The rare method stops as soon as its 95% upper bound is under the
	// floor: the budget, scaled so the bound at conf is under it too.
	floor := e.budget * min(1, z95/zOf(e.conf))
	for i, target := range rareTargets {
		if i > 0 {
			c.Refinements++
		}
		cfg.Simulation.Method = model.MethodRare
		cfg.Simulation.Replications = 1 // crude replications only feed detection, measured apart
		cfg.Simulation.TargetRelativeError = target
		cfg.Simulation.RateFloor = min(floor, 0.5)
		cfg.Simulation.MaxWorkNodeDays = max(e.maxWork-work, perRep)
		if _, err := run(cfg); err != nil {
			return c, err
		}
		switch {
		case c.StoppedBy == "nothing-found":
			// No excursion, however tilted, reached a false NotReady: the
			// rare method's bound rests on its few node-days, and only
			// counting more of them can lower it.
			reps = cfg.Simulation.Replications
			return c, crude()
		case c.Verdict != undecided || c.StoppedBy == "work-cap" || work >= e.maxWork:
			return c, nil
		}
	}
	return c, nil
}

// plan tells the progress bar of n more replications; the rare method
// announces its own units as it plans them.
func (e *evaluator) plan(n int) {
	if e.progress != nil {
		e.progress(0, n)
	}
}

// record sets c from the latest estimate.
func (e *evaluator) record(c *Candidate, p *model.Point, cfg *model.Config) {
	f := &p.FalseNotReady
	hi := upperBound(f, p.NodeDays, e.conf)
	c.RatePerNodeDay, c.RateCI95, c.UpperBound = f.RatePerNodeDay, f.RatePerNodeDayCI95, model.Num(hi)
	c.Events, c.Method, c.Replications = f.Events, f.Estimator.Method, cfg.Simulation.Replications
	c.StoppedBy = f.Estimator.StoppedBy
	c.Verdict = decide(lowerBound(f, e.conf), hi, e.budget)
}
