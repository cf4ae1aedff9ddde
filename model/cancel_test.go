package model

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSimulateStopsPromptlyOnCancel times how long Simulate takes to
// return once its context is cancelled, on configurations where an hour
// of simulated time costs many seconds of CPU: Ctrl-C must stop any run
// within a second (issue 19; the loop used to look at the context once
// per simulated hour).
func TestSimulateStopsPromptlyOnCancel(t *testing.T) {
	if testing.Short() {
		t.Skip("spends about a second of CPU per case")
	}
	for _, tc := range []struct {
		name string
		edit func(c *Config)
	}{
		{"incident every second", func(c *Config) {
			c.Cluster.Nodes = 2000
			c.APIServer.Incidents = []Incident{{Every: Const(time.Second), Lasts: Const(time.Second), Effect: Slow, Multiply: 2}}
		}},
		{"crash every second", func(c *Config) {
			c.Cluster.Nodes = 5000
			c.Failures.Crash = &FailureProcess{Every: Const(time.Second), Repair: time.Second}
		}},
		{"MaxNodes, cancelled while they are set up", func(c *Config) { c.Cluster.Nodes = MaxNodes }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Default(DefaultProfile)
			require.NoError(t, err)
			c.Simulation.Duration, c.Simulation.Replications, c.Simulation.Seed = 48*time.Hour, 1, 1
			tc.edit(c)
			require.NoError(t, c.Validate())
			ctx, cancel := context.WithCancel(context.Background())
			returned := make(chan error, 1)
			go func() {
				_, err := Simulate(ctx, c, 0)
				returned <- err
			}()
			time.Sleep(300 * time.Millisecond)
			cancel()
			cancelled := time.Now()
			select {
			case err := <-returned:
				latency := time.Since(cancelled)
				assert.ErrorIs(t, err, context.Canceled)
				assert.Less(t, latency, time.Second)
				t.Logf("returned %v after cancel", latency)
			case <-time.After(30 * time.Second):
				t.Fatal("Simulate still running 30s after cancel")
			}
		})
	}
}

// TestCancelDuringLargestPass cancels a run of MaxNodes nodes once it is
// set up, so the cancellation lands in its first monitor passes, the
// longest events any valid scenario has: Ctrl-C waits for the event in
// progress, about 0.3s here on a quiet machine. The bound is generous
// because the machine is shared (2.6s measured at a load average of 14 on
// 2 cores); without the per-event check the run goes on for minutes.
func TestCancelDuringLargestPass(t *testing.T) {
	if testing.Short() {
		t.Skip("sets up MaxNodes nodes")
	}
	c := must(Default(DefaultProfile))
	c.Cluster.Nodes = MaxNodes
	r := newRun(c, 0)
	ctx, cancel := context.WithCancel(context.Background())
	returned := make(chan error, 1)
	go func() {
		_, err := r.simulate(ctx)
		returned <- err
	}()
	time.Sleep(100 * time.Millisecond)
	cancel()
	cancelled := time.Now()
	select {
	case err := <-returned:
		latency := time.Since(cancelled)
		assert.ErrorIs(t, err, context.Canceled)
		assert.Less(t, latency, 5*time.Second)
		t.Logf("returned %v after cancel", latency)
	case <-time.After(30 * time.Second):
		t.Fatal("still running 30s after cancel")
	}
}
