package plots

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/nodesim/nodesim/model"
)

// Colours of the timeline's shaded spans.
var (
	incidentFill = color.RGBA{0xd9, 0xd9, 0xd9, 0xff}
	partialFill  = color.RGBA{0xE6, 0x9F, 0x00, 0xff}
	fullFill     = color.RGBA{0xC0, 0x1C, 0x1C, 0xff}
)

// timeUnit picks the time unit for a run of span seconds.
func timeUnit(span float64) (name string, div float64) {
	switch {
	case span >= 3*86400:
		return "days", 86400
	case span >= 3*3600:
		return "hours", 3600
	case span >= 3*60:
		return "minutes", 60
	}
	return "s", 1
}

// Colours of the timeline's nodes Unknown.
var (
	falseFill  = seriesColor(0) // healthy nodes: false NotReady
	failedFill = seriesColor(1) // injected failures: crashed, partitioned, gray
)

// minMark is the narrowest an incident, a disruption or a burst of
// Unknown is drawn, so a 40-second incident shows on a 30-day axis.
const minMark = 2.5

// timelinePoint is the point whose timeline is charted: the one
// res.TimelinePoint names, else the first with a timeline.
func timelinePoint(res *model.Results) *model.Point {
	for i := range res.Points {
		p := &res.Points[i]
		if p.Timeline != nil && len(res.TimelinePoint) > 0 && hasParams(*p, res.TimelinePoint) {
			return p
		}
	}
	if len(res.Points) > 0 {
		return &res.Points[0]
	}
	return nil
}

// timelineChart is chart 4: nodes Unknown over time in one replication
// of one point (--timeline-point, --timeline-replication), split into
// false NotReady of healthy nodes and nodes with an injected failure,
// control-plane incidents shaded, and the zone disruption states as
// coloured bands along the top. Every mark is at least minMark wide.
func timelineChart(res *model.Results) (painter, string) {
	pt := timelinePoint(res)
	if pt == nil || pt.Timeline == nil {
		return nil, "the results carry no timeline"
	}
	tl := pt.Timeline
	if len(tl.Unknown) == 0 || !(tl.StepS > 0) {
		return nil, "the timeline has no samples"
	}
	span := float64(len(tl.Unknown)) * tl.StepS
	for _, ss := range [][]model.Span{tl.Incidents, tl.Partial, tl.Full} {
		for _, s := range ss {
			span = math.Max(span, s.EndS)
		}
	}
	unit, div := timeUnit(span)
	what := fmt.Sprintf("replication %d", tl.Replication)
	if l := paramLabel(*pt, axesOf(res)); l != "" {
		what += ", " + l
	}
	p := newPlot("Nodes Unknown over time ("+what+")", "time since warmup ("+unit+")", "nodes Unknown")

	peak := 0.0
	for _, n := range tl.Unknown {
		peak = math.Max(peak, float64(n))
	}
	p.X.Min, p.X.Max = 0, span/div

	split := len(tl.Failed) == len(tl.Unknown)
	anyFailed, anyFalse := false, false
	for i, u := range tl.Unknown {
		f := int32(0)
		if split {
			f = tl.Failed[i]
		}
		anyFailed, anyFalse = anyFailed || f > 0, anyFalse || u > f
	}
	of := ""
	if tl.Nodes > 0 {
		of = fmt.Sprintf(" (of %d)", tl.Nodes)
	}
	switch {
	case !split:
		p.Legend.Add("nodes Unknown"+of, swatch{falseFill})
	default:
		if anyFalse {
			p.Legend.Add("false NotReady: healthy nodes Unknown"+of, swatch{falseFill})
		} else {
			p.Legend.Add("false NotReady: none in this replication", swatch{falseFill})
		}
		if anyFailed {
			p.Legend.Add("nodes with an injected failure (crash, partition, gray)", swatch{failedFill})
		}
	}
	if len(tl.Incidents) > 0 {
		p.Legend.Add("control-plane incident", swatch{incidentFill})
	}
	if len(tl.Partial) > 0 {
		p.Legend.Add("zone partial disruption", swatch{partialFill})
	}
	if len(tl.Full) > 0 {
		p.Legend.Add("zone full disruption", swatch{fullFill})
	}
	// From the top: the zone-state bands (6% each of a data area about
	// 240 pt high), the legend's rows (about 13 pt each), then room down
	// to the peak; incidents are shaded up to the legend's foot. Nothing
	// is drawn under the legend.
	const dataH, rowH = 240.0, 13.0
	rows := float64(legendRows(tl, split))
	p.Legend.YOffs = -vg.Length(0.12*dataH + 3)
	legendFoot := 0.12 + (3+rowH*rows+4)/dataH              // fraction of the height from the top
	top := math.Max(1, math.Ceil(peak/(1-legendFoot-0.07))) // 7%: an incident label above the peak
	p.Y.Min, p.Y.Max = 0, top
	band := top * 0.06 // zone-state band height
	incidentTop := top * (1 - legendFoot)
	for _, s := range tl.Incidents {
		p.Add(rect{x0: s.StartS / div, x1: s.EndS / div, y0: 0, y1: incidentTop, fill: incidentFill, minW: minMark})
	}
	for _, s := range tl.Partial {
		p.Add(rect{x0: s.StartS / div, x1: s.EndS / div, y0: top - 2*band, y1: top - band, fill: partialFill, minW: minMark})
	}
	for _, s := range tl.Full {
		p.Add(rect{x0: s.StartS / div, x1: s.EndS / div, y0: top - band, y1: top, fill: fullFill, minW: minMark})
	}
	p.Add(unknownSteps{tl: tl, div: div, split: split})
	p.Y.Tick.Marker = intTicks{}
	p.X.Tick.Marker = timeTicks{unit: unit}
	p.Add(incidentLabels{spans: tl.Incidents, div: div, y: incidentTop})
	return single(p), ""
}

// legendRows is how many legend entries the timeline chart has.
func legendRows(tl *model.Timeline, split bool) int {
	rows := 1
	if split {
		for _, f := range tl.Failed {
			if f > 0 {
				rows = 2
				break
			}
		}
	}
	for _, ss := range [][]model.Span{tl.Incidents, tl.Partial, tl.Full} {
		if len(ss) > 0 {
			rows++
		}
	}
	return rows
}

// hasParams reports whether p has every value want names.
func hasParams(p model.Point, want map[string]string) bool {
	for k, v := range want {
		if w, ok := p.Params[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// unknownSteps fills nodes Unknown per step: those with an injected
// failure at the bottom, false NotReady above; runs of equal steps are
// one block, at least minMark wide.
type unknownSteps struct {
	tl    *model.Timeline
	div   float64
	split bool
}

// Plot implements plot.Plotter.
func (u unknownSteps) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	tl := u.tl
	failed := func(i int) int32 {
		if u.split {
			return tl.Failed[i]
		}
		return 0
	}
	block := func(i, j int, lo, hi int32, fill color.Color) {
		if hi <= lo {
			return
		}
		x0, x1 := trX(float64(i)*tl.StepS/u.div), trX(float64(j)*tl.StepS/u.div)
		if w := x1 - x0; w < minMark {
			x0, x1 = x0-(minMark-w)/2, x1+(minMark-w)/2
		}
		y0, y1 := trY(float64(lo)), trY(float64(hi))
		c.FillPolygon(fill, []vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}})
	}
	for i := 0; i < len(tl.Unknown); {
		j := i + 1
		for j < len(tl.Unknown) && tl.Unknown[j] == tl.Unknown[i] && failed(j) == failed(i) {
			j++
		}
		f := failed(i)
		block(i, j, 0, f, failedFill)
		block(i, j, f, tl.Unknown[i], falseFill)
		i = j
	}
}

// intTicks are default ticks restricted to whole numbers (node counts).
type intTicks struct{}

// Ticks implements plot.Ticker.
func (intTicks) Ticks(min, max float64) []plot.Tick {
	step := math.Max(1, niceStep((max-min)/5))
	var ts []plot.Tick
	for v := math.Ceil(min/step) * step; v <= max+1e-9; v += step {
		ts = append(ts, plot.Tick{Value: v, Label: fmtSig(v, 6)})
	}
	return ts
}

// timeTicks labels about 8–12 round times: 1, 2, 3, 6 or 12 hours, 5,
// 10, 15 or 30 minutes, and so on.
type timeTicks struct{ unit string }

// Ticks implements plot.Ticker.
func (t timeTicks) Ticks(min, max float64) []plot.Tick {
	steps := []float64{1, 2, 5, 10, 20, 50, 100}
	switch t.unit {
	case "hours":
		steps = []float64{1, 2, 3, 4, 6, 12, 24}
	case "minutes", "s":
		steps = []float64{1, 2, 5, 10, 15, 30, 60, 120}
	}
	step := niceStep((max - min) / 10)
	for _, s := range steps {
		if s*1.0001 >= (max-min)/12 {
			step = s
			break
		}
	}
	var ts []plot.Tick
	for v := math.Ceil(min/step) * step; v <= max+1e-9; v += step {
		ts = append(ts, plot.Tick{Value: v, Label: fmtSig(v, 6)})
		if half := v + step/2; half < max {
			ts = append(ts, plot.Tick{Value: half})
		}
	}
	return ts
}

// niceStep rounds x up to 1, 2 or 5 times a power of ten.
func niceStep(x float64) float64 {
	if !(x > 0) {
		return 1
	}
	e := math.Pow(10, math.Floor(math.Log10(x)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*e >= x {
			return m * e
		}
	}
	return 10 * e
}

// incidentLabels writes each incident's label at its top-left corner.
type incidentLabels struct {
	spans []model.Span
	div   float64
	y     float64
}

// Plot implements plot.Plotter.
func (l incidentLabels) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	sty := noteStyle(gray)
	sty.XAlign, sty.YAlign = draw.XLeft, draw.YTop
	right := vg.Length(math.Inf(-1)) // where the last label written ends
	// The legend's box (Legend.Rectangle mirrors Left).
	r := p.Legend.Rectangle(c)
	legLeft, legRight := c.Max.X-(r.Max.X-r.Min.X)-p.Legend.XOffs, c.Max.X
	if p.Legend.Left {
		legLeft, legRight = c.Min.X+p.Legend.XOffs, c.Min.X+p.Legend.XOffs+(r.Max.X-r.Min.X)
	}
	legBottom := c.Max.Y + p.Legend.YOffs - (r.Max.Y - r.Min.Y)
	y := trY(l.y) - 2
	for _, s := range l.spans {
		x := trX(s.StartS/l.div) + 2
		w, h := sty.Width(s.Label), sty.Height(s.Label)
		underLegend := x+w > legLeft-4 && x < legRight+4 && y > legBottom-4 && y-h < c.Max.Y
		if s.Label == "" || x < right+4 || underLegend || x+w > c.Max.X {
			continue // no room: the shading and the legend say it
		}
		c.FillText(sty, vg.Point{X: x, Y: y}, s.Label)
		right = x + w
	}
}
