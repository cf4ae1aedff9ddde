package plots

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"github.com/nodesim/nodesim/internal/human"
	"github.com/nodesim/nodesim/model"
	"github.com/nodesim/nodesim/results"
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
	for _, f := range results.Findings(res, axes) {
		fmt.Fprintf(&b, "- %s\n", f)
	}
	for i := range res.Points {
		p := &res.Points[i]
		for _, line := range results.Explanations(p) {
			if len(axes) > 0 {
				line = "At " + paramLabel(*p, axes) + ": " + line
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

// num, secs and pct format a figure, a span and a fraction as every
// output does; interval and pctIv their intervals.
func num(n model.Num) string  { return human.Figure(float64(n)) }
func secs(n model.Num) string { return human.Duration(float64(n)) }
func pct(n model.Num) string  { return human.Percent(float64(n)) }
func interval(i model.Interval) string {
	return human.Interval(float64(i.Lo), float64(i.Hi))
}
func pctIv(i model.Interval) string {
	return human.PercentInterval(float64(i.Lo), float64(i.Hi))
}

// cell escapes a value for a Markdown table cell.
func cell(s string) string {
	if s == "" {
		return human.Undefined
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
	head = append(head, "node-days", "false NotReady", "rate /node-day [95% CI]", "P(≥1) /node-day [95% CI]",
		"mean duration", "endpoint loss (pod-s/node-day)", "false evictions", "detection p50 / p99", "max Unknown",
		"endpoints removed p50 / p99", "evicted p50 / p99", "not evicted")
	fmt.Fprintf(b, "| %s |\n|%s\n", strings.Join(head, " | "), strings.Repeat("---|", len(head)))
	two := func(a, c model.Num) string { return human.JoinDurations(" / ", float64(a), float64(c)) }
	for _, p := range res.Points {
		var row []string
		for _, ax := range axes {
			row = append(row, cell(p.Params[ax.Key]))
		}
		f := p.FalseNotReady
		rate := human.Estimate(float64(f.RatePerNodeDay), float64(f.RatePerNodeDayCI95.Lo), float64(f.RatePerNodeDayCI95.Hi)) + " " + interval(f.RatePerNodeDayCI95)
		prob := pct(f.ProbabilityPerNodeDay)
		if def(f.ProbabilityPerNodeDayCI95.Hi) {
			prob += " " + pctIv(f.ProbabilityPerNodeDayCI95)
		}
		el := p.EndpointLoss
		endpoint := human.Estimate(float64(el.SecondsPerNodeDay), float64(el.SecondsPerNodeDayCI95.Lo), float64(el.SecondsPerNodeDayCI95.Hi))
		if p.RatesNotApplicable { // a replay's figures are absolute: Key findings has them
			rate, prob, endpoint = "n/a (replays only)", "n/a", "n/a"
		}
		row = append(row, human.NodeDays(p.NodeDays), fmt.Sprint(f.Events), rate, prob,
			secs(f.MeanDurationS), endpoint,
			fmt.Sprint(p.FalseEvictions.Count), two(p.Detection.P50S, p.Detection.P99S), pct(p.MassNotReady.MaxFraction),
			two(p.Failover.EndpointsRemovedP50S, p.Failover.EndpointsRemovedP99S),
			two(p.Failover.EvictedP50S, p.Failover.EvictedP99S), fmt.Sprint(p.Failover.NotEvicted))
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
				pct(z.PartialDisruptionTimeFraction), pct(z.FullDisruptionTimeFraction), fmt.Sprint(z.Evictions), fmt.Sprint(z.FalseEvictions))
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
	b.WriteString("Failover by failure kind (time after the failure, p50 / p99):\n\n")
	var head []string
	if len(axes) > 0 {
		head = append(head, "point")
	}
	head = append(head, "kind", "failures", "detected", "endpoints removed", "NoExecute taint", "pods evicted", "not evicted")
	fmt.Fprintf(b, "| %s |\n|%s\n", strings.Join(head, " | "), strings.Repeat("---|", len(head)))
	two := func(a, c model.Num) string { return human.JoinDurations(" / ", float64(a), float64(c)) }
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
