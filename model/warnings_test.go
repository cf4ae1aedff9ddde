package model

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestWarnings: each setting that is legal but almost certainly a mistake
// gets one warning naming its key (issue 19: a grace shorter than the
// heartbeat interval ran without a word), and upstream defaults get none.
func TestWarnings(t *testing.T) {
	t.Parallel()
	for _, p := range Profiles {
		assert.Empty(t, must(Default(p)).Warnings(), p)
	}
	for _, tc := range []struct {
		edit func(c *Config)
		path string
		want string
	}{
		{func(c *Config) { c.Controller.NodeMonitorGracePeriod = 10 * time.Second }, KeyNodeMonitorGracePeriod,
			"10s is not longer than the heartbeat interval (10s, lease renewals)"},
		{func(c *Config) {
			c.Rules.Lease, c.Kubelet.NodeStatusUpdateFrequency, c.Controller.NodeMonitorGracePeriod = false, time.Minute, 40*time.Second
		}, KeyNodeMonitorGracePeriod, "40s is not longer than the heartbeat interval (1m, status updates)"},
		{func(c *Config) { c.APIServer.ReadLatency = Const(10 * time.Second) }, KeyReadLatency,
			"its median (10s) is not below the heartbeat client timeout (10s): most heartbeat requests time out"},
		{func(c *Config) {
			c.APIServer.Incidents = []Incident{{Every: Dist{Kind: Exponential, A: 60}, Lasts: Dist{Kind: Uniform, A: 60, B: 180}, Effect: WatchStall}}
		}, "apiserver.incident[1].every", "a mean of 1m is not longer than the incident's mean duration (2m)"},
		{func(c *Config) {
			c.Failures.Partition = &FailureProcess{Every: Const(30 * time.Second), Lasts: Const(time.Second)}
		},
			KeyPartitionEvery, "a mean of 30s is shorter than the grace period (50s)"},
		{func(c *Config) { c.Controller.PerNodeProcessing = 500 * time.Millisecond },
			KeyPerNodeProcessing, "a monitor pass takes about 1m2.502s (2ms + 125 nodes per worker × 500ms), longer than the grace period (50s)"},
		{func(c *Config) { c.Failures.Crash = &FailureProcess{Every: Dist{Kind: Exponential, A: 3600}} },
			KeyCrashEvery, "with no repair, most nodes crash for good within the run (mean 1h, run 24h10m)"},
	} {
		c := must(Default(DefaultProfile))
		tc.edit(c)
		if !assert.NoError(t, c.Validate(), tc.path) {
			continue
		}
		ws := c.Warnings()
		if assert.Len(t, ws, 1, "%s: %v", tc.path, ws) {
			fe := ws[0].(*FieldError)
			assert.Equal(t, tc.path, fe.Path())
			assert.Contains(t, fe.Msg, tc.want)
		}
	}
	c := must(Default(DefaultProfile))
	c.Failures.Crash = &FailureProcess{Every: Dist{Kind: Exponential, A: 3600}, Repair: time.Minute}
	assert.Empty(t, c.Warnings(), "crashes with a repair are fine")
}
