package plots

import (
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/nodesim/nodesim/model"
)

// tradeoffChart is chart 2: detection latency p99 against the false
// NotReady rate, one labelled point per sweep value joined in sweep
// order: the frontier a reviewer uses to pick a grace period. Zero-event
// points sit at their upper bound with a left-pointing arrow.
func tradeoffChart(res *model.Results) (painter, string) {
	axes := axesOf(res)
	switch {
	case len(axes) == 0:
		return nil, "no sweep: a trade-off needs several parameter values"
	case len(axes) > 1:
		return nil, "the trade-off chart needs exactly one swept key (see the heat map)"
	case len(res.Points) < 2:
		return nil, "the sweep has fewer than two points"
	}
	xa := newXAxis(axes[0])
	p := newPlot("Trade-off: detection latency vs false NotReady",
		"false NotReady per node-day (log scale)", "detection latency p99 (s)")
	c := seriesColor(0)

	var path, meas, bnd, floor plotter.XYs
	var runs []plotter.XYs // measured neighbours, joined; a bound breaks the line
	var run plotter.XYs
	var names, floorNames []string
	var base *plotter.XY
	type span struct{ lo, hi, y float64 }
	var bars []span
	xlo, xhi, yhi := math.Inf(1), math.Inf(-1), 0.0
	for _, pt := range sortedByX(res.Points, xa) {
		d, f := pt.Detection, pt.FalseNotReady
		if !def(d.P99S) {
			continue
		}
		y := float64(d.P99S)
		hi := float64(f.RatePerNodeDayCI95.Hi)
		var x float64
		switch {
		case f.Estimator.StoppedBy == "below-floor":
			// too rare to matter: placed at the left edge once the axis is set
			floor = append(floor, plotter.XY{Y: y})
			floorNames = append(floorNames, pt.Params[xa.key])
			yhi = math.Max(yhi, y)
			if isBaseline(res, pt) {
				base = &plotter.XY{X: math.NaN(), Y: y}
			}
			runs, run = appendRun(runs, run), nil
			continue
		case f.Bounded() && def(f.RatePerNodeDayCI95.Hi) && hi > 0:
			x = hi
			bnd = append(bnd, plotter.XY{X: lg(x), Y: y})
			xlo = math.Min(xlo, x/3)
			runs, run = appendRun(runs, run), nil
		case def(f.RatePerNodeDay) && f.RatePerNodeDay > 0:
			x = float64(f.RatePerNodeDay)
			meas = append(meas, plotter.XY{X: lg(x), Y: y})
			run = append(run, plotter.XY{X: lg(x), Y: y})
			lo := float64(f.RatePerNodeDayCI95.Lo)
			if !def(f.RatePerNodeDayCI95.Lo) || lo > x {
				lo = x
			}
			if !def(f.RatePerNodeDayCI95.Hi) || hi < x {
				hi = x
			}
			bars = append(bars, span{lo, hi, y})
			xlo = math.Min(xlo, x)
			if lo > 0 {
				xlo = math.Min(xlo, lo)
			}
		default:
			continue
		}
		xhi, yhi = math.Max(xhi, hi), math.Max(yhi, y)
		path = append(path, plotter.XY{X: lg(x), Y: y})
		name := pt.Params[xa.key]
		if isBaseline(res, pt) {
			base = &plotter.XY{X: lg(x), Y: y}
			name += " (baseline)"
		}
		names = append(names, name)
	}
	runs = appendRun(runs, run)
	if len(path) == 0 {
		return nil, "no point has both a detection p99 (needs injected failures) and a false NotReady rate"
	}
	setLog(&p.X, xlo, xhi)
	p.Y.Min = 0
	p.Y.Tick.Marker = plainTicks{}
	reachesZero := false
	for _, b := range bars {
		if b.lo > 0 {
			p.Add(xBar(lg(b.lo), lg(b.hi), b.y, c))
		} else {
			p.Add(openXBar{lo: p.X.Min, hi: lg(b.hi), y: b.y, c: withAlpha(c, 0.7)})
			reachesZero = true
		}
	}
	if xa.key != "name" { // named points are categories, not a frontier
		for _, r := range runs {
			p.Add(line(r, withAlpha(c, 0.6), 1.2, 4, 3))
		}
	}
	if len(meas) > 0 {
		sc := scatter(meas, c, draw.CircleGlyph{}, 4)
		p.Add(sc)
		p.Legend.Add("rate, 95% CI (labels: "+xa.key+")", sc)
	}
	if len(bnd) > 0 {
		sc := scatter(bnd, c, arrowGlyph{left: true}, 5)
		p.Add(sc)
		p.Legend.Add("upper bound (0 events)", sc)
	}
	if len(floor) > 0 {
		for i := range floor {
			floor[i].X = p.X.Min
		}
		sc := scatter(floor, c, draw.CrossGlyph{}, 4)
		p.Add(sc)
		p.Legend.Add("below the rate floor (too rare to matter)", sc)
		for i, fl := range floor {
			if base != nil && math.IsNaN(base.X) && base.Y == fl.Y {
				base.X = fl.X
				floorNames[i] += " (baseline)"
			}
		}
		path, names = append(path, floor...), append(names, floorNames...)
	}
	if reachesZero {
		p.Legend.Add("95% CI reaching 0 (open end)", openXBar{c: gray})
	}
	if base != nil && !math.IsNaN(base.X) {
		sc := scatter(plotter.XYs{*base}, gray, ringGlyph{}, 9)
		p.Add(sc)
		p.Legend.Add("baseline", scatter(nil, gray, ringGlyph{}, 5))
	}
	p.Add(pointLabels{xys: path, names: names})
	p.Legend.Left = false
	// Headroom above the highest point for the legend rows and the
	// point labels, out of a data area about 230 pt high.
	rows := 0
	for _, shown := range []bool{len(meas) > 0, len(bnd) > 0, len(floor) > 0, reachesZero, base != nil && !math.IsNaN(base.X)} {
		if shown {
			rows++
		}
	}
	room := (legendRow*vg.Length(rows) + 24) / 230
	p.Y.Max = yhi/(1-float64(room)) + 1
	return single(p), ""
}

// legendRow is the height of one legend entry at legendSize.
const legendRow = 13

// appendRun adds run to runs when it joins at least two points.
func appendRun(runs []plotter.XYs, run plotter.XYs) []plotter.XYs {
	if len(run) > 1 {
		runs = append(runs, run)
	}
	return runs
}

// openXBar is a horizontal interval whose lower end is 0, off a log
// axis: drawn to the left edge with a dotted end and no cap.
type openXBar struct {
	lo, hi, y float64
	c         color.Color
}

// Plot implements plot.Plotter.
func (o openXBar) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	x0, x1, y := trX(o.lo), trX(o.hi), trY(o.y)
	sty := draw.LineStyle{Color: o.c, Width: 1.2}
	c.StrokeLine2(sty, x0+8, y, x1, y)
	c.StrokeLine2(sty, x1, y-3, x1, y+3)
	c.StrokeLine2(draw.LineStyle{Color: o.c, Width: 1.2, Dashes: []vg.Length{1.5, 2}}, x0, y, x0+8, y)
}

// Thumbnail implements plot.Thumbnailer.
func (o openXBar) Thumbnail(c *draw.Canvas) {
	y := (c.Min.Y + c.Max.Y) / 2
	sty := draw.LineStyle{Color: o.c, Width: 1.2}
	c.StrokeLine2(sty, c.Min.X+6, y, c.Max.X, y)
	c.StrokeLine2(sty, c.Max.X, y-3, c.Max.X, y+3)
	c.StrokeLine2(draw.LineStyle{Color: o.c, Width: 1.2, Dashes: []vg.Length{1.5, 2}}, c.Min.X, y, c.Min.X+6, y)
}

// xBar is a horizontal 95% interval [lo, hi] at height y.
func xBar(lo, hi, y float64, c color.Color) plot.Plotter {
	mid := (lo + hi) / 2
	e, err := plotter.NewXErrorBars(struct {
		plotter.XYs
		plotter.XErrors
	}{plotter.XYs{{X: mid, Y: y}}, plotter.XErrors{{Low: mid - lo, High: hi - mid}}})
	if err != nil {
		panic(err)
	}
	e.LineStyle = draw.LineStyle{Color: withAlpha(c, 0.7), Width: 1.2}
	e.CapWidth = 6
	return e
}

// pointLabels writes names[i] just above and right of xys[i].
type pointLabels struct {
	xys   plotter.XYs
	names []string
}

// Plot implements plot.Plotter. A label goes above and right of its
// point, or, where that would cover a point or a label already written
// or leave the data area, at the first free place of eight around it;
// where none is free, at the one it overlaps least.
func (l pointLabels) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	sty := noteStyle(color.Black)
	sty.Font = fontAt(legendSize)
	sty.XAlign, sty.YAlign = draw.XLeft, draw.YBottom
	var placed []vg.Rectangle
	for _, xy := range l.xys {
		x, y := trX(xy.X), trY(xy.Y)
		placed = append(placed, vg.Rectangle{Min: vg.Point{X: x - 5, Y: y - 5}, Max: vg.Point{X: x + 5, Y: y + 5}})
	}
	for i, xy := range l.xys {
		x, y := trX(xy.X), trY(xy.Y)
		w, h := sty.Width(l.names[i]), sty.Height(l.names[i])
		offsets := [][2]vg.Length{{5, 4}, {5, -4 - h}, {-5 - w, 4}, {-5 - w, -4 - h},
			{-w / 2, 7}, {-w / 2, -7 - h}, {8, -h / 2}, {-8 - w, -h / 2}}
		var best vg.Rectangle
		bestCost := vg.Length(math.Inf(1))
		for _, o := range offsets {
			box := vg.Rectangle{Min: vg.Point{X: x + o[0], Y: y + o[1]}, Max: vg.Point{X: x + o[0] + w, Y: y + o[1] + h}}
			cost := overlapArea(box, placed)
			if box.Min.X < c.Min.X || box.Max.X > c.Max.X || box.Min.Y < c.Min.Y || box.Max.Y > c.Max.Y {
				cost += w * h // out of the data area: worse than most overlaps
			}
			if cost < bestCost {
				best, bestCost = box, cost
			}
			if cost == 0 {
				break
			}
		}
		placed = append(placed, best)
		c.FillText(sty, best.Min, l.names[i])
	}
}

// overlapArea is the area r shares with others.
func overlapArea(r vg.Rectangle, others []vg.Rectangle) vg.Length {
	var a vg.Length
	for _, o := range others {
		w := min(r.Max.X, o.Max.X) - max(r.Min.X, o.Min.X)
		h := min(r.Max.Y, o.Max.Y) - max(r.Min.Y, o.Min.Y)
		if w > 0 && h > 0 {
			a += w * h
		}
	}
	return a
}
