package plots

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"strings"
	"time"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/nodesim/nodesim/model"
)

// maxGapSeries caps the number of CCDF curves drawn for a sweep.
const maxGapSeries = 6

// graceKey is the parameter whose value is the grace period.
const graceKey = "node-monitor-grace-period"

// defaultMonitorPeriodS is kube-controller-manager's --node-monitor-period.
const defaultMonitorPeriodS = 5.0

// ccdf returns P(gap > x) at each bucket's upper edge, dropping zero
// probabilities (they cannot sit on a log axis).
func ccdf(h model.GapHistogram) plotter.XYs {
	var total uint64
	for _, b := range h.Buckets {
		total += b.Count
	}
	if total == 0 {
		return nil
	}
	var xys plotter.XYs
	var cum uint64
	for _, b := range h.Buckets {
		cum += b.Count
		if cum >= total || b.HiS <= 0 {
			continue
		}
		xys = append(xys, plotter.XY{X: b.HiS, Y: float64(total-cum) / float64(total)})
	}
	return xys
}

// gapsChart is chart 3: the complementary CDF of heartbeat gaps on a log
// y axis, with the grace period marked and the alarm region shaded.
func gapsChart(res *model.Results) (painter, string) {
	axes := axesOf(res)
	idx := pickSpread(len(res.Points), maxGapSeries)
	type curve struct {
		label string
		xys   plotter.XYs
		grace float64
	}
	var curves []curve
	xmin, xmax, ymin := math.Inf(1), 0.0, 1.0
	for _, i := range idx {
		pt := res.Points[i]
		xys := ccdf(pt.GapHistogram)
		if len(xys) == 0 {
			continue
		}
		g := pointGrace(res, pt)
		curves = append(curves, curve{paramLabel(pt, axes), xys, g})
		for _, xy := range xys {
			xmin, xmax, ymin = math.Min(xmin, xy.X), math.Max(xmax, xy.X), math.Min(ymin, xy.Y)
		}
	}
	if len(curves) == 0 {
		return nil, "no heartbeat gaps recorded (empty gap histogram)"
	}
	title := "Heartbeat gaps seen by the node controller"
	header := ""
	if len(axes) > 0 {
		header = "sweep points"
		if len(axes) == 1 {
			header = axes[0].Key
			if header == "name" {
				header = "named point"
			}
		}
		if len(res.Points) > len(idx) {
			header += fmt.Sprintf(" (%d of %d)", len(idx), len(res.Points))
		}
	}
	p := newPlot(title, "gap between heartbeats (s)", "P(gap > x)")
	setLog(&p.Y, ymin, 1)
	xmax = math.Max(xmax, res.GraceS+defaultMonitorPeriodS)
	for _, c := range curves {
		xmax = math.Max(xmax, c.grace*1.1)
	}
	logX := false
	if xmin > 0 && xmax/xmin > 100 {
		setLog(&p.X, xmin, xmax)
		logX = true
	} else {
		p.X.Min, p.X.Max = 0, xmax*1.05
		p.X.Tick.Marker = plainTicks{}
	}
	fx := func(x float64) float64 {
		if logX {
			return lg(x)
		}
		return x
	}
	for i := range curves {
		xys := make(plotter.XYs, len(curves[i].xys))
		for j, xy := range curves[i].xys {
			xys[j] = plotter.XY{X: fx(xy.X), Y: lg(xy.Y)}
		}
		curves[i].xys = xys
	}

	// One grace marker (shared) with shaded alarm regions, or one
	// dashed marker per curve when the grace period itself is swept.
	shared := true
	for _, c := range curves {
		shared = shared && c.grace == curves[0].grace
	}
	if g := curves[0].grace; shared && g > 0 {
		period := monitorPeriodS(res)
		p.Add(rect{x0: fx(g), x1: fx(g + period), y0: math.NaN(), y1: math.NaN(), fill: color.RGBA{0xfd, 0xe8, 0xc8, 0xff}})
		p.Add(rect{x0: fx(g + period), x1: math.NaN(), y0: math.NaN(), y1: math.NaN(), fill: color.RGBA{0xf8, 0xc8, 0xc0, 0xff}})
		p.Legend.Add("may alarm: gap > grace", swatch{color.RGBA{0xfd, 0xe8, 0xc8, 0xff}})
		p.Legend.Add(fmt.Sprintf("alarms: gap > grace + %s monitor period", fmtSeconds(period)), swatch{color.RGBA{0xf8, 0xc8, 0xc0, 0xff}})
		p.Add(vline{x: fx(g), c: color.Black, label: "grace " + fmtSeconds(g)})
	}
	if header != "" && len(axes) > 1 {
		// Several keys: the header names them, one a row, and each curve
		// is labelled by its values in that order ("30s / 5s").
		p.Legend.Add(header + ", values of:")
		for i, ax := range axes {
			sep := " /"
			if i == len(axes)-1 {
				sep = ""
			}
			p.Legend.Add("  " + ax.Key + sep)
		}
	} else if header != "" {
		p.Legend.Add(header + ":")
	}
	// Curves that are the same (common random numbers often make them
	// so) are drawn once and labelled with every value they stand for;
	// the others each have their own dash pattern, width (the first
	// widest, drawn first) and marker, so each stays visible where they
	// overlap.
	groups := sameCurves(curves, func(i int) plotter.XYs { return curves[i].xys })
	marked := map[float64]bool{}
	for gi, g := range groups {
		c := curves[g[0]]
		col := seriesColor(gi)
		st := gapStyles[gi%len(gapStyles)]
		if len(groups) == 1 {
			st.width = 2
		}
		l := line(c.xys, col, st.width, st.dashes...)
		l.StepStyle = plotter.NoStep
		p.Add(l)
		var sc *plotter.Scatter
		if len(groups) > 1 || len(c.xys) == 1 {
			sc = scatter(c.xys, col, st.glyph, 2.6)
			p.Add(sc)
		}
		var labels []string
		for _, i := range g {
			var vals []string
			for _, ax := range axes {
				vals = append(vals, res.Points[idx[i]].Params[ax.Key])
			}
			label := strings.Join(vals, " / ")
			labels = append(labels, label)
			if g := curves[i].grace; !shared && g > 0 && !marked[g] {
				// One grey marker per grace period, labelled with it: a
				// period several curves share is one line.
				marked[g] = true
				p.Add(vline{x: fx(g), c: gray, dashed: true, label: shortSeconds(g), small: true})
			}
		}
		label := strings.Join(labels, ", ")
		if len(g) > 1 {
			label = strings.Join(labels, ", ") + " (the same gaps)"
			if len(label) > 44 {
				label = labels[0] + " … " + labels[len(labels)-1] + fmt.Sprintf(" (%d, the same gaps)", len(g))
			}
			if len(label) > 44 {
				label = fmt.Sprintf("%d points (the same gaps)", len(g))
				if len(g) == len(curves) {
					label = "all " + label
				}
			}
		}
		if label == "" {
			label = "all heartbeats"
		}
		if sc != nil {
			p.Legend.Add(label, l, sc)
		} else {
			p.Legend.Add(label, l)
		}
	}
	if !shared {
		p.Legend.Add("grace period of the points (dashed)", line(nil, gray, 1.2, 4, 3))
	}
	return sideLegend(p), ""
}

// sameCurves groups the indices 0..len(curves)-1 whose curves are
// equal, in first-appearance order.
func sameCurves[T any](curves []T, xys func(int) plotter.XYs) [][]int {
	var groups [][]int
	for i := range curves {
		found := false
		for gi, g := range groups {
			if closeCurves(xys(g[0]), xys(i)) {
				groups[gi] = append(g, i)
				found = true
				break
			}
		}
		if !found {
			groups = append(groups, []int{i})
		}
	}
	return groups
}

// closeCurves reports whether two curves (log y) share their x and
// differ nowhere by more than 0.02 decades (5%): on the chart, one line.
func closeCurves(a, b plotter.XYs) bool {
	return slices.EqualFunc(a, b, func(p, q plotter.XY) bool {
		return p.X == q.X && math.Abs(p.Y-q.Y) < 0.02
	})
}

// gapStyles tell overlapping CCDF curves apart beyond their colour.
var gapStyles = []struct {
	width  vg.Length
	dashes []vg.Length
	glyph  draw.GlyphDrawer
}{
	{3.2, nil, draw.CircleGlyph{}},
	{2.6, []vg.Length{7, 3}, draw.BoxGlyph{}},
	{2.2, []vg.Length{2, 2}, draw.TriangleGlyph{}},
	{1.9, []vg.Length{9, 3, 2, 3}, draw.PyramidGlyph{}},
	{1.6, []vg.Length{4, 2}, draw.CrossGlyph{}},
	{1.4, []vg.Length{1, 2}, draw.PlusGlyph{}},
}

// monitorPeriodS is node-monitor-period from the changed parameters, or
// the Kubernetes default.
func monitorPeriodS(res *model.Results) float64 {
	for _, c := range res.Changed {
		if c.Key == "node-monitor-period" {
			if s, sec, ok := parseValue(c.Value); ok && sec {
				return s
			}
		}
	}
	return defaultMonitorPeriodS
}

// pickSpread returns up to k indices of 0..n-1, evenly spread and
// including the first and last.
func pickSpread(n, k int) []int {
	if n <= k {
		out := make([]int, n)
		for i := range out {
			out[i] = i
		}
		return out
	}
	out := make([]int, 0, k)
	for i := 0; i < k; i++ {
		j := int(math.Round(float64(i) * float64(n-1) / float64(k-1)))
		if len(out) == 0 || out[len(out)-1] != j {
			out = append(out, j)
		}
	}
	return out
}

// fmtSeconds writes s seconds as a Go duration ("40s", "1m30s").
func fmtSeconds(s float64) string {
	return time.Duration(s * float64(time.Second)).Round(time.Millisecond).String()
}

// shortSeconds is fmtSeconds without a zero tail: "1m", not "1m0s".
func shortSeconds(s float64) string {
	d := fmtSeconds(s)
	if strings.HasSuffix(d, "m0s") {
		d = strings.TrimSuffix(d, "0s")
	}
	return d
}

// vline is a full-height vertical marker at x with an optional label
// written rotated along its right side.
type vline struct {
	x      float64
	c      color.Color
	dashed bool
	label  string
	small  bool // label at the note size
}

// Plot implements plot.Plotter.
func (v vline) Plot(c draw.Canvas, p *plot.Plot) {
	if v.x < p.X.Min || v.x > p.X.Max {
		return
	}
	trX, _ := p.Transforms(&c)
	x := trX(v.x)
	sty := draw.LineStyle{Color: v.c, Width: 1.5}
	if v.dashed {
		sty.Dashes = []vg.Length{4, 3}
		sty.Width = 1.2
	}
	c.StrokeLine2(sty, x, c.Min.Y, x, c.Max.Y)
	if v.label != "" {
		ts := noteStyle(v.c)
		if !v.small {
			ts.Font = fontAt(legendSize)
		}
		ts.Rotation = math.Pi / 2
		ts.XAlign, ts.YAlign = draw.XLeft, draw.YTop
		c.FillText(ts, vg.Point{X: x + 2, Y: c.Min.Y + 6}, v.label) // right of the line, clear of it
	}
}

// pointGrace is a point's grace period in seconds: its own value, else,
// for a point that changes the profile (a named point "upstream v1.31")
// while the scenario leaves the grace period at its default, that
// profile's default (40s before v1.32, 50s after), else the scenario's.
func pointGrace(res *model.Results, pt model.Point) float64 {
	if g := graceOf(pt, math.NaN()); !math.IsNaN(g) {
		return g
	}
	prof, ok := pt.Params["profile"]
	if !ok || prof == res.Profile {
		return res.GraceS
	}
	for _, c := range res.Changed {
		if c.Key == graceKey || strings.HasSuffix(c.Key, "."+graceKey) {
			return res.GraceS // set by the scenario: every profile keeps it
		}
	}
	if c, err := model.Default(prof); err == nil {
		return c.Controller.NodeMonitorGracePeriod.Seconds()
	}
	return res.GraceS
}

// graceOf is the grace period of a point in seconds: its swept value
// (keys are dotted paths, "controller.node-monitor-grace-period") or def.
func graceOf(pt model.Point, def float64) float64 {
	for k, v := range pt.Params {
		if k == graceKey || strings.HasSuffix(k, "."+graceKey) {
			if s, sec, ok := parseValue(v); ok && sec {
				return s
			}
		}
	}
	return def
}
