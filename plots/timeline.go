package plots

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
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

// timelineChart is chart 4: nodes Unknown over time in replication 0 of
// the first point, control-plane incidents shaded, and the zone
// disruption states as coloured bands along the top.
func timelineChart(res *model.Results) (painter, string) {
	if len(res.Points) == 0 || res.Points[0].Timeline == nil {
		return nil, "the results carry no timeline"
	}
	tl := res.Points[0].Timeline
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
	title := "Nodes Unknown over time (replication 0)"
	if l := paramLabel(res.Points[0], axesOf(res)); l != "" {
		title = fmt.Sprintf("Nodes Unknown over time (replication 0, %s)", l)
	}
	p := newPlot(title, "time since warmup ("+unit+")", "nodes Unknown")

	xys := make(plotter.XYs, 0, len(tl.Unknown)+1)
	peak := 0.0
	for i, n := range tl.Unknown {
		xys = append(xys, plotter.XY{X: float64(i) * tl.StepS / div, Y: float64(n)})
		peak = math.Max(peak, float64(n))
	}
	last := xys[len(xys)-1]
	xys = append(xys, plotter.XY{X: float64(len(tl.Unknown)) * tl.StepS / div, Y: last.Y})
	top := math.Max(1, math.Ceil(peak*1.25))
	p.X.Min, p.X.Max = 0, span/div
	p.Y.Min, p.Y.Max = 0, top
	band := top * 0.06 // zone-state band height

	for _, s := range tl.Incidents {
		p.Add(rect{x0: s.StartS / div, x1: s.EndS / div, y0: 0, y1: top - 2*band, fill: incidentFill})
	}
	for _, s := range tl.Partial {
		p.Add(rect{x0: s.StartS / div, x1: s.EndS / div, y0: top - 2*band, y1: top - band, fill: partialFill})
	}
	for _, s := range tl.Full {
		p.Add(rect{x0: s.StartS / div, x1: s.EndS / div, y0: top - band, y1: top, fill: fullFill})
	}
	l := line(xys, seriesColor(0), 1.4)
	l.StepStyle = plotter.PostStep
	p.Add(l)
	label := "nodes Unknown"
	if tl.Nodes > 0 {
		label = fmt.Sprintf("nodes Unknown (of %d)", tl.Nodes)
	}
	p.Legend.Add(label, l)
	if len(tl.Incidents) > 0 {
		p.Legend.Add("control-plane incident", swatch{incidentFill})
	}
	if len(tl.Partial) > 0 {
		p.Legend.Add("zone partial disruption", swatch{partialFill})
	}
	if len(tl.Full) > 0 {
		p.Legend.Add("zone full disruption", swatch{fullFill})
	}
	p.Legend.YOffs = -18
	p.Y.Tick.Marker = intTicks{}
	p.X.Tick.Marker = timeTicks{unit: unit}
	p.Add(incidentLabels{spans: tl.Incidents, div: div, y: top - 2*band})
	return single(p), ""
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
	for _, s := range l.spans {
		if s.Label == "" {
			continue
		}
		c.FillText(sty, vg.Point{X: trX(s.StartS/l.div) + 2, Y: trY(l.y) - 2}, s.Label)
	}
}
