package plots

import (
	"strings"
	"testing"

	"github.com/nodesim/nodesim/model"
	"github.com/stretchr/testify/assert"
)

// TestConditionsSection: report.md has a node-conditions section with a
// row per point and columns for the pressure conditions the run models,
// and none when no point has node_conditions.
func TestConditionsSection(t *testing.T) {
	t.Parallel()
	num := func(x float64) *model.Num { n := model.Num(x); return &n }
	be := int64(90)
	point := func(req string, frac float64) model.Point {
		return model.Point{Params: map[string]string{"memory.pod-request": req}, NodeConditions: &model.NodeConditions{
			DiskPressureTimeFraction: model.NaN(), DiskPressureTaintTimeFraction: model.NaN(),
			MemoryPressureTimeFraction: num(frac), MemoryPressureTaintTimeFraction: num(frac / 2),
			PressureTransitionsPerNodeDay: 48, KubeletEvictions: 100, KubeletEvictionsPerNodeDay: 47.6,
			KubeletEvictionsBySignal: map[string]int64{"memory.available": 100}, KubeletEvictionsBestEffort: &be,
			ReclaimAttempts: 100, PodsPendingSeconds: 9083614,
		}}
	}
	res := &model.Results{Scenario: "memory-leak", Sweep: []model.SweepAxis{{Key: "memory.pod-request", Values: []string{"4Gi", "512Mi"}}},
		Points: []model.Point{point("4Gi", 0.088), point("512Mi", 0.0024)}}
	md := string(Report(res, nil, nil))
	for _, want := range []string{
		"## Node conditions",
		"| point | MemoryPressure | flaps /node-day | kubelet evictions (/node-day) | by signal | of BestEffort pods | reclaim attempts | pod-s Pending | stuck at Unknown |",
		"| memory.pod-request=4Gi | 8.8% (tainted 4.4%) | 48 | 100 (48) | memory.available 100 | 90 | 100 | 9.1e+06 | 0 |",
		"| memory.pod-request=512Mi | 0.24% (tainted 0.12%) |",
	} {
		assert.Contains(t, md, want)
	}
	assert.NotContains(t, md, "DiskPressure", "no disk model: no DiskPressure column")
	assert.Less(t, strings.Index(md, "## Results"), strings.Index(md, "## Node conditions"))
	assert.Less(t, strings.Index(md, "## Node conditions"), strings.Index(md, "## Charts"))

	res.Points[0].NodeConditions, res.Points[1].NodeConditions = nil, nil
	assert.NotContains(t, string(Report(res, nil, nil)), "## Node conditions")
}
