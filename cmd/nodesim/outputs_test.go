package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/nodesim/nodesim/cmd/nodesim/internal/summary"
	"github.com/nodesim/nodesim/internal/human"
	"github.com/nodesim/nodesim/model"
	"github.com/nodesim/nodesim/plots"
	"github.com/nodesim/nodesim/results"
)

// consistencyFixture is a two-point sweep whose figures have digits to
// spare, so that a figure formatted by any rule but the shared one reads
// differently.
func consistencyFixture() *model.Results {
	pt := func(g string, k float64) model.Point {
		return model.Point{Params: map[string]string{"controller.node-monitor-grace-period": g}, Replications: 2, NodeDays: 1999.37,
			FalseNotReady: model.FalseNotReady{Events: 13, Episodes: 13, LargestEpisode: 1, Estimator: model.Estimator{Method: model.MethodCrude, RelativeError: 0.5432},
				RatePerNodeDay: model.Num(0.0065347 * k), RatePerNodeDayCI95: model.Interval{Lo: model.Num(0.0034567 * k), Hi: model.Num(0.0111234 * k)},
				PerClusterDay: model.Num(6.5347 * k), ProbabilityPerNodeDay: model.Num(0.0063123 * k), ProbabilityPerNodeDayCI95: model.Interval{Lo: model.Num(0.0034111 * k), Hi: model.Num(0.0110987 * k)},
				MeanDurationS: 7.4567, P99DurationS: 13.3456},
			EndpointLoss:   model.EndpointLoss{SecondsPerNodeDay: model.Num(1.22345 * k)},
			MassNotReady:   model.MassNotReady{MaxFraction: 0.0061234},
			Detection:      model.Detection{Failures: 57, Detected: 57, P50S: model.Num(48.7654 * k), P99S: model.Num(52.3456 * k), MaxS: 60.4321},
			Failover:       model.Failover{EndpointsRemoved: 57, EndpointsRemovedP50S: 49.2345, EndpointsRemovedP99S: 53.4567, Evicted: 57, EvictedP50S: 348.765, EvictedP99S: 361.234},
			Zones:          []model.ZoneResult{{Zone: 0, Nodes: 1000}},
			IncidentCounts: map[string]int64{},
			Warnings:       []string{},
		}
	}
	return &model.Results{Scenario: "consistency", Seed: 1,
		Sweep:   []model.SweepAxis{{Key: "controller.node-monitor-grace-period", Values: []string{"40s", "50s"}}},
		Changed: []model.ParamChange{{Key: "failures.crash.every", Value: "exponential mean=30d", Default: "off", Source: "file"}},
		Points:  []model.Point{pt("40s", 1), pt("50s", 0.3713)},
	}
}

// TestOutputsFormatFiguresAlike renders one fixture through the text
// summary, --format markdown and report.md: each figure must read the
// same in all three, and no output may show it by another rule (more
// digits, a raw fraction instead of a percentage, seconds instead of a
// span, "lo–hi" instead of "[lo, hi]").
func TestOutputsFormatFiguresAlike(t *testing.T) {
	res := consistencyFixture()
	var text, md bytes.Buffer
	if err := summary.Text(&text, res); err != nil {
		t.Fatal(err)
	}
	if err := summary.Markdown(&md, res); err != nil {
		t.Fatal(err)
	}
	outputs := map[string]string{"text": text.String(), "markdown": md.String(), "report.md": string(plots.Report(res, nil, nil))}

	kinds := results.FailureKinds(res)
	for i := range res.Points {
		p := &res.Points[i]
		f := &p.FalseNotReady
		// shown is what every output must show; other renderings of the
		// same values must appear in none.
		shown := []string{results.Sentence(p, kinds), human.Figure(float64(f.RatePerNodeDay)),
			human.Interval(float64(f.RatePerNodeDayCI95.Lo), float64(f.RatePerNodeDayCI95.Hi)),
			human.Duration(float64(p.Detection.P50S)), human.Duration(float64(p.Detection.P99S)),
			human.Percent(float64(f.ProbabilityPerNodeDay)), human.Percent(float64(p.MassNotReady.MaxFraction)),
			human.Figure(float64(p.EndpointLoss.SecondsPerNodeDay))}
		var other []string
		for _, x := range []model.Num{f.RatePerNodeDay, f.RatePerNodeDayCI95.Lo, f.RatePerNodeDayCI95.Hi, p.EndpointLoss.SecondsPerNodeDay,
			p.Detection.P50S, p.Detection.P99S, p.Failover.EvictedP50S, f.MeanDurationS} {
			for _, n := range []int{3, 4} {
				if alt := human.Sig(float64(x), n); alt != human.Figure(float64(x)) {
					other = append(other, alt)
				}
			}
		}
		for _, frac := range []model.Num{f.ProbabilityPerNodeDay, p.MassNotReady.MaxFraction} {
			other = append(other, " "+human.Figure(float64(frac))+" ", human.Sig(100*float64(frac), 3)+"%")
		}
		other = append(other, human.Figure(float64(f.RatePerNodeDayCI95.Lo))+"–", human.Figure(float64(p.Failover.EvictedP50S))+" ")
		for name, out := range outputs {
			for _, s := range shown {
				if !strings.Contains(out, s) {
					t.Errorf("%s does not show %q:\n%s", name, s, out)
				}
			}
			for _, s := range other {
				if strings.Contains(out, s) {
					t.Errorf("%s shows %q, a figure formatted by another rule:\n%s", name, s, out)
				}
			}
		}
	}
}
