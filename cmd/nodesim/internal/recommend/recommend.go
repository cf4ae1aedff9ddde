// Package recommend answers "which value of this key meets a false-NotReady
// budget, and what does it cost?": a decisive search over a key's values
// under common random numbers, each candidate estimated until its interval
// is clearly on one side of the budget, with detection at the answer and
// at the scenario's own value, and the outages each candidate absorbs.
package recommend

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"time"

	"github.com/nodesim/nodesim/internal/human"
	"github.com/nodesim/nodesim/model"
	"github.com/nodesim/nodesim/scenarios"
)

// Key is one searched or gridded key, its range and resolution in base
// units (seconds for durations).
type Key struct {
	Name          string
	Kind          scenarios.Kind
	Min, Max, Res float64
}

// Format renders x as a scenario value of the key.
func (k Key) Format(x float64) string {
	switch k.Kind {
	case scenarios.KindDuration:
		return scenarios.FormatDuration(time.Duration(math.Round(x * 1e9)))
	case scenarios.KindInt:
		return strconv.FormatInt(int64(math.Round(x)), 10)
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

// Options are what to search and how hard.
type Options struct {
	Scenario   *scenarios.Text
	Sets       []string // --set flags, applied before the keys' values
	Keys       []Key    // Keys[0] is searched; the others form a grid
	Budget     float64  // false NotReady per node-day, or per cluster-day
	PerCluster bool
	Confidence float64
	Workers    int
	// MaxWorkNodeDays caps the work spent on one candidate.
	MaxWorkNodeDays float64
	Method          string // "auto", "crude" or "rare"
	Tolerance       bool   // search each candidate's outage tolerance
	Progress        model.Progress
}

// Answer is the document --format json writes: the answer at the
// scenario's own values of any grid keys, and the whole frontier.
type Answer struct {
	Scenario   string  `json:"scenario"`
	Seed       uint64  `json:"seed"`
	Key        string  `json:"key"`
	Min        string  `json:"min"`
	Max        string  `json:"max"`
	Budget     float64 `json:"budget"`
	BudgetPer  string  `json:"budget_per"` // "node-day" or "cluster-day"
	Confidence float64 `json:"confidence"`
	Resolution string  `json:"resolution"`
	// Prefer is which end of the range the answer comes from, the risky
	// one: "smallest" when smaller values raise false NotReady (a grace
	// period), "largest" when larger ones do (a heartbeat period).
	Prefer string `json:"prefer"`
	Search
	GridKeys     []string  `json:"grid_keys,omitempty"`
	Frontier     []Search  `json:"frontier,omitempty"`
	WorkNodeDays model.Num `json:"work_node_days"`
	Command      string    `json:"command,omitempty"`

	nodes int // cluster size, for sentences
}

// Search is the answer for one combination of the grid keys.
type Search struct {
	Grid             map[string]string `json:"grid,omitempty"`
	BudgetPerNodeDay float64           `json:"budget_per_node_day"`
	// Recommended is null when no value in the range meets the budget.
	Recommended *string `json:"recommended"`
	// Found: "boundary" (the next riskier value fails), "whole-range"
	// (even the riskiest value meets the budget) or "none".
	Found          string         `json:"found"`
	Step           *Step          `json:"step,omitempty"`
	RatePerNodeDay model.Num      `json:"rate_per_node_day"`
	RateCI95       model.Interval `json:"rate_per_node_day_ci95"`
	UpperBound     model.Num      `json:"upper_bound"`
	Detection      *Detection     `json:"detection"`
	// Eviction is the failover cost at the answer (null: no pod evicted).
	Eviction *Eviction   `json:"eviction"`
	Baseline *Baseline   `json:"baseline,omitempty"`
	Points   []Candidate `json:"points"`
}

// Step is the stretch of values that behave exactly like the answer:
// alarms wait for the first monitor pass after the grace period.
type Step struct {
	From    string  `json:"from"` // the answer
	To      string  `json:"to"`   // the last equivalent value
	PeriodS float64 `json:"monitor_period_s"`
}

// Detection is how fast real crashes are noticed at a value.
type Detection struct {
	model.Detection
	// CrashesInjected: the scenario has no crashes, so the cost run
	// added one per node per day (repaired in 30 minutes) to measure it.
	CrashesInjected bool `json:"crashes_injected,omitempty"`
}

// Eviction is the failover cost at a value: how long after a crash the
// node's endpoints are removed and its pods evicted (model.Failover).
type Eviction struct {
	EvictedP50S          model.Num `json:"evicted_p50_s"`
	EvictedP99S          model.Num `json:"evicted_p99_s"`
	EndpointsRemovedP50S model.Num `json:"endpoints_removed_p50_s"`
	EndpointsRemovedP99S model.Num `json:"endpoints_removed_p99_s"`
	Evicted              int64     `json:"evicted"`
	NotEvicted           int64     `json:"not_evicted"`
}

// Baseline is the scenario's own value of the key, for comparison.
type Baseline struct {
	Value          string         `json:"value"`
	RatePerNodeDay model.Num      `json:"rate_per_node_day"`
	RateCI95       model.Interval `json:"rate_per_node_day_ci95"`
	Verdict        verdict        `json:"verdict"`
	Detection      *Detection     `json:"detection"`
	Eviction       *Eviction      `json:"eviction"`
}

// Run searches every combination of the grid keys.
func Run(ctx context.Context, o Options) (*Answer, error) {
	k := o.Keys[0]
	base, err := o.Scenario.Load(o.Sets)
	if err != nil {
		return nil, err
	}
	a := &Answer{Scenario: base.Name, Seed: base.Base.Simulation.Seed, Key: k.Name, Min: k.Format(k.Min), Max: k.Format(k.Max),
		Budget: o.Budget, BudgetPer: "node-day", Confidence: o.Confidence, Resolution: k.Format(k.Res), nodes: base.Base.Cluster.Nodes}
	if o.PerCluster {
		a.BudgetPer = "cluster-day"
	}
	combos := combinations(o.Keys[1:])
	chosen := 0
	for _, g := range o.Keys[1:] {
		a.GridKeys = append(a.GridKeys, g.Name)
	}
	var work float64
	for ci, combo := range combos {
		s, prefer, w, err := search(ctx, o, combo)
		work += w
		if err != nil {
			return nil, err
		}
		a.Prefer = prefer
		if len(combos) > 1 {
			a.Frontier = append(a.Frontier, *s)
			if isToday(base, combo) {
				chosen = ci
			}
		} else {
			a.Search = *s
		}
	}
	if len(combos) > 1 {
		a.Search = a.Frontier[chosen]
	}
	a.WorkNodeDays = model.Num(work)
	return a, nil
}

// isToday reports whether a grid combination is the scenario's own setting.
func isToday(sc *scenarios.Scenario, combo map[string]string) bool {
	for k, v := range combo {
		if settingValue(sc, k) != v {
			return false
		}
	}
	return true
}

func settingValue(sc *scenarios.Scenario, key string) string {
	for _, s := range sc.Settings {
		if s.Key == key {
			return s.Value
		}
	}
	return ""
}

// combinations lists the grid's points, the first key slowest.
func combinations(keys []Key) []map[string]string {
	out := []map[string]string{{}}
	for _, k := range keys {
		var next []map[string]string
		for _, c := range out {
			for _, x := range grid(k.Min, k.Max, k.Res) {
				m := map[string]string{k.Name: k.Format(x)}
				for kk, v := range c {
					m[kk] = v
				}
				next = append(next, m)
			}
		}
		out = next
	}
	return out
}

// GridSize is how many searches the grid keys make.
func GridSize(keys []Key) int {
	n := 1
	for _, k := range keys {
		n *= len(grid(k.Min, k.Max, k.Res))
	}
	return n
}

// search finds the answer for one grid combination.
func search(ctx context.Context, o Options, combo map[string]string) (*Search, string, float64, error) {
	k := o.Keys[0]
	sets := append([]string(nil), o.Sets...)
	for _, g := range o.Keys[1:] {
		sets = append(sets, g.Name+"="+combo[g.Name])
	}
	sc, err := o.Scenario.Load(sets)
	if err != nil {
		return nil, "", 0, err
	}
	budget := o.Budget
	if o.PerCluster {
		budget /= float64(sc.Base.Cluster.Nodes)
	}
	ev := &evaluator{text: o.Scenario, sets: sets, key: k.Name, workers: o.Workers, budget: budget, conf: o.Confidence,
		maxWork: o.MaxWorkNodeDays, method: o.Method, progress: o.Progress}
	s := &Search{BudgetPerNodeDay: budget, Points: []Candidate{}}
	if len(combo) > 0 {
		s.Grid = combo
	}
	xs := grid(k.Min, k.Max, k.Res)
	seen := map[int]*Candidate{}
	var work float64
	eval := func(ctx context.Context, i int) (*Candidate, error) {
		if c, ok := seen[i]; ok {
			return c, nil
		}
		c, err := ev.evaluate(ctx, k.Format(xs[i]), xs[i])
		if err != nil {
			return nil, err
		}
		work += float64(c.WorkNodeDays)
		if o.Tolerance {
			if c.OutageTolerance, err = ev.tolerance(ctx, c.Value); err != nil {
				return nil, err
			}
		}
		seen[i] = &c
		return &c, nil
	}
	prefer, err := direction(ctx, k, xs, eval)
	if err != nil {
		return nil, "", work, err
	}
	// order maps an index counted from the riskiest end to the grid's.
	order := func(i int) int {
		if prefer == "smallest" {
			return i
		}
		return len(xs) - 1 - i
	}
	first, err := firstPassing(ctx, len(xs), func(ctx context.Context, i int) (bool, error) {
		c, err := eval(ctx, order(i))
		if err != nil {
			return false, err
		}
		return c.Verdict == below, nil
	})
	if err != nil {
		return nil, "", work, err
	}
	for i := range xs {
		if c, ok := seen[i]; ok {
			s.Points = append(s.Points, *c)
		}
	}
	s.Found = "none"
	if first >= 0 {
		best := seen[order(first)]
		s.Recommended = &best.Value
		s.RatePerNodeDay, s.RateCI95, s.UpperBound = best.RatePerNodeDay, best.RateCI95, best.UpperBound
		s.Found = "boundary"
		if first == 0 {
			s.Found = "whole-range"
		}
		s.Step = step(k, sc.Base, best.x)
		if s.Detection, s.Eviction, work, err = ev.cost(ctx, best.Value, work); err != nil {
			return nil, "", work, err
		}
	}
	if bv := settingValue(sc, k.Name); bv != "" {
		b := &Baseline{Value: bv}
		c, err := ev.evaluate(ctx, bv, math.NaN())
		if err != nil {
			return nil, "", work, err
		}
		work += float64(c.WorkNodeDays)
		b.RatePerNodeDay, b.RateCI95, b.Verdict = c.RatePerNodeDay, c.RateCI95, c.Verdict
		if b.Detection, b.Eviction, work, err = ev.cost(ctx, bv, work); err != nil {
			return nil, "", work, err
		}
		s.Baseline = b
	}
	return s, prefer, work, nil
}

// largerRiskier and smallerRiskier are keys whose direction is known from
// the model: a longer heartbeat period leaves less room before the grace
// period; a longer grace period or lease leaves more.
var (
	largerRiskier  = []string{model.KeyNodeStatusUpdateFrequency, model.KeyNodeMonitorPeriod}
	smallerRiskier = []string{model.KeyNodeMonitorGracePeriod, model.KeyNodeStartupGracePeriod, model.KeyNodeLeaseDurationSeconds}
)

// direction says which end the answer comes from: known for the timing
// keys, otherwise measured at both ends of the range.
func direction(ctx context.Context, k Key, xs []float64, eval func(context.Context, int) (*Candidate, error)) (string, error) {
	for _, n := range largerRiskier {
		if n == k.Name {
			return "largest", nil
		}
	}
	for _, n := range smallerRiskier {
		if n == k.Name {
			return "smallest", nil
		}
	}
	lo, err := eval(ctx, 0)
	if err != nil {
		return "", err
	}
	hi, err := eval(ctx, len(xs)-1)
	if err != nil {
		return "", err
	}
	switch {
	case lo.RatePerNodeDay > hi.RatePerNodeDay:
		return "smallest", nil
	case hi.RatePerNodeDay > lo.RatePerNodeDay:
		return "largest", nil
	}
	return "", fmt.Errorf("%s: false NotReady is the same at %s and %s (%s per node-day), so neither end is safer; narrow or move the range", k.Name, lo.Value, hi.Value, human.Figure(float64(lo.RatePerNodeDay)))
}

// step is the run of grace values equivalent to x: the controller marks a
// node at the first pass more than the grace period after the pass that
// saw its last heartbeat, and passes come every node-monitor-period plus
// the pass's own duration δ (wait.Until slides), so every grace in
// (k·(p+δ), (k+1)·(p+δ)) gives the same alarms. δ is taken as small
// against the resolution, as it is below several thousand nodes: the
// search's own answer (one step below fails) is exact either way.
func step(k Key, cfg *model.Config, x float64) *Step {
	if k.Name != model.KeyNodeMonitorGracePeriod {
		return nil
	}
	p := cfg.Controller.NodeMonitorPeriod.Seconds()
	if p <= k.Res || p <= 0 {
		return nil
	}
	to := math.Ceil(x/p-1e-9) * p
	if to <= x {
		return nil
	}
	last := x + math.Floor((to-x)/k.Res+1e-9)*k.Res
	return &Step{From: k.Format(x), To: k.Format(last), PeriodS: p}
}
