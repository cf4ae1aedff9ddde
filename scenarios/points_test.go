package scenarios

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const pointsText = `[cluster]
nodes = 50
[sweep]
controller.workers = [1, 8]   # unquoted dotted key: issue 19's case, swept

[[sweep.point]]
name = "Fast"
description = "kubespray: fast update and fast reaction"
kubelet.nodeStatusUpdateFrequency = "4s"
controller.node-monitor-grace-period = "20s"

[[sweep.point]]
name = "Old"
profile = "v1.31"
[sweep.point.controller]
node-monitor-grace-period = "5m"
`

// TestNamedPoints: named points run outermost, each at every grid point,
// on their own profile, with the base seed (common random numbers); every
// point's params name all the keys the points, the grid and --set set.
func TestNamedPoints(t *testing.T) {
	t.Parallel()
	sc, err := Load(writeScenario(t, pointsText), []string{"cluster.nodes=40"})
	require.NoError(t, err)
	require.Len(t, sc.Points, 4)
	require.Len(t, sc.Axes, 2)
	assert.Equal(t, Axis{Key: "name", Values: []string{"Fast", "Old"}, Source: "file"}, sc.Axes[0])
	assert.Equal(t, "controller.workers", sc.Axes[1].Key)

	want := []map[string]string{
		{"name": "Fast", "kubelet.nodeStatusUpdateFrequency": "4s", "controller.node-monitor-grace-period": "20s", "controller.workers": "1", "cluster.nodes": "40"},
		{"name": "Fast", "kubelet.nodeStatusUpdateFrequency": "4s", "controller.node-monitor-grace-period": "20s", "controller.workers": "8", "cluster.nodes": "40"},
		{"name": "Old", "profile": "v1.31", "controller.node-monitor-grace-period": "5m", "controller.workers": "1", "cluster.nodes": "40"},
		{"name": "Old", "profile": "v1.31", "controller.node-monitor-grace-period": "5m", "controller.workers": "8", "cluster.nodes": "40"},
	}
	labels := []string{"Fast, controller.workers=1", "Fast, controller.workers=8", "Old, controller.workers=1", "Old, controller.workers=8"}
	for i, p := range sc.Points {
		assert.Equal(t, want[i], p.Params, "point %d", i)
		assert.Equal(t, labels[i], p.Label)
		assert.Equal(t, sc.Base.Simulation.Seed, p.Config.Simulation.Seed, "common random numbers")
		assert.Equal(t, 40, p.Config.Cluster.Nodes)
	}
	fast, old := sc.Points[1].Config, sc.Points[2].Config
	assert.Equal(t, 4*time.Second, fast.Kubelet.NodeStatusUpdateFrequency)
	assert.Equal(t, 4*time.Second, fast.Kubelet.NodeStatusReportFrequency, "a point's nodeStatusUpdateFrequency defaults the report frequency, as upstream")
	assert.Equal(t, 20*time.Second, fast.Controller.NodeMonitorGracePeriod)
	assert.Equal(t, 8, fast.Controller.Workers)
	assert.Equal(t, "v1.37", fast.Profile)
	assert.Equal(t, "v1.31", old.Profile)
	assert.Equal(t, 5*time.Minute, old.Controller.NodeMonitorGracePeriod)
	assert.Equal(t, 10*time.Second, old.Kubelet.NodeStatusUpdateFrequency, "the profile's default: the other point's setting does not leak")

	require.Len(t, sc.Named, 2)
	assert.Equal(t, "kubespray: fast update and fast reaction", sc.Named[0].Description)
	assert.Equal(t, []PointSetting{
		{Key: "kubelet.nodeStatusUpdateFrequency", Value: "4s", Pos: sc.Origin + ":9"},
		{Key: "controller.node-monitor-grace-period", Value: "20s", Pos: sc.Origin + ":10"},
	}, sc.Named[0].Settings)
	assert.Equal(t, sc.Origin+":16", sc.Named[1].Settings[1].Pos, "a key in a [sweep.point.controller] sub-table")
}

// TestNamedPointsWithoutGrid: points alone, no [sweep] table.
func TestNamedPointsWithoutGrid(t *testing.T) {
	t.Parallel()
	sc, err := Load(writeScenario(t, "[[sweep.point]]\nname = \"a\"\n[[sweep.point]]\nname = \"b\"\ncontroller.workers = 3\n"), nil)
	require.NoError(t, err)
	require.Len(t, sc.Points, 2)
	assert.Equal(t, map[string]string{"name": "a"}, sc.Points[0].Params)
	assert.Equal(t, map[string]string{"name": "b", "controller.workers": "3"}, sc.Points[1].Params)
	assert.Equal(t, 3, sc.Points[1].Config.Controller.Workers)
	assert.Equal(t, sc.Base.Controller.Workers, sc.Points[0].Config.Controller.Workers)
}

// TestSetOverridesPoints: --set is above the file, so above its points
// too, as a --set value ends the file's sweep of a key.
func TestSetOverridesPoints(t *testing.T) {
	t.Parallel()
	path := writeScenario(t, pointsText)
	sc, err := Load(path, []string{"controller.node-monitor-grace-period=45s"})
	require.NoError(t, err)
	for _, p := range sc.Points {
		assert.Equal(t, 45*time.Second, p.Config.Controller.NodeMonitorGracePeriod, p.Label)
		assert.Equal(t, "45s", p.Params["controller.node-monitor-grace-period"])
	}
	sc, err = Load(path, []string{"controller.node-monitor-grace-period=30s,60s"})
	require.NoError(t, err)
	require.Len(t, sc.Points, 8) // 2 points × workers 2 × grace 2
	assert.Equal(t, "Fast, controller.workers=1, controller.node-monitor-grace-period=60s", sc.Points[1].Label)
	assert.Equal(t, time.Minute, sc.Points[1].Config.Controller.NodeMonitorGracePeriod)
}

// TestSetOnlyParams: a run with --set and no sweep lists the flags in
// its params (they used to be empty, so such runs' CSVs could not be told
// apart); meta keys (name, description) are not parameters.
func TestSetOnlyParams(t *testing.T) {
	t.Parallel()
	sc, err := Load("default", []string{"controller.node-monitor-grace-period=30s", "name=mine", "profile=v1.31"})
	require.NoError(t, err)
	require.Len(t, sc.Points, 1)
	assert.Equal(t, map[string]string{"controller.node-monitor-grace-period": "30s", "profile": "v1.31"}, sc.Points[0].Params)
	assert.Equal(t, "", sc.Points[0].Label)
	sc, err = Load("default", nil)
	require.NoError(t, err)
	assert.Empty(t, sc.Points[0].Params, "the file's own settings are changed_params, not params")
}

// TestNamedPointErrorNamesPoint: a point's invalid value is reported at
// its line, and validation across keys names the point.
func TestNamedPointErrorNamesPoint(t *testing.T) {
	t.Parallel()
	_, err := Load(writeScenario(t, "[[sweep.point]]\nname = \"ok\"\n[[sweep.point]]\nname = \"bad\"\ncontroller.node-monitor-period = \"0s\"\n"), nil)
	var se *Error
	require.True(t, errors.As(err, &se), "%v", err)
	assert.Equal(t, 5, se.Line)
	assert.Contains(t, err.Error(), "sweep point bad: controller.node-monitor-period")
	assert.NotContains(t, err.Error(), "\n")
}

// TestPointsTimesGridBounded: points × grid counts against maxPoints.
func TestPointsTimesGridBounded(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("[sweep]\n\"simulation.seed\" = [")
	for i := range 5001 {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString("1")
	}
	b.WriteString("]\n[[sweep.point]]\nname = \"a\"\n[[sweep.point]]\nname = \"b\"\n")
	_, err := Load(writeScenario(t, b.String()), nil)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "more than 10000 points")
}
