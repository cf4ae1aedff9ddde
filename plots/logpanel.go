package plots

import (
	"math"
	"slices"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/nodesim/nodesim/model"
)

// valueKind is what a point's figure is on a log panel.
type valueKind int

const (
	noValue  valueKind = iota
	measured           // y with its 95% interval [lo, hi]
	bounded            // zero events: only the upper bound hi
	floored            // at the bottom edge: below simulation.rate-floor, or none at all
)

// logValue is one point's figure for a log panel.
type logValue struct {
	kind      valueKind
	y, lo, hi float64
}

// logPanel is a per-day figure of every point against the first swept
// key, log y: measured points with their 95% interval, joined only to
// measured neighbours (a zero-event point has no rate to draw a line
// through), zero-event points as downward arrows at their upper bound,
// points below the rate floor as crosses on the bottom edge, and the
// baseline marked.
type logPanel struct {
	title, ylabel string
	what          string // legend label of a single series, "rate (95% CI)"
	zeroLabel     string // legend label of the bounds, "upper bound (0 events)"
	floorLabel    string // legend label of the crosses on the bottom edge
	value         func(p *model.Point) logValue
}

// build draws the panel; ok is false when no point has a value.
func (lp logPanel) build(res *model.Results, axes []model.SweepAxis) (p *plot.Plot, ok bool) {
	xa := newXAxis(axes[0])
	series := seriesOf(res, axes)
	joined := xa.key != "name" // named points are categories, not a curve
	p = newPlot(lp.title, "", lp.ylabel)
	xa.apply(&p.X)

	type drawn struct {
		runs               []plotter.XYs
		bars               []bar
		bounds, floors     plotter.XYs
		baseline           *plotter.XY
		baselineIsBoundary bool
	}
	var all []drawn
	ylo, yhi := math.Inf(1), math.Inf(-1)
	any, anyBound, anyFloor := false, false, false // a panel of crosses alone says nothing
	if len(series) > 1 && len(axes) == 2 {
		p.Legend.Add(axes[1].Key + ":")
	}
	// Series side by side at one x are spread a little, so equal figures
	// (often the same upper bound) do not hide one another.
	dodge := dodgeWidth(p, xa, len(series))
	for si, s := range series {
		var d drawn
		var run plotter.XYs
		for _, pt := range sortedByX(s.pts, xa) {
			x, _ := xa.at(pt.Params[xa.key])
			x += dodge * (float64(si) - float64(len(series)-1)/2)
			v := lp.value(&pt)
			base := isBaseline(res, pt)
			switch v.kind {
			case measured:
				run = append(run, plotter.XY{X: x, Y: lg(v.y)})
				lo, hi := v.lo, v.hi
				if !(hi >= v.y) || !(lo <= v.y) { // NaN, or [0, 0]: no interval computed
					lo, hi = v.y, v.y
				}
				d.bars = append(d.bars, bar{x, v.y, lo, hi})
				ylo, yhi = math.Min(ylo, v.y), math.Max(yhi, hi)
				if lo > 0 {
					ylo = math.Min(ylo, lo)
				}
				if base {
					d.baseline = &plotter.XY{X: x, Y: lg(v.y)}
				}
				continue
			case bounded:
				d.bounds = append(d.bounds, plotter.XY{X: x, Y: lg(v.hi)})
				ylo, yhi = math.Min(ylo, v.hi/3), math.Max(yhi, v.hi)
				if base {
					d.baseline = &plotter.XY{X: x, Y: lg(v.hi)}
				}
			case floored:
				d.floors = append(d.floors, plotter.XY{X: x})
				if base {
					d.baseline, d.baselineIsBoundary = &plotter.XY{X: x}, true
				}
			}
			if len(run) > 0 {
				d.runs, run = append(d.runs, run), nil
			}
		}
		if len(run) > 0 {
			d.runs = append(d.runs, run)
		}
		any = any || len(d.bars)+len(d.bounds) > 0
		anyBound = anyBound || len(d.bounds) > 0
		anyFloor = anyFloor || len(d.floors) > 0
		all = append(all, d)
	}
	if !any {
		return nil, false
	}
	// Headroom over the highest mark for the legend rows (about 13 pt
	// each of a data area about 230 pt high), so the legend covers no data.
	rows := len(series)
	if len(series) > 1 && len(axes) == 2 {
		rows++
	}
	for _, shown := range []bool{anyBound, anyFloor, baselineOf(res) >= 0, true} { // true: a CI reaching 0, maybe
		if shown {
			rows++
		}
	}
	if frac := (13*float64(rows) + 10) / 230; ylo > 0 && yhi > ylo && frac < 0.8 {
		yhi = math.Pow(10, (lg(yhi)-frac*lg(ylo))/(1-frac))
	}
	setLog(&p.Y, ylo, yhi)
	reachesZero := false
	for si, d := range all {
		c := seriesColor(si)
		for _, b := range d.bars {
			if b.lo > 0 {
				p.Add(errBar(b.x, lg(b.lo), lg(b.hi), c))
			} else {
				p.Add(openBar(b.x, p.Y.Min, lg(b.hi), c))
				reachesZero = true
			}
		}
		var meas plotter.XYs
		for _, r := range d.runs {
			if joined && len(r) > 1 {
				p.Add(line(r, c, 1.5))
			}
			meas = append(meas, r...)
		}
		label := series[si].label
		if label == "" {
			label = lp.what
		} else if len(axes) == 2 {
			label = series[si].pts[0].Params[axes[1].Key]
		}
		if len(meas) > 0 {
			sc := scatter(meas, c, draw.CircleGlyph{}, 3.5)
			p.Add(sc)
			p.Legend.Add(label, sc)
		} else if len(series) > 1 {
			p.Legend.Add(label, scatter(nil, c, arrowGlyph{}, 4.5))
		}
		if len(d.bounds) > 0 {
			p.Add(scatter(d.bounds, c, arrowGlyph{}, 4.5))
		}
		for i := range d.floors {
			d.floors[i].Y = p.Y.Min
		}
		if len(d.floors) > 0 {
			p.Add(scatter(d.floors, c, draw.CrossGlyph{}, 4))
		}
		if b := d.baseline; b != nil {
			if d.baselineIsBoundary {
				b.Y = p.Y.Min
			}
			p.Add(scatter(plotter.XYs{*b}, gray, ringGlyph{}, 8))
		}
	}
	if anyBound {
		p.Legend.Add(lp.zeroLabel, scatter(nil, gray, arrowGlyph{}, 4.5))
	}
	if anyFloor {
		p.Legend.Add(lp.floorLabel, scatter(nil, gray, draw.CrossGlyph{}, 4))
	}
	if reachesZero {
		p.Legend.Add("95% CI reaching 0 (open end)", openBar(0, 0, 0, gray))
	}
	if i := baselineOf(res); i >= 0 {
		p.Legend.Add("baseline", scatter(nil, gray, ringGlyph{}, 5))
	}
	return p, true
}

// dodgeWidth is how far apart, in x, the marks of n series at one sweep
// value are spread on p (0 for one series): all of them within 4% of the
// axis and 40% of the closest two sweep values.
func dodgeWidth(p *plot.Plot, xa xAxis, n int) float64 {
	if n < 2 {
		return 0
	}
	spread := 0.04 * (p.X.Max - p.X.Min)
	pos := slices.Sorted(slices.Values(xa.pos))
	for i := 1; i < len(pos); i++ {
		if d := pos[i] - pos[i-1]; d > 0 {
			spread = math.Min(spread, 0.4*d)
		}
	}
	return spread / float64(n-1)
}

// ringGlyph is an open circle drawn around a point: the baseline.
type ringGlyph struct{}

// DrawGlyph implements draw.GlyphDrawer.
func (ringGlyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	c.StrokeLines(draw.LineStyle{Color: sty.Color, Width: vg.Points(1.5)}, circlePoints(pt, sty.Radius))
}

func circlePoints(pt vg.Point, r vg.Length) []vg.Point {
	const n = 24
	out := make([]vg.Point, n+1)
	for i := range out {
		a := 2 * math.Pi * float64(i) / n
		out[i] = vg.Point{X: pt.X + r*vg.Length(math.Cos(a)), Y: pt.Y + r*vg.Length(math.Sin(a))}
	}
	return out
}

// openBarPlot is a vertical interval whose lower end is 0, off a log
// axis: drawn to the bottom edge without a cap, so it is not read as a
// lower bound at the edge.
type openBarPlot struct {
	x, lo, hi float64
	c         interface{ RGBA() (r, g, b, a uint32) }
}

func openBar(x, lo, hi float64, c interface{ RGBA() (r, g, b, a uint32) }) openBarPlot {
	return openBarPlot{x, lo, hi, c}
}

// Plot implements plot.Plotter.
func (o openBarPlot) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	x, y0, y1 := trX(o.x), trY(o.lo), trY(o.hi)
	sty := draw.LineStyle{Color: o.c, Width: 1.2}
	c.StrokeLine2(sty, x, y0+8, x, y1)
	c.StrokeLine2(sty, x-3.5, y1, x+3.5, y1)
	dotted := draw.LineStyle{Color: o.c, Width: 1.2, Dashes: []vg.Length{1.5, 2}}
	c.StrokeLine2(dotted, x, y0, x, y0+8)
}

// Thumbnail implements plot.Thumbnailer: a short bar with a dotted foot.
func (o openBarPlot) Thumbnail(c *draw.Canvas) {
	x := (c.Min.X + c.Max.X) / 2
	sty := draw.LineStyle{Color: o.c, Width: 1.2}
	c.StrokeLine2(sty, x, c.Min.Y+4, x, c.Max.Y)
	c.StrokeLine2(sty, x-3.5, c.Max.Y, x+3.5, c.Max.Y)
	c.StrokeLine2(draw.LineStyle{Color: o.c, Width: 1.2, Dashes: []vg.Length{1.5, 2}}, x, c.Min.Y, x, c.Min.Y+4)
}
