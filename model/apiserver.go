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
	add        int64   // ns
	writes     float64 // load: background writes and reads added (per s)
	reads      float64
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
	load              *apiLoad                               // nil: no load (load.go)
	log               func(k reqKind, t sim.Time, o outcome) // tests only
}

func newAPIServer(c *APIServerConfig) apiserver {
	return apiserver{
		readLat: c.ReadLatency, writeLat: c.WriteLatency, failP: c.RequestFailureProbability,
		failBelow: failBelow(c.RequestFailureProbability),
	}
}

// outcome is what one request did: ok, and how long the client waited.
type outcome struct {
	ok        bool
	throttled int8  // it got at least one 429: 1 + the seat class (load.go); NB: in ok's padding
	dur       int64 // ns
	late      int64 // > 0: the client gave up, but the server completes the request (a write commits) this long after it was sent

}

// requestTimeout is kube-apiserver --request-timeout (60s): the bound on a
// request whose client sets no timeout of its own (the controller's).
const requestTimeout = int64(60e9)

// clientSide is one kind of client's own network: a latency added to each
// of its requests (counted against its timeout) and failures that never
// reach the apiserver (kubelet.network-latency,
// kubelet.network-failure-probability).
type clientSide struct {
	lat         Dist
	fixed       bool  // lat is a constant: no draw (the default, 0)
	fixedNs     int64 // its value
	failP       float64
	below       uint64 // failBelow(failP)
	serverBelow uint64 // the server's failure threshold on the rest, see draw
}

// newClientSide is the client side of every kubelet; serverP is the
// server's request-failure-probability.
func newClientSide(k *KubeletConfig, serverP float64) clientSide {
	c := clientSide{lat: k.NetworkLatency, failP: k.NetworkFailureProbability, below: failBelow(k.NetworkFailureProbability)}
	if c.fixed = k.NetworkLatency.Kind == Constant; c.fixed {
		c.fixedNs = int64(k.NetworkLatency.A * 1e9)
	}
	c.serverBelow = uint64(math.Ceil(serverP * float64(uint64(1<<53)-c.below)))
	return c
}

// failBelow is ⌈p·2^53⌉: a draw's low 53 bits v fail with probability p
// when v < failBelow(p), exactly Float64() < p without the conversion.
func failBelow(p float64) uint64 { return uint64(math.Ceil(p * (1 << 53))) }

// request simulates one request sent at t by a client with the given
// timeout (0: none, so kube-apiserver's --request-timeout bounds it) over
// its own network c (nil: the controller, on the control plane). lost, if
// not 0, is when the client's connection fails the request without it
// reaching the apiserver (see node.lost; Never: only the timeout ends it).
//
// The client-side part (c's latency) comes first: a request cut off there,
// by a network failure, a partition, a dead connection or a client-side
// part beyond the timeout, never reaches the apiserver. The server-side part (latency,
// failures, incidents) is shared by every client and starts when the
// request arrives.
//
// It always makes the same draws for a given client (a server latency, a
// uniform, and c's latency), so the number of draws does not depend on the
// environment: sweep points stay aligned on common random numbers.
func (a *apiserver) request(d *draws, k reqKind, t sim.Time, timeout int64, c *clientSide, lost sim.Time) outcome {
	lat, v := a.draw(d, k)
	var net int64
	netOK, ok := true, v >= a.failBelow
	if c != nil {
		net, netOK, ok = c.draw(d, v)
	}
	if timeout == 0 {
		timeout = requestTimeout
	}
	switch {
	case lost != 0:
		// packets dropped, or a dead connection: the timeout or the
		// connection's replacement ends it
		return a.logged(k, t, outcome{ok: false, dur: min(timeout, max(int64(lost-t), 0))})
	case net >= timeout:
		return a.logged(k, t, outcome{ok: false, dur: timeout})
	case !netOK:
		return a.logged(k, t, outcome{ok: false, dur: net}) // connection reset on the client's side
	}
	arrive := t + sim.Time(net)
	for i := len(a.incidents) - 1; i >= 0; i-- {
		in := &a.incidents[i]
		if !in.covers(arrive) {
			continue
		}
		switch in.effect {
		case Unavailable:
			lat, ok = in.failAfter, false // etcd cannot commit: "request timed out"
		case Slow:
			lat = int64(float64(lat)*in.multiply) + in.add
		}
	}
	if a.load != nil {
		return a.logged(k, t, a.load.serve(d, k, c == nil, arrive, net, lat, ok, timeout, a.incidents))
	}
	o := outcome{ok: ok, dur: net + lat}
	if o.dur > timeout {
		o = outcome{ok: false, dur: timeout}
		if ok {
			o.late = net + lat // the timeout only abandons it on the client
		}
	}
	return a.logged(k, t, o)
}

func (a *apiserver) logged(k reqKind, t sim.Time, o outcome) outcome {
	if a.log != nil {
		a.log(k, t, o)
	}
	return o
}

// draw is a request's server-side latency and the low 53 bits of its
// failure draw (on the natural path; under a proposal, 0 or 1<<53-1 for
// fail or not), before incidents and partitions.
func (a *apiserver) draw(d *draws, k reqKind) (int64, uint64) {
	dist := &a.readLat
	if k == write {
		dist = &a.writeLat
	}
	if d.law != nil {
		lat := d.tiltedNs(dist, siteReadLatency+site(k))
		if d.tiltedFail(a.failP, siteReadFails+site(k)) {
			return lat, 0
		}
		return lat, 1<<53 - 1
	}
	return dist.SampleNs(&d.r), d.r.Uint64() & (1<<53 - 1)
}

// draw is the client-side latency of a request and whether the client's
// network and then the server let it through. On the natural path one
// uniform v decides both: the network fails when v < c.below, else the
// server when (v − c.below) falls below the server's share of the rest, so
// with no network failures this is exactly the server's own test.
func (c *clientSide) draw(d *draws, v uint64) (int64, bool, bool) {
	if d.law != nil {
		lat := d.tiltedNs(&c.lat, siteNetLatency)
		netOK := !d.tiltedFail(c.failP, siteNetFails)
		return lat, netOK, v != 0
	}
	lat := c.fixedNs
	if !c.fixed {
		lat = c.lat.SampleNs(&d.r)
	}
	if v < c.below {
		return lat, false, false
	}
	return lat, true, v-c.below >= c.serverBelow
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
