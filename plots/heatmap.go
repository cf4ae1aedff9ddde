package plots

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/palette"
	"gonum.org/v1/plot/palette/moreland"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/nodesim/nodesim/internal/human"
	"github.com/nodesim/nodesim/model"
)

// zeroCellFill colours cells with zero events (only an upper bound).
var zeroCellFill = color.RGBA{0xee, 0xee, 0xee, 0xff}

// colorBarWidth is the width reserved right of the heat map for its scale.
const colorBarWidth = 1.15 * vg.Inch

// heatCell is one sweep point of a two-key sweep.
type heatCell struct {
	col, row     int
	rate, lo, hi float64
	zero         bool // zero events: hi is an upper bound
	known        bool
	baseline     bool
}

// heatmapChart is chart 5: with two swept keys, the false NotReady rate
// of each (key 1, key 2) cell coloured on a log scale and written in the
// cell with its 95% interval.
func heatmapChart(res *model.Results) (painter, string) {
	axes := axesOf(res)
	if len(axes) == 0 {
		return nil, "no sweep: the heat map needs two swept keys"
	}
	if len(axes) != 2 {
		return nil, fmt.Sprintf("the heat map needs exactly two swept keys (this run sweeps %d)", len(axes))
	}
	ax, ay := axes[0], axes[1]
	var cells []heatCell
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, p := range res.Points {
		c := heatCell{col: index(ax.Values, p.Params[ax.Key]), row: index(ay.Values, p.Params[ay.Key]), baseline: isBaseline(res, p)}
		if c.col < 0 || c.row < 0 {
			continue
		}
		f := p.FalseNotReady
		c.rate, c.lo, c.hi = float64(f.RatePerNodeDay), float64(f.RatePerNodeDayCI95.Lo), float64(f.RatePerNodeDayCI95.Hi)
		switch {
		case f.Bounded() && def(f.RatePerNodeDayCI95.Hi):
			c.zero, c.known = true, true
		case def(f.RatePerNodeDay) && f.RatePerNodeDay > 0:
			c.known = true
			lo, hi = math.Min(lo, c.rate), math.Max(hi, c.rate)
		}
		cells = append(cells, c)
	}
	if len(cells) == 0 {
		return nil, "no point matches the swept values"
	}
	if math.IsInf(lo, 1) {
		lo, hi = 0.001, 0.01
	}
	cmin, cmax := decadeRange(lo, hi)
	cmap := moreland.SmoothBlueRed()
	cmap.SetMin(math.Log10(cmin))
	cmap.SetMax(math.Log10(cmax))

	title := "False NotReady per node-day"
	if baselineOf(res) >= 0 {
		title += " (outlined: baseline)"
	}
	p := newPlot(title, ax.Key, ay.Key)
	p.NominalX(ax.Values...)
	p.NominalY(ay.Values...)
	p.X.Min, p.X.Max = -0.5, float64(len(ax.Values))-0.5
	p.Y.Min, p.Y.Max = -0.5, float64(len(ay.Values))-0.5
	p.X.Tick.Length, p.Y.Tick.Length = 0, 0
	p.Add(heatCells{cells: cells, cmap: cmap})

	return func(dc draw.Canvas) {
		main := draw.Crop(dc, 0, -colorBarWidth, 0, 0)
		p.Draw(main)
		data := p.DataCanvas(main)
		drawColorBar(dc, cmap, dc.Max.X-colorBarWidth+0.25*vg.Inch, data.Min.Y, data.Max.Y)
	}, ""
}

// drawColorBar draws the log colour scale at x between y0 and y1 with a
// label per decade and the axis title along the right edge.
func drawColorBar(dc draw.Canvas, cmap palette.ColorMap, x, y0, y1 vg.Length) {
	const n = 48
	w := 0.22 * vg.Inch
	lmin, lmax := cmap.Min(), cmap.Max()
	for i := 0; i < n; i++ {
		col, err := cmap.At(lmin + (lmax-lmin)*(float64(i)+0.5)/n)
		if err != nil {
			continue
		}
		a := y0 + (y1-y0)*vg.Length(i)/n
		b := y0 + (y1-y0)*vg.Length(i+1)/n + 0.3
		dc.FillPolygon(col, []vg.Point{{X: x, Y: a}, {X: x + w, Y: a}, {X: x + w, Y: b}, {X: x, Y: b}})
	}
	sty := noteStyle(color.Black)
	sty.Font = fontAt(tickSize)
	sty.XAlign, sty.YAlign = draw.XLeft, draw.YCenter
	for e := math.Ceil(lmin - 1e-9); e <= lmax+1e-9; e++ {
		y := y0 + (y1-y0)*vg.Length((e-lmin)/(lmax-lmin))
		dc.StrokeLine2(draw.LineStyle{Color: color.Black, Width: 1}, x+w, y, x+w+4, y)
		dc.FillText(sty, vg.Point{X: x + w + 6, Y: y}, fmtSig(math.Pow(10, e), 1))
	}
	title := noteStyle(color.Black)
	title.Font = fontAt(labelSize)
	title.Rotation = math.Pi / 2
	title.XAlign, title.YAlign = draw.XCenter, draw.YBottom
	dc.FillText(title, vg.Point{X: dc.Max.X - 4, Y: (y0 + y1) / 2}, "false NotReady per node-day (log)")
}

// index is the position of v in vs, or -1.
func index(vs []string, v string) int {
	for i, s := range vs {
		if s == v {
			return i
		}
	}
	return -1
}

// heatCells draws the cells with their numbers.
type heatCells struct {
	cells []heatCell
	cmap  palette.ColorMap
}

// Plot implements plot.Plotter.
func (h heatCells) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	cw := trX(1) - trX(0)
	for _, cell := range h.cells {
		x0, x1 := trX(float64(cell.col)-0.5), trX(float64(cell.col)+0.5)
		y0, y1 := trY(float64(cell.row)-0.5), trY(float64(cell.row)+0.5)
		fill := color.Color(zeroCellFill)
		var txt string
		switch {
		case !cell.known:
			txt = human.Undefined
		case cell.zero:
			txt = "0 events\n≤ " + human.Figure(cell.hi)
		default:
			v := math.Max(h.cmap.Min(), math.Min(h.cmap.Max(), math.Log10(cell.rate)))
			if col, err := h.cmap.At(v); err == nil {
				fill = col
			}
			txt = human.Estimate(cell.rate, cell.lo, cell.hi)
			if cw > 0.9*vg.Inch {
				txt += "\n" + human.Interval(cell.lo, cell.hi)
			}
		}
		c.FillPolygon(fill, []vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}})
		c.StrokeLines(draw.LineStyle{Color: color.White, Width: 1.5},
			[]vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}, {X: x0, Y: y0}})
		if cell.baseline {
			c.StrokeLines(draw.LineStyle{Color: color.Black, Width: 2.5},
				[]vg.Point{{X: x0 + 2, Y: y0 + 2}, {X: x1 - 2, Y: y0 + 2}, {X: x1 - 2, Y: y1 - 2}, {X: x0 + 2, Y: y1 - 2}, {X: x0 + 2, Y: y0 + 2}})
		}
		if cw < 0.45*vg.Inch {
			continue
		}
		sty := noteStyle(textOn(fill))
		sty.Font = fontAt(legendSize)
		sty.XAlign, sty.YAlign = draw.XCenter, draw.YCenter
		c.FillText(sty, vg.Point{X: (x0 + x1) / 2, Y: (y0 + y1) / 2}, txt)
	}
}

// textOn returns black or white, whichever reads better on bg.
func textOn(bg color.Color) color.Color {
	r, g, b, _ := bg.RGBA()
	lum := 0.2126*float64(r) + 0.7152*float64(g) + 0.0722*float64(b)
	if lum < 0.5*0xffff {
		return color.White
	}
	return color.Black
}
