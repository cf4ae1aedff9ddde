package model_test

import (
	"context"
	"fmt"
	"math"
	"os"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/nodesim/nodesim/model"
	"github.com/nodesim/nodesim/scenarios"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gonum.org/v1/gonum/stat/distuv"
)

// Rare-event estimates against crude Monte Carlo on every built-in point
// where crude can reach (at least 50 events in 64,000 node-days: rates
// from about 1e-3 per node-day up). Crude runs 16 replications of 4 days
// per point, 64 where its events come in fewer than 100 episodes: its
// clustered interval is built from the observed episode sizes, which
// under-cover with few, unequal episodes (issue 20: about 90% at 30). Each
// difference must be within z joint standard errors, each estimator's own
// (crude's from its 95% interval), with z Bonferroni's for a 5% chance
// that any of the m comparisons fails when both estimators are right. It
// takes minutes per point: NODESIM_VALIDATE=1 (make validate) runs it, on
// the built-ins NODESIM_VALIDATE_SCENARIOS lists (comma-separated;
// default all).
func TestRareAgreesWithCrudeOnBuiltins(t *testing.T) {
	if os.Getenv("NODESIM_VALIDATE") == "" {
		t.Skip("set NODESIM_VALIDATE=1 (make validate)")
	}
	type comparison struct {
		what        string
		diff, joint float64
	}
	var cs []comparison
	only := os.Getenv("NODESIM_VALIDATE_SCENARIOS")
	for _, name := range scenarios.BuiltinNames() {
		if name == "bench" {
			continue // the throughput workload: its rare-event answer is the default's
		}
		if only != "" && !slices.Contains(strings.Split(only, ","), name) {
			continue
		}
		sc, err := scenarios.Load(name, []string{"simulation.replications=16", "simulation.duration=4d"})
		require.NoError(t, err)
		for _, p := range sc.Points {
			if p.Config.APIServer.LoadOn() {
				t.Logf("%s %v: apiserver load is on, which the rare method refuses", name, p.Params)
				continue
			}
			crude, err := model.RunPoint(context.Background(), p.Config, runtime.NumCPU(), nil)
			require.NoError(t, err)
			c := crude.FalseNotReady
			if c.Events < 50 {
				t.Logf("%s %v: crude saw %d false NotReady (%v per node-day), out of its reach", name, p.Params, c.Events, c.RatePerNodeDay)
				continue
			}
			if c.Episodes < 100 {
				more := *p.Config
				more.Simulation.Replications = 64
				crude, err = model.RunPoint(context.Background(), &more, runtime.NumCPU(), nil)
				require.NoError(t, err)
				t.Logf("%s %v: %d episodes in 16 replications, so crude ran 64: %d episodes", name, p.Params, c.Episodes, crude.FalseNotReady.Episodes)
				c = crude.FalseNotReady
			}
			rc := *p.Config
			rc.Simulation.Method, rc.Simulation.Replications, rc.Simulation.TargetRelativeError = model.MethodRare, 1, 0.1
			rare, err := model.RunPoint(context.Background(), &rc, runtime.NumCPU(), nil)
			require.NoError(t, err)
			r := rare.FalseNotReady
			seC := float64(c.RatePerNodeDayCI95.Hi-c.RatePerNodeDayCI95.Lo) / 2 / 1.96
			seR := float64(r.RatePerNodeDayCI95.Hi-r.RatePerNodeDayCI95.Lo) / 2 / 1.96
			joint := math.Sqrt(seC*seC + seR*seR)
			diff := float64(r.RatePerNodeDay - c.RatePerNodeDay)
			what := fmt.Sprintf("%s %v", name, p.Params)
			t.Logf("%s: crude %.4g [%.4g, %.4g] (%d episodes), rare %.4g [%.4g, %.4g] (%s), difference %.2f joint standard errors",
				what, c.RatePerNodeDay, c.RatePerNodeDayCI95.Lo, c.RatePerNodeDayCI95.Hi, c.Episodes,
				r.RatePerNodeDay, r.RatePerNodeDayCI95.Lo, r.RatePerNodeDayCI95.Hi, modes(&r.Estimator), diff/joint)
			cs = append(cs, comparison{what, diff, joint})
		}
	}
	z := distuv.UnitNormal.Quantile(1 - 0.05/(2*float64(max(len(cs), 1))))
	t.Logf("%d comparisons: each within %.2f joint standard errors", len(cs), z)
	for _, c := range cs {
		assert.LessOrEqual(t, math.Abs(c.diff), z*c.joint, c.what)
	}
}

func modes(e *model.Estimator) string {
	s := ""
	for _, c := range e.Components {
		s += c.Source + ":" + c.Mode + " "
	}
	return s
}
