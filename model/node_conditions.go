package model

import "math/bits"

// conditionStats are one replication's node-condition figures.
type conditionStats struct {
	on, disk, memory, pids bool
	condSecs               [numPressureConds]float64 // node-seconds with the kubelet's condition True, by bit
	taintSecs              [numPressureConds]float64 // node-seconds with its NoSchedule taint
	pendingSecs            float64                   // pod-seconds Pending after a kubelet eviction
	transitions            int64                     // pressure condition changes posted by kubelets
	evictions              int64                     // pods the eviction managers evicted
	bySignal               [numSignals]int64         // evictions by the signal reclaimed (metrics.Evictions' label)
	bestEffort             int64                     // evictions of BestEffort pods ([memory])
	reclaims               int64                     // passes that attempted to reclaim ("EvictionThresholdMet")
	staleNodes             int64
	staleByType            [len(conditionNames)]int64
}

// pressure and taint are the node-seconds of condition bit c and its taint.
func (s *conditionStats) pressure(c uint8) float64 { return s.condSecs[bits.TrailingZeros8(c)] }
func (s *conditionStats) taint(c uint8) float64    { return s.taintSecs[bits.TrailingZeros8(c)] }

func (s *conditionStats) merge(o *conditionStats) {
	s.on, s.disk, s.memory, s.pids = s.on || o.on, s.disk || o.disk, s.memory || o.memory, s.pids || o.pids
	for c := range s.condSecs {
		s.condSecs[c] += o.condSecs[c]
		s.taintSecs[c] += o.taintSecs[c]
	}
	for i, k := range o.bySignal {
		s.bySignal[i] += k
	}
	s.bestEffort += o.bestEffort
	s.pendingSecs += o.pendingSecs
	s.transitions += o.transitions
	s.evictions += o.evictions
	s.reclaims += o.reclaims
	s.staleNodes += o.staleNodes
	for i, k := range o.staleByType {
		s.staleByType[i] += k
	}
}

// NodeConditions are the node_conditions figures (DESIGN §8): pressure
// conditions posted by the kubelets' eviction managers, their evictions,
// and conditions left Unknown for good. Present only when the scenario
// models the disk or an upgrade's conditions.
type NodeConditions struct {
	// DiskPressureTimeFraction is the fraction of node-time the kubelet
	// reported DiskPressure=True.
	DiskPressureTimeFraction Num `json:"disk_pressure_time_fraction"`
	// DiskPressureTaintTimeFraction is the fraction of node-time the Node
	// had node.kubernetes.io/disk-pressure:NoSchedule.
	DiskPressureTaintTimeFraction Num `json:"disk_pressure_taint_time_fraction"`
	// PressureTransitionsPerNodeDay counts pressure condition flaps
	// (False→True and True→False) posted by kubelets.
	PressureTransitionsPerNodeDay Num `json:"pressure_transitions_per_node_day"`
	// KubeletEvictions are pods the eviction managers evicted.
	KubeletEvictions           int64 `json:"kubelet_evictions"`
	KubeletEvictionsPerNodeDay Num   `json:"kubelet_evictions_per_node_day"`
	// ReclaimAttempts counts eviction-manager passes that logged
	// "Attempting to reclaim" (event EvictionThresholdMet).
	ReclaimAttempts int64 `json:"reclaim_attempts"`
	// PodsPendingSeconds is pod-seconds evicted pods waited for the node
	// to admit their replacements.
	PodsPendingSeconds Num `json:"pods_pending_seconds"`
	// StaleUnknownNodes is nodes with a condition the controller set
	// Unknown that no kubelet will post again, at the end of the run (per
	// replication, summed); StaleUnknownByCondition splits it by type.
	StaleUnknownNodes       int64            `json:"stale_unknown_nodes"`
	StaleUnknownByCondition map[string]int64 `json:"stale_unknown_by_condition"`
	// MemoryPressureTimeFraction and PIDPressureTimeFraction are the
	// fractions of node-time the kubelet reported MemoryPressure=True
	// and PIDPressure=True, the taint fractions those of
	// node.kubernetes.io/memory-pressure and pid-pressure:NoSchedule;
	// present with [memory] and [pids].
	MemoryPressureTimeFraction      *Num `json:"memory_pressure_time_fraction,omitempty"`
	MemoryPressureTaintTimeFraction *Num `json:"memory_pressure_taint_time_fraction,omitempty"`
	PIDPressureTimeFraction         *Num `json:"pid_pressure_time_fraction,omitempty"`
	PIDPressureTaintTimeFraction    *Num `json:"pid_pressure_taint_time_fraction,omitempty"`
	// KubeletEvictionsBySignal splits KubeletEvictions by the signal
	// reclaimed (the kubelet's evictions_total{eviction_signal}).
	KubeletEvictionsBySignal map[string]int64 `json:"kubelet_evictions_by_signal,omitempty"`
	// KubeletEvictionsBestEffort is how many of them were BestEffort
	// pods; present with [memory].
	KubeletEvictionsBestEffort *int64 `json:"kubelet_evictions_best_effort,omitempty"`
}

// nodeConditions summarises merged stats over nodeDays, or nil when off.
func nodeConditions(s *conditionStats, nodeDays float64) *NodeConditions {
	if s == nil || !s.on {
		return nil
	}
	secs := nodeDays * 86400
	out := &NodeConditions{StaleUnknownNodes: s.staleNodes, StaleUnknownByCondition: map[string]int64{},
		DiskPressureTimeFraction: NaN(), DiskPressureTaintTimeFraction: NaN(), PressureTransitionsPerNodeDay: NaN(), KubeletEvictionsPerNodeDay: NaN(), PodsPendingSeconds: NaN()}
	for i, k := range s.staleByType {
		if k > 0 {
			out.StaleUnknownByCondition[conditionNames[i]] = k
		}
	}
	if !s.disk && !s.memory && !s.pids {
		return out
	}
	if s.disk {
		out.DiskPressureTimeFraction = ratio(s.pressure(condDiskPressure), secs)
		out.DiskPressureTaintTimeFraction = ratio(s.taint(condDiskPressure), secs)
	}
	frac := func(x float64) *Num { v := ratio(x, secs); return &v }
	if s.memory {
		be := s.bestEffort
		out.KubeletEvictionsBestEffort = &be
		out.MemoryPressureTimeFraction, out.MemoryPressureTaintTimeFraction = frac(s.pressure(condMemoryPressure)), frac(s.taint(condMemoryPressure))
	}
	if s.pids {
		out.PIDPressureTimeFraction, out.PIDPressureTaintTimeFraction = frac(s.pressure(condPIDPressure)), frac(s.taint(condPIDPressure))
	}
	for i, k := range s.bySignal {
		if k > 0 {
			if out.KubeletEvictionsBySignal == nil {
				out.KubeletEvictionsBySignal = map[string]int64{}
			}
			out.KubeletEvictionsBySignal[Signal(i).String()] = k
		}
	}
	out.PressureTransitionsPerNodeDay = ratio(float64(s.transitions), nodeDays)
	out.KubeletEvictions = s.evictions
	out.KubeletEvictionsPerNodeDay = ratio(float64(s.evictions), nodeDays)
	out.ReclaimAttempts = s.reclaims
	out.PodsPendingSeconds = Num(s.pendingSecs)
	return out
}
