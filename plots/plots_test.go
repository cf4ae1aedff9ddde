package plots

import (
	"bytes"
	"flag"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"slices"
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

// TestGoldenSVG compares every SVG byte for byte with its golden file.
func TestGoldenSVG(t *testing.T) {
	t.Parallel()
	for i, fx := range fixtures {
		files, _, err := render(i)
		require.NoError(t, err, fx.name)
		for _, f := range files {
			if !strings.HasSuffix(f.Name, ".svg") {
				continue
			}
			golden := filepath.Join("testdata", fx.name+"_"+strings.TrimSuffix(f.Name, ".svg")+"_golden.svg")
			if *regen {
				require.NoError(t, os.MkdirAll("testdata", 0o755))
				require.NoError(t, os.WriteFile(golden, f.Data, 0o644))
				continue
			}
			want, err := os.ReadFile(golden)
			require.NoError(t, err, "missing golden; run go test ./plots -regen")
			if !bytes.Equal(want, f.Data) {
				got := filepath.Join("testdata", fx.name+"_"+f.Name)
				_ = os.WriteFile(got, f.Data, 0o644)
				t.Errorf("%s differs from %s (wrote %s; run go test ./plots -regen if intended)", f.Name, golden, got)
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
		"grace":  {[]string{"sweep", "tradeoff", "gaps", "failover"}, []string{"heatmap", "timeline", "response"}},
		"twokey": {[]string{"sweep", "heatmap", "gaps", "failover"}, []string{"tradeoff", "timeline", "response"}},
		"single": {[]string{"gaps", "timeline", "failover"}, []string{"sweep", "tradeoff", "heatmap", "response"}},
		"sparse": {nil, []string{"sweep", "tradeoff", "heatmap", "gaps", "timeline", "response", "failover"}},
		"named":  {[]string{"sweep", "tradeoff", "gaps", "failover"}, []string{"heatmap", "timeline", "response"}},
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
