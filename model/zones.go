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
func (c *controller) handleDisruption(t sim.Time) {
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
		for i := range c.nodes {
			n := &c.nodes[i]
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
			c.setZoneState(&c.zones[i], stateFull, t)
		}
		c.master = true
	case allWasFull: // exiting: fresh grace period for every node
		for i := range c.nodes {
			c.nodes[i].probe = t
		}
		for i := range c.zones {
			z := &c.zones[i]
			z.bucket.swap(c.zoneQPS(next[i], z.size), t)
			c.setZoneState(z, next[i], t)
		}
		c.master = false
	default:
		for i := range c.zones {
			z := &c.zones[i]
			if z.state != next[i] {
				z.bucket.swap(c.zoneQPS(next[i], z.size), t)
				c.setZoneState(z, next[i], t)
			}
		}
	}
	c.armTainter(t)
}

// leaveOut leaves n out of its zone's state in this pass: its health
// update failed, and monitorNodeHealth returns before it appends the
// node's condition (pkg/controller/nodelifecycle, "Skipping - no pods
// will be evicted").
func (c *controller) leaveOut(n *node) {
	z := &c.zones[n.zone]
	z.leftOut++
	if n.notReady {
		z.leftOutNotReady++
	}
}

func (c *controller) setZoneState(z *zone, s zoneState, t sim.Time) {
	c.met.zoneState(z, s, t)
	z.state, z.since = s, t
}

// enqueueTaint is markNodeForTainting, or evictPods without taint-based
// evictions: both feed the zone's rate-limited queue.
func (c *controller) enqueueTaint(n *node, t sim.Time) {
	z := &c.zones[n.zone]
	n.queued = true
	z.queue = append(z.queue, n.id)
	c.armTainter(t)
}

// armTainter makes sure doNoExecuteTaintingPass runs while a queue can
// make progress; it ticks every 100ms (NodeEvictionPeriod).
func (c *controller) armTainter(t sim.Time) {
	if c.ticking {
		return
	}
	for i := range c.zones {
		if len(c.zones[i].queue) > 0 && c.zones[i].bucket.qps > 0 {
			c.ticking = true
			c.eng.At(nextGridTick(t, 100e6, 0), c.tainter, 0, c.gen)
			return
		}
	}
}

// taintPass is doNoExecuteTaintingPass (v1.12 without taints:
// doEvictionPass) at t.
func (c *controller) taintPass(t sim.Time) {
	c.ticking = false
	for i := range c.zones {
		z := &c.zones[i]
		for len(z.queue) > 0 {
			n := &c.nodes[z.queue[0]]
			if !n.queued { // dequeued by markNodeAsReachable
				z.queue = z.queue[1:]
				continue
			}
			if !z.bucket.tryAccept(t) {
				break
			}
			z.queue = z.queue[1:]
			n.queued = false
			kind, tol := unreachableTaint, c.toleration
			if c.rules.TaintBasedEvictions {
				switch {
				case n.listerShowsUnknown(t):
				case n.listerShowsFalse(t):
					kind, tol = notReadyTaint, c.notReadyTol
				default:
					continue // "it's ready now": dropped, queued again by a later pass if still not ready
				}
			}
			o := c.env.api.request(&c.d, write, t, 0, nil, 0)
			if !o.ok {
				c.enqueueTaint(n, t) // retried at the back of the queue
				continue
			}
			n.tainted, n.taint = true, kind // without taints: its pods are deleted, once per episode
			n.taintGen++
			c.met.tainted(n, t)
			if !c.rules.TaintBasedEvictions {
				c.met.eviction(n, t) // doEvictionPass: DeletePods
				c.fo.podsEvicted(n, t)
				continue
			}
			commit := t + sim.Time(o.dur)
			c.fo.taintLanded(n, commit)
			// The taint eviction controller's node informer delivers the
			// taint a watch delay later, and handleNodeUpdate starts each
			// pod's toleration then (processPodOnNode: startTime = now),
			// not at the taint's TimeAdded.
			seen := c.env.api.watchStallEnd(commit + sim.Time(c.env.watchDelay.SampleNs(&c.evictRNG)))
			c.eng.At(seen.Add(tol), c.kEvict, n.id, n.taintGen)
		}
		if len(z.queue) == 0 {
			z.queue = z.queue[:0:0] // release the backing array after bursts
		}
	}
	c.armTainter(t + 1)
}

// evict runs when a NoExecute taint has been on for the toleration.
func (c *controller) evict(n *node, gen int64, t sim.Time) {
	if !n.tainted || n.taintGen != gen {
		return
	}
	c.met.eviction(n, t)
	c.fo.podsEvicted(n, t)
}
