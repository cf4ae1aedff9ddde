package model

import (
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nodesim/nodesim/sim"
)

func deadConnConfig(t *testing.T, profile string, nodes int, target Target, fraction float64) *Config {
	t.Helper()
	c := exactConfig(t, profile, nodes)
	c.APIServer.Incidents = []Incident{{Name: "dead", Every: Const(1000 * time.Hour), Lasts: Const(HealthCheck),
		Effect: DeadConnection, Target: target, Fraction: fraction, Multiply: 1}}
	require.NoError(t, c.Validate())
	return c
}

// A request on a dead connection never reaches the apiserver: it hangs
// until the client timeout, or fails when the connection is replaced.
func TestDeadConnectionHangsRequests(t *testing.T) {
	a := testAPI(Const(0), 0)
	d := testDraws()
	net := newClientSide(&KubeletConfig{NetworkLatency: Const(0)}, 0)
	assert.Equal(t, outcome{ok: false, dur: 10e9}, a.request(&d, write, sec(100), 10e9, &net, sec(145)), "the timeout first")
	assert.Equal(t, outcome{ok: false, dur: 5e9}, a.request(&d, write, sec(140), 10e9, &net, sec(145)), "the health check first")
	assert.Equal(t, outcome{ok: false, dur: 10e9}, a.request(&d, write, sec(140), 10e9, &net, sim.Never), "partitioned: only the timeout")

	var n node
	n.partStart, n.partEnd = sim.Never, sim.Never
	n.deadStart, n.deadHealth, n.deadClosed = sec(100), sec(145), sim.Never
	assert.Equal(t, sim.Time(0), n.lost(sec(99)))
	assert.Equal(t, sec(145), n.lost(sec(100)))
	assert.Equal(t, sim.Time(0), n.lost(sec(145)), "a new connection")
	n.closeConnections(false, sec(120))
	assert.Equal(t, sec(145), n.lost(sec(121)), "v1.24+: closing idle connections spares it")
	n.closeConnections(true, sec(120))
	assert.Equal(t, sim.Time(0), n.lost(sec(120)), "before v1.24: closing all connections replaces it")
	assert.Equal(t, sec(120), n.lost(sec(119)), "requests in flight fail at the close")
}

// onRepeatedHeartbeatFailure: before v1.24 the second failed try of a
// status update or lease renewal closes every connection, so a dead one is
// replaced within about two client timeouts (10s each) of the next try;
// from v1.24 only the health check replaces it, 45s after it died.
func TestDeadConnectionRecoveryByRelease(t *testing.T) {
	for _, tc := range []struct {
		profile string
		closed  bool
	}{{"v1.23", true}, {"v1.24", false}, {"v1.12", true}, {"v1.37", false}} {
		c := deadConnConfig(t, tc.profile, 1, TargetKubelets, 1)
		r := newRun(c, 0)
		n := &r.nodes[0]
		start := sec(100)
		r.eng.At(sim.At(c.Controller.NodeMonitorPeriod), r.kPass, 0, r.ctl.gen) // the controller drives the loops
		r.eng.Run(start)
		r.inc.start(0, start, start+sim.At(HealthCheck))
		r.eng.Run(sec(200))
		require.Equal(t, start, n.deadStart, tc.profile)
		if !tc.closed {
			assert.Equal(t, sim.Never, n.deadClosed, tc.profile)
			continue
		}
		// the next try comes within a period (10s), then two timeouts
		assert.Greater(t, n.deadClosed, start+sec(20), tc.profile)
		assert.LessOrEqual(t, n.deadClosed, start+sec(30), tc.profile)
	}
}

// The kubelet's next heartbeat after its connection dies reaches the
// apiserver only once the connection is replaced: sooner with close-all.
func TestDeadConnectionDelaysTheLease(t *testing.T) {
	first := map[string]sim.Time{}
	for _, profile := range []string{"v1.23", "v1.24"} {
		c := deadConnConfig(t, profile, 1, TargetKubelets, 1)
		r := newRun(c, 0)
		n := &r.nodes[0]
		start := sec(100)
		n.lease.observe(&r.lp, &r.env, n, start)
		r.inc.start(0, start, start+sim.At(HealthCheck))
		first[profile] = sim.Never
		for t := start; t < sec(200) && first[profile] == sim.Never; t += sec(1) {
			if renew := n.lease.observe(&r.lp, &r.env, n, t); renew >= start {
				first[profile] = renew
			}
		}
	}
	assert.GreaterOrEqual(t, first["v1.24"], sec(145), "the health check at 145s")
	assert.Less(t, first["v1.23"], sec(145), "close-all after the second failed try")
}

// The controller's watch on a dead connection delivers nothing until the
// health check replaces it, then everything: a watch stall of 45s.
func TestDeadControllerWatchIsAStall(t *testing.T) {
	c := deadConnConfig(t, "v1.33", 1, TargetControllerWatch, 1)
	r := newRun(c, 0)
	start := sec(100)
	r.inc.start(0, start, start+sim.At(HealthCheck))
	assert.Equal(t, sec(145), r.env.api.watchStallEnd(sec(101)))
	assert.Equal(t, sec(146), r.env.api.watchStallEnd(sec(146)))
	assert.Equal(t, sim.Never, r.nodes[0].deadStart, "the kubelets' connections are fine")
}

// fraction is the share of kubelets hit: binomial, checked within 4σ.
func TestDeadConnectionFraction(t *testing.T) {
	const nodes, p = 2000, 0.3
	c := deadConnConfig(t, "v1.33", nodes, TargetKubelets, p)
	r := newRun(c, 0)
	r.inc.start(0, sec(100), sec(145))
	hit := 0
	for i := range r.nodes {
		if r.nodes[i].deadStart == sec(100) {
			hit++
		}
	}
	sd := math.Sqrt(nodes * p * (1 - p))
	assert.InDelta(t, nodes*p, float64(hit), 4*sd)
}

// The nodes hit and the results do not depend on the workers.
func TestDeadConnectionDeterministic(t *testing.T) {
	for _, profile := range []string{"v1.23", "v1.24"} {
		c := deadConnConfig(t, profile, 50, TargetKubelets, 0.5)
		c.Simulation.Duration, c.Simulation.Replications = 2*time.Hour, 3
		c.APIServer.Incidents[0].Every = Dist{Kind: Exponential, A: 600}
		var out []string
		var events []int64
		for _, w := range []int{1, 3} {
			p, err := RunPoint(t.Context(), c, w, nil)
			require.NoError(t, err)
			b, err := json.Marshal(p)
			require.NoError(t, err)
			out, events = append(out, string(b)), append(events, p.FalseNotReady.Events)
		}
		assert.Equal(t, out[0], out[1], profile)
		if profile == "v1.24" {
			assert.Positive(t, events[0], "a 45s dead connection against a 40s grace")
		}
	}
}
