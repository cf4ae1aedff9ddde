package summary

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/nodesim/nodesim/internal/human"
	"github.com/nodesim/nodesim/model"
	"github.com/nodesim/nodesim/results"
)

// Text writes the summary for a terminal: one block for a single point,
// a table with one row per point for a sweep. Warnings are footnotes.
func Text(w io.Writer, res *model.Results) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintln(bw, header(res))
	var notes footnotes
	if len(res.Sweep) == 0 && len(res.Points) == 1 {
		textPoint(bw, res, &res.Points[0], &notes)
	} else {
		textSweep(bw, res, &notes)
	}
	textConditions(bw, res)
	if len(notes.text) > 0 {
		fmt.Fprintln(bw)
		for i, s := range notes.text {
			fmt.Fprintf(bw, "[%d] %s\n", i+1, s)
		}
	}
	if res.Command != "" {
		fmt.Fprintf(bw, "\nreproduce: %s\n", res.Command)
	}
	return bw.Flush()
}

func textPoint(w io.Writer, res *model.Results, p *model.Point, notes *footnotes) {
	fmt.Fprintf(w, "\n%s%s.\n\n", results.Capitalize(results.Sentence(p, results.FailureKinds(res))), notes.marks(p.Warnings, " [%d]"))
	for _, s := range results.Explanations(p) {
		fmt.Fprintf(w, "%s\n\n", s)
	}
	var rows [][]string
	for _, r := range pointRows(p) {
		rows = append(rows, r[:])
	}
	Table(w, rows)
	if l := LoadLine(p); l != "" {
		fmt.Fprintf(w, "\n%s.\n", l)
	}
}

// Table writes rows as space-aligned columns without trailing spaces.
func Table(w io.Writer, rows [][]string) {
	var b bytes.Buffer
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	tw.Flush()
	for _, line := range strings.SplitAfter(b.String(), "\n") {
		if line != "" {
			fmt.Fprintln(w, strings.TrimRight(line, " \n"))
		}
	}
}

// pointRows is the metric table of one point: name, value, 95% interval.
func pointRows(p *model.Point) [][3]string {
	rows := metricRows(p)
	if p.RatesNotApplicable { // a replay's figures are absolute: no per-day line
		for i := range rows {
			if perDay[rows[i][0]] {
				rows[i][1], rows[i][2] = "n/a", ""
			}
		}
	}
	return rows
}

// perDay are the rows that are rates per day (or per node-day).
var perDay = map[string]bool{
	"false NotReady per node-day": true, "  per cluster-day": true, "  P(a node-day has one)": true,
	"endpoint loss, pod-s per node-day": true, "false evictions per node-day": true,
}

func metricRows(p *model.Point) [][3]string {
	f, d, m, q, g := &p.FalseNotReady, &p.Detection, &p.MassNotReady, &p.QoS, &p.GapHistogram
	rows := [][3]string{
		{"false NotReady per node-day", estimate(f.RatePerNodeDay, f.RatePerNodeDayCI95), interval(f.RatePerNodeDayCI95)},
		{"  estimated by", EstimatorLine(&f.Estimator), ""},
		{eventsLabel(f), fmt.Sprint(f.Events), ""},
		{"  episodes, largest", fmt.Sprintf("%d, %d", f.Episodes, f.LargestEpisode), ""},
		{"  per cluster-day", num(f.PerClusterDay), ""},
		{"  P(a node-day has one)", percent(f.ProbabilityPerNodeDay), percentInterval(f.ProbabilityPerNodeDayCI95)},
		{"  P(per heartbeat)", num(f.ProbabilityPerHeartbeat), ""},
		{"  duration mean, p99", secs(f.MeanDurationS) + ", " + secs(f.P99DurationS), ""},
		{"endpoint loss, pod-s per node-day", estimate(p.EndpointLoss.SecondsPerNodeDay, p.EndpointLoss.SecondsPerNodeDayCI95), boundedInterval(p.EndpointLoss.SecondsPerNodeDayCI95)},
		{"false evictions per node-day", estimate(p.FalseEvictions.RatePerNodeDay, p.FalseEvictions.RatePerNodeDayCI95), interval(p.FalseEvictions.RatePerNodeDayCI95)},
		{"mass NotReady: max fraction, episodes", percent(m.MaxFraction) + ", " + fmt.Sprint(m.Episodes), ""},
		{"  time in partial, full disruption", percent(m.PartialDisruptionTimeFraction) + ", " + percent(m.FullDisruptionTimeFraction), ""},
		{"detection: failures, detected", fmt.Sprintf("%d, %d", d.Failures, d.Detected), ""},
		{"  latency p50, p99, max", human.JoinDurations(", ", float64(d.P50S), float64(d.P99S), float64(d.MaxS)), ""},
	}
	rows = append(rows, failoverRows(p)...)
	rows = append(rows, [][3]string{
		{"QoS: T_MR, T_M, P_A", secs(q.TMRS) + ", " + secs(q.TMS) + ", " + human.Sig(float64(q.PA), 7), ""},
		{"heartbeat gaps p50, p99, max", human.JoinDurations(", ", float64(g.P50S), float64(g.P99S), float64(g.MaxS)), ""},
		{"node-days simulated", human.NodeDays(p.NodeDays), ""},
		{"incidents after warmup", IncidentCountsLine(p.IncidentCounts), ""},
	}...)
	return append(rows, zoneRows(p)...)
}

// failoverRows are the failover times after injected failures, when any
// failure was detected.
func failoverRows(p *model.Point) [][3]string {
	if p.Detection.Detected == 0 {
		return nil
	}
	fo := &p.Failover
	three := func(a, b, c model.Num) string { return human.JoinDurations(", ", float64(a), float64(b), float64(c)) }
	rows := [][3]string{
		{"failover: endpoints out p50, p99, max", three(fo.EndpointsRemovedP50S, fo.EndpointsRemovedP99S, fo.EndpointsRemovedMaxS), ""},
		{"  NoExecute taint p50, p99, max", three(fo.TaintedP50S, fo.TaintedP99S, fo.TaintedMaxS), ""},
		{"  pods evicted p50, p99, max", three(fo.EvictedP50S, fo.EvictedP99S, fo.EvictedMaxS), ""},
		{"  not evicted, in full disruption", fmt.Sprintf("%d, %d", fo.NotEvicted, fo.NotEvictedFullDisruption), ""},
	}
	if len(fo.ByKind) < 2 {
		return rows
	}
	rows = append(rows, [3]string{"  by kind (p50): det, out, evicted", "", ""})
	for _, k := range fo.ByKind {
		rows = append(rows, [3]string{fmt.Sprintf("    %s (%d)", k.Kind, k.Failures), three(k.DetectionP50S, k.EndpointsRemovedP50S, k.EvictedP50S), ""})
	}
	return rows
}

// zoneRows are one compact row per zone, when there is more than one.
func zoneRows(p *model.Point) [][3]string {
	if len(p.Zones) < 2 {
		return nil
	}
	note := ""
	if p.FalseNotReady.Estimator.Method == model.MethodRare {
		note = "crude counts, in the replications"
	}
	rows := [][3]string{{"zones: false NR, part, full, evicted", note, ""}}
	for _, z := range p.Zones {
		rows = append(rows, [3]string{fmt.Sprintf("  zone %d (%d nodes)", z.Zone, z.Nodes),
			fmt.Sprintf("%d, %s, %s, %d", z.FalseNotReady, percent(z.PartialDisruptionTimeFraction), percent(z.FullDisruptionTimeFraction), z.Evictions), ""})
	}
	return rows
}

// boundedInterval is interval, or nothing when the top is unknown.
func boundedInterval(iv model.Interval) string {
	if !iv.Hi.Defined() {
		return ""
	}
	return interval(iv)
}

func eventsLabel(f *model.FalseNotReady) string {
	if f.Estimator.Method == model.MethodRare {
		return "  events in the replications"
	}
	return "  events"
}

// EstimatorLine says how a false-NotReady figure was estimated: "crude,
// ±12%" or "rare, ±2.9% (target ±20%), 585 node-days of work".
func EstimatorLine(e *model.Estimator) string {
	s := e.Method
	if e.RelativeError.Defined() {
		s += ", ±" + percent(e.RelativeError)
	}
	if e.Method == model.MethodRare {
		if e.TargetRelativeError.Defined() {
			s += " (target ±" + percent(e.TargetRelativeError) + ")"
		}
		s += ", " + human.NodeDays(float64(e.WorkNodeDays)) + " node-days of work"
		switch e.StoppedBy {
		case "work-cap":
			s += ", stopped by the work cap"
		case "below-floor":
			s += ", stopped below the rate floor"
		}
	}
	return s
}

// IncidentCountsLine lists incidents by spec: "etcd leader election 1".
func IncidentCountsLine(c map[string]int64) string {
	if len(c) == 0 {
		return "none configured"
	}
	var parts []string
	for _, k := range sortedKeys(stringify(c)) {
		parts = append(parts, fmt.Sprintf("%s %d", k, c[k]))
	}
	return strings.Join(parts, ", ")
}

func stringify(c map[string]int64) map[string]string {
	m := make(map[string]string, len(c))
	for k, v := range c {
		m[k] = fmt.Sprint(v)
	}
	return m
}

// sweepColumns are the per-point columns of a sweep table.
var sweepColumns = []string{"false NR/node-day", "95% CI", "±", "P(node-day)", "endpoint s/node-day", "evict/node-day", "detect p50", "p99", "undetected", "max NR"}

func sweepRow(p *model.Point) []string {
	f, d := &p.FalseNotReady, &p.Detection
	rel := "-"
	if f.Estimator.RelativeError.Defined() {
		rel = percent(f.Estimator.RelativeError)
	}
	rate, ci, prob, endpoint, evict := estimate(f.RatePerNodeDay, f.RatePerNodeDayCI95), interval(f.RatePerNodeDayCI95), percent(f.ProbabilityPerNodeDay),
		estimate(p.EndpointLoss.SecondsPerNodeDay, p.EndpointLoss.SecondsPerNodeDayCI95), estimate(p.FalseEvictions.RatePerNodeDay, p.FalseEvictions.RatePerNodeDayCI95)
	if p.RatesNotApplicable { // a replay's figures are absolute: its sentence has them
		rate, ci, rel, prob, endpoint, evict = "n/a", "", "", "n/a", "n/a", "n/a"
	}
	return []string{
		rate, ci, rel, prob, endpoint, evict,
		secs(d.P50S), secs(d.P99S), fmt.Sprintf("%d/%d", d.Failures-d.Detected, d.Failures), percent(p.MassNotReady.MaxFraction),
	}
}

func textSweep(w io.Writer, res *model.Results, notes *footnotes) {
	fmt.Fprintln(w)
	var head []string
	for _, ax := range res.Sweep {
		head = append(head, shortKey(ax.Key))
	}
	rows := [][]string{append(head, sweepColumns...)}
	for i := range res.Points {
		p := &res.Points[i]
		var cells []string
		for _, ax := range res.Sweep {
			cells = append(cells, p.Params[ax.Key])
		}
		cells = append(cells, sweepRow(p)...)
		rows = append(rows, append(cells, notes.marks(p.Warnings, "[%d]")))
	}
	Table(w, rows)
	fmt.Fprintln(w)
	kinds := results.FailureKinds(res)
	for i := range res.Points {
		p := &res.Points[i]
		fmt.Fprintf(w, "%s: %s.\n", paramsLabel(res, p), results.Sentence(p, kinds))
		for _, s := range results.Explanations(p) {
			fmt.Fprintf(w, "  %s\n", s)
		}
		if l := LoadLine(p); l != "" {
			fmt.Fprintf(w, "  %s.\n", l)
		}
	}
}
