package plots

import (
	"bytes"
	"flag"
	"fmt"
	"image/png"
	"maps"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/plot/vg"

	"github.com/nodesim/nodesim/model"
)

var (
	regen = flag.Bool("regen", false, "rewrite testdata/*_golden.svg")
	look  = flag.String("look", "", "write every rendered PNG and report.md under this directory for a human look")
)

// fixtures are the hand-built results; the name prefixes golden files.
var fixtures = []struct {
	name string
	res  func() *model.Results
}{
	{"grace", graceSweep},
	{"twokey", twoKeySweep},
	{"single", singleRun},
	{"sparse", sparseRun},
	{"named", namedRun},
}

// rendered holds each fixture's Render, done once and shared by the tests
// that only read it (rendering PNGs is most of this package's test time).
var rendered = make([]struct {
	once    sync.Once
	files   []File
	skipped []Skip
	err     error
}, len(fixtures))

func render(i int) ([]File, []Skip, error) {
	r := &rendered[i]
	r.once.Do(func() { r.files, r.skipped, r.err = Render(fixtures[i].res()) })
	return r.files, r.skipped, r.err
}

func byName(files []File) map[string][]byte {
	m := map[string][]byte{}
	for _, f := range files {
		m[f.Name] = f.Data
	}
	return m
}

// TestGoldenSVG compares what matters in every SVG with its golden
// digest: the text written, in order, and how many marks of each style
// (colour, width, dashes) are drawn; coordinates are left out, so a
// sub-point shift does not fail it but a lost label, series or marker does.
func TestGoldenSVG(t *testing.T) {
	t.Parallel()
	for i, fx := range fixtures {
		files, _, err := render(i)
		require.NoError(t, err, fx.name)
		for _, f := range files {
			if !strings.HasSuffix(f.Name, ".svg") {
				continue
			}
			got := svgDigest(f.Data)
			golden := filepath.Join("testdata", fx.name+"_"+strings.TrimSuffix(f.Name, ".svg")+"_golden.txt")
			if *regen {
				require.NoError(t, os.MkdirAll("testdata", 0o755))
				require.NoError(t, os.WriteFile(golden, []byte(got), 0o644))
				continue
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "missing golden; run go test ./plots -regen")
			assert.Equal(t, string(want), got, "%s/%s differs from %s (run go test ./plots -regen if intended)", fx.name, f.Name, golden)
		}
	}
}

var (
	svgText  = regexp.MustCompile(`(?s)<text [^>]*style="([^"]*)">(.*?)</text>`)
	svgMark  = regexp.MustCompile(`<(path|circle|rect|polygon|polyline|line|image)\b[^>]*?style="([^"]*)"`)
	svgWidth = regexp.MustCompile(`stroke-width:[0-9.]+`)
)

// svgDigest is an SVG's texts in order (with their style) and the count
// of marks per style, sorted.
func svgDigest(data []byte) string {
	var b strings.Builder
	for _, m := range svgText.FindAllSubmatch(data, -1) {
		fmt.Fprintf(&b, "text %q [%s]\n", m[2], strings.TrimPrefix(string(m[1]), svgFontFamily))
	}
	counts := map[string]int{}
	for _, m := range svgMark.FindAllSubmatch(data, -1) {
		counts[string(m[1])+" "+svgWidth.ReplaceAllStringFunc(string(m[2]), roundWidth)]++
	}
	keys := slices.Sorted(maps.Keys(counts))
	for _, k := range keys {
		fmt.Fprintf(&b, "%s ×%d\n", k, counts[k])
	}
	return b.String()
}

// roundWidth keeps stroke widths to two decimals.
func roundWidth(s string) string {
	v, err := strconv.ParseFloat(strings.TrimPrefix(s, "stroke-width:"), 64)
	if err != nil {
		return s
	}
	return "stroke-width:" + strconv.FormatFloat(v, 'f', 2, 64)
}

// TestSVGSmall: SVGs reference the font by family instead of embedding
// it, so a chart is tens of kilobytes, not 560, and each text carries its
// width so a fallback face keeps the layout.
func TestSVGSmall(t *testing.T) {
	t.Parallel()
	for i, fx := range fixtures {
		files, _, err := render(i)
		require.NoError(t, err)
		for _, f := range files {
			if !strings.HasSuffix(f.Name, ".svg") {
				continue
			}
			assert.NotContains(t, string(f.Data), "@font-face", "%s/%s", fx.name, f.Name)
			assert.NotContains(t, string(f.Data), vgsvgFontStyle, "%s/%s", fx.name, f.Name)
			assert.Less(t, len(f.Data), 150_000, "%s/%s", fx.name, f.Name)
			assert.Equal(t, strings.Count(string(f.Data), "<text "), strings.Count(string(f.Data), `<text textLength="`),
				"%s/%s: every text has its width in the chart font", fx.name, f.Name)
			for _, m := range svgText.FindAllSubmatch(f.Data, -1) {
				assert.Contains(t, string(m[1]), svgFontFamily, "%s/%s: %s", fx.name, f.Name, m[2])
			}
		}
	}
}

// TestDeterministic renders twice and requires identical SVG bytes.
func TestDeterministic(t *testing.T) {
	t.Parallel()
	for i, fx := range fixtures {
		a, _, err := render(i)
		require.NoError(t, err)
		b, _, err := Render(fx.res())
		require.NoError(t, err)
		am, bm := byName(a), byName(b)
		for name, data := range am {
			if strings.HasSuffix(name, ".svg") {
				assert.True(t, bytes.Equal(data, bm[name]), "%s/%s not deterministic", fx.name, name)
			}
		}
	}
}

// TestPNGDimensions decodes every PNG and checks the fixed pixel size.
func TestPNGDimensions(t *testing.T) {
	t.Parallel()
	wantW := int(math.Round(float64(FigWidth/vg.Inch) * PNGDPI))
	wantH := int(math.Round(float64(FigHeight/vg.Inch) * PNGDPI))
	assert.Equal(t, 1200, wantW)
	assert.Equal(t, 675, wantH)
	for i, fx := range fixtures {
		files, _, err := render(i)
		require.NoError(t, err)
		for _, f := range files {
			if !strings.HasSuffix(f.Name, ".png") {
				continue
			}
			img, err := png.Decode(bytes.NewReader(f.Data))
			require.NoError(t, err, f.Name)
			assert.Equal(t, wantW, img.Bounds().Dx(), f.Name)
			assert.Equal(t, wantH, img.Bounds().Dy(), f.Name)
		}
		if *look != "" {
			dir := filepath.Join(*look, fx.name)
			require.NoError(t, os.MkdirAll(dir, 0o755))
			for _, f := range files {
				require.NoError(t, os.WriteFile(filepath.Join(dir, f.Name), f.Data, 0o644))
			}
			_, skipped, _ := render(i)
			require.NoError(t, os.WriteFile(filepath.Join(dir, "report.md"), Report(fx.res(), files, skipped), 0o644))
		}
	}
}

// TestChartsPerFixture checks which charts are drawn and why others are not.
func TestChartsPerFixture(t *testing.T) {
	t.Parallel()
	cases := map[string]struct{ drawn, skipped []string }{
		"grace":  {[]string{"sweep", "tradeoff", "gaps", "failover", "impact"}, []string{"heatmap", "timeline", "response"}},
		"twokey": {[]string{"sweep", "heatmap", "gaps", "failover", "impact"}, []string{"tradeoff", "timeline", "response"}},
		"single": {[]string{"gaps", "timeline", "failover"}, []string{"sweep", "tradeoff", "heatmap", "response", "impact"}},
		"sparse": {nil, []string{"sweep", "tradeoff", "heatmap", "gaps", "timeline", "response", "failover", "impact"}},
		"named":  {[]string{"sweep", "tradeoff", "gaps", "failover", "impact"}, []string{"heatmap", "timeline", "response"}},
	}
	for i, fx := range fixtures {
		files, skipped, err := render(i)
		require.NoError(t, err, fx.name)
		c := cases[fx.name]
		var names []string
		for _, f := range files {
			names = append(names, f.Name)
		}
		var want []string
		for _, d := range c.drawn {
			want = append(want, d+".svg", d+".png")
		}
		assert.ElementsMatch(t, want, names, fx.name)
		var sk []string
		for _, s := range skipped {
			sk = append(sk, s.Chart)
			assert.NotEmpty(t, s.Reason, "%s/%s", fx.name, s.Chart)
		}
		assert.ElementsMatch(t, c.skipped, sk, fx.name)
	}
	_, skipped, err := Render(singleRun())
	require.NoError(t, err)
	assert.Contains(t, skipped, Skip{Chart: "sweep", Reason: "no sweep: the run has a single parameter set"})
}

// TestSparse renders degenerate results without error or panic.
func TestSparse(t *testing.T) {
	t.Parallel()
	nanPoint := sparseRun().Points[0]
	oneSweep := &model.Results{Sweep: []model.SweepAxis{{Key: graceKey, Values: []string{"40s"}}}, Points: []model.Point{nanPoint}}
	zeroSweep := graceSweep()
	for i := range zeroSweep.Points {
		p := &zeroSweep.Points[i]
		p.FalseNotReady.Events, p.FalseNotReady.RatePerNodeDay = 0, 0
		p.FalseNotReady.RatePerNodeDayCI95 = iv(0, 0.00074)
		p.Detection = nanPoint.Detection
		p.GapHistogram = model.GapHistogram{}
	}
	nanSweep := graceSweep()
	for i := range nanSweep.Points {
		nanSweep.Points[i] = nanPoint
		nanSweep.Points[i].Params = map[string]string{graceKey: nanSweep.Sweep[0].Values[i]}
	}
	cat := graceSweep()
	cat.Sweep[0].Key = "kubelet-version"
	for i := range cat.Points {
		v := "v1.3" + string(rune('0'+i))
		cat.Sweep[0].Values[i] = v
		cat.Points[i].Params = map[string]string{"kubelet-version": v}
	}
	emptyTL := singleRun()
	emptyTL.Points[0].Timeline = &model.Timeline{}
	for name, res := range map[string]*model.Results{
		"nil": nil, "empty": {}, "one-point-sweep": oneSweep, "all-zero": zeroSweep,
		"all-nan": nanSweep, "categorical": cat, "empty-timeline": emptyTL,
	} {
		files, skipped, err := Render(res)
		require.NoError(t, err, name)
		assert.NotEmpty(t, Report(res, files, skipped), name)
		for _, f := range files {
			assert.NotEmpty(t, f.Data, "%s/%s", name, f.Name)
		}
		if name == "all-zero" {
			assert.Contains(t, byName(files), "sweep.svg")
		}
	}
}

// TestReport checks the sections and key strings of report.md.
func TestReport(t *testing.T) {
	t.Parallel()
	res := graceSweep()
	files, skipped, err := Render(res)
	require.NoError(t, err)
	md := string(Report(res, files, skipped))
	for _, want := range []string{
		"# grace-sweep\n",
		res.Description,
		"## Key findings",
		"At node-monitor-grace-period=40s: about 21 false NotReady a day across 1000 nodes; injected failures detected in 43 s median, 52 s p99",
		"At node-monitor-grace-period=2m: no false NotReady in 5000 node-days (at most 0.00074 per node-day, 95%)",
		"## Changed parameters",
		"| `apiserver-p99-latency` | 800ms | 200ms | flag |",
		"## Results",
		"| 40s | 5000 | 105 | 0.021 [0.017, 0.025] |",
		"| 2m | 5000 | 0 | 0 [0, 0.00074] |",
		"![False NotReady and detection latency across the sweep](sweep.svg)",
		"![Trade-off: detection latency against false NotReady](tradeoff.svg)",
		"**False NotReady rate over two swept parameters** (heatmap): the heat map needs exactly two swept keys (this run sweeps 1).",
		"## Warnings",
		"- node-monitor-grace-period=1m: only 2 events: the interval is wide",
		"## Reproduce",
		"```sh\n" + res.Command + "\n```",
		"Seed: `42`, nodesim 0.3.0.",
	} {
		assert.Contains(t, md, want)
	}
	assert.Less(t, strings.Index(md, "## Key findings"), strings.Index(md, "## Changed parameters"))
	assert.Less(t, strings.Index(md, "## Charts"), strings.Index(md, "## Reproduce"))

	sp := sparseRun()
	_, skipped, err = Render(sp)
	require.NoError(t, err)
	md = string(Report(sp, nil, skipped))
	assert.Contains(t, md, "None: every parameter is the profile's default.")
	assert.Contains(t, md, "No charts were drawn.")
	assert.Contains(t, md, "| 0.5 | 0 | 0 [0, 7.4] | - | - | - | 0 | - / - | - |")
	assert.Contains(t, md, "The command was not recorded: run scenario `tiny` with `--seed 3`.")
	assert.Contains(t, md, "no failures injected")
}

func TestGraceOfSweptPoint(t *testing.T) {
	t.Parallel()
	pt := model.Point{Params: map[string]string{"controller.node-monitor-grace-period": "1m30s"}}
	if got := graceOf(pt, 50); got != 90 {
		t.Fatalf("graceOf(dotted key) = %v, want 90", got)
	}
	if got := graceOf(model.Point{Params: map[string]string{"kubelet.nodeLeaseDurationSeconds": "40"}}, 50); got != 50 {
		t.Fatalf("graceOf(other key) = %v, want the default 50", got)
	}
	// A named point that changes the profile takes that profile's default
	// unless the scenario set the grace period itself.
	res := &model.Results{Profile: "v1.37", GraceS: 50}
	v131 := model.Point{Params: map[string]string{"name": "upstream v1.31", "profile": "v1.31"}}
	if got := pointGrace(res, v131); got != 40 {
		t.Fatalf("pointGrace(profile v1.31) = %v, want v1.31's 40", got)
	}
	res.Changed = []model.ParamChange{{Key: "controller.node-monitor-grace-period", Value: "50s", Default: "50s", Source: "file"}}
	if got := pointGrace(res, v131); got != 50 {
		t.Fatalf("pointGrace(profile v1.31, grace set by the file) = %v, want the file's 50", got)
	}
}

// The response chart is drawn for a rare-event result with an incident
// response and skipped, with its reason, otherwise.
func TestResponseChart(t *testing.T) {
	res := &model.Results{Scenario: "x", GraceS: 40, Points: []model.Point{{
		IncidentResponse: []model.IncidentResponse{{Name: "stall", Effect: "watch-stall", IncidentsPerDay: 1, Windows: 6,
			Strata: []model.ResponseStratum{
				{DurationMeanS: 33, Windows: 3, NodesFlipped: 90, NodesFlippedCI95: model.Interval{Lo: 0, Hi: 180}},
				{DurationMeanS: 44, Windows: 3, NodesFlipped: 700, NodesFlippedCI95: model.Interval{Lo: 650, Hi: 750}},
			}}},
	}}}
	files, skipped, err := Render(res)
	require.NoError(t, err)
	var names []string
	for _, f := range files {
		names = append(names, f.Name)
	}
	assert.Contains(t, names, "response.svg")
	for _, s := range skipped {
		assert.NotEqual(t, "response", s.Chart)
	}
	_, skipped, err = Render(&model.Results{Points: []model.Point{{}}})
	require.NoError(t, err)
	found := false
	for _, s := range skipped {
		found = found || s.Chart == "response" && strings.Contains(s.Reason, "rare method")
	}
	assert.True(t, found, "skipped with its reason")
}

// TestNamedPointsLabelled: a named point is labelled by its name, not
// name=..., the rate axis is not stretched by an estimate below the rate
// floor, and report.md lists what each point sets beyond the --set flags.
func TestNamedPointsLabelled(t *testing.T) {
	t.Parallel()
	i := slices.IndexFunc(fixtures, func(f struct {
		name string
		res  func() *model.Results
	}) bool {
		return f.name == "named"
	})
	files, _, err := render(i)
	require.NoError(t, err)
	var sweep, report string
	for _, f := range files {
		switch f.Name {
		case "sweep.svg":
			sweep = string(f.Data)
		case "report.md":
			report = string(f.Data)
		}
	}
	for _, name := range []string{"upstream v1.31", "MediumUpdateAverageReaction", "named point", "below the rate floor"} {
		assert.Contains(t, sweep, name)
	}
	assert.NotContains(t, sweep, "name=")
	assert.NotContains(t, sweep, ">1e-", "the floor estimate must not set the axis")
	res := namedRun()
	report = string(Report(res, files, nil))
	assert.Contains(t, report, "## Named points\n\n- **upstream v1.31** — Upstream defaults before v1.32.\n- **OpenShift Default**: `kubelet.nodeStatusReportFrequency` = 5m — OpenShift")
	assert.Contains(t, report, "At OpenShift Default:")
}

// A scenario that only replays events draws no per-day rate chart.
func TestOnlyReplaysDrawsNoRateChart(t *testing.T) {
	res := &model.Results{Sweep: []model.SweepAxis{{Key: "controller.node-monitor-grace-period", Values: []string{"40s", "50s"}}}}
	for _, g := range []string{"40s", "50s"} {
		res.Points = append(res.Points, model.Point{Params: map[string]string{"controller.node-monitor-grace-period": g}, Replications: 1, RatesNotApplicable: true,
			NodeDays: 80, FalseNotReady: model.FalseNotReady{RatePerNodeDayCI95: model.Interval{Lo: 0, Hi: 0.02}, ProbabilityPerNodeDay: 0},
			Detection: model.Detection{MeanS: model.NaN(), P50S: model.NaN(), P99S: model.NaN(), MaxS: model.NaN()}})
	}
	files, skipped, err := Render(res)
	require.NoError(t, err)
	for _, f := range files {
		assert.NotContains(t, f.Name, "sweep")
	}
	var reasons []string
	for _, s := range skipped {
		if s.Chart == "sweep" {
			reasons = append(reasons, s.Reason)
		}
	}
	assert.Len(t, reasons, 1)
	assert.Contains(t, reasons[0], "only replays events")
}
