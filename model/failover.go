package model

import "github.com/nodesim/nodesim/sim"

// Failover follows an injected failure past its detection: when the
// node's pods leave the EndpointSlices, when the NoExecute taint lands
// and when the taint eviction controller deletes its pods.
//
// Unknown (crash, partition, gray): the controller's Ready=Unknown write
// is followed in the same pass by MarkPodsNotReady (one UpdateStatus per
// pod, TransitionCost in all), whose pod updates reach the EndpointSlice
// controller after a watch delay and show in the slices after
// controller.endpoint-update-delay. The unreachable taint comes through
// the zone's rate limiter, and the pods go default-unreachable-toleration-
// seconds after the taint eviction controller saw the taint.
//
// Ready=False (runtime down): the kubelet keeps posting, so the node is
// never Unknown and the controller never calls MarkPodsNotReady
// (monitorNodeHealth calls it only for an observed Ready=True that this
// pass made not True). The not-ready taint follows the same rate limiter,
// the pods go default-not-ready-toleration-seconds after it, and their
// endpoints leave only with the deleted pods.
//
// A node keeps only which steps it has passed (the times go straight into
// the histograms), so memory per node stays small.
type failover uint8

const (
	foRemoved   failover = 1 << iota // endpoints removed
	foTainted                        // NoExecute taint landed
	foEvicted                        // pods evicted
	foSawMaster                      // eviction was stopped by master disruption mode while it lasted
)

func newFailover() failover { return 0 }

func (f failover) has(s failover) bool { return f&s != 0 }

// failoverStats are one replication's failover figures.
type failoverStats struct {
	removed, tainted, evicted sim.Histogram // seconds from the failure
	notEvicted                int64         // failures over before their pods were evicted
	notEvictedMaster          int64         // of which eviction was stopped by master disruption mode
	keptEndpoints             int64         // failures over with their endpoints never removed
	kinds                     [failKinds]kindStats
}

// kindStats are the figures of one failure kind: a crash and a runtime
// down fail over minutes apart, so their mix says little on its own.
type kindStats struct {
	det, removed, tainted, evicted sim.Histogram
	failures, notEvicted           int64
}

func (k *kindStats) merge(o *kindStats) {
	k.det.Merge(&o.det)
	k.removed.Merge(&o.removed)
	k.tainted.Merge(&o.tainted)
	k.evicted.Merge(&o.evicted)
	k.failures += o.failures
	k.notEvicted += o.notEvicted
}

func (f *failoverStats) merge(o *failoverStats) {
	f.removed.Merge(&o.removed)
	f.tainted.Merge(&o.tainted)
	f.evicted.Merge(&o.evicted)
	f.notEvicted += o.notEvicted
	f.notEvictedMaster += o.notEvictedMaster
	f.keptEndpoints += o.keptEndpoints
	for i := range f.kinds {
		f.kinds[i].merge(&o.kinds[i])
	}
}

func (f *failoverStats) reset() {
	for _, h := range []*sim.Histogram{&f.removed, &f.tainted, &f.evicted} {
		h.Reset()
	}
	for i := range f.kinds {
		k := &f.kinds[i]
		for _, h := range []*sim.Histogram{&k.det, &k.removed, &k.tainted, &k.evicted} {
			h.Reset()
		}
		k.failures, k.notEvicted = 0, 0
	}
	f.notEvicted, f.notEvictedMaster, f.keptEndpoints = 0, 0, 0
}

// following reports whether n's failover times are recorded.
func following(n *node) bool { return n.fail != noFailure && n.failCounted }

// failovers records the failover steps of failed nodes into st: the
// controller's marking, taints and evictions, with the endpoint updates
// they cause.
type failovers struct {
	rng         sim.Rand // endpoint updates of failed nodes
	watchDelay  *Dist    // the EndpointSlice controller's informer
	updateDelay *Dist    // endpoint-update-delay
	st          *failoverStats
}

// endpointsGone records at t the pod updates that take n's endpoints out
// (MarkPodsNotReady done, or the pods deleted): the EndpointSlices drop
// them a watch delay and an endpoint update later.
func (f *failovers) endpointsGone(n *node, t sim.Time) {
	if !following(n) || n.fo.has(foRemoved) {
		return
	}
	at := t + sim.Time(f.watchDelay.SampleNs(&f.rng)+f.updateDelay.SampleNs(&f.rng))
	n.fo |= foRemoved
	f.st.removed.Add(at.Sub(n.failStart).Seconds())
	f.st.kinds[n.fail].removed.Add(at.Sub(n.failStart).Seconds())
}

// failedOverAlready records the steps a node that fails at t while
// (falsely) Unknown has passed already: MarkPodsNotReady took its
// endpoints out at the transition and no kubelet can put them back, and
// its taint may have landed.
func (f *failovers) failedOverAlready(n *node, t sim.Time) {
	if !following(n) {
		return
	}
	n.fo |= foRemoved
	f.st.removed.Add(0)
	f.st.kinds[n.fail].removed.Add(0)
	if n.tainted {
		f.taintLanded(n, t)
	}
}

// taintLanded records n's NoExecute taint committed at t.
func (f *failovers) taintLanded(n *node, t sim.Time) {
	if !following(n) || n.fo.has(foTainted) {
		return
	}
	n.fo |= foTainted
	f.st.tainted.Add(t.Sub(n.failStart).Seconds())
	f.st.kinds[n.fail].tainted.Add(t.Sub(n.failStart).Seconds())
}

// podsEvicted records n's pods deleted at t.
func (f *failovers) podsEvicted(n *node, t sim.Time) {
	if !following(n) || n.fo.has(foEvicted) {
		return
	}
	n.fo |= foEvicted
	f.st.evicted.Add(t.Sub(n.failStart).Seconds())
	f.st.kinds[n.fail].evicted.Add(t.Sub(n.failStart).Seconds())
	f.endpointsGone(n, t) // a deleted pod is terminating: not ready in its slice
}

// failoverOver closes n's failover record when its failure ends (or the
// run does, over): pods never evicted while it lasted count as not
// evicted.
func (m *Replication) failoverOver(n *node) {
	if !n.failCounted || n.fo.has(foEvicted) {
		return
	}
	m.fo.notEvicted++
	m.fo.kinds[n.fail].notEvicted++
	if n.fo.has(foSawMaster) {
		m.fo.notEvictedMaster++
	}
	if !n.fo.has(foRemoved) {
		m.fo.keptEndpoints++
	}
}

// Failover is, over injected failures, the time from the failure to each
// step of failing over (DESIGN §8), in the quantile fields of Detection.
type Failover struct {
	EndpointsRemovedMeanS Num `json:"endpoints_removed_mean_s"`
	EndpointsRemovedP50S  Num `json:"endpoints_removed_p50_s"`
	EndpointsRemovedP99S  Num `json:"endpoints_removed_p99_s"`
	EndpointsRemovedMaxS  Num `json:"endpoints_removed_max_s"`
	TaintedMeanS          Num `json:"tainted_mean_s"`
	TaintedP50S           Num `json:"tainted_p50_s"`
	TaintedP99S           Num `json:"tainted_p99_s"`
	TaintedMaxS           Num `json:"tainted_max_s"`
	EvictedMeanS          Num `json:"evicted_mean_s"`
	EvictedP50S           Num `json:"evicted_p50_s"`
	EvictedP99S           Num `json:"evicted_p99_s"`
	EvictedMaxS           Num `json:"evicted_max_s"`
	// EndpointsRemoved, Tainted and Evicted count the failures each
	// figure rests on.
	EndpointsRemoved int64 `json:"endpoints_removed"`
	Tainted          int64 `json:"tainted"`
	Evicted          int64 `json:"evicted"`
	// NotEvicted counts failures that ended (repaired, partition healed)
	// or were still on at the end of a run long enough to evict, with
	// their pods never evicted; NotEvictedFullDisruption those of them
	// during which every zone was fully disrupted (evictions stopped).
	NotEvicted               int64 `json:"not_evicted"`
	NotEvictedFullDisruption int64 `json:"not_evicted_full_disruption"`
	// EndpointsKept counts failures over with the node's endpoints never
	// removed: a Ready=False node repaired before its eviction.
	EndpointsKept int64 `json:"endpoints_kept"`
	// ByKind splits the figures by failure kind, for the kinds that
	// happened.
	ByKind []FailoverKind `json:"by_kind"`
}

// FailoverKind is the detection and failover of one failure kind.
type FailoverKind struct {
	Kind                 string `json:"kind"` // crash, partition, gray or runtime-down
	Failures             int64  `json:"failures"`
	DetectionP50S        Num    `json:"detection_p50_s"`
	DetectionP99S        Num    `json:"detection_p99_s"`
	EndpointsRemovedP50S Num    `json:"endpoints_removed_p50_s"`
	EndpointsRemovedP99S Num    `json:"endpoints_removed_p99_s"`
	TaintedP50S          Num    `json:"tainted_p50_s"`
	TaintedP99S          Num    `json:"tainted_p99_s"`
	EvictedP50S          Num    `json:"evicted_p50_s"`
	EvictedP99S          Num    `json:"evicted_p99_s"`
	NotEvicted           int64  `json:"not_evicted"`
}

// FailKindNames are the failure kinds as the scenario's [failures] names them.
var FailKindNames = [failKinds]string{"crash", "partition", "gray", "runtime-down"}

func failoverResult(f *failoverStats) Failover {
	q := func(h *sim.Histogram) (Num, Num, Num, Num) {
		if h.Count() == 0 {
			return NaN(), NaN(), NaN(), NaN()
		}
		return Num(h.Mean()), quantile(h, 0.5), quantile(h, 0.99), Num(h.Max())
	}
	var o Failover
	o.EndpointsRemovedMeanS, o.EndpointsRemovedP50S, o.EndpointsRemovedP99S, o.EndpointsRemovedMaxS = q(&f.removed)
	o.TaintedMeanS, o.TaintedP50S, o.TaintedP99S, o.TaintedMaxS = q(&f.tainted)
	o.EvictedMeanS, o.EvictedP50S, o.EvictedP99S, o.EvictedMaxS = q(&f.evicted)
	o.EndpointsRemoved, o.Tainted, o.Evicted = int64(f.removed.Count()), int64(f.tainted.Count()), int64(f.evicted.Count())
	o.NotEvicted, o.NotEvictedFullDisruption, o.EndpointsKept = f.notEvicted, f.notEvictedMaster, f.keptEndpoints
	o.ByKind = []FailoverKind{}
	for i := range f.kinds {
		k := &f.kinds[i]
		if k.failures == 0 {
			continue
		}
		o.ByKind = append(o.ByKind, FailoverKind{
			Kind: FailKindNames[i], Failures: k.failures, NotEvicted: k.notEvicted,
			DetectionP50S: quantile(&k.det, 0.5), DetectionP99S: quantile(&k.det, 0.99),
			EndpointsRemovedP50S: quantile(&k.removed, 0.5), EndpointsRemovedP99S: quantile(&k.removed, 0.99),
			TaintedP50S: quantile(&k.tainted, 0.5), TaintedP99S: quantile(&k.tainted, 0.99),
			EvictedP50S: quantile(&k.evicted, 0.5), EvictedP99S: quantile(&k.evicted, 0.99),
		})
	}
	return o
}
