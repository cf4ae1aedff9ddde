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
	var names, floorNames []string
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
			continue
		case f.Bounded() && def(f.RatePerNodeDayCI95.Hi) && hi > 0:
			x = hi
			bnd = append(bnd, plotter.XY{X: lg(x), Y: y})
			xlo = math.Min(xlo, x/3)
		case def(f.RatePerNodeDay) && f.RatePerNodeDay > 0:
			x = float64(f.RatePerNodeDay)
			meas = append(meas, plotter.XY{X: lg(x), Y: y})
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
		names = append(names, pt.Params[xa.key])
	}
	if len(path) == 0 {
		return nil, "no point has both a detection p99 (needs injected failures) and a false NotReady rate"
	}
	setLog(&p.X, xlo, xhi)
	p.Y.Min, p.Y.Max = 0, yhi*1.15+1
	if xa.key == "name" {
		p.Y.Max = yhi*1.35 + 1 // named points spread over the whole plot: the legend needs its own room
	}
	for _, b := range bars {
		p.Add(xBar(math.Max(lg(b.lo), p.X.Min), lg(b.hi), b.y, c))
	}
	if xa.key != "name" { // named points are categories, not a frontier
		p.Add(line(path, withAlpha(c, 0.6), 1.2, 4, 3))
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
		path, names = append(path, floor...), append(names, floorNames...)
	}
	p.Add(pointLabels{xys: path, names: names})
	p.Legend.Left = false
	return single(p), ""
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
// point, or, where that would overlap a label already written, in the
// first free corner of below-right, above-left, below-left.
func (l pointLabels) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	sty := noteStyle(color.Black)
	sty.Font = fontAt(legendSize)
	var placed []vg.Rectangle
	for i, xy := range l.xys {
		x, y := trX(xy.X), trY(xy.Y)
		w, h := sty.Width(l.names[i]), sty.Height(l.names[i])
		var box vg.Rectangle
		for k, corner := range [][2]vg.Length{{5, 4}, {5, -4 - h}, {-5 - w, 4}, {-5 - w, -4 - h}} {
			box = vg.Rectangle{Min: vg.Point{X: x + corner[0], Y: y + corner[1]}, Max: vg.Point{X: x + corner[0] + w, Y: y + corner[1] + h}}
			if box.Max.X > c.Max.X && corner[0] > 0 {
				continue // off the right edge: try the left
			}
			if !overlapsAny(box, placed) || k == 3 {
				break
			}
		}
		placed = append(placed, box)
		sty.XAlign, sty.YAlign = draw.XLeft, draw.YBottom
		c.FillText(sty, box.Min, l.names[i])
	}
}

func overlapsAny(r vg.Rectangle, others []vg.Rectangle) bool {
	for _, o := range others {
		if r.Min.X < o.Max.X && o.Min.X < r.Max.X && r.Min.Y < o.Max.Y && o.Min.Y < r.Max.Y {
			return true
		}
	}
	return false
}
