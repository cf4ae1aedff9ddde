package plots

import (
	"bytes"
	"fmt"
	"html"
	"image/color"
	"math"
	"regexp"
	"strconv"

	"github.com/nodesim/nodesim/internal/human"
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Figure geometry: 16:9 for slides, PNG at a fixed DPI so its pixel size
// is fixed (1200×675).
const (
	FigWidth  = 8 * vg.Inch
	FigHeight = 4.5 * vg.Inch
	PNGDPI    = 150
)

// Font sizes, set explicitly so output does not depend on gonum defaults.
const (
	titleSize  = 14
	labelSize  = 12
	tickSize   = 10.5
	legendSize = 10.5
	noteSize   = 9.5
)

// sans is the Liberation Sans face shipped inside gonum/plot's font cache.
var sans = font.Font{Typeface: "Liberation", Variant: "Sans"}

// Okabe–Ito colour-blind-safe palette, used in series order.
var seriesPalette = []color.Color{
	color.RGBA{0x00, 0x72, 0xB2, 0xff}, // blue
	color.RGBA{0xD5, 0x5E, 0x00, 0xff}, // vermillion
	color.RGBA{0x00, 0x9E, 0x73, 0xff}, // green
	color.RGBA{0xCC, 0x79, 0xA7, 0xff}, // purple
	color.RGBA{0xE6, 0x9F, 0x00, 0xff}, // orange
	color.RGBA{0x56, 0xB4, 0xE9, 0xff}, // sky
	color.RGBA{0x00, 0x00, 0x00, 0xff}, // black
}

var (
	gray      = color.RGBA{0x55, 0x55, 0x55, 0xff}
	lightGray = color.RGBA{0xdd, 0xdd, 0xdd, 0xff}
)

func seriesColor(i int) color.Color { return seriesPalette[i%len(seriesPalette)] }

// fontAt returns the chart font at size pt.
func fontAt(pt vg.Length) font.Font { return font.From(sans, pt) }

// newPlot returns a plot with the house style: sans fonts at fixed sizes,
// a light grid-free frame, legend top right.
func newPlot(title, xlabel, ylabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font = fontAt(titleSize)
	p.Title.Padding = 6
	for _, ax := range []*plot.Axis{&p.X, &p.Y} {
		ax.Label.TextStyle.Font = fontAt(labelSize)
		ax.Tick.Label.Font = fontAt(tickSize)
		ax.Padding = 0
	}
	p.X.Label.Text = xlabel
	p.Y.Label.Text = ylabel
	p.Legend.TextStyle.Font = fontAt(legendSize)
	p.Legend.Top = true
	p.Legend.ThumbnailWidth = 0.35 * vg.Inch
	p.Legend.Padding = 2
	return p
}

// noteStyle is the style for annotations drawn inside the data area.
func noteStyle(c color.Color) draw.TextStyle {
	return draw.TextStyle{Color: c, Font: fontAt(noteSize), Handler: plot.DefaultTextHandler}
}

// painter draws one whole figure onto a canvas.
type painter func(dc draw.Canvas)

// single paints one plot over the whole figure.
func single(p *plot.Plot) painter { return func(dc draw.Canvas) { p.Draw(dc) } }

// svgFontFamily is the font list written into SVG text styles: the
// chart font by family, then faces with the same metrics (Liberation
// Sans is metric-compatible with Arial), so text lays out as in the PNG
// without embedding the 550 KB font.
const svgFontFamily = "font-family:'Liberation Sans',Arial,Helvetica,sans-serif;"

// vgsvgFontStyle is what vgsvg writes for the chart font (its family
// name, then CSS defaults, which need not be written).
const vgsvgFontStyle = "font-family:Liberation Sans;font-variant:normal;font-weight:normal;font-style:normal;"

// encode renders a figure as <base>.svg (fonts referenced by family,
// deterministic) and <base>.png (PNGDPI, fonts rasterised).
func encode(base string, paint painter) (files []File, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("plots: drawing %s: %v", base, r)
		}
	}()
	sc := vgsvg.NewWith(vgsvg.UseWH(FigWidth, FigHeight), vgsvg.EmbedFonts(false))
	paintWhite(sc, paint)
	var sb bytes.Buffer
	if _, err := sc.WriteTo(&sb); err != nil {
		return nil, fmt.Errorf("plots: writing %s.svg: %w", base, err)
	}
	svg := fitText(bytes.ReplaceAll(sb.Bytes(), []byte(vgsvgFontStyle), []byte(svgFontFamily)))
	ic := vgimg.NewWith(vgimg.UseWH(FigWidth, FigHeight), vgimg.UseDPI(PNGDPI))
	paintWhite(ic, paint)
	var pb bytes.Buffer
	if _, err := (vgimg.PngCanvas{Canvas: ic}).WriteTo(&pb); err != nil {
		return nil, fmt.Errorf("plots: writing %s.png: %w", base, err)
	}
	return []File{{Name: base + ".svg", Data: svg}, {Name: base + ".png", Data: pb.Bytes()}}, nil
}

// headerHeight is the strip above every chart naming the run.
const headerHeight = 15

// withHeader paints text in a strip along the top left, in grey, and the
// figure below it.
func withHeader(text string, paint painter) painter {
	return func(dc draw.Canvas) {
		sty := noteStyle(gray)
		sty.XAlign, sty.YAlign = draw.XLeft, draw.YTop
		dc.FillText(sty, vg.Point{X: dc.Min.X + 6, Y: dc.Max.Y - 3}, text)
		paint(draw.Crop(dc, 0, 0, 0, -headerHeight))
	}
}

// svgText is one <text> element as vgsvg writes it: its font size and
// its (escaped) string.
var svgTextElem = regexp.MustCompile(`<text ([^>]*font-size:([0-9.]+)px[^>]*)>([^<]*)</text>`)

// fitText gives every <text> the width it has in the chart font
// (textLength, glyphs and spacing adjusted): a viewer without Liberation
// Sans or a metric-compatible face draws a wider or narrower fallback
// squeezed to the same width, so right-aligned labels still end where
// they should and nothing runs into its neighbour.
func fitText(svg []byte) []byte {
	return svgTextElem.ReplaceAllFunc(svg, func(el []byte) []byte {
		m := svgTextElem.FindSubmatch(el)
		size, err := strconv.ParseFloat(string(m[2]), 64)
		if err != nil {
			return el
		}
		sty := draw.TextStyle{Font: fontAt(vg.Length(size)), Handler: plot.DefaultTextHandler}
		w := sty.Width(html.UnescapeString(string(m[3])))
		return []byte(fmt.Sprintf(`<text textLength="%.5g" lengthAdjust="spacingAndGlyphs" %s>%s</text>`, w.Points(), m[1], m[3]))
	})
}

func paintWhite(c vg.CanvasSizer, paint painter) {
	dc := draw.New(c)
	dc.SetColor(color.White)
	dc.Fill(dc.Rectangle.Path())
	paint(dc)
}

// Log axes are drawn as linear axes over log10 of the data: gonum/plot's
// LogScale mis-places the glyph box of a centred axis label (it takes the
// arithmetic midpoint), which leaves a large empty margin. Data passed to
// a log axis go through lg, and setLog sets the range and ticks.

// lg is log10, the coordinate of a value on a log axis.
func lg(x float64) float64 { return math.Log10(x) }

// setLog makes ax a log axis covering [lo, hi] widened to whole decades.
func setLog(ax *plot.Axis, lo, hi float64) {
	min, max := decadeRange(lo, hi)
	ax.Min, ax.Max = lg(min), lg(max)
	ax.Tick.Marker = logTicks{}
}

// logTicks marks every decade with a plain-number label and the 2..9
// multiples as unlabelled minor ticks, so a log axis always has labels.
// min and max are log10 values.
type logTicks struct{}

// Ticks implements plot.Ticker.
func (logTicks) Ticks(min, max float64) []plot.Tick {
	if !(max > min) {
		return nil
	}
	// Over many decades, label every k-th and drop the minor ticks, so
	// labels never pile up.
	every := math.Max(1, math.Ceil((max-min)/8))
	var ts []plot.Tick
	for e := math.Floor(min); e <= math.Ceil(max); e++ {
		for m := 1.0; m < 10; m++ {
			v := e + lg(m)
			if v < min-1e-9 || v > max+1e-9 || (m > 1 && every > 1) {
				continue
			}
			t := plot.Tick{Value: v}
			if m == 1 && math.Mod(e, every) == 0 {
				t.Label = fmtSig(math.Pow(10, e), 1)
			}
			ts = append(ts, t)
		}
	}
	return ts
}

// decadeRange widens [lo, hi] to whole decades, for a log axis.
func decadeRange(lo, hi float64) (float64, float64) {
	if !(lo > 0) {
		lo = hi / 10
	}
	if !(hi > 0) {
		return 0.1, 1
	}
	min := math.Pow(10, math.Floor(math.Log10(lo)+1e-9))
	max := math.Pow(10, math.Ceil(math.Log10(hi)-1e-9))
	if max <= min {
		max = min * 10
	}
	return min, max
}

// plainTicks is gonum's default linear ticks labelled without trailing
// zeros ("25", not "25.00").
type plainTicks struct{}

// Ticks implements plot.Ticker.
func (plainTicks) Ticks(min, max float64) []plot.Tick {
	ts := plot.DefaultTicks{}.Ticks(min, max)
	for i := range ts {
		if ts[i].Label != "" {
			ts[i].Label = strconv.FormatFloat(ts[i].Value, 'f', -1, 64)
		}
	}
	return ts
}

// fixedTicks is a Ticker with precomputed ticks.
type fixedTicks []plot.Tick

// Ticks implements plot.Ticker.
func (t fixedTicks) Ticks(min, max float64) []plot.Tick { return t }

// fmtSig formats x with sig significant figures, as every output does.
func fmtSig(x float64, sig int) string { return human.Sig(x, sig) }

// glyph shapes for upper bounds: a triangle pointing down (y bound) or
// left (x bound) with a short stem, so it reads as "at most this".
type arrowGlyph struct{ left bool }

// DrawGlyph implements draw.GlyphDrawer.
func (g arrowGlyph) DrawGlyph(c *draw.Canvas, sty draw.GlyphStyle, pt vg.Point) {
	r := sty.Radius
	var tri []vg.Point
	var stem [2]vg.Point
	if g.left {
		tri = []vg.Point{{X: pt.X - r, Y: pt.Y}, {X: pt.X + 0.3*r, Y: pt.Y + r}, {X: pt.X + 0.3*r, Y: pt.Y - r}}
		stem = [2]vg.Point{{X: pt.X, Y: pt.Y}, {X: pt.X + 2.2*r, Y: pt.Y}}
	} else {
		tri = []vg.Point{{X: pt.X, Y: pt.Y - r}, {X: pt.X - r, Y: pt.Y + 0.3*r}, {X: pt.X + r, Y: pt.Y + 0.3*r}}
		stem = [2]vg.Point{{X: pt.X, Y: pt.Y}, {X: pt.X, Y: pt.Y + 2.2*r}}
	}
	c.StrokeLine2(draw.LineStyle{Color: sty.Color, Width: vg.Points(1.5)}, stem[0].X, stem[0].Y, stem[1].X, stem[1].Y)
	c.FillPolygon(sty.Color, tri)
}

// scatter returns a scatter of xys with the given colour and glyph.
func scatter(xys plotter.XYs, c color.Color, shape draw.GlyphDrawer, r vg.Length) *plotter.Scatter {
	s, err := plotter.NewScatter(xys)
	if err != nil {
		panic(err)
	}
	s.GlyphStyle = draw.GlyphStyle{Color: c, Shape: shape, Radius: r}
	return s
}

// line returns a polyline through xys.
func line(xys plotter.XYs, c color.Color, width vg.Length, dashes ...vg.Length) *plotter.Line {
	l, err := plotter.NewLine(xys)
	if err != nil {
		panic(err)
	}
	l.LineStyle = draw.LineStyle{Color: c, Width: width, Dashes: dashes}
	return l
}

// rect is a plot.Plotter filling a data-space rectangle; NaN bounds
// extend to the edge of the data area.
type rect struct {
	x0, x1, y0, y1 float64
	fill           color.Color
	minW           vg.Length // drawn at least this wide, about its middle
}

// Plot implements plot.Plotter.
func (r rect) Plot(c draw.Canvas, p *plot.Plot) {
	trX, trY := p.Transforms(&c)
	edge := func(v, lo, hi, def float64) float64 {
		if math.IsNaN(v) {
			return def
		}
		return math.Max(lo, math.Min(hi, v))
	}
	x0 := trX(edge(r.x0, p.X.Min, p.X.Max, p.X.Min))
	x1 := trX(edge(r.x1, p.X.Min, p.X.Max, p.X.Max))
	y0 := trY(edge(r.y0, p.Y.Min, p.Y.Max, p.Y.Min))
	y1 := trY(edge(r.y1, p.Y.Min, p.Y.Max, p.Y.Max))
	if w := x1 - x0; w < r.minW {
		x0, x1 = x0-(r.minW-w)/2, x1+(r.minW-w)/2
	}
	c.FillPolygon(r.fill, []vg.Point{{X: x0, Y: y0}, {X: x1, Y: y0}, {X: x1, Y: y1}, {X: x0, Y: y1}})
}

// swatch is a legend thumbnail: a filled box.
type swatch struct{ fill color.Color }

// Thumbnail implements plot.Thumbnailer.
func (s swatch) Thumbnail(c *draw.Canvas) {
	c.FillPolygon(s.fill, []vg.Point{c.Min, {X: c.Max.X, Y: c.Min.Y}, c.Max, {X: c.Min.X, Y: c.Max.Y}})
}

// withAlpha returns c at opacity a (0..1), premultiplied.
func withAlpha(c color.Color, a float64) color.Color {
	r, g, b, _ := c.RGBA()
	f := func(v uint32) uint8 { return uint8(float64(v>>8) * a) }
	return color.RGBA{f(r), f(g), f(b), uint8(255 * a)}
}

// sideLegend paints p with its legend moved out of the data area into a
// strip on the right, for charts whose data fill every corner.
func sideLegend(p *plot.Plot) painter {
	return func(dc draw.Canvas) {
		leg := p.Legend
		r := leg.Rectangle(dc)
		w := r.Max.X - r.Min.X + 12
		p.Legend = plot.NewLegend()
		p.Draw(draw.Crop(dc, 0, -w, 0, 0))
		p.Legend = leg
		top := p.Title.TextStyle.Rectangle(p.Title.Text).Size().Y + p.Title.Padding + 4
		leg.Top, leg.Left, leg.XOffs, leg.YOffs = true, true, 0, 0
		leg.Draw(draw.Crop(dc, dc.Max.X-dc.Min.X-w+8, 0, 0, -top))
	}
}

// bar is one point's 95% interval, for error bars.
type bar struct{ x, y, lo, hi float64 }
