package model

// conditionStats are one replication's node-condition figures.
type conditionStats struct {
	on, disk     bool
	pressureSecs float64 // node-seconds with the kubelet's DiskPressure True
	taintSecs    float64 // node-seconds with the disk-pressure NoSchedule taint
	pendingSecs  float64 // pod-seconds Pending after a kubelet eviction
	transitions  int64   // pressure condition changes posted by kubelets
	evictions    int64   // pods the eviction managers evicted
	reclaims     int64   // passes that attempted to reclaim ("EvictionThresholdMet")
	staleNodes   int64
	staleByType  [len(conditionNames)]int64
}

func (s *conditionStats) merge(o *conditionStats) {
	s.on, s.disk = s.on || o.on, s.disk || o.disk
	s.pressureSecs += o.pressureSecs
	s.taintSecs += o.taintSecs
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
	if !s.disk {
		return out
	}
	out.DiskPressureTimeFraction = ratio(s.pressureSecs, secs)
	out.DiskPressureTaintTimeFraction = ratio(s.taintSecs, secs)
	out.PressureTransitionsPerNodeDay = ratio(float64(s.transitions), nodeDays)
	out.KubeletEvictions = s.evictions
	out.KubeletEvictionsPerNodeDay = ratio(float64(s.evictions), nodeDays)
	out.ReclaimAttempts = s.reclaims
	out.PodsPendingSeconds = Num(s.pendingSecs)
	return out
}
