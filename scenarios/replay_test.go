package scenarios

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nodesim/nodesim/model"
)

// A replay loads as written: at as one time or a list, a failure event's
// fields, and `nodesim check` shows them.
func TestReplayLoads(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "replay.toml")
	require.NoError(t, os.WriteFile(path, []byte(`
[simulation]
duration = "3h"
[cluster]
nodes = 30
zones = 3
[[apiserver.incident]]
name = "etcd outage"
at = "2h"
lasts = "90s"
effect = "unavailable"
[[apiserver.incident]]
at = ["30m", "1h"]
lasts = "20s"
effect = "watch-stall"
[[failures.event]]
name = "rack"
at = "1h"
kind = "crash"
zone = 1
nodes = 4
lasts = "10m"
[[failures.event]]
at = ["10m"]
kind = "gray"
fraction = 0.5
lasts = "5m"
`), 0o644))
	sc, err := Load(path, nil)
	require.NoError(t, err)
	c := sc.Base
	require.Len(t, c.APIServer.Incidents, 2)
	assert.Equal(t, []time.Duration{2 * time.Hour}, c.APIServer.Incidents[0].At)
	assert.Equal(t, []time.Duration{30 * time.Minute, time.Hour}, c.APIServer.Incidents[1].At)
	assert.Equal(t, []model.FailureEvent{
		{Name: "rack", At: []time.Duration{time.Hour}, Kind: "crash", Nodes: 4, Zone: 1, Lasts: c.Failures.Events[0].Lasts},
		{At: []time.Duration{10 * time.Minute}, Kind: "gray", Fraction: 0.5, Zone: -1, Lasts: c.Failures.Events[1].Lasts},
	}, c.Failures.Events)
	assert.Equal(t, 600.0, c.Failures.Events[0].Lasts.Mean())
	shown := map[string]string{}
	for _, s := range sc.Settings {
		shown[s.Key] = s.Value
	}
	assert.Equal(t, `"etcd outage" unavailable at 2h, lasts 1m30s, fail-after 7s; watch-stall at 30m, 1h, lasts 20s`, shown[model.KeyIncident])
	assert.Equal(t, `"rack" crash of 4 nodes in zone 1 at 1h, lasts 10m; gray of 0.5 of the nodes at 10m, lasts 5m`, shown[model.KeyFailureEvent])
	assert.True(t, c.HasReplays())
	assert.False(t, c.HasProcesses())
}
