package main

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nodesim/nodesim/cmd/nodesim/internal/outdir"
	"github.com/nodesim/nodesim/cmd/nodesim/internal/progress"
	"github.com/nodesim/nodesim/cmd/nodesim/internal/recommend"
	"github.com/nodesim/nodesim/scenarios"
)

// recommendOptions are the flags of `nodesim recommend`.
type recommendOptions struct {
	keys, mins, maxs, resolutions []string
	budget, budgetCluster         float64
	confidence                    float64
	format, out, method           string
	sets                          []string
	seed                          uint64
	workers                       int
	maxWork                       float64
	noTolerance, quiet            bool
}

var recommendFormats = []string{"text", "json"}

// Grid limits: a frontier is read by people.
const (
	maxGridValues = 16 // per grid key
	maxGridPoints = 64 // searches in all
)

func newRecommendCmd() *cobra.Command {
	o := &recommendOptions{}
	cmd := &cobra.Command{
		Use:   "recommend [SCENARIO] --key KEY --min V --max V --budget RATE",
		Short: "Find the value of a key that meets a false-NotReady budget, and what it costs",
		Long: `Recommend searches KEY between --min and --max for the riskiest value (the
smallest grace period, the largest heartbeat period) whose false-NotReady
rate is below the budget with the given confidence, and reports what it
costs: crash detection there and at the scenario's own value, and the
longest etcd outage and watch stall it absorbs.

Every value runs with the same seed (common random numbers), so the rate is
monotone in the key and a bisection finds the boundary. A value whose
interval straddles the budget gets more work, more replications where
false NotReady is common and the rare-event method where it is not, until it
is clearly below or above, up to --max-work-node-days. The answer is exact
to --resolution (1s for durations). More --key flags (each with its --min
and --max) make a grid: the first key is searched at every point of it and
the frontier is reported.`,
		Example: `  nodesim recommend --key controller.node-monitor-grace-period --min 20s --max 120s --budget 1e-3
  nodesim recommend legacy-slow-status --key controller.node-monitor-grace-period --min 40s --max 90s --budget 1e-3 --format json
  nodesim recommend default --key kubelet.nodeStatusUpdateFrequency --min 5s --max 40s --budget-per-cluster-day 0.1
  nodesim recommend grace-sweep --key controller.node-monitor-grace-period --min 20s --max 90s \
      --key kubelet.nodeStatusUpdateFrequency --min 5s --max 20s --resolution 1s --resolution 5s --budget 1e-3`,
		Args:              argsBetween(0, 1),
		ValidArgsFunction: completeScenario,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRecommend(cmd, o, args)
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&o.keys, "key", nil, "the `KEY` to search (repeat for a grid: the first is searched at each point of the others)")
	f.StringArrayVar(&o.mins, "min", nil, "smallest `VALUE` of each --key, in order")
	f.StringArrayVar(&o.maxs, "max", nil, "largest `VALUE` of each --key, in order")
	f.StringArrayVar(&o.resolutions, "resolution", nil, "step of each --key, in order (default 1s for durations, 1 for integers, a 64th of the range for numbers)")
	f.Float64Var(&o.budget, "budget", 0, "false NotReady allowed per node-day")
	f.Float64Var(&o.budgetCluster, "budget-per-cluster-day", 0, "false NotReady allowed per cluster-day (instead of --budget)")
	f.Float64Var(&o.confidence, "confidence", 0.95, "confidence of the two-sided interval whose upper end must be under the budget")
	f.StringVar(&o.format, "format", "text", "output format: "+strings.Join(recommendFormats, ", "))
	f.StringVar(&o.out, "out", "", "also write recommend.json, recommend.txt and the outage-tolerance chart into `DIR`")
	f.StringVar(&o.method, "method", "auto", "estimate false NotReady by `METHOD`: "+strings.Join(recommend.Methods, ", ")+" (auto: crude where they are common, rare-event elsewhere)")
	f.StringArrayVar(&o.sets, "set", nil, "set a key before searching, `key=value`; repeatable")
	f.Uint64Var(&o.seed, "seed", 0, "random seed (default: the scenario's simulation.seed)")
	f.IntVar(&o.workers, "workers", 0, "replications run in parallel, results do not depend on it (default: the number of CPUs)")
	f.Float64Var(&o.maxWork, "max-work-node-days", 200_000, "most node-days simulated to decide one value")
	f.BoolVar(&o.noTolerance, "no-tolerance", false, "skip the outage-tolerance search")
	f.BoolVar(&o.quiet, "quiet", false, "no progress bar")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(recommendFormats, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("key", cobra.FixedCompletions(scenarios.NumericKeys(), cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func runRecommend(cmd *cobra.Command, o *recommendOptions, args []string) error {
	name := "default"
	if len(args) == 1 {
		name = args[0]
	}
	ro, err := recommendInput(cmd, o, name)
	if err != nil {
		return err
	}
	if o.out != "" {
		if err := outdir.Check(o.out); err != nil {
			return badInputf("--out %v", err)
		}
	}
	bar := progress.New(cmd.ErrOrStderr(), 0, o.quiet)
	defer bar.Done()
	ro.Progress = bar.Step
	a, err := recommend.Run(cmd.Context(), *ro)
	if err != nil {
		return err
	}
	a.Command = reproduceRecommend(name, o, cmd)
	var text, js bytes.Buffer
	if err := recommend.Text(&text, a); err != nil {
		return err
	}
	if err := recommend.JSON(&js, a); err != nil {
		return err
	}
	if o.out != "" {
		files := []outdir.File{{Name: "recommend.json", Data: js.Bytes()}, {Name: "recommend.txt", Data: text.Bytes()}}
		charts, err := recommend.Charts(a)
		if err != nil {
			return err
		}
		for _, c := range charts {
			files = append(files, outdir.File{Name: c.Name, Data: c.Data})
		}
		if err := outdir.Write(o.out, files); err != nil {
			return fmt.Errorf("writing %s: %w", o.out, err)
		}
	}
	out := text.Bytes()
	if o.format == "json" {
		out = js.Bytes()
	}
	_, err = cmd.OutOrStdout().Write(out)
	return err
}

// recommendInput checks every flag before any simulation, each mistake
// named by its flag.
func recommendInput(cmd *cobra.Command, o *recommendOptions, name string) (*recommend.Options, error) {
	fl := cmd.Flags()
	if !slices.Contains(recommendFormats, o.format) {
		return nil, badInputf("--format %q: want one of %s", o.format, strings.Join(recommendFormats, ", "))
	}
	if !slices.Contains(recommend.Methods, o.method) {
		return nil, badInputf("--method %q: want one of %s", o.method, strings.Join(recommend.Methods, ", "))
	}
	if !fl.Changed("workers") {
		o.workers = runtime.NumCPU()
	}
	if o.workers < 1 {
		return nil, badInputf("--workers must be >= 1, got %d", o.workers)
	}
	budget, perCluster := o.budget, false
	switch {
	case fl.Changed("budget") && fl.Changed("budget-per-cluster-day"):
		return nil, badInputf("--budget and --budget-per-cluster-day: give one")
	case fl.Changed("budget-per-cluster-day"):
		budget, perCluster = o.budgetCluster, true
		if !(budget > 0) || math.IsInf(budget, 0) {
			return nil, badInputf("--budget-per-cluster-day must be a positive number, got %v", budget)
		}
	case !fl.Changed("budget"):
		return nil, badInputf("--budget (false NotReady per node-day) or --budget-per-cluster-day is required")
	case !(budget > 0) || math.IsInf(budget, 0):
		return nil, badInputf("--budget must be a positive number, got %v", budget)
	}
	if !(o.confidence > 0 && o.confidence < 1) {
		return nil, badInputf("--confidence must be between 0 and 1, got %v", o.confidence)
	}
	if !(o.maxWork > 0) || math.IsInf(o.maxWork, 0) {
		return nil, badInputf("--max-work-node-days must be a positive number, got %v", o.maxWork)
	}
	if len(o.keys) == 0 {
		return nil, badInputf("--key is required (e.g. --key %s)", "controller.node-monitor-grace-period")
	}
	if len(o.mins) != len(o.keys) || len(o.maxs) != len(o.keys) {
		return nil, badInputf("--min and --max: give one of each per --key (%d --key, %d --min, %d --max)", len(o.keys), len(o.mins), len(o.maxs))
	}
	if len(o.resolutions) != 0 && len(o.resolutions) != len(o.keys) {
		return nil, badInputf("--resolution: give none or one per --key (%d --key, %d --resolution)", len(o.keys), len(o.resolutions))
	}
	var keys []recommend.Key
	for i, k := range o.keys {
		key, err := parseKey(o, i)
		if err != nil {
			return nil, err
		}
		if slices.ContainsFunc(keys, func(x recommend.Key) bool { return x.Name == k }) {
			return nil, badInputf("--key %s: given twice", k)
		}
		for _, s := range o.sets {
			if strings.HasPrefix(s, k+"=") {
				return nil, badInputf("--set %s: %s is the searched --key", s, k)
			}
		}
		keys = append(keys, key)
	}
	if g := recommend.GridSize(keys[1:]); g > maxGridPoints {
		return nil, badInputf("--key: the grid has %d points, at most %d; raise a --resolution or narrow a range", g, maxGridPoints)
	}
	sets := slices.Clone(o.sets)
	if fl.Changed("seed") {
		sets = append(sets, "simulation.seed="+strconv.FormatUint(o.seed, 10))
	}
	text, err := scenarios.Open(name)
	if err != nil {
		return nil, badInput(err)
	}
	sc, err := text.Load(sets)
	if err != nil {
		return nil, badInput(err)
	}
	for _, ax := range sc.Axes {
		if !slices.ContainsFunc(keys, func(k recommend.Key) bool { return k.Name == ax.Key }) {
			return nil, badInputf("%s sweeps %s, and recommend searches one setting at a time: pin it with --set %s=VALUE or search it with --key", name, ax.Key, ax.Key)
		}
	}
	for _, w := range sc.Warnings {
		fmt.Fprintf(cmd.ErrOrStderr(), "nodesim: warning: %v\n", w)
	}
	// The range's ends must be legal settings of the scenario.
	for i, k := range keys {
		for j, x := range []float64{k.Min, k.Max} {
			if _, err := text.Load(append(slices.Clone(sets), k.Name+"="+k.Format(x))); err != nil {
				var se *scenarios.Error
				if errors.As(err, &se) && se.Key == k.Name {
					return nil, badInputf("%s %s: %s: %s", []string{"--min", "--max"}[j], []string{o.mins[i], o.maxs[i]}[j], k.Name, se.Msg)
				}
				return nil, badInput(err)
			}
		}
	}
	return &recommend.Options{Scenario: text, Sets: sets, Keys: keys, Budget: budget, PerCluster: perCluster, Confidence: o.confidence,
		Workers: o.workers, MaxWorkNodeDays: o.maxWork, Method: o.method, Tolerance: !o.noTolerance}, nil
}

// parseKey reads --key i with its --min, --max and --resolution.
func parseKey(o *recommendOptions, i int) (recommend.Key, error) {
	name := o.keys[i]
	kind, err := scenarios.KeyKind(name)
	if err != nil {
		return recommend.Key{}, badInputf("--key %s: %v", name, err)
	}
	if kind == scenarios.KindOther || strings.HasPrefix(name, "simulation.") {
		return recommend.Key{}, badInputf("--key %s: not a numeric or duration setting, so there is no range to search", name)
	}
	k := recommend.Key{Name: name, Kind: kind}
	if k.Min, err = parseValue(kind, o.mins[i]); err != nil {
		return k, badInputf("--min %s: %v", o.mins[i], err)
	}
	if k.Max, err = parseValue(kind, o.maxs[i]); err != nil {
		return k, badInputf("--max %s: %v", o.maxs[i], err)
	}
	if k.Min > k.Max {
		return k, badInputf("--min %s is above --max %s for %s", o.mins[i], o.maxs[i], name)
	}
	switch {
	case len(o.resolutions) > 0:
		if k.Res, err = parseValue(kind, o.resolutions[i]); err != nil {
			return k, badInputf("--resolution %s: %v", o.resolutions[i], err)
		}
		if !(k.Res > 0) {
			return k, badInputf("--resolution %s for %s must be positive", o.resolutions[i], name)
		}
	case kind == scenarios.KindFloat:
		k.Res = (k.Max - k.Min) / 64
	default:
		k.Res = 1 // a second, or one
	}
	if k.Res == 0 {
		k.Res = 1
	}
	if n := (k.Max - k.Min) / k.Res; i > 0 && n+1 > maxGridValues {
		return k, badInputf("--resolution for grid key %s gives %.0f values, at most %d", name, math.Floor(n)+1, maxGridValues)
	} else if n > 1e7 {
		return k, badInputf("--resolution for %s gives %.3g values; raise it", name, n)
	}
	return k, nil
}

// parseValue reads a value of a key of kind in base units.
func parseValue(kind scenarios.Kind, s string) (float64, error) {
	switch kind {
	case scenarios.KindDuration:
		d, err := scenarios.ParseDuration(s)
		return d.Seconds(), err
	case scenarios.KindInt:
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("want an integer")
		}
		return float64(n), nil
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
		return 0, fmt.Errorf("want a number")
	}
	return x, nil
}

// reproduceRecommend is the command line that reruns this answer; flags
// that cannot change it are left out.
func reproduceRecommend(name string, o *recommendOptions, cmd *cobra.Command) string {
	parts := []string{"nodesim", "recommend", shellQuote(name)}
	for i, k := range o.keys {
		parts = append(parts, "--key", k, "--min", shellQuote(o.mins[i]), "--max", shellQuote(o.maxs[i]))
		if len(o.resolutions) > 0 {
			parts = append(parts, "--resolution", shellQuote(o.resolutions[i]))
		}
	}
	if cmd.Flags().Changed("budget-per-cluster-day") {
		parts = append(parts, "--budget-per-cluster-day", strconv.FormatFloat(o.budgetCluster, 'g', -1, 64))
	} else {
		parts = append(parts, "--budget", strconv.FormatFloat(o.budget, 'g', -1, 64))
	}
	for _, f := range []string{"confidence", "method", "max-work-node-days", "seed"} {
		if cmd.Flags().Changed(f) {
			parts = append(parts, "--"+f, shellQuote(cmd.Flags().Lookup(f).Value.String()))
		}
	}
	for _, s := range o.sets {
		parts = append(parts, "--set", shellQuote(s))
	}
	if o.noTolerance {
		parts = append(parts, "--no-tolerance")
	}
	return strings.Join(parts, " ")
}
