package model

import (
	"math"

	"github.com/nodesim/nodesim/sim"
)

// reqKind selects the latency distribution of a request.
type reqKind uint8

const (
	read reqKind = iota
	write
)

// incident is a control-plane incident that has started; its end is known
// from the moment it starts.
type incident struct {
	start, end sim.Time
	effect     Effect
	failAfter  int64 // ns
	multiply   float64
	add        int64 // ns
}

func (in *incident) covers(t sim.Time) bool { return t >= in.start && t < in.end }

// apiserver is the request path: latency, failures and the incidents
// revealed so far. Loops ask it about times at or after the last incident
// start they were generated under; when a new incident starts, pending
// work is regenerated (see node.regenerate), so nothing here looks ahead.
type apiserver struct {
	readLat, writeLat Dist
	failP             float64                                // request-failure-probability
	failBelow         uint64                                 // see newAPIServer
	incidents         []incident                             // started, in start order; trimmed by the run
	log               func(k reqKind, t sim.Time, o outcome) // tests only
}

func newAPIServer(c *APIServerConfig) apiserver {
	return apiserver{
		readLat: c.ReadLatency, writeLat: c.WriteLatency, failP: c.RequestFailureProbability,
		// A request fails when Float64() < p. Float64 is v/2^53 for the low
		// 53 bits v of a draw, so that is v < ⌈p·2^53⌉ exactly, without
		// the conversion on the hot path.
		failBelow: uint64(math.Ceil(c.RequestFailureProbability * (1 << 53))),
	}
}

// outcome is what one request did: ok, and how long it took.
type outcome struct {
	ok  bool
	dur int64 // ns
}

// request simulates one request sent at t with the given client timeout
// (0: none). It always draws a latency and a uniform so the number of draws
// does not depend on the environment: sweep points stay aligned on common
// random numbers.
func (a *apiserver) request(d *draws, k reqKind, t sim.Time, timeout int64, partitioned bool) outcome {
	lat, ok := a.draw(d, k)
	for i := len(a.incidents) - 1; i >= 0; i-- {
		in := &a.incidents[i]
		if !in.covers(t) {
			continue
		}
		switch in.effect {
		case Unavailable:
			lat, ok = in.failAfter, false // etcd cannot commit: "request timed out"
		case Slow:
			lat = int64(float64(lat)*in.multiply) + in.add
		}
	}
	if partitioned {
		lat, ok = timeout, false // packets dropped: only the client timeout ends it
		if timeout == 0 {
			lat = 60e9 // kube-apiserver --request-timeout
		}
	}
	o := outcome{ok: ok, dur: lat}
	if timeout > 0 && lat > timeout {
		o = outcome{ok: false, dur: timeout}
	}
	if a.log != nil {
		a.log(k, t, o)
	}
	return o
}

// draw is a request's latency and whether it fails of itself, before
// incidents and partitions.
func (a *apiserver) draw(d *draws, k reqKind) (int64, bool) {
	dist := &a.readLat
	if k == write {
		dist = &a.writeLat
	}
	if d.law != nil {
		return d.tiltedNs(dist, siteReadLatency+site(k)), !d.tiltedFail(a.failP, k)
	}
	return dist.SampleNs(&d.r), d.r.Uint64()&(1<<53-1) >= a.failBelow
}

// watchStallEnd returns when a watch event whose natural delivery time is v
// reaches the controller: v, or the end of a watch stall covering v.
func (a *apiserver) watchStallEnd(v sim.Time) sim.Time {
	for changed := true; changed; {
		changed = false
		for i := range a.incidents {
			in := &a.incidents[i]
			if in.effect == WatchStall && in.covers(v) {
				v, changed = in.end, true
			}
		}
	}
	return v
}

// trim forgets incidents that ended before t.
func (a *apiserver) trim(t sim.Time) {
	k := 0
	for _, in := range a.incidents {
		if in.end >= t {
			a.incidents[k] = in
			k++
		}
	}
	a.incidents = a.incidents[:k]
}
