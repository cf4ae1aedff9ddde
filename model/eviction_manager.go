package model

import (
	"github.com/nodesim/nodesim/sim"
)

// The kubelet's eviction manager (pkg/kubelet/eviction/eviction_manager.go
// managerImpl.synchronize, helpers.go), as a pure state machine over
// observations: one synchronize per monitoring pass
// (evictionMonitoringPeriod = 10s, pkg/kubelet/kubelet.go), or as soon as
// an evicted pod is cleaned up (Start: waitForPodsCleanup, then no sleep).

// evictionMonitoringPeriod is pkg/kubelet/kubelet.go evictionMonitoringPeriod.
const evictionMonitoringPeriod = sim.Time(10e9)

// podCleanupPollFreq is eviction_manager.go podCleanupPollFreq: after an
// eviction the manager polls every second until the pod's resources are
// reclaimed, then synchronizes again at once.
const podCleanupPollFreq = sim.Time(1e9)

// Pressure condition bits (pkg/kubelet/eviction/helpers.go signalToNodeCondition).
const (
	condMemoryPressure uint8 = 1 << iota
	condDiskPressure
	condPIDPressure
	numPressureConds = 3
)

// signalCondition is signalToNodeCondition.
func signalCondition(s Signal) uint8 {
	switch s {
	case SignalMemoryAvailable:
		return condMemoryPressure
	case SignalPIDAvailable:
		return condPIDPressure
	}
	return condDiskPressure
}

// observations are makeSignalObservations: what is available of each
// signal and its capacity; has is false for a signal not observed.
type observations struct {
	available, capacity [numSignals]float64
	has                 [numSignals]bool
}

// thresholdMet is one threshold of helpers.go thresholdsMet: met iff the
// threshold quantity (plus the minimum reclaim when enforced) is greater
// than what is available (quantity.Cmp(available) > 0: strict).
func thresholdMet(t *Threshold, obs *observations, enforceMinReclaim bool) bool {
	if !obs.has[t.Signal] {
		return false
	}
	c := obs.capacity[t.Signal]
	q := t.Value.amount(c)
	if enforceMinReclaim {
		q += t.MinReclaim.amount(c)
	}
	return q > obs.available[t.Signal]
}

// evictionManager is managerImpl's state for one node. Thresholds are at
// most 2 per signal (hard and soft), so sets of them are bit masks.
type evictionManager struct {
	thresholds    []Threshold // shared by every node of a run
	transition    sim.Time    // evictionPressureTransitionPeriod
	met           uint16      // thresholdsMet: met after their grace, last pass
	firstObserved [2 * numSignals]sim.Time
	lastObserved  [numPressureConds]sim.Time // nodeConditionsLastObservedAt (longAgo: never)
	conditions    uint8                      // nodeConditions as the kubelet reports them
}

func newEvictionManager(th []Threshold, transition sim.Time) evictionManager {
	m := evictionManager{thresholds: th, transition: transition}
	for i := range m.firstObserved {
		m.firstObserved[i] = sim.Never
	}
	for i := range m.lastObserved {
		m.lastObserved[i] = longAgo
	}
	return m
}

// metSet is thresholdsMet over the thresholds of set.
func (m *evictionManager) metSet(set uint16, obs *observations, enforceMinReclaim bool) uint16 {
	var out uint16
	for i := range m.thresholds {
		if set&(1<<i) != 0 && thresholdMet(&m.thresholds[i], obs, enforceMinReclaim) {
			out |= 1 << i
		}
	}
	return out
}

const allThresholds = ^uint16(0)

// synchronize is the decision half of managerImpl.synchronize at now: it
// updates the node conditions and returns the threshold to reclaim
// (getReclaimableThreshold after byEvictionPriority: memory first), or -1
// when no threshold has met its grace period.
//
// A threshold counts as observed while it is met, and one that drove the
// last pass stays so until available exceeds it by its minimum reclaim
// (thresholdsNotYetResolved). The conditions come from every observed
// threshold, soft ones before their grace too, and each stays True until
// evictionPressureTransitionPeriod has passed since it was last observed
// (nodeConditionsObservedSince: now - lastObservedAt < period).
func (m *evictionManager) synchronize(now sim.Time, obs *observations) int {
	cur := m.metSet(allThresholds, obs, false)
	if m.met != 0 {
		cur |= m.metSet(m.met, obs, true)
	}
	var observed uint8
	for i := range m.thresholds {
		if cur&(1<<i) == 0 {
			m.firstObserved[i] = sim.Never
			continue
		}
		if m.firstObserved[i] == sim.Never {
			m.firstObserved[i] = now
		}
		observed |= signalCondition(m.thresholds[i].Signal)
	}
	m.conditions = 0
	for c := range m.lastObserved {
		if observed&(1<<c) != 0 {
			m.lastObserved[c] = now
		}
		if now-m.lastObserved[c] < m.transition {
			m.conditions |= 1 << c
		}
	}
	// thresholdsMetGracePeriod: now - firstObservedAt >= grace.
	m.met = 0
	for i := range m.thresholds {
		if cur&(1<<i) != 0 && now-m.firstObserved[i] >= sim.Time(m.thresholds[i].GracePeriod) {
			m.met |= 1 << i
		}
	}
	pick := -1
	for i := range m.thresholds {
		if m.met&(1<<i) == 0 {
			continue
		}
		if pick < 0 || (m.thresholds[i].Signal == SignalMemoryAvailable && m.thresholds[pick].Signal != SignalMemoryAvailable) {
			pick = i
		}
	}
	return pick
}

// resolvedAfterReclaim is reclaimNodeLevelResources' check after the
// node-level reclaimers ran: no configured threshold met on the new
// observations, grace ignored, minimum reclaim enforced.
func (m *evictionManager) resolvedAfterReclaim(obs *observations) bool {
	return m.metSet(allThresholds, obs, true) == 0
}

// rankedPod is what a ranking function of helpers.go compares:
// rankDiskPressureFunc and rankMemoryPressure compare all three,
// rankPIDPressure (orderedBy(priority, process)) leaves exceeds false and
// puts the process count in over.
type rankedPod struct {
	exceeds  bool    // usage above its request (exceedDiskRequests, exceedMemoryRequests)
	priority int32   // lower goes first (priority)
	over     float64 // usage minus request, or processes: larger goes first (disk, memory, process)
}

// evictsBefore is orderedBy(exceedDiskRequests, priority, disk) of
// helpers.go rankDiskPressureFunc, and likewise rankMemoryPressure: a pod
// over its request before one within it, then lower priority, then
// larger usage above its request.
func evictsBefore(a, b rankedPod) bool {
	if a.exceeds != b.exceeds {
		return a.exceeds
	}
	if a.priority != b.priority {
		return a.priority < b.priority
	}
	return a.over > b.over
}
