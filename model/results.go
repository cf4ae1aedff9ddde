package model

import (
	"encoding/json"
	"math"
	"strconv"
)

// Results is the output document of DESIGN §6: results.json and --format
// json. Field names are a public interface; change them only with a
// version bump.
type Results struct {
	NodesimVersion string  `json:"nodesim_version"`
	Scenario       string  `json:"scenario"`
	Seed           uint64  `json:"seed"`
	Points         []Point `json:"points"`

	// Additive context so results.json alone can rebuild the report.
	Description string        `json:"description,omitempty"`
	Profile     string        `json:"profile,omitempty"`
	Command     string        `json:"command,omitempty"`
	Sweep       []SweepAxis   `json:"sweep,omitempty"` // a "name" axis first when the scenario has named points
	Named       []NamedPoint  `json:"named_points,omitempty"`
	Changed     []ParamChange `json:"changed_params,omitempty"`
	GraceS      float64       `json:"grace_s,omitempty"` // node-monitor-grace-period of the base scenario
	// Baseline is the swept values of the point findings compare against
	// (--baseline; by default the scenario's own values, when swept).
	Baseline map[string]string `json:"baseline,omitempty"`
	// TimelinePoint is the params of the point whose timeline is charted
	// (--timeline-point; none: the first point).
	TimelinePoint map[string]string `json:"timeline_point,omitempty"`
}

// SweepAxis is one swept key with its values in sweep order.
type SweepAxis struct {
	Key    string   `json:"key"`
	Values []string `json:"values"`
}

// NamedPoint is one [[sweep.point]] of the scenario: its name (the
// params.name of its points) and description (for a recipe, its source).
type NamedPoint struct {
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

// ParamChange is an effective parameter that differs from the profile's default.
type ParamChange struct {
	Key     string `json:"key"`
	Value   string `json:"value"`
	Default string `json:"default"`
	Source  string `json:"source"` // "file", "flag" or "defaulted"
}

// Point is one sweep point, merged over its replications.
type Point struct {
	Params         map[string]string `json:"params"`
	Replications   int               `json:"replications"`
	NodeDays       float64           `json:"node_days"`
	FalseNotReady  FalseNotReady     `json:"false_notready"`
	EndpointLoss   EndpointLoss      `json:"endpoint_loss"`
	FalseEvictions FalseEvictions    `json:"false_evictions"`
	MassNotReady   MassNotReady      `json:"mass_notready"`
	Detection      Detection         `json:"detection"`
	QoS            QoS               `json:"qos"`
	GapHistogram   GapHistogram      `json:"gap_histogram"`
	Timeline       *Timeline         `json:"timeline,omitempty"`
	NodeConditions *NodeConditions   `json:"node_conditions,omitempty"`
	Warnings       []string          `json:"warnings"`

	// IncidentCounts is how many incidents of each spec (by name, or
	// effect) started after warmup in the replications.
	IncidentCounts map[string]int64 `json:"incident_counts"`
	// IncidentResponse is, for the rare method, each incident spec's
	// effect as a function of its duration.
	IncidentResponse []IncidentResponse `json:"incident_response,omitempty"`

	// Failover follows injected failures past Detection (failover.go);
	// Zones is each zone's share (zonestats.go). Last, so CSV columns
	// of earlier releases keep their places.
	Failover Failover     `json:"failover"`
	Zones    []ZoneResult `json:"zones"`
	// Replays are the replayed events' absolute figures (replay_results.go),
	// none of them counted in the rates above.
	Replays []ReplayResult `json:"incidents,omitempty"`
	// RatesNotApplicable: the scenario replays events and has no process
	// with an inter-arrival distribution, so its per-day figures describe
	// only the background between replays.
	RatesNotApplicable bool `json:"rates_not_applicable,omitempty"`
	// UnknownWrites are the controller's Ready=Unknown writes that did not land.
	UnknownWrites UnknownWrites `json:"unknown_writes"`
	// APIServerLoad is, with the load model on, each seat class's load
	// (load_stats.go).
	APIServerLoad []LoadClass `json:"apiserver_load,omitempty"`
}

// Estimator says how the false-NotReady figures were estimated and how
// far they can be trusted.
type Estimator struct {
	Method string `json:"method"` // "crude" or "rare"
	// RelativeError is the 95% interval's half-width over the estimate.
	RelativeError Num `json:"relative_error"`
	// EffectiveSamples is (estimate / standard error)²: the number of
	// independent events a crude estimate this precise would rest on.
	EffectiveSamples   Num   `json:"effective_samples"`
	IncidentsSimulated int64 `json:"incidents_simulated"`
	WorkNodeDays       Num   `json:"work_node_days"`

	// Rare method only.
	TargetRelativeError Num                  `json:"target_relative_error,omitempty"`
	StoppedBy           string               `json:"stopped_by,omitempty"` // "target", "work-cap" or "nothing-found"
	Components          []EstimatorComponent `json:"components,omitempty"`
}

// EstimatorComponent is one cause's share of a rare-event estimate.
type EstimatorComponent struct {
	Source         string   `json:"source"` // "noise", or the incident's name
	Effect         string   `json:"effect,omitempty"`
	Mode           string   `json:"mode"` // "importance-sampling", "crude" or "forced-incidents"
	RatePerNodeDay Num      `json:"rate_per_node_day"`
	RateCI95       Interval `json:"rate_per_node_day_ci95"`
	Samples        int64    `json:"samples"` // noise batches, or incident windows
	Excursions     int64    `json:"excursions,omitempty"`
	// Forced incidents: their rate, and the mean false NotReady per incident.
	IncidentsPerDay  Num `json:"incidents_per_day,omitempty"`
	FlipsPerIncident Num `json:"false_notready_per_incident,omitempty"` // net of the noise in its window
	// StrataModes is, per duration stratum, "whole" (the whole cluster
	// counted) or "sparse" (a few nodes, importance-sampled).
	StrataModes string `json:"strata_modes,omitempty"`
}

// IncidentResponse is what one incident of a spec does to the cluster,
// by stratum of its duration: "how long an outage can it absorb?".
type IncidentResponse struct {
	Name            string            `json:"name"`
	Effect          string            `json:"effect"`
	IncidentsPerDay Num               `json:"incidents_per_day"`
	Windows         int64             `json:"windows"`
	Strata          []ResponseStratum `json:"strata"`
}

// ResponseStratum is the mean response to incidents lasting between
// DurationLoS and DurationHiS.
type ResponseStratum struct {
	Probability        Num      `json:"probability"` // of an incident lasting this long
	Mode               string   `json:"mode"`        // "whole" (the cluster counted) or "sparse" (importance-sampled)
	DurationLoS        Num      `json:"duration_lo_s"`
	DurationHiS        Num      `json:"duration_hi_s"`
	DurationMeanS      Num      `json:"duration_mean_s"`
	Windows            int64    `json:"windows"`
	NodesFlipped       Num      `json:"false_notready"` // per incident, net of the noise in its window
	NodesFlippedCI95   Interval `json:"false_notready_ci95"`
	MaxFraction        Num      `json:"max_fraction"`
	EndpointPodSeconds Num      `json:"endpoint_pod_seconds"`
	PodsEvicted        Num      `json:"pods_evicted"`
}

// Interval is a two-sided 95% confidence interval.
type Interval struct {
	Lo Num `json:"lo"`
	Hi Num `json:"hi"`
}

// FalseNotReady counts Ready→Unknown transitions of nodes with no failure
// injected at that moment.
type FalseNotReady struct {
	Events                    int64     `json:"events"`
	RatePerNodeDay            Num       `json:"rate_per_node_day"`
	RatePerNodeDayCI95        Interval  `json:"rate_per_node_day_ci95"`
	PerClusterDay             Num       `json:"per_cluster_day"`
	ProbabilityPerNodeDay     Num       `json:"probability_per_node_day"`
	ProbabilityPerNodeDayCI95 Interval  `json:"probability_per_node_day_ci95"`
	ProbabilityPerHeartbeat   Num       `json:"probability_per_heartbeat"`
	MeanDurationS             Num       `json:"mean_duration_s"`
	P99DurationS              Num       `json:"p99_duration_s"`
	Estimator                 Estimator `json:"estimator"`
	// Episodes groups the events by cause: false NotReady within a
	// monitor pass of the previous one join its episode (episodes.go).
	// Added after the original fields (the JSON is a public contract).
	Episodes       int64 `json:"episodes"`
	LargestEpisode int64 `json:"largest_episode"` // most events in one episode
}

// EndpointLoss is pod-time of healthy pods marked NotReady.
type EndpointLoss struct {
	PodSeconds        Num `json:"pod_seconds"`
	SecondsPerNodeDay Num `json:"seconds_per_node_day"`
	// SecondsPerNodeDayCI95 is clustered by episode, like the rate's.
	SecondsPerNodeDayCI95 Interval `json:"seconds_per_node_day_ci95"`
}

// FalseEvictions counts pods evicted from healthy nodes.
type FalseEvictions struct {
	Count              int64    `json:"count"`
	RatePerNodeDay     Num      `json:"rate_per_node_day"`
	RatePerNodeDayCI95 Interval `json:"rate_per_node_day_ci95"`
}

// MassNotReady describes many nodes flipping at once.
type MassNotReady struct {
	MaxFraction                   Num   `json:"max_fraction"`
	Episodes                      int64 `json:"episodes"`
	PartialDisruptionTimeFraction Num   `json:"partial_disruption_time_fraction"`
	FullDisruptionTimeFraction    Num   `json:"full_disruption_time_fraction"`
}

// Detection is the latency from an injected failure to Ready=Unknown.
type Detection struct {
	Failures   int64 `json:"failures"`
	Detected   int64 `json:"detected"`
	Undetected int64 `json:"undetected"`
	MeanS      Num   `json:"mean_s"`
	P50S       Num   `json:"p50_s"`
	P99S       Num   `json:"p99_s"`
	MaxS       Num   `json:"max_s"`
}

// QoS are Chen, Toueg and Aguilera's failure-detector metrics.
type QoS struct {
	TMRS Num `json:"t_mr_s"` // mean time between false NotReady per node
	TMS  Num `json:"t_m_s"`  // mean mistake duration
	PA   Num `json:"p_a"`    // fraction of healthy node-time shown Ready
}

// GapHistogram is the distribution of heartbeat gaps as the controller saw
// them: time between consecutive probeTimestamp refreshes of a node.
type GapHistogram struct {
	Count   uint64      `json:"count"`
	P50S    Num         `json:"p50_s"`
	P99S    Num         `json:"p99_s"`
	MaxS    Num         `json:"max_s"`
	Buckets []GapBucket `json:"buckets"`
}

// GapBucket is one histogram bucket, [LoS, HiS) seconds.
type GapBucket struct {
	LoS   float64 `json:"lo_s"`
	HiS   float64 `json:"hi_s"`
	Count uint64  `json:"count"`
}

// Timeline is one replication (0 unless --timeline-replication) seen
// over time, for the timeline chart.
type Timeline struct {
	StepS     float64 `json:"step_s"`    // sample spacing
	Unknown   []int32 `json:"unknown"`   // most nodes Unknown within each step
	Incidents []Span  `json:"incidents"` // control-plane incidents
	Partial   []Span  `json:"partial_disruption"`
	Full      []Span  `json:"full_disruption"`
	Nodes     int     `json:"nodes"`
	// Failed is, at each step's peak of Unknown, how many of those nodes
	// had an injected failure (crash, partition, gray failure): Unknown
	// minus Failed were false NotReady.
	Failed      []int32 `json:"failed,omitempty"`
	Replication int     `json:"replication"`
}

// Span is an interval in seconds since the end of warmup.
type Span struct {
	StartS float64 `json:"start_s"`
	EndS   float64 `json:"end_s"`
	Label  string  `json:"label,omitempty"`
}

// Num is a float64 whose undefined values (NaN, ±Inf: no events, no
// failures) encode as JSON null and decode back to NaN.
type Num float64

// NaN is the undefined Num.
func NaN() Num { return Num(math.NaN()) }

// Defined reports whether n holds a finite number.
func (n Num) Defined() bool { return !math.IsNaN(float64(n)) && !math.IsInf(float64(n), 0) }

// MarshalJSON writes null for undefined values.
func (n Num) MarshalJSON() ([]byte, error) {
	if !n.Defined() {
		return []byte("null"), nil
	}
	return strconv.AppendFloat(nil, float64(n), 'g', -1, 64), nil
}

// UnmarshalJSON reads null as NaN.
func (n *Num) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*n = NaN()
		return nil
	}
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	*n = Num(f)
	return nil
}

// Bounded reports whether the rate is only an upper bound: nothing was
// counted (crude) or found (rare), so the estimate is 0 and its interval's
// top is the figure to show.
func (f *FalseNotReady) Bounded() bool {
	if f.Estimator.Method == MethodRare {
		return !(f.RatePerNodeDay > 0)
	}
	return f.Events == 0
}
