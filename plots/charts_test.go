package plots

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nodesim/nodesim/model"
)

// svgOf renders res and returns chart name's SVG.
func svgOf(t *testing.T, res *model.Results, name string) string {
	t.Helper()
	files, _, err := Render(res)
	require.NoError(t, err)
	for _, f := range files {
		if f.Name == name+".svg" {
			return string(f.Data)
		}
	}
	t.Fatalf("%s not drawn", name)
	return ""
}

// lines counts the SVG paths with exactly this style that run across x
// (a glyph's vertical stem does not).
func lines(svg, style string) int {
	re := regexp.MustCompile(`<path d="M([-0-9.]+),[-0-9.]+L([-0-9.]+),[^"]*" style="` + regexp.QuoteMeta(style) + `"`)
	n := 0
	for _, m := range re.FindAllStringSubmatch(svg, -1) {
		if m[1] != m[2] {
			n++
		}
	}
	return n
}

// gapped is the grace sweep with the 30s point at zero events, between
// measured 25s and 40s.
func gapped() *model.Results {
	res := graceSweep()
	f := &res.Points[2].FalseNotReady
	f.Events, f.RatePerNodeDay, f.RatePerNodeDayCI95 = 0, 0, iv(0, 0.00074)
	return res
}

// A zero-event point has no rate: lines join measured neighbours only,
// so the 20s–25s and 40s–1m runs are two lines (2m is zero too).
func TestLinesSkipZeroEventPoints(t *testing.T) {
	t.Parallel()
	sweep := svgOf(t, gapped(), "sweep")
	assert.Equal(t, 2, lines(sweep, "fill:none;stroke:#0072B2;stroke-width:1.5"), "rate lines")
	trade := svgOf(t, gapped(), "tradeoff")
	assert.Equal(t, 2, lines(trade, "fill:none;stroke:#0071B0;stroke-opacity:0.6;stroke-width:1.2;stroke-dasharray:4,3"), "trade-off lines")
	assert.Equal(t, 1, lines(svgOf(t, graceSweep(), "sweep"), "fill:none;stroke:#0072B2;stroke-width:1.5"), "one run without the gap")
}

// A 95% interval reaching 0 is drawn to the axis edge with an open end
// and said so in the legend, not clipped silently into a closed bar.
func TestIntervalReachingZero(t *testing.T) {
	t.Parallel()
	res := graceSweep()
	res.Points[5].FalseNotReady.RatePerNodeDayCI95.Lo = 0
	for _, chart := range []string{"sweep", "tradeoff"} {
		svg := svgOf(t, res, chart)
		assert.Contains(t, svg, "95% CI reaching 0 (open end)", chart)
		assert.Contains(t, svg, "stroke-dasharray:1.5,2", chart)
		assert.NotContains(t, svgOf(t, graceSweep(), chart), "reaching 0", chart)
	}
}

// The baseline is marked on the sweep, trade-off and heat map, and only
// when there is one.
func TestBaselineMarked(t *testing.T) {
	t.Parallel()
	res := graceSweep()
	for _, chart := range []string{"sweep", "tradeoff", "impact"} {
		assert.NotContains(t, svgOf(t, res, chart), "baseline", chart)
	}
	res.Baseline = map[string]string{graceKey: "40s"}
	for _, chart := range []string{"sweep", "tradeoff", "impact"} {
		assert.Contains(t, svgOf(t, res, chart), ">baseline<", chart)
	}
	assert.Contains(t, svgOf(t, res, "tradeoff"), ">40s (baseline)<")
	assert.Contains(t, svgOf(t, twoKeySweep(), "heatmap"), "(outlined: baseline)")
}

// Every chart names the scenario, its cluster size and profile.
func TestHeaderNamesRun(t *testing.T) {
	t.Parallel()
	res := graceSweep()
	for i := range res.Points {
		res.Points[i].Zones = []model.ZoneResult{{Zone: 0, Nodes: 600}, {Zone: 1, Nodes: 400}}
	}
	files, _, err := Render(res)
	require.NoError(t, err)
	for _, f := range files {
		if strings.HasSuffix(f.Name, ".svg") {
			assert.Contains(t, string(f.Data), ">grace-sweep · 1000 nodes · kubeadm-1.31<", f.Name)
		}
	}
	res.Points[0].Zones[0].Nodes = 100
	assert.Contains(t, svgOf(t, res, "sweep"), ">grace-sweep · cluster size swept · kubeadm-1.31<")
}

// Gap curves that coincide are one line labelled with every point; the
// others each have their own dash pattern.
func TestGapCurvesDistinct(t *testing.T) {
	t.Parallel()
	svg := svgOf(t, graceSweep(), "gaps")
	assert.Contains(t, svg, ">25s, 30s (the same gaps)<")
	dashes := regexp.MustCompile(`stroke-width:[0-9.]+(;stroke-dasharray:[0-9.,]+)?"`).FindAllString(svg, -1)
	styles := map[string]bool{}
	for _, d := range dashes {
		if strings.HasPrefix(d, "stroke-width:3.2") || strings.HasPrefix(d, "stroke-width:2.6") || strings.HasPrefix(d, "stroke-width:2.2") || strings.HasPrefix(d, "stroke-width:1.9") {
			styles[d] = true
		}
	}
	assert.Len(t, styles, 4, "four groups, four line styles: %v", styles)
}

// incidentWidths returns the widths (pt) of the incident shading.
func incidentWidths(svg string) []float64 {
	re := regexp.MustCompile(`<path d="M([-0-9.]+),[-0-9.]+L([-0-9.]+),[^"]*" style="fill:#D9D9D9"`)
	var ws []float64
	for _, m := range re.FindAllStringSubmatch(svg, -1) {
		a, _ := strconv.ParseFloat(m[1], 64)
		b, _ := strconv.ParseFloat(m[2], 64)
		ws = append(ws, math.Abs(b-a))
	}
	return ws
}

// The timeline shows a 40-second incident on a 1-day axis (under a
// point wide to scale) at minMark, tells crashed nodes from false
// Unknown, and charts the point --timeline-point names.
func TestTimelineChart(t *testing.T) {
	t.Parallel()
	res := singleRun()
	svg := svgOf(t, res, "timeline")
	ws := incidentWidths(svg)
	require.Len(t, ws, 3, "the brownout, the 40s election and the legend's swatch")
	assert.InDelta(t, minMark, ws[1], 0.01, "the 40s incident")
	assert.Greater(t, ws[0], 2*minMark, "the 24-minute brownout to scale")
	assert.Contains(t, svg, ">false NotReady: healthy nodes Unknown (of 1000)<")
	assert.Contains(t, svg, ">nodes with an injected failure (crash, partition, gray)<")
	assert.Contains(t, svg, "fill:"+strings.ToUpper(hexColor(failedFill)))

	old := singleRun() // a results.json from before timeline.failed
	old.Points[0].Timeline.Failed = nil
	svg = svgOf(t, old, "timeline")
	assert.Contains(t, svg, ">nodes Unknown (of 1000)<")
	assert.NotContains(t, svg, "injected failure")

	sweep := graceSweep()
	for i := range sweep.Points {
		tl := *res.Points[0].Timeline
		tl.Replication = 3
		sweep.Points[i].Timeline = &tl
	}
	assert.Contains(t, svgOf(t, sweep, "timeline"), "(replication 3, node-monitor-grace-period=20s)")
	sweep.TimelinePoint = map[string]string{graceKey: "1m"}
	assert.Contains(t, svgOf(t, sweep, "timeline"), "(replication 3, node-monitor-grace-period=1m)")
}

func hexColor(c interface{ RGBA() (r, g, b, a uint32) }) string {
	r, g, b, _ := c.RGBA()
	return "#" + hex2(r>>8) + hex2(g>>8) + hex2(b>>8)
}

func hex2(v uint32) string {
	s := strconv.FormatUint(uint64(v), 16)
	if len(s) < 2 {
		s = "0" + s
	}
	return s
}

// Tick labels have no trailing zeros on any axis.
func TestTickLabelsPlain(t *testing.T) {
	t.Parallel()
	trailing := regexp.MustCompile(`>-?[0-9]+\.[0-9]*0<`)
	for i, fx := range fixtures {
		files, _, err := render(i)
		require.NoError(t, err)
		for _, f := range files {
			if strings.HasSuffix(f.Name, ".svg") {
				assert.Empty(t, trailing.FindAllString(string(f.Data), -1), "%s/%s", fx.name, f.Name)
			}
		}
	}
	res := namedRun() // detection up to 300 s: gonum's default ticks wrote "250.00"
	assert.Empty(t, trailing.FindAllString(svgOf(t, res, "tradeoff"), -1))
}
