package model

import (
	"time"

	"github.com/nodesim/nodesim/sim"
)

// env is what every component of one run shares: the request path, the
// informer delay and the end of the run.
type env struct {
	api        apiserver
	net        clientSide // every kubelet's own network
	watchDelay Dist
	end        sim.Time
	trace      *tracer // --trace (nil: off); it only reads

	pr *pressureRun // node pressure (pressure.go); nil: off
}

// deliver returns when a write committed at commit reaches the
// controller's informer: after a watch delay, held back by watch stalls,
// and never before an earlier write to the same object (*last).
func (e *env) deliver(d *draws, commit sim.Time, last *sim.Time) sim.Time {
	var delay int64
	if d.law != nil {
		delay = d.tiltedNs(&e.watchDelay, siteWatchDelay)
	} else {
		delay = e.watchDelay.SampleNs(&d.r)
	}
	v := e.api.watchStallEnd(commit + sim.Time(delay))
	if v < *last {
		v = *last
	}
	*last = v
	return v
}

// failKind is the kind of injected failure a node is in.
type failKind int8

const (
	noFailure failKind = iota - 1
	crashFailure
	partitionFailure
	grayFailure
	runtimeDownFailure
)

// failKinds is how many kinds of injected failure there are.
const failKinds = 4

// taintKind is which NoExecute taint the controller put on a node.
type taintKind uint8

const (
	unreachableTaint taintKind = iota // node.kubernetes.io/unreachable: Ready=Unknown
	notReadyTaint                     // node.kubernetes.io/not-ready: Ready=False
)

// node is one Node: its kubelet loops, what the apiserver holds about its
// Ready condition, the controller's health entry, taints and failures.
type node struct {
	id, zone int32 // index in the run's nodes; failure domain
	pos      int32 // position in the cluster: its streams and its place in a pass
	rrWorker int32 // pos mod workers: its worker while a pass is still round robin
	rrSlot   int64 // (pos/workers + 1) × per-node processing: its instant then, after the pass's base
	lease    leaseLoop
	status   statusLoop

	// Exogenous state, known from the moment it starts.
	crashAt            sim.Time // Never unless the kubelet is down
	partStart, partEnd sim.Time
	grayStart, grayEnd sim.Time
	// The kubelet's ReadyCondition setter reports Ready=False from
	// runtimeFalse until runtimeTrue (its container runtime is down).
	runtimeFalse, runtimeTrue sim.Time
	deadStart                 sim.Time // the kubelet's connection died silently (dead-connection incident)
	deadHealth                sim.Time // the HTTP/2 health check replaces it
	deadClosed                sim.Time // the kubelet closed all its connections (Never: not yet)
	fail                      failKind
	// Replays (replay.go), each 1 + the replay's index, 0: none: the
	// failure event n is in, and (raceReplay) the replayed incident whose
	// race (metrics.race) it has settled.
	failReplay    int32
	raceReplay    int32
	failStart     sim.Time
	failEnd       sim.Time // end of the last failure
	failDetected  bool
	failCounted   bool // started after warmup
	nextFail      [failKinds]sim.Time
	unknownWrite  sim.Time // controller's last Ready=Unknown write (longAgo: none)
	viewDelay     int64    // until the kubelet's cached view shows that write
	podSyncPhase  int64    // phase of the kubelet's 10s pod status sync
	lastFalseCell int32    // last day-cell counted for probability_per_node_day
	episode       int32    // its false NotReady's episode (episodes.go), in the padding before unknownSince
	unknownSince  sim.Time
	falseEpisode  bool

	// Controller's nodeHealthData.
	hasEntry bool
	// NB: in hasEntry's padding, so a node is no bigger with the load model.
	throttledCls int8  // 1 + seat class of its kubelet's last request that got a 429 (0: none; load.go)
	throttledSec int32 // when that request was sent, in whole seconds
	replay       int32
	probe        sim.Time
	savedHB      int64    // -1: no saved Ready condition
	savedLease   sim.Time // -1: nil

	unknown bool // Ready=Unknown as the controller knows it
	// readyFalse is Ready=False as the last pass listed it (the kubelet's
	// own report, not the controller's Unknown), since falseSince: the
	// readyTransitionTimestamp of pod-eviction-timeout before taints.
	readyFalse bool
	falseSince sim.Time
	notReady   bool // counted not ready in its zone (Unknown or never posted)
	queued     bool // in the zone's NoExecute tainting queue
	tainted    bool // has a NoExecute taint, of kind taint
	taint      taintKind
	taintGen   int64

	fo failover // the current injected failure's failover times (metrics)
}

func (n *node) partitioned(t sim.Time) bool { return t >= n.partStart && t < n.partEnd }

// lost is when a kubelet request sent at t fails without reaching the
// apiserver (0: it goes through): in a partition only its timeout ends it
// (Never); on a dead connection, the connection's replacement does.
func (n *node) lost(t sim.Time) sim.Time {
	if n.partitioned(t) {
		return sim.Never
	}
	if t >= n.deadStart && t < n.deadEnd() {
		return n.deadEnd()
	}
	return 0
}

// throttle notes a request sent at t that got a 429.
func (n *node) throttle(o *outcome, t sim.Time) {
	if o.throttled != 0 {
		n.throttledCls, n.throttledSec = o.throttled, int32(t/sim.Time(time.Second))
	}
}

// deadEnd is when the kubelet's dead connection is replaced: by the HTTP/2
// health check, or sooner when the kubelet closes all its connections.
func (n *node) deadEnd() sim.Time { return min(n.deadHealth, n.deadClosed) }

// closeConnections is onRepeatedHeartbeatFailure after a failed try at t
// (v1.12-v1.23: it closes every connection, so the next request dials a
// new one; later releases close only idle ones, which a dead connection
// carrying watches is not).
func (n *node) closeConnections(closeAll bool, t sim.Time) {
	if closeAll && t >= n.deadStart && t < n.deadEnd() {
		n.deadClosed = t
	}
}

// listerShowsUnknown reports whether the controller's node informer shows
// Ready=Unknown at t, as doNoExecuteTaintingPass reads it: the
// controller's own write has been delivered and the kubelet's Ready=True
// over it has not.
func (n *node) listerShowsUnknown(t sim.Time) bool {
	if !n.unknown || t < n.unknownWrite+sim.Time(n.viewDelay) {
		return false
	}
	s := &n.status
	if l := &s.late; l.sets && l.vis <= t && l.at > n.unknownWrite {
		return false
	}
	return !(s.setsReady && s.vis <= t && s.commit > n.unknownWrite)
}

// listerShowsFalse reports whether the controller's node informer shows
// the kubelet's Ready=False at t, as doNoExecuteTaintingPass reads it.
func (n *node) listerShowsFalse(t sim.Time) bool {
	if n.unknown {
		return false
	}
	if s := &n.status; s.vis <= t {
		return s.pendFalse
	}
	return n.status.seenFalse
}

// reportsFalse reports whether the kubelet's ReadyCondition setter gives
// Ready=False at t.
func (n *node) reportsFalse(t sim.Time) bool { return n.runtimeFalse <= t && t < n.runtimeTrue }

// kubeletSeesUnknown reports whether a read at t shows the controller's
// Ready=Unknown: it must be newer than the kubelet's own last Ready=True
// PATCH, and a cached read (rv=0 or the kubelet's informer) sees it only
// after the watch delay.
func (n *node) kubeletSeesUnknown(t sim.Time, cached bool, readyCommit sim.Time) bool {
	w := n.unknownWrite
	if w <= readyCommit {
		return false
	}
	if cached {
		return w+sim.Time(n.viewDelay) <= t
	}
	return w <= t
}
