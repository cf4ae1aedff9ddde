package plots

import (
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg/draw"

	"github.com/nodesim/nodesim/model"
)

// failoverStage is one step from an injected failure to its pods gone.
type failoverStage struct {
	label         string
	p50, p99, max func(p *model.Point) model.Num
}

var failoverStages = []failoverStage{
	{"detected", func(p *model.Point) model.Num { return p.Detection.P50S },
		func(p *model.Point) model.Num { return p.Detection.P99S }, func(p *model.Point) model.Num { return p.Detection.MaxS }},
	{"endpoints removed", func(p *model.Point) model.Num { return p.Failover.EndpointsRemovedP50S },
		func(p *model.Point) model.Num { return p.Failover.EndpointsRemovedP99S }, func(p *model.Point) model.Num { return p.Failover.EndpointsRemovedMaxS }},
	{"NoExecute taint", func(p *model.Point) model.Num { return p.Failover.TaintedP50S },
		func(p *model.Point) model.Num { return p.Failover.TaintedP99S }, func(p *model.Point) model.Num { return p.Failover.TaintedMaxS }},
	{"pods evicted", func(p *model.Point) model.Num { return p.Failover.EvictedP50S },
		func(p *model.Point) model.Num { return p.Failover.EvictedP99S }, func(p *model.Point) model.Num { return p.Failover.EvictedMaxS }},
}

// failoverChart shows, per point, how long after an injected failure each
// step of failing over comes: a dot at the median, a bar to the p99, the
// stages top to bottom in the order they happen.
func failoverChart(res *model.Results) (painter, string) {
	axes := axesOf(res)
	var pts []int
	for i := range res.Points {
		if fo := res.Points[i].Failover; fo.EndpointsRemoved+fo.Tainted+fo.Evicted > 0 {
			pts = append(pts, i)
		}
	}
	if len(pts) == 0 {
		return nil, "no failover figures (no injected failure got as far as its endpoints removed, its taint or its eviction)"
	}
	p := newPlot("Failover: time from an injected failure to each step (dot p50, bar to p99)", "seconds after the failure", "")
	rows := len(failoverStages)
	band := 0.8 / float64(len(pts)) // each point's offset within its stage's row
	xmax := 0.0
	var ticks fixedTicks
	for s, st := range failoverStages {
		ticks = append(ticks, plot.Tick{Value: float64(rows - 1 - s), Label: st.label})
	}
	for k, i := range pts {
		pt := &res.Points[i]
		c := seriesColor(k)
		var xys plotter.XYs
		for s, st := range failoverStages {
			med, hi := st.p50(pt), st.p99(pt)
			if !def(med) {
				continue
			}
			y := float64(rows-1-s) + 0.4 - band*(float64(k)+0.5)
			xys = append(xys, plotter.XY{X: float64(med), Y: y})
			if def(hi) {
				p.Add(hBar(y, float64(med), float64(hi), c))
				xmax = math.Max(xmax, float64(hi))
			}
			xmax = math.Max(xmax, float64(med))
		}
		sc := scatter(xys, c, seriesGlyph(k), 3.5)
		p.Add(sc)
		if len(pts) > 1 {
			if k == 0 && len(axes) == 1 && axes[0].Key != "name" {
				p.Legend.Add(axes[0].Key + ":")
			}
			label := paramLabel(*pt, axes)
			if len(axes) == 1 {
				label = pt.Params[axes[0].Key] // under its key's header, or a named point's name
			}
			if isBaseline(res, *pt) {
				label += " (baseline)"
			}
			p.Legend.Add(label, sc)
		}
	}
	p.X.Min, p.X.Max = 0, math.Max(xmax*1.08, 1)
	if len(pts) > 1 {
		p.X.Max = math.Max(xmax*1.5, 1) // the right third holds the legend, clear of the dots
	}
	p.X.Tick.Marker = plainTicks{}
	p.Y.Min, p.Y.Max = -0.6, float64(rows)-0.4
	p.Y.Tick.Marker = ticks
	p.Legend.Top = true
	return single(p), ""
}

// seriesGlyph tells series apart once the palette's colours repeat.
func seriesGlyph(k int) draw.GlyphDrawer {
	glyphs := []draw.GlyphDrawer{draw.CircleGlyph{}, draw.SquareGlyph{}, draw.TriangleGlyph{}, draw.PyramidGlyph{}}
	return glyphs[k/len(seriesPalette)%len(glyphs)]
}

// hBar is a horizontal interval from lo to hi at y.
func hBar(y, lo, hi float64, c interface{ RGBA() (r, g, b, a uint32) }) plot.Plotter {
	return line(plotter.XYs{{X: lo, Y: y}, {X: hi, Y: y}}, c, 2)
}
