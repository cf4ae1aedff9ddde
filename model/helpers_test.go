package model

import (
	"testing"
	"time"

	"github.com/nodesim/nodesim/sim"
	"github.com/stretchr/testify/require"
)

// exactConfig is a deterministic single-zone cluster: zero latencies,
// no jitter, no failures, passes on an exact 5s grid.
func exactConfig(t *testing.T, profile string, nodes int) *Config {
	t.Helper()
	c, err := Default(profile)
	require.NoError(t, err)
	c.Cluster.Nodes, c.Cluster.Zones = nodes, 1
	c.Simulation.Duration, c.Simulation.Warmup, c.Simulation.Replications, c.Simulation.Seed = time.Hour, 0, 1, 1
	c.Kubelet.StatusCollectionDelay = Const(0)
	c.Kubelet.StatusJitterFactor, c.Kubelet.RenewJitterFactor = 0, 0
	c.APIServer.WriteLatency, c.APIServer.ReadLatency = Const(0), Const(0)
	c.APIServer.RequestFailureProbability = 0
	c.Informer.WatchDelay = Const(0)
	c.Controller.PassOverhead, c.Controller.PerNodeProcessing, c.Controller.TransitionCost = 0, 0, 0
	require.NoError(t, c.Validate())
	return c
}

// manual returns a run whose node 0 has its kubelet loops stopped: the
// test delivers heartbeats by hand with deliverLease / deliverStatus.
func manual(t *testing.T, c *Config) (*run, *node) {
	r := newRun(c, 0)
	n := &r.nodes[0]
	n.lease.stopped, n.lease.vis = true, sim.Never
	n.status.stopped, n.status.vis = true, sim.Never
	r.eng.At(sim.At(c.Controller.NodeMonitorPeriod), r.kPass, 0, r.ctl.gen)
	return r, n
}

func deliverLease(n *node, at, renew sim.Time) { n.lease.vis, n.lease.renew = at, renew }

func deliverStatus(n *node, at sim.Time, hb int64, setsReady bool) {
	n.status.vis, n.status.hb, n.status.setsReady, n.status.commit = at, hb, setsReady, at
}

func sec(s float64) sim.Time { return sim.Time(s * 1e9) }

// transitions records Ready→Unknown (true) and back (false) times.
type transitions struct {
	unknown, ready []sim.Time
}

func record(r *run) *transitions {
	tr := &transitions{}
	r.onTransition = func(n *node, t sim.Time, unknown bool) {
		if unknown {
			tr.unknown = append(tr.unknown, t)
		} else {
			tr.ready = append(tr.ready, t)
		}
	}
	return tr
}

func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}
