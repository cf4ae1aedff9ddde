package plots

import (
	"fmt"
	"image/color"
	"math"
	"slices"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg/draw"

	"github.com/nodesim/nodesim/model"
)

// responseChart is the rare method's incident response curve: false
// NotReady per incident against the incident's duration, one series per
// incident spec, for the first point that has one: how long an outage the
// cluster absorbs.
func responseChart(res *model.Results) (painter, string) {
	var pt *model.Point
	for i := range res.Points {
		if len(res.Points[i].IncidentResponse) > 0 {
			pt = &res.Points[i]
			break
		}
	}
	if pt == nil {
		return nil, "no incident response (the rare method, on a scenario with incidents, measures it)"
	}
	title := "Incident response: false NotReady per incident"
	if l := paramLabel(*pt, axesOf(res)); l != "" {
		title += " (" + l + ")"
	}
	p := newPlot(title, "incident duration (s)", "false NotReady per incident")
	xmin, xmax, ymax := math.Inf(1), 0.0, 0.0
	type series struct {
		label string
		xys   plotter.XYs
		bars  []bar
	}
	var all []series
	for _, r := range pt.IncidentResponse {
		s := series{label: fmt.Sprintf("%s (%s, %s a day)", r.Name, r.Effect, fmtSig(float64(r.IncidentsPerDay), 2))}
		strata := slices.Clone(r.Strata)
		slices.SortFunc(strata, func(a, b model.ResponseStratum) int { return cmpNum(a.DurationMeanS, b.DurationMeanS) })
		for _, st := range strata {
			if !def(st.DurationMeanS) || st.Windows == 0 || !(st.DurationMeanS > 0) {
				continue
			}
			x, y := float64(st.DurationMeanS), math.Max(float64(st.NodesFlipped), 0)
			lo, hi := math.Max(float64(st.NodesFlippedCI95.Lo), 0), math.Max(float64(st.NodesFlippedCI95.Hi), y)
			s.xys = append(s.xys, plotter.XY{X: x, Y: y})
			s.bars = append(s.bars, bar{x, y, lo, hi})
			xmin, xmax, ymax = math.Min(xmin, x), math.Max(xmax, x), math.Max(ymax, hi)
		}
		if len(s.xys) > 0 {
			all = append(all, s)
		}
	}
	if len(all) == 0 {
		return nil, "no incident stratum was simulated"
	}
	logX := xmax/xmin > 20
	fx := func(x float64) float64 {
		if logX {
			return lg(x)
		}
		return x
	}
	if logX {
		setLog(&p.X, xmin/1.5, xmax*1.5)
	} else {
		p.X.Min, p.X.Max = 0, xmax*1.1
		p.X.Tick.Marker = plainTicks{}
	}
	p.Y.Min, p.Y.Max = 0, math.Max(ymax*1.1, 1)
	p.Y.Tick.Marker = plainTicks{}
	for i, s := range all {
		c := seriesColor(i)
		xys := make(plotter.XYs, len(s.xys))
		for j, xy := range s.xys {
			xys[j] = plotter.XY{X: fx(xy.X), Y: xy.Y}
		}
		sc := scatter(xys, c, draw.CircleGlyph{}, 3.5)
		p.Add(line(xys, c, 1.5), sc)
		for _, b := range s.bars {
			p.Add(errBar(fx(b.x), b.lo, b.hi, c))
		}
		p.Legend.Add(s.label, sc)
	}
	if g := pointGrace(res, *pt); g > 0 && fx(g) >= p.X.Min && fx(g) <= p.X.Max {
		p.Add(vline{x: fx(g), c: color.Black, label: "grace " + fmtSeconds(g)})
	}
	p.Legend.Top = true
	p.Legend.Left = true
	return single(p), ""
}

func cmpNum(a, b model.Num) int {
	switch {
	case float64(a) < float64(b):
		return -1
	case float64(a) > float64(b):
		return 1
	}
	return 0
}
