package model

// ReplayResult is one replayed event (DESIGN §8 `incidents`): an incident
// with at, or a failure event, at one of its times. Its figures are
// absolute, for the event, never rates: the top-level ones are the mean
// over the replications (each replication replays it on its own random
// phases), Min and Max their range, PerReplication each one's.
type ReplayResult struct {
	Name   string `json:"name"`
	Effect string `json:"effect"`  // the incident's effect, or the event's failure kind
	Source string `json:"source"`  // the scenario table: apiserver.incident[1], failures.event[2]
	StartS Num    `json:"start_s"` // after warmup
	Zone   int    `json:"zone"`    // a failure event's zone; -1: any
	Nodes  int    `json:"nodes"`   // in the cluster
	ReplayFigures
	Min            ReplayFigures   `json:"min"`
	Max            ReplayFigures   `json:"max"`
	PerReplication []ReplayFigures `json:"per_replication"`
}

// ReplayFigures are a replayed event's absolute figures. Times are
// seconds after the event's start.
type ReplayFigures struct {
	DurationS    Num `json:"duration_s"`
	NodesHit     Num `json:"nodes_hit"`     // failure events: nodes put in the failure
	NodesSkipped Num `json:"nodes_skipped"` // failure events: chosen, but already in a failure
	// NodesUnknown are healthy nodes that went Unknown in the event's
	// window (false NotReady); FailedNodesUnknown the event's failed nodes
	// detected.
	NodesUnknown       Num `json:"nodes_unknown"`
	FailedNodesUnknown Num `json:"failed_nodes_unknown"`
	FirstUnknownS      Num `json:"first_unknown_s"`
	LastUnknownS       Num `json:"last_unknown_s"`
	UnknownMeanS       Num `json:"unknown_mean_s"` // Unknown until Ready again
	UnknownMaxS        Num `json:"unknown_max_s"`
	StillUnknown       Num `json:"still_unknown_at_end"` // not in the durations
	PodSecondsLost     Num `json:"pod_seconds_lost"`     // endpoints of healthy pods marked NotReady
	Taints             Num `json:"taints"`               // NoExecute taints
	Evictions          Num `json:"evictions"`            // pods
	// The controller's Ready=Unknown writes in the window that failed,
	// and that a kubelet PATCH cancelled (409).
	FailedUnknownWrites    Num `json:"failed_unknown_writes"`
	CancelledUnknownWrites Num `json:"cancelled_unknown_writes"`
	// FailedLeaseChecks are the controller's live lease GETs before an
	// Unknown (v1.37+) in the window that failed: the node skipped, no
	// write tried.
	FailedLeaseChecks Num `json:"failed_lease_checks"`
	// Replayed incidents: nodes past their grace period by the
	// controller's record when the incident ended; and after it, nodes
	// whose record went past grace but whose heartbeat the controller saw
	// before it marked them (a race won), and nodes it marked Unknown
	// first (lost).
	PastGraceAtEnd  Num `json:"past_grace_at_end"`
	HeartbeatFirst  Num `json:"heartbeat_first"`
	ControllerFirst Num `json:"controller_first"`
}
