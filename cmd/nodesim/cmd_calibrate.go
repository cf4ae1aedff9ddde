package main

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nodesim/nodesim/cmd/nodesim/internal/scrape"
	"github.com/nodesim/nodesim/model"
	"github.com/nodesim/nodesim/scenarios"
)

// calibration maps one scenario key to the apiserver series it comes from.
type calibration struct {
	key  string
	sel  scrape.Selector
	what string
}

const requestDuration = "apiserver_request_duration_seconds"

func requests(verb, resource, sub string) scrape.Selector {
	return scrape.Selector{Metric: requestDuration, Match: [][2]string{{"verb", verb}, {"resource", resource}, {"subresource", sub}}}
}

// calibrations: the lease loop's PUT and GET are the heartbeat's requests;
// the status loop's PATCH is reported beside write-latency, which the
// model also draws status patches from.
var (
	calibrations = []calibration{
		{"apiserver.write-latency", requests("PUT", "leases", ""), "lease renewals (PUT leases)"},
		{"apiserver.read-latency", requests("GET", "leases", ""), "lease reads (GET leases)"},
	}
	statusPatch = requests("PATCH", "nodes", "status")
)

const calibrateTag = "calibrate:"

func newCalibrateCmd() *cobra.Command {
	var base string
	var olds []string
	cmd := &cobra.Command{
		Use:   "calibrate METRICS...",
		Short: "Print a scenario with apiserver latencies from your cluster's Prometheus histograms",
		Long: `Calibrate reads saved kube-apiserver /metrics scrapes (Prometheus text format
or OpenMetrics) and prints a complete scenario: --scenario (default: the
built-in default) with apiserver.write-latency from the lease PUT histogram
and apiserver.read-latency from the lease GET histogram of
apiserver_request_duration_seconds, each as a histogram distribution summed
over every instance and file, with a comment naming the series, the number
of requests and the p50/p99 it implies. Give one scrape per apiserver, or one
federated scrape with instance labels.

Counters run from each apiserver's start, so one scrape is its whole life.
With --window-from (one earlier scrape per METRICS file, in the same order)
each series contributes its increase between the two, as Prometheus's
increase() does (a counter that went backwards was reset and counts from
zero). A series the scrapes lack is named in a warning and the scenario's
value is kept.`,
		Example: `  curl -sk --cert c.pem --key k.pem https://apiserver:6443/metrics > scrape.prom
  nodesim calibrate scrape.prom > mine.toml && nodesim run mine.toml
  nodesim calibrate apiserver-a.prom apiserver-b.prom --scenario grace-sweep
  nodesim calibrate today.prom --window-from last-week.prom`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return badInputf("%s needs at least one metrics file (see '%s --help')", cmd.CommandPath(), cmd.CommandPath())
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runCalibrate(cmd.OutOrStdout(), cmd.ErrOrStderr(), base, args, olds)
		},
	}
	cmd.Flags().StringVar(&base, "scenario", "default", "the scenario to calibrate: a built-in `NAME` or a TOML FILE")
	cmd.Flags().StringArrayVar(&olds, "window-from", nil, "an earlier scrape `OLD` of the same apiserver: use the increase since it; once per METRICS file")
	_ = cmd.RegisterFlagCompletionFunc("scenario", completeScenario)
	return cmd
}

func runCalibrate(stdout, stderr io.Writer, base string, paths, oldPaths []string) error {
	news, err := readScrapes(paths)
	if err != nil {
		return err
	}
	olds, err := readScrapes(oldPaths)
	if err != nil {
		return err
	}
	if olds != nil && len(olds) != len(news) {
		return badInputf("--window-from: %s for %s; give one per file, in the same order", plural(len(olds), "old scrape"), plural(len(news), "metrics file"))
	}
	text, sc, err := openBase(base)
	if err != nil {
		return err
	}
	from := strings.Join(paths, ", ")
	if olds != nil {
		from += " minus " + strings.Join(oldPaths, ", ")
	}
	var edits []scenarios.Edit
	var done []string
	var warnings []string // printed only when the scenario is
	warn := func(format string, a ...any) { warnings = append(warnings, fmt.Sprintf(format, a...)) }
	for _, c := range calibrations {
		res, found, err := scrape.Sum(c.sel, news, olds)
		if err != nil {
			return badInput(err)
		}
		kept := settingValue(sc, c.key)
		switch {
		case !found:
			warn("%s: no %s in %s; keeping the scenario's %s", c.key, c.sel, from, kept)
			continue
		case !(res.Histogram.Total > 0):
			warn("%s: %s counted no requests in %s; keeping the scenario's %s", c.key, c.sel, from, kept)
			continue
		}
		e, err := histogramEdit(c, res, from, news, olds, warn)
		if err != nil {
			return err
		}
		for _, ax := range sc.Axes {
			if ax.Key == c.key {
				warn("the %s scenario sweeps %s: its sweep replaces the calibrated histogram at every point", sc.Name, c.key)
			}
		}
		for _, np := range sc.Named {
			for _, st := range np.Settings {
				if st.Key == c.key {
					warn("the %s scenario's point %q sets %s (%s): it replaces the calibrated histogram there", sc.Name, np.Name, c.key, st.Pos)
				}
			}
		}
		if c.key == "apiserver.write-latency" {
			e.Comment = append(e.Comment, statusPatchNote(news, olds)...)
		}
		edits = append(edits, e)
		done = append(done, c.key)
	}
	if len(edits) == 0 {
		return badInputf("%s: no %s histogram for leases: is this a kube-apiserver /metrics scrape?", from, requestDuration)
	}
	orig := strings.TrimSuffix(sc.Name, "-calibrated")
	desc := fmt.Sprintf("The %s scenario with %s from %s (nodesim calibrate).", orig, strings.Join(done, " and "), from)
	edits = append(edits, scenarios.Edit{Key: "name", Value: strconv.Quote(orig + "-calibrated")}, scenarios.Edit{Key: "description", Value: strconv.Quote(desc)})
	out, err := text.Edit(edits)
	if err != nil {
		return fmt.Errorf("calibrate: %w", err)
	}
	for _, w := range warnings {
		fmt.Fprintf(stderr, "nodesim: warning: %s\n", w)
	}
	_, err = io.WriteString(stdout, out.String())
	return err
}

func readScrapes(paths []string) ([]*scrape.File, error) {
	var fs []*scrape.File
	for _, p := range paths {
		f, err := scrape.ReadFile(p)
		if err != nil {
			return nil, badInput(err)
		}
		fs = append(fs, f)
	}
	return fs, nil
}

// histogramEdit renders a summed histogram as the key's new value with its
// provenance above it.
func histogramEdit(c calibration, res scrape.Result, from string, news, olds []*scrape.File, warn func(string, ...any)) (scenarios.Edit, error) {
	h := res.Histogram
	b, err := model.NewBuckets(append(append([]float64(nil), h.Bounds...), math.Inf(1)), append(append([]float64(nil), h.Counts...), h.Total))
	if err != nil {
		return scenarios.Edit{}, badInputf("%s: %s in %s: %v", c.key, c.sel, from, err)
	}
	top := h.Bounds[len(h.Bounds)-1]
	above := h.Total - h.Counts[len(h.Counts)-1]
	if above > 0 {
		warn("%s: %s requests (%.2g%%) took longer than the largest bucket, %gs, and are drawn at %gs", c.key, formatCount(above), 100*above/h.Total, top, top)
	}
	if h.Total < 100 {
		warn("%s: only %s requests in %s: the histogram's tail rests on very few", c.key, formatCount(h.Total), from)
	}
	for _, r := range res.Resets {
		warn("%s: %s went backwards since the --window-from scrape (the apiserver restarted?): counted from its restart", c.key, r)
	}
	if len(res.Dropped) > 0 {
		warn("%s: buckets %v are not in every series and were merged into their neighbours", c.key, res.Dropped)
	}
	inst := plural(res.Instances, "instance")
	comment := []string{
		fmt.Sprintf("%s: %s", c.what, c.sel),
		fmt.Sprintf("in %s: %s, %s, %s requests; p50 %s, p99 %s (histogram_quantile)", from, inst, plural(res.Series, "series"), formatCount(h.Total), seconds(b.Quantile(0.5)), seconds(b.Quantile(0.99))),
		"server-side latency, as the apiserver measured it: the kubelet's network time is not in it",
	}
	return scenarios.Edit{Key: c.key, Value: histogramTOML(h), Comment: comment, Tag: calibrateTag}, nil
}

// statusPatchNote reports the node status PATCH histogram, which the model
// does not draw separately.
func statusPatchNote(news, olds []*scrape.File) []string {
	res, found, err := scrape.Sum(statusPatch, news, olds)
	if err != nil || !found || !(res.Histogram.Total > 0) {
		return nil
	}
	h := res.Histogram
	b, err := model.NewBuckets(append(append([]float64(nil), h.Bounds...), math.Inf(1)), append(append([]float64(nil), h.Counts...), h.Total))
	if err != nil {
		return nil
	}
	return []string{fmt.Sprintf("status patches (PATCH nodes/status): %s requests; p50 %s, p99 %s: the model draws them from this distribution too",
		formatCount(h.Total), seconds(b.Quantile(0.5)), seconds(b.Quantile(0.99)))}
}

// histogramTOML writes { dist = "histogram", le = [...], counts = [...] }
// with the +Inf bucket last.
func histogramTOML(h scrape.Histogram) string {
	le := make([]string, 0, len(h.Bounds)+1)
	counts := make([]string, 0, len(h.Bounds)+1)
	for i, b := range h.Bounds {
		le = append(le, strconv.FormatFloat(b, 'g', -1, 64))
		counts = append(counts, formatCount(h.Counts[i]))
	}
	le = append(le, "inf")
	counts = append(counts, formatCount(h.Total))
	return fmt.Sprintf(`{ dist = "histogram", le = [%s], counts = [%s] }`, strings.Join(le, ", "), strings.Join(counts, ", "))
}

func formatCount(c float64) string {
	if c == math.Trunc(c) && math.Abs(c) < 1e15 {
		return strconv.FormatFloat(c, 'f', 0, 64)
	}
	return strconv.FormatFloat(c, 'g', -1, 64)
}

func plural(n int, word string) string {
	if n == 1 || strings.HasSuffix(word, "s") {
		return fmt.Sprintf("%d %s", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// seconds prints seconds with 3 significant digits in a readable unit.
func seconds(s float64) string {
	switch {
	case s >= 1:
		return strconv.FormatFloat(s, 'g', 3, 64) + "s"
	case s >= 1e-3:
		return strconv.FormatFloat(s*1e3, 'g', 3, 64) + "ms"
	}
	return strconv.FormatFloat(s*1e6, 'g', 3, 64) + "us"
}

func settingValue(sc *scenarios.Scenario, key string) string {
	for _, s := range sc.Settings {
		if s.Key == key {
			return s.Value
		}
	}
	return ""
}
