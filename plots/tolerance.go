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
// effect, the longest incident causing no false NotReady against the key
// (log seconds; a cross on the bottom edge where not even the shortest
// was absorbed, an up-triangle where even the longest tried was), with
// the recommended and today's values marked (NaN: none). It renders
// outage-tolerance.svg and .png.
func ToleranceChart(title, xlabel string, series []ToleranceSeries, recommended, today float64) ([]File, error) {
	p := newPlot(title, xlabel, "longest incident absorbed (s)")
	p.X.Tick.Marker = plainTicks{}
	xlo, xhi, ylo, yhi := math.Inf(1), math.Inf(-1), math.Inf(1), 0.0
	for _, s := range series {
		for i, x := range s.X {
			xlo, xhi = math.Min(xlo, x), math.Max(xhi, x)
			if y := s.LongestS[i]; y > 0 {
				ylo, yhi = math.Min(ylo, y), math.Max(yhi, y)
			}
		}
	}
	if yhi == 0 {
		return nil, fmt.Errorf("plots: no outage tolerance to draw")
	}
	setLog(&p.Y, ylo, yhi*1.5)
	floor := p.Y.Min // where "none absorbed" sits
	var noneShown, capShown bool
	for si, s := range series {
		c := seriesColor(si)
		var run plotter.XYs
		var capped, none plotter.XYs
		flush := func() {
			if len(run) > 1 {
				p.Add(line(run, c, 1.5))
			}
			run = nil
		}
		first := true
		for i, x := range s.X {
			y := s.LongestS[i]
			switch {
			case math.IsNaN(y): // unmeasurable: a gap, not a point
				flush()
				continue
			case y == 0:
				flush()
				none = append(none, plotter.XY{X: x, Y: floor})
				continue
			}
			pt := plotter.XY{X: x, Y: lg(y)}
			run = append(run, pt)
			if s.AtLeast[i] {
				capped = append(capped, pt)
			}
			if first {
				first = false
				sc := scatter(plotter.XYs{pt}, c, draw.CircleGlyph{}, 2.5)
				p.Legend.Add(s.Label, line(plotter.XYs{pt}, c, 1.5), sc)
			}
		}
		flush()
		var dots plotter.XYs
		for i, x := range s.X {
			if y := s.LongestS[i]; y > 0 && !s.AtLeast[i] {
				dots = append(dots, plotter.XY{X: x, Y: lg(y)})
			}
		}
		if len(dots) > 0 {
			p.Add(scatter(dots, c, draw.CircleGlyph{}, 2.5))
		}
		if len(capped) > 0 {
			p.Add(scatter(capped, c, draw.TriangleGlyph{}, 4))
			capShown = true
		}
		if len(none) > 0 {
			p.Add(scatter(none, c, draw.CrossGlyph{}, 4))
			noneShown = true
		}
	}
	if capShown {
		p.Legend.Add("absorbed even the longest tried", scatter(plotter.XYs{{}}, gray, draw.TriangleGlyph{}, 4))
	}
	if noneShown {
		p.Legend.Add("absorbed not even 1 s", scatter(plotter.XYs{{}}, gray, draw.CrossGlyph{}, 4))
	}
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
		p.Add(line(plotter.XYs{{X: m.x, Y: p.Y.Min}, {X: m.x, Y: p.Y.Max}}, gray, 1, m.dash...))
		lab, err := plotter.NewLabels(plotter.XYLabels{XYs: plotter.XYs{{X: m.x, Y: p.Y.Max}}, Labels: []string{" " + m.label}})
		if err != nil {
			return nil, err
		}
		for i := range lab.TextStyle {
			lab.TextStyle[i] = noteStyle(gray)
			lab.TextStyle[i].YAlign = draw.YTop
		}
		p.Add(lab)
	}
	return encode("outage-tolerance", sideLegend(p))
}
