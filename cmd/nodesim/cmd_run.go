package main

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"slices"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nodesim/nodesim/cmd/nodesim/internal/outdir"
	"github.com/nodesim/nodesim/cmd/nodesim/internal/progress"
	"github.com/nodesim/nodesim/cmd/nodesim/internal/summary"
	"github.com/nodesim/nodesim/model"
	"github.com/nodesim/nodesim/plots"
	"github.com/nodesim/nodesim/scenarios"
)

// runOptions are the flags of `nodesim run`.
type runOptions struct {
	sets         []string
	format       string
	out          string
	seed         uint64
	replications int
	workers      int
	quiet        bool
	cpuProfile   string
	method       string
	trace        string
	traceRep     int
	baseline     string
	shard        string
	tlPoint      string
	tlRep        int
}

var formats = []string{"text", "json", "csv", "markdown"}

func newRunCmd() *cobra.Command {
	o := &runOptions{}
	cmd := &cobra.Command{
		Use:   "run [SCENARIO]",
		Short: "Run a scenario (a built-in name or a TOML file; default: default)",
		Long: `Run simulates every point of a scenario's sweep, each over its replications,
and prints a summary. SCENARIO is a built-in name (see 'nodesim scenarios') or
a TOML file; without one, the built-in default runs. Every point uses the same
seed (common random numbers), so points differ only by their parameters.`,
		Example: `  nodesim run
  nodesim run grace-sweep --out review/
  nodesim run my.toml --set cluster.nodes=5000 --set controller.workers=1,8
  nodesim run default --set profile=v1.12,v1.33 --format markdown
  nodesim run bench --replications 8 --seed 7 --format json
  nodesim run watch-stall --set controller.node-monitor-grace-period=40s --trace stall.jsonl
  nodesim run grace-sweep --shard 0/3 --out parts/   # then 1/3, 2/3, and nodesim merge parts/partial-*`,
		Args:              argsBetween(0, 1),
		ValidArgsFunction: completeScenario,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runRun(cmd, o, args)
		},
	}
	f := cmd.Flags()
	f.StringArrayVar(&o.sets, "set", nil, "set a key, `key=value` (TOML value or bare string); key=v1,v2,... sweeps it; repeatable")
	f.StringVar(&o.format, "format", "text", "output format: "+strings.Join(formats, ", "))
	f.StringVar(&o.out, "out", "", "also write results.json, results.csv, report.md and charts into `DIR`")
	f.Uint64Var(&o.seed, "seed", 0, "random seed (default: the scenario's simulation.seed)")
	f.IntVar(&o.replications, "replications", 0, "replications per point (default: the scenario's simulation.replications)")
	f.IntVar(&o.workers, "workers", 0, "replications run in parallel, results do not depend on it (default: the number of CPUs)")
	f.BoolVar(&o.quiet, "quiet", false, "no progress bar")
	f.StringVar(&o.method, "method", "", "estimate false NotReady by `METHOD`: crude (count them) or rare (rare-event estimation); shorthand for --set simulation.method=METHOD")
	f.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the simulation to `FILE` (pprof format; make pgo uses it)")
	f.StringVar(&o.trace, "trace", "", "write what the node lifecycle controller observed in one replication to `FILE` (JSON lines, docs/trace.md)")
	f.IntVar(&o.traceRep, "trace-replication", 0, "the replication --trace records, from 0")
	f.StringVar(&o.baseline, "baseline", "", "state findings against the sweep point `POINT`: a value of the swept key, or key=value,... (default: the scenario's own values, when swept)")
	addTimelinePointFlag(cmd, &o.tlPoint)
	f.IntVar(&o.tlRep, timelineRepFlag, 0, "chart the timeline of replication `N`, from 0")
	f.StringVar(&o.shard, "shard", "", "run only shard `I/N` of the work (I from 0 to N-1) and write partial-I-of-N.json into --out, for 'nodesim merge'")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(formats, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func runRun(cmd *cobra.Command, o *runOptions, args []string) error {
	name := "default"
	if len(args) == 1 {
		name = args[0]
	}
	if !slices.Contains(formats, o.format) {
		return badInputf("--format %q: want one of %s", o.format, strings.Join(formats, ", "))
	}
	if !cmd.Flags().Changed("workers") {
		o.workers = runtime.NumCPU()
	}
	if o.workers < 1 {
		return badInputf("--workers must be >= 1, got %d", o.workers)
	}
	sh, err := shardFlag(cmd, o)
	if err != nil {
		return err
	}
	sets := append([]string(nil), o.sets...)
	if cmd.Flags().Changed("replications") {
		sets = append(sets, "simulation.replications="+strconv.Itoa(o.replications))
	}
	if cmd.Flags().Changed("seed") {
		sets = append(sets, "simulation.seed="+strconv.FormatUint(o.seed, 10))
	}
	if cmd.Flags().Changed("method") {
		sets = append(sets, "simulation.method="+strconv.Quote(o.method))
	}
	sc, err := scenarios.Load(name, sets)
	if err != nil {
		return badInput(err)
	}
	if err := checkMemory(sc, o.workers); err != nil {
		return err
	}
	baseline, err := baselinePoint(sc, o.baseline, cmd.Flags().Changed("baseline"))
	if err != nil {
		return err
	}
	tlPoint, err := timelineRun(cmd, sc, o.tlPoint, o.tlRep)
	if err != nil {
		return err
	}
	for _, w := range sc.Warnings {
		fmt.Fprintf(cmd.ErrOrStderr(), "nodesim: warning: %v\n", w)
	}
	if o.out != "" {
		if err := outdir.Check(o.out); err != nil {
			return badInputf("--out %v", err)
		}
	}
	command := reproduce(name, o, cmd.Flags().Changed("replications"), sc.Base.Simulation.Seed)
	trace, err := startTrace(cmd, o, sc)
	if err != nil {
		return err
	}
	defer trace.abort()
	var prof *cpuProfile
	if o.cpuProfile != "" {
		if prof, err = startCPUProfile(o.cpuProfile); err != nil {
			return badInput(err)
		}
		defer prof.stop()
	}
	if sh != nil {
		if err := runShard(cmd, o, sc, *sh, command, baseline, tlPoint); err != nil {
			return err
		}
		return prof.write()
	}
	res, err := simulate(cmd, sc, o, trace.spec())
	if err != nil {
		return err
	}
	if err := prof.write(); err != nil {
		return err
	}
	res.Command = command
	res.Baseline = baseline
	res.TimelinePoint = tlPoint
	if o.out != "" {
		if err := writeOut(o.out, res); err != nil {
			return err
		}
	}
	if err := trace.commit(); err != nil {
		return err
	}
	return printResults(cmd.OutOrStdout(), o.format, res)
}

// simulate runs every point in order and fills the results document.
func simulate(cmd *cobra.Command, sc *scenarios.Scenario, o *runOptions, tr *model.Trace) (*model.Results, error) {
	total := 0
	for _, p := range sc.Points {
		total += p.Config.Simulation.Replications
	}
	bar := progress.New(cmd.ErrOrStderr(), total, o.quiet)
	defer bar.Done()
	res := resultsHeader(sc)
	for _, p := range sc.Points {
		pt, err := model.RunPointTraced(cmd.Context(), p.Config, o.workers, bar.Step, tr)
		if err != nil {
			return nil, err
		}
		pt.Params = p.Params
		res.Points = append(res.Points, pt)
	}
	return res, nil
}

// resultsHeader is the results document of sc without its points.
func resultsHeader(sc *scenarios.Scenario) *model.Results {
	return &model.Results{
		NodesimVersion: version,
		Scenario:       sc.Name,
		Seed:           sc.Base.Simulation.Seed,
		Description:    sc.Description,
		Profile:        sc.Profile,
		Sweep:          sc.SweepAxes(),
		Named:          sc.NamedPoints(),
		Changed:        sc.Changed(),
		GraceS:         sc.Base.Controller.NodeMonitorGracePeriod.Seconds(),
	}
}

// reproduce is the command line that reruns this exact result; flags that
// cannot change results (--workers, --format, --out, --quiet, and --shard:
// merged shards are the unsharded result) are left out.
func reproduce(name string, o *runOptions, reps bool, seed uint64) string {
	parts := []string{"nodesim", "run", shellQuote(name)}
	for _, s := range o.sets {
		parts = append(parts, "--set", shellQuote(s))
	}
	if reps {
		parts = append(parts, "--replications", strconv.Itoa(o.replications))
	}
	if o.method != "" {
		parts = append(parts, "--method", shellQuote(o.method))
	}
	if o.baseline != "" {
		parts = append(parts, "--baseline", shellQuote(o.baseline))
	}
	if o.tlPoint != "" {
		parts = append(parts, "--"+timelinePointFlag, shellQuote(o.tlPoint))
	}
	if o.tlRep != 0 {
		parts = append(parts, "--"+timelineRepFlag, strconv.Itoa(o.tlRep))
	}
	return strings.Join(append(parts, "--seed", strconv.FormatUint(seed, 10)), " ")
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	safe := s != ""
	for _, r := range s {
		if !strings.ContainsRune("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=,:@+%", r) {
			safe = false
			break
		}
	}
	if safe {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}

func printResults(w io.Writer, format string, res *model.Results) error {
	switch format {
	case "json":
		return summary.JSON(w, res)
	case "csv":
		return summary.CSV(w, res)
	case "markdown":
		return summary.Markdown(w, res)
	}
	return summary.Text(w, res)
}

// writeOut renders every output file in memory, then writes them all.
func writeOut(dir string, res *model.Results) error {
	var js, csv bytes.Buffer
	if err := summary.JSON(&js, res); err != nil {
		return err
	}
	if err := summary.CSV(&csv, res); err != nil {
		return err
	}
	files, err := renderCharts(res)
	if err != nil {
		return err
	}
	files = append([]outdir.File{{Name: "results.json", Data: js.Bytes()}, {Name: "results.csv", Data: csv.Bytes()}}, files...)
	if err := outdir.Write(dir, files); err != nil {
		return fmt.Errorf("writing %s: %w", dir, err)
	}
	return nil
}

// renderCharts returns the chart files and report.md.
func renderCharts(res *model.Results) ([]outdir.File, error) {
	cs, skipped, err := plots.Render(res)
	if err != nil {
		return nil, fmt.Errorf("charts: %w", err)
	}
	var files []outdir.File
	for _, c := range cs {
		files = append(files, outdir.File{Name: c.Name, Data: c.Data})
	}
	return append(files, outdir.File{Name: "report.md", Data: plots.Report(res, cs, skipped)}), nil
}
