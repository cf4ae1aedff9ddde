package plots

import (
	"bytes"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/nodesim/nodesim/model"
)

// Report returns report.md for res, embedding the chart files by name
// (relative links, SVG preferred) and listing the skipped charts.
func Report(res *model.Results, files []File, skipped []Skip) []byte {
	if res == nil {
		res = &model.Results{}
	}
	var b bytes.Buffer
	axes := axesOf(res)
	name := res.Scenario
	if name == "" {
		name = "nodesim run"
	}
	fmt.Fprintf(&b, "# %s\n\n", name)
	if d := strings.TrimSpace(res.Description); d != "" {
		fmt.Fprintf(&b, "%s\n\n", d)
	}
	var meta []string
	if res.Profile != "" {
		meta = append(meta, "profile `"+res.Profile+"`")
	}
	if res.NodesimVersion != "" {
		meta = append(meta, "nodesim "+res.NodesimVersion)
	}
	meta = append(meta, fmt.Sprintf("seed %d", res.Seed), fmt.Sprintf("%d point(s)", len(res.Points)))
	if len(res.Points) > 0 {
		meta = append(meta, fmt.Sprintf("%d replication(s) per point", res.Points[0].Replications))
	}
	fmt.Fprintf(&b, "_%s_\n\n", strings.Join(meta, " · "))

	b.WriteString("## Key findings\n\n")
	if len(res.Points) == 0 {
		b.WriteString("- The results contain no points.\n")
	}
	for _, f := range findings(res, axes) {
		fmt.Fprintf(&b, "- %s\n", f)
	}
	for _, p := range res.Points {
		for _, line := range p.Explanations() {
			if len(axes) > 0 {
				line = "At " + paramLabel(p, axes) + ": " + line
			}
			fmt.Fprintf(&b, "- %s\n", line)
		}
	}
	b.WriteString("\n")

	namedPoints(&b, res)
	b.WriteString("## Changed parameters\n\n")
	if len(res.Changed) == 0 {
		b.WriteString("None: every parameter is the profile's default.\n\n")
	} else {
		b.WriteString("| Parameter | Value | Default | Set in |\n|---|---|---|---|\n")
		for _, c := range res.Changed {
			fmt.Fprintf(&b, "| `%s` | %s | %s | %s |\n", c.Key, cell(c.Value), cell(c.Default), cell(c.Source))
		}
		b.WriteString("\n")
	}

	b.WriteString("## Results\n\n")
	resultsTable(&b, res, axes)
	zonesTable(&b, res, axes)
	kindsTable(&b, res, axes)
	conditionsSection(&b, res, axes) // conditions_report.go

	b.WriteString("## Charts\n\n")
	have := map[string]bool{}
	var bases []string
	for _, f := range files {
		base := strings.TrimSuffix(strings.TrimSuffix(f.Name, ".svg"), ".png")
		if !have[base] {
			bases = append(bases, base)
		}
		have[f.Name], have[base] = true, true
	}
	if len(bases) == 0 {
		b.WriteString("No charts were drawn.\n\n")
	}
	for _, base := range bases {
		link := base + ".svg"
		if !have[link] {
			link = base + ".png"
		}
		title := chartTitle(base)
		fmt.Fprintf(&b, "### %s\n\n![%s](%s)\n\n", title, title, link)
	}
	if len(skipped) > 0 {
		b.WriteString("Charts not drawn:\n\n")
		for _, s := range skipped {
			fmt.Fprintf(&b, "- **%s** (%s): %s.\n", chartTitle(s.Chart), s.Chart, s.Reason)
		}
		b.WriteString("\n")
	}

	b.WriteString("## Warnings\n\n")
	nw := 0
	for _, p := range res.Points {
		for _, w := range p.Warnings {
			if l := paramLabel(p, axes); l != "" {
				fmt.Fprintf(&b, "- %s: %s\n", l, w)
			} else {
				fmt.Fprintf(&b, "- %s\n", w)
			}
			nw++
		}
	}
	if nw == 0 {
		b.WriteString("None.\n")
	}
	b.WriteString("\n## Reproduce\n\n")
	if res.Command != "" {
		fmt.Fprintf(&b, "```sh\n%s\n```\n\n", res.Command)
	} else {
		fmt.Fprintf(&b, "The command was not recorded: run scenario `%s` with `--seed %d`.\n\n", name, res.Seed)
	}
	fmt.Fprintf(&b, "Seed: `%d`", res.Seed)
	if res.NodesimVersion != "" {
		fmt.Fprintf(&b, ", nodesim %s", res.NodesimVersion)
	}
	b.WriteString(".\n")
	return b.Bytes()
}

// byRare notes a rare-event estimate and its relative error.
func byRare(e *model.Estimator) string {
	if e.Method != model.MethodRare || !def(e.RelativeError) {
		return ""
	}
	return fmt.Sprintf(", rare-event estimate ±%s%%", fmtSig(100*float64(e.RelativeError), 2))
}

// finding is one plain-language bullet for point p.
func finding(p model.Point, axes []model.SweepAxis) string {
	where := "At the scenario's parameters"
	if l := paramLabel(p, axes); l != "" {
		where = "At " + l
	}
	f := p.FalseNotReady
	var s string
	switch {
	case p.RatesNotApplicable:
		s = where + ": per-day rates " + model.NotApplicable
	case f.Bounded() && def(f.RatePerNodeDayCI95.Hi):
		s = fmt.Sprintf("%s: no false NotReady in %s node-days; the rate is below %s per node-day (95%% upper bound), %s",
			where, fmtSig(p.NodeDays, 3), fmtSig(float64(f.RatePerNodeDayCI95.Hi), 2), every(float64(f.RatePerNodeDayCI95.Hi), "at most"))
	case def(f.RatePerNodeDay):
		r := float64(f.RatePerNodeDay)
		s = fmt.Sprintf("%s: %s false NotReady per node-day (95%% CI %s%s), %s",
			where, fmtSig(r, 2), ci(f.RatePerNodeDayCI95), byRare(&f.Estimator), every(r, "about"))
		if def(f.PerClusterDay) && r > 0 {
			pc := float64(f.PerClusterDay)
			s += fmt.Sprintf(", %s per day across %s nodes", fmtSig(pc, 2), fmtSig(math.Round(pc/r), 6))
		}
	default:
		s = where + ": false NotReady rate undefined (no healthy node-time)"
	}
	d := p.Detection
	switch {
	case d.Failures == 0:
		s += "; no failures injected"
	case def(d.P50S):
		s += fmt.Sprintf("; injected failures detected in %s s median, %s s p99 (%d of %d detected)",
			fmtSig(float64(d.P50S), 2), fmtSig(float64(d.P99S), 2), d.Detected, d.Failures)
	default:
		s += fmt.Sprintf("; none of %d injected failures detected", d.Failures)
	}
	if fo := p.Failover; fo.EndpointsRemoved > 0 || fo.Evicted > 0 {
		s += fmt.Sprintf("; endpoints removed %s s, NoExecute taint %s s, pods evicted %s s after the failure (median; p99 %s s)",
			num(fo.EndpointsRemovedP50S), num(fo.TaintedP50S), num(fo.EvictedP50S), num(fo.EvictedP99S))
		if fo.NotEvicted > 0 {
			s += fmt.Sprintf(", %d never evicted", fo.NotEvicted)
		}
	}
	if m := p.MassNotReady.MaxFraction; def(m) && m > 0 {
		s += fmt.Sprintf("; at worst %s of nodes Unknown at once", pct(float64(m)))
	}
	return s + "."
}

// every turns a rate per node-day into "about 1 every 48 days per node".
func every(r float64, qual string) string {
	if !(r > 0) {
		return "never observed"
	}
	days := 1 / r
	if days >= 1 {
		return fmt.Sprintf("%s 1 every %s days per node", qual, fmtSig(days, 2))
	}
	return fmt.Sprintf("%s 1 every %s hours per node", qual, fmtSig(days*24, 2))
}

// ci formats an interval as "lo–hi".
func ci(iv model.Interval) string {
	return fmtSig(float64(iv.Lo), 2) + "–" + fmtSig(float64(iv.Hi), 2)
}

// pct formats a fraction as a percentage.
func pct(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "–"
	}
	return fmtSig(100*x, 2) + "%"
}

// num formats a Num with 2 significant figures, "–" when undefined.
func num(n model.Num) string { return fmtSig(float64(n), 2) }

// cell escapes a value for a Markdown table cell.
func cell(s string) string {
	if s == "" {
		return "–"
	}
	return strings.ReplaceAll(s, "|", `\|`)
}

// resultsTable writes one row per point.
func resultsTable(b *bytes.Buffer, res *model.Results, axes []model.SweepAxis) {
	if len(res.Points) == 0 {
		b.WriteString("No points.\n\n")
		return
	}
	var head []string
	for _, ax := range axes {
		head = append(head, "`"+ax.Key+"`")
	}
	head = append(head, "node-days", "false NotReady", "rate /node-day (95% CI)", "P(≥1) /node-day",
		"mean duration (s)", "endpoint loss (s/node-day)", "false evictions", "detection p50 / p99 (s)", "max Unknown",
		"endpoints removed p50 / p99 (s)", "evicted p50 / p99 (s)", "not evicted")
	fmt.Fprintf(b, "| %s |\n|%s\n", strings.Join(head, " | "), strings.Repeat("---|", len(head)))
	for _, p := range res.Points {
		var row []string
		for _, ax := range axes {
			row = append(row, cell(p.Params[ax.Key]))
		}
		f := p.FalseNotReady
		rate := num(f.RatePerNodeDay) + " (" + ci(f.RatePerNodeDayCI95) + ")"
		prob := pct(float64(f.ProbabilityPerNodeDay))
		if def(f.ProbabilityPerNodeDayCI95.Hi) {
			prob += " (" + pct(float64(f.ProbabilityPerNodeDayCI95.Lo)) + "–" + pct(float64(f.ProbabilityPerNodeDayCI95.Hi)) + ")"
		}
		det := num(p.Detection.P50S) + " / " + num(p.Detection.P99S)
		endpoint := num(p.EndpointLoss.SecondsPerNodeDay)
		if p.RatesNotApplicable { // a replay's figures are absolute: Key findings has them
			rate, prob, endpoint = "n/a (replays only)", "n/a", "n/a"
		}
		row = append(row, fmtSig(p.NodeDays, 3), fmt.Sprint(f.Events), rate, prob,
			num(f.MeanDurationS), endpoint,
			fmt.Sprint(p.FalseEvictions.Count), det, pct(float64(p.MassNotReady.MaxFraction)),
			num(p.Failover.EndpointsRemovedP50S)+" / "+num(p.Failover.EndpointsRemovedP99S),
			num(p.Failover.EvictedP50S)+" / "+num(p.Failover.EvictedP99S), fmt.Sprint(p.Failover.NotEvicted))
		fmt.Fprintf(b, "| %s |\n", strings.Join(row, " | "))
	}
	b.WriteString("\n")
}

// namedPoints lists the scenario's named points: what each sets over the
// changed parameters and its description (a recipe's source).
func namedPoints(b *bytes.Buffer, res *model.Results) {
	if len(res.Named) == 0 {
		return
	}
	b.WriteString("## Named points\n\n")
	for _, np := range res.Named {
		var set []string
		for _, p := range res.Points {
			if p.Params["name"] != np.Name {
				continue
			}
			for _, k := range sortedKeys(p.Params) {
				if k != "name" && !swept(res, k) && !flagSet(res, k, p.Params[k]) {
					set = append(set, "`"+k+"` = "+p.Params[k])
				}
			}
			break
		}
		fmt.Fprintf(b, "- **%s**", np.Name)
		if len(set) > 0 {
			fmt.Fprintf(b, ": %s", strings.Join(set, ", "))
		}
		if np.Description != "" {
			fmt.Fprintf(b, " — %s", np.Description)
		}
		b.WriteString("\n")
	}
	b.WriteString("\n")
}

// zonesTable writes each point's zones, when there is more than one: zone
// state drives the eviction rate.
func zonesTable(b *bytes.Buffer, res *model.Results, axes []model.SweepAxis) {
	if len(res.Points) == 0 || len(res.Points[0].Zones) < 2 {
		return
	}
	b.WriteString("Per zone:\n\n")
	var head []string
	if len(axes) > 0 {
		head = append(head, "point")
	}
	head = append(head, "zone", "nodes", "false NotReady", "rate /node-day", "partial disruption", "full disruption", "pods evicted", "of them false")
	fmt.Fprintf(b, "| %s |\n|%s\n", strings.Join(head, " | "), strings.Repeat("---|", len(head)))
	for _, p := range res.Points {
		for _, z := range p.Zones {
			var row []string
			if len(axes) > 0 {
				row = append(row, cell(paramLabel(p, axes)))
			}
			row = append(row, fmt.Sprint(z.Zone), fmt.Sprint(z.Nodes), fmt.Sprint(z.FalseNotReady), num(z.FalseNotReadyRatePerNodeDay),
				pct(float64(z.PartialDisruptionTimeFraction)), pct(float64(z.FullDisruptionTimeFraction)), fmt.Sprint(z.Evictions), fmt.Sprint(z.FalseEvictions))
			fmt.Fprintf(b, "| %s |\n", strings.Join(row, " | "))
		}
	}
	b.WriteString("\n")
}

// flagSet reports whether --set gave key this value for every point.
func flagSet(res *model.Results, key, value string) bool {
	for _, c := range res.Changed {
		if c.Key == key && c.Source == "flag" && c.Value == value {
			return true
		}
	}
	return false
}

// swept reports whether key is one of the grid's axes.
func swept(res *model.Results, key string) bool {
	for _, ax := range res.Sweep {
		if ax.Key == key {
			return true
		}
	}
	return false
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// kindsTable writes each point's failover by failure kind, when more than
// one kind happened: a crash and a runtime down fail over minutes apart.
func kindsTable(b *bytes.Buffer, res *model.Results, axes []model.SweepAxis) {
	many := false
	for _, p := range res.Points {
		many = many || len(p.Failover.ByKind) > 1
	}
	if !many {
		return
	}
	b.WriteString("Failover by failure kind (seconds after the failure, p50 / p99):\n\n")
	var head []string
	if len(axes) > 0 {
		head = append(head, "point")
	}
	head = append(head, "kind", "failures", "detected", "endpoints removed", "NoExecute taint", "pods evicted", "not evicted")
	fmt.Fprintf(b, "| %s |\n|%s\n", strings.Join(head, " | "), strings.Repeat("---|", len(head)))
	two := func(a, c model.Num) string { return num(a) + " / " + num(c) }
	for _, p := range res.Points {
		for _, k := range p.Failover.ByKind {
			var row []string
			if len(axes) > 0 {
				row = append(row, cell(paramLabel(p, axes)))
			}
			row = append(row, k.Kind, fmt.Sprint(k.Failures), two(k.DetectionP50S, k.DetectionP99S), two(k.EndpointsRemovedP50S, k.EndpointsRemovedP99S),
				two(k.TaintedP50S, k.TaintedP99S), two(k.EvictedP50S, k.EvictedP99S), fmt.Sprint(k.NotEvicted))
			fmt.Fprintf(b, "| %s |\n", strings.Join(row, " | "))
		}
	}
	b.WriteString("\n")
}
