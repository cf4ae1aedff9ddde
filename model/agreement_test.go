package model_test

import (
	"context"
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
)

// Rare-event estimates against crude Monte Carlo on every built-in point
// where crude can reach (at least 50 events in 64,000 node-days: rates
// from about 1e-3 per node-day up): the
// difference must be within 1.96 joint standard errors, each estimator's
// own (crude's from its 95% interval). Crude runs 16 replications of 4
// days per point, so this takes minutes per point: NODESIM_VALIDATE=1
// (make validate) runs it, on the built-ins NODESIM_VALIDATE_SCENARIOS
// lists (comma-separated; default all).
func TestRareAgreesWithCrudeOnBuiltins(t *testing.T) {
	if os.Getenv("NODESIM_VALIDATE") == "" {
		t.Skip("set NODESIM_VALIDATE=1 (make validate)")
	}
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
			crude, err := model.RunPoint(context.Background(), p.Config, runtime.NumCPU(), nil)
			require.NoError(t, err)
			c := crude.FalseNotReady
			if c.Events < 50 {
				t.Logf("%s %v: crude saw %d false NotReady (%v per node-day), out of its reach", name, p.Params, c.Events, c.RatePerNodeDay)
				continue
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
			t.Logf("%s %v: crude %.4g [%.4g, %.4g], rare %.4g [%.4g, %.4g] (%s), difference %.2f joint standard errors",
				name, p.Params, c.RatePerNodeDay, c.RatePerNodeDayCI95.Lo, c.RatePerNodeDayCI95.Hi,
				r.RatePerNodeDay, r.RatePerNodeDayCI95.Lo, r.RatePerNodeDayCI95.Hi, modes(&r.Estimator), diff/joint)
			assert.LessOrEqual(t, math.Abs(diff), 1.96*joint, "%s %v", name, p.Params)
		}
	}
}

func modes(e *model.Estimator) string {
	s := ""
	for _, c := range e.Components {
		s += c.Source + ":" + c.Mode + " "
	}
	return s
}
