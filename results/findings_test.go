package results

import (
	"strings"
	"testing"

	"github.com/nodesim/nodesim/model"
)

// grace is a point of a sweep over g with zones of 1000 nodes in all.
func grace(g string, rate, perCluster, p50 float64, events int64) model.Point {
	return model.Point{Params: map[string]string{"g": g}, NodeDays: 2000,
		FalseNotReady: model.FalseNotReady{Events: events, RatePerNodeDay: model.Num(rate), PerClusterDay: model.Num(perCluster),
			RatePerNodeDayCI95: model.Interval{Lo: model.Num(rate / 2), Hi: model.Num(rate*2 + 0.0018)}},
		Detection: model.Detection{Failures: 50, Detected: 50, P50S: model.Num(p50), P99S: model.Num(p50 + 5)},
		Zones:     []model.ZoneResult{{Zone: 0, Nodes: 500}, {Zone: 1, Nodes: 500}}}
}

// With a baseline, findings are the baseline's reading and one finding
// per decision (down, up), each option stated against the baseline, as
// the issue words it; without one, a reading per point.
func TestFindingsAgainstBaseline(t *testing.T) {
	res := &model.Results{
		Changed: []model.ParamChange{{Key: "failures.crash.every"}},
		Sweep:   []model.SweepAxis{{Key: "g", Values: []string{"10s", "20s", "40s", "60s", "1m30s"}}},
		Points: []model.Point{grace("10s", 0.05, 50, 18, 100), grace("20s", 0.023, 23, 28, 46), grace("40s", 1.43e-4, 1.0/7, 48, 1),
			grace("60s", 0, 0, 58, 0), grace("1m30s", 0, 0, 88, 0)},
		Baseline: map[string]string{"g": "40s"},
	}
	got := Findings(res, res.Sweep)
	want := []string{
		"Baseline g=40s: " + Sentence(&res.Points[2], "real crashes") + ".",
		"Lowering `g` from 40s: to 20s, 160× more false NotReady (23 a day instead of 1 a week), crashes detected 20 s sooner; " +
			"to 10s, 350× more false NotReady (50 a day instead of 1 a week), crashes detected 30 s sooner.",
		"Raising `g` from 40s: to 60s or 1m30s, no false NotReady seen (at most 1.8 per cluster-day, 95%) instead of 1 a week, " +
			"crashes detected 10 s and 40 s later.",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}

	res.Baseline = map[string]string{"g": "60s"}
	if got := Findings(res, res.Sweep); len(got) != 3 || !strings.Contains(got[1], "to 40s, 1 false NotReady a week where 60s had none") ||
		!strings.Contains(got[2], "to 1m30s, no false NotReady seen either, crashes detected 30 s later") {
		t.Errorf("against a baseline that saw none:\n%s", strings.Join(got, "\n"))
	}

	res.Baseline = nil
	got = Findings(res, res.Sweep)
	if len(got) != len(res.Points) || got[0] != "At g=10s: "+Sentence(&res.Points[0], "real crashes")+"." {
		t.Errorf("without a baseline: %q, want one reading per point", got)
	}
}

// A categorical axis (named points) keeps the sweep's order and says
// "Changing", not "Lowering".
func TestFindingsCategorical(t *testing.T) {
	a, b := grace("x", 0.01, 10, 40, 20), grace("y", 0.02, 20, 40.2, 40)
	a.Params, b.Params = map[string]string{"name": "upstream"}, map[string]string{"name": "aggressive"}
	res := &model.Results{Sweep: []model.SweepAxis{{Key: "name", Values: []string{"upstream", "aggressive"}}},
		Points: []model.Point{a, b}, Baseline: map[string]string{"name": "upstream"}}
	got := Findings(res, res.Sweep)
	if len(got) != 2 || got[1] != "Changing `name` from upstream: to aggressive, 2× more false NotReady (20 a day instead of 10 a day), injected failures detected as fast." {
		t.Errorf("categorical findings:\n%s", strings.Join(got, "\n"))
	}
}
