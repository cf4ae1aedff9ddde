package plots

import (
	"bytes"
	"fmt"
	"math"
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
	for _, p := range res.Points {
		fmt.Fprintf(&b, "- %s\n", finding(p, axes))
		for _, line := range p.Explanations() {
			fmt.Fprintf(&b, "  - %s\n", line)
		}
	}
	b.WriteString("\n")

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
		"mean duration (s)", "endpoint loss (s/node-day)", "false evictions", "detection p50 / p99 (s)", "max Unknown")
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
			fmt.Sprint(p.FalseEvictions.Count), det, pct(float64(p.MassNotReady.MaxFraction)))
		fmt.Fprintf(b, "| %s |\n", strings.Join(row, " | "))
	}
	b.WriteString("\n")
}
