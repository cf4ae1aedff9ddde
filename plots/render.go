// Package plots draws the charts of a nodesim run (DESIGN §5–§6) as SVG
// and PNG and writes report.md around them. It is pure: callers write
// the returned bytes to disk.
package plots

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg/draw"

	"github.com/nodesim/nodesim/model"
)

// File is one rendered chart, e.g. "sweep.svg" or "sweep.png".
type File struct {
	Name string
	Data []byte
}

// Skip is a chart that the results do not support, with the reason.
type Skip struct{ Chart, Reason string }

// chart is one chart kind: its file base name, its title in the report,
// and its builder, which returns a painter or the reason it cannot draw.
type chart struct {
	base, title string
	build       func(res *model.Results) (painter, string)
}

// charts lists every chart in report order.
var charts = []chart{
	{"sweep", "False NotReady and detection latency across the sweep", sweepChart},
	{"tradeoff", "Trade-off: detection latency against false NotReady", tradeoffChart},
	{"heatmap", "False NotReady rate over two swept parameters", heatmapChart},
	{"gaps", "Heartbeat gaps as the controller observed them", gapsChart},
	{"timeline", "Timeline of one replication", timelineChart},
	{"response", "Incident response: how long an outage the cluster absorbs", responseChart},
	{"failover", "Failover: from an injected failure to endpoints removed, taint and eviction", failoverChart},
	{"impact", "What false NotReady costs: endpoint loss and evictions of healthy nodes", impactChart},
}

// rateChart are the charts of per-day false NotReady rates.
var rateChart = map[string]bool{"sweep": true, "tradeoff": true, "heatmap": true}

// onlyReplays reports whether every point's rates are not applicable.
func onlyReplays(res *model.Results) bool {
	for i := range res.Points {
		if !res.Points[i].RatesNotApplicable {
			return false
		}
	}
	return len(res.Points) > 0
}

// chartTitle returns the report title of the chart with file base name base.
func chartTitle(base string) string {
	for _, c := range charts {
		if c.base == base {
			return c.title
		}
	}
	return base
}

// Render draws every chart the results support; pure, no file I/O.
// Each drawn chart yields <name>.svg then <name>.png; each chart the
// results cannot support yields a Skip with the reason.
func Render(res *model.Results) (files []File, skipped []Skip, err error) {
	if res == nil {
		res = &model.Results{}
	}
	for _, c := range charts {
		paint, why := c.build(res)
		if paint != nil && rateChart[c.base] && onlyReplays(res) {
			paint, why = nil, "the scenario only replays events: per-day rates are not applicable (Key findings gives the replays' absolute figures)"
		}
		if paint == nil {
			skipped = append(skipped, Skip{Chart: c.base, Reason: why})
			continue
		}
		fs, err := encode(c.base, withHeader(header(res), paint))
		if err != nil {
			return nil, nil, err
		}
		files = append(files, fs...)
	}
	return files, skipped, nil
}

// header names the run a chart comes from: the scenario and its cluster
// size, so a chart copied on its own still says what it shows.
func header(res *model.Results) string {
	name := res.Scenario
	if name == "" {
		name = "nodesim"
	}
	sizes := map[int]bool{}
	size := 0
	for i := range res.Points {
		n := pointNodes(&res.Points[i])
		if n > 0 {
			sizes[n], size = true, n
		}
	}
	switch {
	case len(sizes) == 1:
		name += fmt.Sprintf(" · %d nodes", size)
	case len(sizes) > 1:
		name += " · cluster size swept"
	}
	if res.Profile != "" {
		name += " · " + res.Profile
	}
	return name
}

// pointNodes is a point's cluster size: its zones' nodes, or its timeline's.
func pointNodes(p *model.Point) int {
	n := 0
	for _, z := range p.Zones {
		n += z.Nodes
	}
	if n == 0 && p.Timeline != nil {
		n = p.Timeline.Nodes
	}
	return n
}

// baselineOf returns the index of the baseline point (res.Baseline), or -1.
func baselineOf(res *model.Results) int {
	if len(res.Baseline) == 0 {
		return -1
	}
	for i := range res.Points {
		if isBaseline(res, res.Points[i]) {
			return i
		}
	}
	return -1
}

// isBaseline reports whether p is the baseline point: it has every value
// res.Baseline names (a named point's params carry more keys).
func isBaseline(res *model.Results, p model.Point) bool {
	if len(res.Baseline) == 0 {
		return false
	}
	for k, v := range res.Baseline {
		if w, ok := p.Params[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// axesOf returns the swept keys: res.Sweep, or, when absent, the keys of
// the points' params (sorted) that differ between points, with values
// in first-appearance order.
func axesOf(res *model.Results) []model.SweepAxis {
	if len(res.Sweep) > 0 {
		return res.Sweep
	}
	seen := map[string]map[string]bool{}
	var keys []string
	vals := map[string][]string{}
	for _, p := range res.Points {
		for k := range p.Params {
			if seen[k] == nil {
				seen[k] = map[string]bool{}
				keys = append(keys, k)
			}
		}
	}
	sort.Strings(keys)
	for _, p := range res.Points {
		for _, k := range keys {
			if v, ok := p.Params[k]; ok && !seen[k][v] {
				seen[k][v] = true
				vals[k] = append(vals[k], v)
			}
		}
	}
	var axes []model.SweepAxis
	for _, k := range keys {
		// A key every point sets alike (--set) is no axis.
		if len(vals[k]) > 1 || k == "name" {
			axes = append(axes, model.SweepAxis{Key: k, Values: vals[k]})
		}
	}
	return axes
}

// xAxis maps the values of one swept key to plot positions: seconds for
// durations, the number for floats, else the index in sweep order.
type xAxis struct {
	key     string
	values  []string
	pos     []float64
	numeric bool
	seconds bool
	log     bool
}

// parseValue reads a sweep value as seconds (duration) or a float.
func parseValue(v string) (x float64, seconds, ok bool) {
	if d, err := time.ParseDuration(v); err == nil {
		return d.Seconds(), true, true
	}
	if f, err := strconv.ParseFloat(v, 64); err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) {
		return f, false, true
	}
	return 0, false, false
}

func newXAxis(ax model.SweepAxis) xAxis {
	a := xAxis{key: ax.Key, values: ax.Values, numeric: len(ax.Values) > 0, seconds: true}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range ax.Values {
		x, s, ok := parseValue(v)
		if !ok {
			a.numeric = false
			break
		}
		a.seconds = a.seconds && s
		a.pos = append(a.pos, x)
		lo, hi = math.Min(lo, x), math.Max(hi, x)
	}
	if !a.numeric {
		a.seconds = false
		a.pos = a.pos[:0]
		for i := range ax.Values {
			a.pos = append(a.pos, float64(i))
		}
		return a
	}
	if a.log = lo > 0 && hi/lo >= 20; a.log {
		for i := range a.pos {
			a.pos[i] = lg(a.pos[i])
		}
	}
	return a
}

// at returns the position of value v.
func (a xAxis) at(v string) (float64, bool) {
	for i, s := range a.values {
		if s == v {
			return a.pos[i], true
		}
	}
	return 0, false
}

// apply sets up the plot axis: label with unit, scale, and ticks at the
// sweep values labelled as written (crowded labels are dropped).
func (a xAxis) apply(ax *plot.Axis) {
	ax.Label.Text = a.key
	if a.key == "name" {
		ax.Label.Text = "named point"
	}
	if a.seconds {
		ax.Label.Text += " (s)"
	}
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, x := range a.pos {
		lo, hi = math.Min(lo, x), math.Max(hi, x)
	}
	if len(a.pos) == 0 {
		lo, hi = 0, 1
	}
	norm := func(x float64) float64 { return (x - lo) / (hi - lo) }
	pad := 0.05 * (hi - lo)
	if !a.numeric || pad == 0 {
		pad = 0.5
	}
	ax.Min, ax.Max = lo-pad, hi+pad
	if hi == lo {
		norm = func(float64) float64 { return 0 }
	}
	order := make([]int, len(a.pos))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return a.pos[order[i]] < a.pos[order[j]] })
	// Categories with long names (named points) are written slanted
	// rather than dropped.
	spacing := 0.07
	if !a.numeric && crowded(a.values) {
		ax.Tick.Label.Rotation = math.Pi / 6
		ax.Tick.Label.XAlign, ax.Tick.Label.YAlign = draw.XRight, draw.YTop
		spacing = 0
	}
	var ticks fixedTicks
	last := math.Inf(-1)
	for _, i := range order {
		t := plot.Tick{Value: a.pos[i]}
		if n := norm(a.pos[i]); n-last >= spacing || math.IsInf(last, -1) {
			t.Label, last = a.values[i], n
		}
		ticks = append(ticks, t)
	}
	ax.Tick.Marker = ticks
}

// crowded reports whether category labels written level would overlap
// on a chart panel: about 40 characters fit across one.
func crowded(values []string) bool {
	longest := 0
	for _, v := range values {
		longest = max(longest, len(v))
	}
	return longest*len(values) > 40
}

// seriesOf groups points by the values of every swept key except the
// first, in first-appearance order; label is "k=v, k2=v2" ("" if one key).
type pointSeries struct {
	label string
	pts   []model.Point
}

func seriesOf(res *model.Results, axes []model.SweepAxis) []pointSeries {
	var out []pointSeries
	idx := map[string]int{}
	for _, p := range res.Points {
		var parts []string
		for _, ax := range axes[1:] {
			parts = append(parts, keyValue(ax.Key, p.Params[ax.Key]))
		}
		label := strings.Join(parts, ", ")
		i, ok := idx[label]
		if !ok {
			i = len(out)
			idx[label] = i
			out = append(out, pointSeries{label: label})
		}
		out[i].pts = append(out[i].pts, p)
	}
	return out
}

// paramLabel is "k=v, k2=v2" for a point's params in sweep order.
func paramLabel(p model.Point, axes []model.SweepAxis) string {
	var parts []string
	for _, ax := range axes {
		if v, ok := p.Params[ax.Key]; ok {
			parts = append(parts, keyValue(ax.Key, v))
		}
	}
	return strings.Join(parts, ", ")
}

// keyValue labels one parameter, "k=v"; a named point is its name.
func keyValue(k, v string) string {
	if k == "name" {
		return v
	}
	return k + "=" + v
}

// def reports whether n is a finite number.
func def(n model.Num) bool { return n.Defined() }
