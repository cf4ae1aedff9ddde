package plots

import (
	"math"
	"sort"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
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
	return twoPanels(rate, det), ""
}

// rateValue is a point's false NotReady rate for a log panel.
func rateValue(p *model.Point) logValue {
	f := p.FalseNotReady
	hi := float64(f.RatePerNodeDayCI95.Hi)
	switch {
	case f.Estimator.StoppedBy == "below-floor":
		// Too rare to matter (under simulation.rate-floor): an estimate
		// at 1e-130 would stretch the axis over 100 decades.
		return logValue{kind: floored}
	case f.Bounded() && def(f.RatePerNodeDayCI95.Hi) && hi > 0:
		return logValue{kind: bounded, hi: hi}
	case def(f.RatePerNodeDay) && f.RatePerNodeDay > 0:
		return logValue{kind: measured, y: float64(f.RatePerNodeDay), lo: float64(f.RatePerNodeDayCI95.Lo), hi: hi}
	}
	return logValue{}
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
	rate, ok := logPanel{title: "False NotReady rate", ylabel: "false NotReady per node-day",
		what: "rate (95% CI)", zeroLabel: "upper bound (0 events)",
		floorLabel: "below the rate floor (too rare to matter)", value: rateValue}.build(res, axes)
	if !ok {
		return nil, nil, "no point has a defined false NotReady rate or upper bound"
	}
	xa := newXAxis(axes[0])
	det = newPlot("Detection latency of injected failures", "", "detection latency (s)")
	xa.apply(&det.X)
	joined := xa.key != "name" // named points are categories, not a curve
	anyDet, ymax := false, 0.0
	series := seriesOf(res, axes)
	dodge := dodgeWidth(det, xa, len(series))
	for si, s := range series {
		c := seriesColor(si)
		var p50, p99 plotter.XYs
		for _, p := range sortedByX(s.pts, xa) {
			x, _ := xa.at(p.Params[xa.key])
			x += dodge * (float64(si) - float64(len(series)-1)/2)
			d := p.Detection
			if def(d.P50S) {
				p50 = append(p50, plotter.XY{X: x, Y: float64(d.P50S)})
				ymax = max(ymax, float64(d.P50S))
			}
			if def(d.P99S) {
				p99 = append(p99, plotter.XY{X: x, Y: float64(d.P99S)})
				ymax = max(ymax, float64(d.P99S))
				if isBaseline(res, p) {
					det.Add(scatter(plotter.XYs{p99[len(p99)-1]}, gray, ringGlyph{}, 7))
				}
			}
		}
		if len(p50)+len(p99) == 0 {
			continue
		}
		anyDet = true
		if joined {
			det.Add(line(p99, c, 1.8), line(p50, c, 1.5, 5, 3))
		}
		det.Add(scatter(p99, c, draw.CircleGlyph{}, 3), scatter(p50, c, draw.BoxGlyph{}, 2.6))
	}
	if !anyDet {
		return rate, nil, ""
	}
	// Room over the highest p99 for the two legend rows (about 36 pt of
	// a data area about 230 pt high).
	det.Y.Min, det.Y.Max = 0, math.Max(ymax, 1)/(1-36.0/230)
	det.Y.Tick.Marker = plainTicks{}
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
