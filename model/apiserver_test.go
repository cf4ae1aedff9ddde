package model

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/nodesim/nodesim/sim"
)

// TestFailBelowIsFloat64Comparison pins the integer failure test to the
// float one it replaces: a request fails exactly when Float64() < p, at
// the boundary draws and on random ones.
func TestFailBelowIsFloat64Comparison(t *testing.T) {
	t.Parallel()
	for _, p := range []float64{0, 1e-12, 0.001, 0.2, 1.0 / 3, 0.5, math.Nextafter(1, 0), 1} {
		a := newAPIServer(&APIServerConfig{RequestFailureProbability: p})
		float := func(v uint64) bool { return float64(v)/(1<<53) >= p }
		for _, v := range []uint64{0, 1, a.failBelow - 1, a.failBelow, a.failBelow + 1, 1<<53 - 1} {
			if v < 1<<53 {
				assert.Equal(t, float(v), v >= a.failBelow, "p=%v v=%d", p, v)
			}
		}
		r := sim.NewRand(sim.StreamKey{Seed: 5, Component: "fail"})
		ref := *r
		for i := 0; i < 100_000; i++ {
			if got, want := r.Uint64()&(1<<53-1) >= a.failBelow, ref.Float64() >= p; got != want {
				t.Fatalf("p=%v draw %d: integer test %v, Float64 test %v", p, i, got, want)
			}
		}
	}
}

func testAPI(write Dist, failP float64) apiserver {
	return newAPIServer(&APIServerConfig{WriteLatency: write, ReadLatency: write, RequestFailureProbability: failP})
}

func testDraws() draws { return draws{r: *sim.NewRand(sim.StreamKey{Seed: 3, Component: "req"})} }

// TestClientSideDelaysOnlyItsOwnRequests: a kubelet's network latency adds
// to its own requests and counts against its timeout; the controller's
// requests (no client side) see only the server.
func TestClientSideDelaysOnlyItsOwnRequests(t *testing.T) {
	a := testAPI(Const(10*time.Millisecond), 0)
	net := newClientSide(&KubeletConfig{NetworkLatency: Const(5 * time.Second)}, 0)
	d := testDraws()
	assert.Equal(t, outcome{ok: true, dur: 5010e6}, a.request(&d, write, 0, 10e9, &net, 0))
	assert.Equal(t, outcome{ok: true, dur: 10e6}, a.request(&d, write, 0, 0, nil, 0), "controller: server side only")
	slow := newClientSide(&KubeletConfig{NetworkLatency: Const(12 * time.Second)}, 0)
	assert.Equal(t, outcome{ok: false, dur: 10e9}, a.request(&d, write, 0, 10e9, &slow, 0), "a client side past the timeout: never reaches the server")
	cut := newClientSide(&KubeletConfig{NetworkLatency: Const(time.Second), NetworkFailureProbability: 1}, 0)
	assert.Equal(t, outcome{ok: false, dur: 1e9}, a.request(&d, write, 0, 10e9, &cut, 0), "network failure after its latency")
	assert.Equal(t, outcome{ok: true, dur: 10e6}, a.request(&d, write, 0, 0, nil, 0), "the controller is not cut off")
}

// TestIncidentsSeeTheArrivalTime: the server-side part starts when the
// request arrives, after the client-side latency.
func TestIncidentsSeeTheArrivalTime(t *testing.T) {
	a := testAPI(Const(10*time.Millisecond), 0)
	a.incidents = []incident{{start: sec(100), end: sec(101), effect: Unavailable, failAfter: 7e9}}
	net := newClientSide(&KubeletConfig{NetworkLatency: Const(2 * time.Second)}, 0)
	d := testDraws()
	assert.Equal(t, outcome{ok: false, dur: 9e9}, a.request(&d, write, sec(98.5), 10e9, &net, 0), "arrives at 100.5")
	assert.Equal(t, outcome{ok: true, dur: 2010e6}, a.request(&d, write, sec(99.5), 10e9, &net, 0), "arrives at 101.5")
}

// TestRequestTimeoutBoundsTheController: kube-apiserver's --request-timeout
// (60s) ends a request whose client has no timeout.
func TestRequestTimeoutBoundsTheController(t *testing.T) {
	a := testAPI(Const(90*time.Second), 0)
	d := testDraws()
	assert.Equal(t, outcome{ok: false, dur: 60e9, late: 90e9}, a.request(&d, write, 0, 0, nil, 0), "the server still completes it")
	assert.Equal(t, outcome{ok: false, dur: 10e9, late: 90e9}, a.request(&d, write, 0, 10e9, nil, 0))
}

// TestRequestDrawsDoNotDependOnTheEnvironment: whatever the partition,
// incident or failure outcome, a request consumes the same draws, and with
// no network failures the split uniform fails exactly as the server alone.
func TestRequestDrawsDoNotDependOnTheEnvironment(t *testing.T) {
	lat := must(LogNormalMedianP99(10*time.Millisecond, time.Second))
	net := newClientSide(&KubeletConfig{NetworkLatency: must(LogNormalMedianP99(time.Millisecond, 20*time.Millisecond)), NetworkFailureProbability: 0.1}, 0.3)
	for _, env := range []struct {
		name string
		inc  []incident
		lost sim.Time
	}{{"plain", nil, 0}, {"partitioned", nil, sim.Never}, {"dead connection", nil, sec(5e5)}, {"unavailable", []incident{{start: 0, end: sec(1e6), effect: Unavailable, failAfter: 7e9}}, 0}} {
		a := testAPI(lat, 0.3)
		a.incidents = env.inc
		d, ref := testDraws(), testDraws()
		for i := 0; i < 1000; i++ {
			a.request(&d, write, sec(float64(i)), 10e9, &net, env.lost)
			lat.SampleNs(&ref.r)
			ref.r.Uint64()
			net.lat.SampleNs(&ref.r)
		}
		assert.Equal(t, ref.r.Uint64(), d.r.Uint64(), env.name)
	}
	none := newClientSide(&KubeletConfig{NetworkLatency: Const(0)}, 0.3)
	a := testAPI(lat, 0.3)
	d1, d2 := testDraws(), testDraws()
	for i := 0; i < 10000; i++ {
		assert.Equal(t, a.request(&d1, write, 0, 10e9, nil, 0), a.request(&d2, write, 0, 10e9, &none, 0))
	}
}
