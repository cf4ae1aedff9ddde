package plots

import (
	"strings"
	"testing"

	"github.com/nodesim/nodesim/model"
)

// TestFindingsAgainstBaseline: with a baseline, findings are the baseline
// and one bullet per decision (down, up), each option stated against it;
// without one, a bullet per point.
func TestFindingsAgainstBaseline(t *testing.T) {
	pt := func(g string, rate, perCluster, p50 float64, events int64) model.Point {
		return model.Point{Params: map[string]string{"g": g}, NodeDays: 2000,
			FalseNotReady: model.FalseNotReady{Events: events, RatePerNodeDay: model.Num(rate), PerClusterDay: model.Num(perCluster),
				RatePerNodeDayCI95: model.Interval{Lo: model.Num(rate / 2), Hi: model.Num(rate*2 + 0.0018)}},
			Detection: model.Detection{Failures: 50, Detected: 50, P50S: model.Num(p50), P99S: model.Num(p50 + 5)}}
	}
	res := &model.Results{
		Sweep:    []model.SweepAxis{{Key: "g", Values: []string{"20s", "40s", "60s"}}},
		Points:   []model.Point{pt("20s", 0.023, 23, 28, 46), pt("40s", 1.43e-4, 1.0/7, 48, 1), pt("60s", 0, 0, 58, 0)},
		Baseline: map[string]string{"g": "40s"},
	}
	got := findings(res, axesOf(res))
	if len(got) != 3 {
		t.Fatalf("%d findings, want the baseline, lowering and raising:\n%s", len(got), strings.Join(got, "\n"))
	}
	for i, want := range []string{
		"Baseline g=40s: ",
		"Lowering `g` from 40s (0.00014 false NotReady per node-day, 1 a week across the cluster): to 20s, 160× more false NotReady (23 a day instead of 1 a week across the cluster), crashes detected 20 s sooner.",
		"Raising `g` from 40s (0.00014 false NotReady per node-day, 1 a week across the cluster): to 60s, no false NotReady seen, under 0.0018 per node-day, crashes detected 10 s later.",
	} {
		if !strings.HasPrefix(got[i], want) {
			t.Errorf("finding %d:\n got %s\nwant %s", i, got[i], want)
		}
	}
	res.Baseline = nil
	if got := findings(res, axesOf(res)); len(got) != 3 || !strings.HasPrefix(got[0], "At g=20s") {
		t.Errorf("without a baseline: %q, want one finding per point", got)
	}
}
