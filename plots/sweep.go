package plots

import (
	"math"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/nodesim/nodesim/model"
)

// sweepChart is chart 1: false NotReady per node-day against the first
// swept key (log y, 95% CI error bars, zero-event points as downward
// upper-bound arrows), one series per value of the other keys, and a
// second panel with detection latency p50/p99.
func sweepChart(res *model.Results) (painter, string) {
	rate, det, why := sweepPlots(res)
	switch {
	case rate == nil:
		return nil, why
	case det == nil:
		return single(rate), ""
	}
	return func(dc draw.Canvas) {
		tiles := draw.Tiles{Rows: 1, Cols: 2, PadX: 0.35 * vg.Inch, PadTop: 4, PadBottom: 4, PadLeft: 4, PadRight: 10}
		cs := plot.Align([][]*plot.Plot{{rate, det}}, tiles, dc)
		rate.Draw(cs[0][0])
		det.Draw(cs[0][1])
	}, ""
}

// sweepPlots builds the two panels of the sweep chart; det is nil when
// no point has a detection latency.
func sweepPlots(res *model.Results) (rate, det *plot.Plot, why string) {
	axes := axesOf(res)
	switch {
	case len(axes) == 0:
		return nil, nil, "no sweep: the run has a single parameter set"
	case len(res.Points) < 2:
		return nil, nil, "the sweep has fewer than two points"
	}
	xa := newXAxis(axes[0])
	series := seriesOf(res, axes)

	rate = newPlot("False NotReady rate", "", "false NotReady per node-day")
	xa.apply(&rate.X)
	det = newPlot("Detection latency of injected failures", "", "detection latency (s)")
	xa.apply(&det.X)

	ylo, yhi := math.Inf(1), math.Inf(-1)
	anyRate, anyBound, anyDet := false, false, false

	var bars [][]bar
	var bounds, floors []plotter.XYs
	joined := xa.key != "name" // named points are categories, not a curve
	if len(series) > 1 && len(axes) == 2 {
		rate.Legend.Add(axes[1].Key + ":")
	}
	for si, s := range series {
		c := seriesColor(si)
		pts := sortedByX(s.pts, xa)
		var meas, bnd, flr, p50, p99 plotter.XYs
		var bs []bar
		for _, p := range pts {
			x, _ := xa.at(p.Params[xa.key])
			f := p.FalseNotReady
			hi := float64(f.RatePerNodeDayCI95.Hi)
			switch {
			case f.Estimator.StoppedBy == "below-floor":
				// Too rare to matter (under simulation.rate-floor): an
				// estimate at 1e-130 would stretch the axis over 100 decades.
				flr = append(flr, plotter.XY{X: x})
			case f.Bounded() && def(f.RatePerNodeDayCI95.Hi) && hi > 0:
				bnd = append(bnd, plotter.XY{X: x, Y: lg(hi)})
				yhi, ylo = math.Max(yhi, hi), math.Min(ylo, hi/3)
			case def(f.RatePerNodeDay) && f.RatePerNodeDay > 0:
				y := float64(f.RatePerNodeDay)
				meas = append(meas, plotter.XY{X: x, Y: lg(y)})
				lo := float64(f.RatePerNodeDayCI95.Lo)
				if !def(f.RatePerNodeDayCI95.Lo) || lo > y {
					lo = y
				}
				if !def(f.RatePerNodeDayCI95.Hi) || hi < y {
					hi = y
				}
				bs = append(bs, bar{x, y, lo, hi})
				yhi, ylo = math.Max(yhi, hi), math.Min(ylo, y)
				if lo > 0 {
					ylo = math.Min(ylo, lo)
				}
			}
			if d := p.Detection; def(d.P50S) || def(d.P99S) {
				if def(d.P50S) {
					p50 = append(p50, plotter.XY{X: x, Y: float64(d.P50S)})
				}
				if def(d.P99S) {
					p99 = append(p99, plotter.XY{X: x, Y: float64(d.P99S)})
				}
			}
		}
		label := s.label
		if label == "" {
			label = "rate (95% CI)"
		} else if len(axes) == 2 {
			label = s.pts[0].Params[axes[1].Key]
		}
		if len(meas) > 0 {
			anyRate = true
			if joined {
				rate.Add(line(meas, c, 1.5))
			}
			sc := scatter(meas, c, draw.CircleGlyph{}, 3.5)
			rate.Add(sc)
			rate.Legend.Add(label, sc)
		} else if len(series) > 1 {
			rate.Legend.Add(label, scatter(nil, c, arrowGlyph{}, 4.5))
		}
		bars = append(bars, bs)
		bounds = append(bounds, bnd)
		floors = append(floors, flr)
		anyBound = anyBound || len(bnd) > 0
		if len(p50)+len(p99) > 0 {
			anyDet = true
			if joined {
				det.Add(line(p99, c, 1.8), scatter(p99, c, draw.CircleGlyph{}, 3))
				det.Add(line(p50, c, 1.5, 5, 3), scatter(p50, c, draw.BoxGlyph{}, 2.6))
			} else {
				det.Add(scatter(p99, c, draw.CircleGlyph{}, 3), scatter(p50, c, draw.BoxGlyph{}, 2.6))
			}
		}
	}
	if !anyRate && !anyBound {
		return nil, nil, "no point has a defined false NotReady rate or upper bound"
	}
	if !joined {
		yhi *= 10 // headroom: the legend sits over the top decade
	}
	setLog(&rate.Y, ylo, yhi)
	for si, bs := range bars {
		for _, b := range bs {
			lo := math.Max(lg(b.lo), rate.Y.Min)
			rate.Add(errBar(b.x, lo, lg(b.hi), seriesColor(si)))
		}
	}
	for si, bnd := range bounds {
		if len(bnd) > 0 {
			rate.Add(scatter(bnd, seriesColor(si), arrowGlyph{}, 4.5))
		}
	}
	if anyBound {
		rate.Legend.Add("upper bound (0 events)", scatter(nil, gray, arrowGlyph{}, 4.5))
	}
	anyFloor := false
	for si, flr := range floors {
		for i := range flr {
			flr[i].Y = rate.Y.Min
		}
		if len(flr) > 0 {
			anyFloor = true
			rate.Add(scatter(flr, seriesColor(si), draw.CrossGlyph{}, 4))
		}
	}
	if anyFloor {
		rate.Legend.Add("below the rate floor (too rare to matter)", scatter(nil, gray, draw.CrossGlyph{}, 4))
	}
	if !anyDet {
		return rate, nil, ""
	}
	det.Y.Min = 0
	det.Legend.Add("p99", line(nil, gray, 1.8), scatter(nil, gray, draw.CircleGlyph{}, 3))
	det.Legend.Add("p50", line(nil, gray, 1.5, 5, 3), scatter(nil, gray, draw.BoxGlyph{}, 2.6))
	det.Legend.Left = true
	return rate, det, ""
}

// axisLabel is the x-axis label: the key with its unit.
func (a xAxis) axisLabel() string {
	if a.seconds {
		return a.key + " (s)"
	}
	return a.key
}

// sortedByX returns pts ordered by their x position.
func sortedByX(pts []model.Point, xa xAxis) []model.Point {
	out := append([]model.Point(nil), pts...)
	sort.SliceStable(out, func(i, j int) bool {
		xi, _ := xa.at(out[i].Params[xa.key])
		xj, _ := xa.at(out[j].Params[xa.key])
		return xi < xj
	})
	return out
}

// errBar draws a vertical 95% interval [lo, hi] at x with caps.
func errBar(x, lo, hi float64, c interface{ RGBA() (r, g, b, a uint32) }) plot.Plotter {
	e, err := plotter.NewYErrorBars(struct {
		plotter.XYs
		plotter.YErrors
	}{plotter.XYs{{X: x, Y: lo}}, plotter.YErrors{{Low: 0, High: hi - lo}}})
	if err != nil {
		panic(err)
	}
	e.LineStyle = draw.LineStyle{Color: c, Width: 1.2}
	e.CapWidth = 7
	return e
}
