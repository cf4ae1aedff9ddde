package model

import "github.com/nodesim/nodesim/sim"

// zoneState is ComputeZoneState's result.
type zoneState uint8

const (
	stateInitial zoneState = iota
	stateNormal
	statePartial
	stateFull
)

// zone is one failure domain: its size, not-ready count (Unknown or never
// posted: what ComputeZoneState counts) and Unknown count, disruption
// state and NoExecute tainting queue with its token bucket.
type zone struct {
	id                      int32
	size, notReady, unknown int
	state                   zoneState
	since                   sim.Time // when state was entered, for time-in-state
	queue                   []int32  // nodes waiting for the NoExecute taint, FIFO
	bucket                  tokenBucket
	unknownPeak             bool // at least 10% Unknown now: an episode is running
	// Left out of this pass's zone state, and of those not ready: a node
	// whose health update failed adds no condition to zoneToNodeConditions.
	leftOut, leftOutNotReady int
}

// tokenBucket is flowcontrol.NewTokenBucketRateLimiter(qps, burst=1).
type tokenBucket struct {
	qps    float64
	tokens float64
	last   sim.Time
}

func newBucket(qps float64, t sim.Time) tokenBucket {
	return tokenBucket{qps: qps, tokens: 1, last: t}
}

// tryAccept takes a token if one is available at t.
func (b *tokenBucket) tryAccept(t sim.Time) bool {
	if b.qps <= 0 {
		return false // NewFakeNeverRateLimiter
	}
	b.tokens += t.Sub(b.last).Seconds() * b.qps
	if b.tokens > 1 {
		b.tokens = 1
	}
	b.last = t
	if b.tokens >= 1 {
		b.tokens--
		return true
	}
	return false
}

// swap is RateLimitedTimedQueue.SwapLimiter: a new bucket, drained if the
// old one was empty (burst 1 semantics).
func (b *tokenBucket) swap(qps float64, t sim.Time) {
	if qps == b.qps {
		return
	}
	empty := !b.tryAccept(t)
	*b = newBucket(qps, t)
	if empty {
		b.tryAccept(t)
	}
}

// computeZoneState is ComputeZoneState: "more than 2" not ready and at
// least the threshold fraction → partial; none ready → full.
func computeZoneState(notReady, size int, threshold float64) zoneState {
	ready := size - notReady
	switch {
	case ready == 0 && notReady > 0:
		return stateFull
	case notReady > 2 && float32(notReady)/float32(size) >= float32(threshold):
		return statePartial
	}
	return stateNormal
}

// zoneQPS is the tainting rate of a zone in state s (setLimiterInZone).
func (c *controller) zoneQPS(s zoneState, size int) float64 {
	switch s {
	case statePartial:
		if size > c.cfg.LargeClusterSizeThreshold { // ReducedQPSFunc
			return c.cfg.SecondaryNodeEvictionRate
		}
		return 0
	}
	return c.cfg.NodeEvictionRate // normal, and full unless every zone is (HealthyQPSFunc)
}

// handleDisruption updates zone states at the end of a pass at t.
func (r *run) handleDisruption(t sim.Time) {
	c := &r.ctl
	allFull, allWasFull := true, true
	next := make([]zoneState, len(c.zones)) // NB: few zones; not per node
	for i := range c.zones {
		z := &c.zones[i]
		if counted := z.size - z.leftOut; counted > 0 {
			next[i] = computeZoneState(z.notReady-z.leftOutNotReady, counted, c.cfg.UnhealthyZoneThreshold)
		} else {
			next[i] = z.state // no condition from this zone: it keeps its state
		}
		z.leftOut, z.leftOutNotReady = 0, 0
		if next[i] != stateFull {
			allFull = false
		}
		if z.state != stateFull {
			allWasFull = false
		}
	}
	if allFull && allWasFull {
		return
	}
	switch {
	case allFull: // entering master disruption mode
		for i := range r.nodes {
			n := &r.nodes[i]
			if n.tainted {
				n.tainted = false
				n.taintGen++
			}
			if n.fail != noFailure {
				n.fo |= foSawMaster
			}
		}
		for i := range c.zones {
			c.zones[i].bucket.swap(0, t)
			r.setZoneState(&c.zones[i], stateFull, t)
		}
		c.master = true
	case allWasFull: // exiting: fresh grace period for every node
		for i := range r.nodes {
			r.nodes[i].probe = t
		}
		for i := range c.zones {
			z := &c.zones[i]
			z.bucket.swap(c.zoneQPS(next[i], z.size), t)
			r.setZoneState(z, next[i], t)
		}
		c.master = false
	default:
		for i := range c.zones {
			z := &c.zones[i]
			if z.state != next[i] {
				z.bucket.swap(c.zoneQPS(next[i], z.size), t)
				r.setZoneState(z, next[i], t)
			}
		}
	}
	r.armTainter(t)
}

// leaveOut leaves n out of its zone's state in this pass: its health
// update failed, and monitorNodeHealth returns before it appends the
// node's condition (pkg/controller/nodelifecycle, "Skipping - no pods
// will be evicted").
func (r *run) leaveOut(n *node) {
	z := &r.ctl.zones[n.zone]
	z.leftOut++
	if n.notReady {
		z.leftOutNotReady++
	}
}

func (r *run) setZoneState(z *zone, s zoneState, t sim.Time) {
	r.met.zoneState(z, s, t)
	z.state, z.since = s, t
}

// enqueueTaint is markNodeForTainting, or evictPods without taint-based
// evictions: both feed the zone's rate-limited queue.
func (r *run) enqueueTaint(n *node, t sim.Time) {
	z := &r.ctl.zones[n.zone]
	n.queued = true
	z.queue = append(z.queue, n.id)
	r.armTainter(t)
}

// armTainter makes sure doNoExecuteTaintingPass runs while a queue can
// make progress; it ticks every 100ms (NodeEvictionPeriod).
func (r *run) armTainter(t sim.Time) {
	c := &r.ctl
	if c.ticking {
		return
	}
	for i := range c.zones {
		if len(c.zones[i].queue) > 0 && c.zones[i].bucket.qps > 0 {
			c.ticking = true
			r.eng.At(nextGridTick(t, 100e6, 0), c.tainter, 0, c.gen)
			return
		}
	}
}

// taintPass is doNoExecuteTaintingPass (v1.12 without taints:
// doEvictionPass) at t.
func (r *run) taintPass(t sim.Time) {
	c := &r.ctl
	c.ticking = false
	for i := range c.zones {
		z := &c.zones[i]
		for len(z.queue) > 0 {
			n := &r.nodes[z.queue[0]]
			if !n.queued { // dequeued by markNodeAsReachable
				z.queue = z.queue[1:]
				continue
			}
			if !z.bucket.tryAccept(t) {
				break
			}
			z.queue = z.queue[1:]
			n.queued = false
			kind, tol := unreachableTaint, r.toleration
			if c.rules.TaintBasedEvictions {
				switch {
				case n.listerShowsUnknown(t):
				case n.listerShowsFalse(t):
					kind, tol = notReadyTaint, r.notReadyTol
				default:
					continue // "it's ready now": dropped, queued again by a later pass if still not ready
				}
			}
			o := r.env.api.request(&c.d, write, t, 0, nil, 0)
			if !o.ok {
				r.enqueueTaint(n, t) // retried at the back of the queue
				continue
			}
			n.tainted, n.taint = true, kind // without taints: its pods are deleted, once per episode
			n.taintGen++
			r.met.tainted(n, t)
			if !c.rules.TaintBasedEvictions {
				r.met.eviction(n, t) // doEvictionPass: DeletePods
				r.podsEvicted(n, t)
				continue
			}
			commit := t + sim.Time(o.dur)
			r.taintLanded(n, commit)
			// The taint eviction controller's node informer delivers the
			// taint a watch delay later, and handleNodeUpdate starts each
			// pod's toleration then (processPodOnNode: startTime = now),
			// not at the taint's TimeAdded.
			seen := r.env.api.watchStallEnd(commit + sim.Time(r.env.watchDelay.SampleNs(&r.evictRNG)))
			r.eng.At(seen.Add(tol), r.kEvict, n.id, n.taintGen)
		}
		if len(z.queue) == 0 {
			z.queue = z.queue[:0:0] // release the backing array after bursts
		}
	}
	r.armTainter(t + 1)
}

// evict runs when a NoExecute taint has been on for the toleration.
func (r *run) evict(n *node, gen int64, t sim.Time) {
	if !n.tainted || n.taintGen != gen {
		return
	}
	r.met.eviction(n, t)
	r.podsEvicted(n, t)
}
