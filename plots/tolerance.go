package plots

import (
	"fmt"
	"math"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
)

// ToleranceSeries is one incident effect's longest absorbed duration at
// each value of the key (NaN: not measurable there).
type ToleranceSeries struct {
	Label    string
	X        []float64 // the key's values, in base units
	LongestS []float64
	AtLeast  []bool // absorbed even the longest duration tried
}

// ToleranceChart draws "how long an outage can this setting absorb": per
// effect, the longest incident causing no false NotReady against the key,
// with the recommended and today's values marked (NaN: none). It renders
// outage-tolerance.svg and .png.
func ToleranceChart(title, xlabel string, series []ToleranceSeries, recommended, today float64) ([]File, error) {
	p := newPlot(title, xlabel, "longest incident with no false NotReady (s)")
	p.X.Tick.Marker = plainTicks{}
	p.Y.Tick.Marker = plainTicks{}
	xlo, xhi, yhi := math.Inf(1), math.Inf(-1), 0.0
	any := false
	for si, s := range series {
		c := seriesColor(si)
		var pts, capped plotter.XYs
		for i, x := range s.X {
			xlo, xhi = math.Min(xlo, x), math.Max(xhi, x)
			y := s.LongestS[i]
			if math.IsNaN(y) {
				continue
			}
			yhi = math.Max(yhi, y)
			pts = append(pts, plotter.XY{X: x, Y: y})
			if s.AtLeast[i] {
				capped = append(capped, plotter.XY{X: x, Y: y})
			}
		}
		if len(pts) == 0 {
			continue
		}
		any = true
		l := line(pts, c, 1.5)
		sc := scatter(pts, c, draw.CircleGlyph{}, 2.5)
		p.Add(l, sc)
		p.Legend.Add(s.Label, l, sc)
		if len(capped) > 0 {
			p.Add(scatter(capped, c, draw.TriangleGlyph{}, 4))
		}
	}
	if !any {
		return nil, fmt.Errorf("plots: no outage tolerance to draw")
	}
	p.Y.Min, p.Y.Max = 0, yhi*1.15+1
	pad := math.Max((xhi-xlo)*0.05, 0.5)
	p.X.Min, p.X.Max = xlo-pad, xhi+pad
	for _, m := range []struct {
		x     float64
		label string
		dash  []vg.Length
	}{{recommended, "recommended", nil}, {today, "today", []vg.Length{vg.Points(4), vg.Points(3)}}} {
		if math.IsNaN(m.x) {
			continue
		}
		l := line(plotter.XYs{{X: m.x, Y: 0}, {X: m.x, Y: p.Y.Max}}, gray, 1, m.dash...)
		p.Add(l)
		lab, err := plotter.NewLabels(plotter.XYLabels{XYs: plotter.XYs{{X: m.x, Y: p.Y.Max}}, Labels: []string{" " + m.label}})
		if err == nil {
			for i := range lab.TextStyle {
				lab.TextStyle[i] = noteStyle(gray)
				lab.TextStyle[i].YAlign = draw.YTop
			}
			p.Add(lab)
		}
	}
	p.Legend.Top, p.Legend.Left = true, true
	return encode("outage-tolerance", sideLegend(p))
}
