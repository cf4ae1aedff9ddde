package model

import (
	"errors"
	"fmt"
	"math"
	"time"
)

// Config is everything one simulation point needs. Fields that exist
// upstream carry the upstream name; the scenario loader maps TOML keys to
// them one to one.
type Config struct {
	Name        string
	Description string
	Profile     string
	Rules       Rules // selected by Profile; not a user knob
	Simulation  SimulationConfig
	Cluster     ClusterConfig
	Kubelet     KubeletConfig
	APIServer   APIServerConfig
	Informer    InformerConfig
	Controller  ControllerConfig
	Failures    FailuresConfig
	Disk        DiskConfig   // [disk]: nodesim's filesystem model (disk.go)
	Memory      MemoryConfig // [memory]: nodesim's memory model (pod_memory.go)
	PIDs        PIDConfig    // [pids]: nodesim's process-ID model (pod_memory.go)
}

// SimulationConfig holds simulator-only knobs, kept apart from anything a
// real cluster has.
type SimulationConfig struct {
	Duration     time.Duration // simulated time per replication after warmup
	Warmup       time.Duration // discarded start: lets loops desynchronise
	Replications int
	Seed         uint64

	// Method estimates the false-NotReady figures: "crude" counts them in
	// the replications; "rare" (rare.go) conditions on incidents and
	// importance-samples per-node noise, until its 95% interval's
	// half-width is within TargetRelativeError of the estimate or it has
	// simulated MaxWorkNodeDays, or its upper bound is below RateFloor
	// (per node-day: too rare to matter, and where likelihood ratios grow
	// heavy-tailed).
	Method              string
	TargetRelativeError float64
	MaxWorkNodeDays     float64
	RateFloor           float64

	// TimelineReplication is the replication whose timeline is sampled
	// (nodesim run --timeline-replication); it changes no other figure.
	TimelineReplication int
}

// Estimation methods.
const (
	MethodCrude = "crude"
	MethodRare  = "rare"
)

// Methods lists the accepted simulation.method values.
var Methods = []string{MethodCrude, MethodRare}

// ClusterConfig is the cluster's shape.
type ClusterConfig struct {
	Nodes       int
	Zones       int // nodes are spread round-robin over zones
	PodsPerNode int // pods whose endpoints drop with MarkPodsNotReady

	// NodeConditionsFrom is the release whose kubelets wrote the Node
	// objects' conditions (cluster.node-conditions-from: an upgrade from
	// it; "": the profile's own).
	NodeConditionsFrom string
}

// KubeletConfig mirrors KubeletConfiguration fields plus nodesim's knobs.
type KubeletConfig struct {
	NodeStatusUpdateFrequency time.Duration // status loop period (upstream default 10s)
	NodeStatusReportFrequency time.Duration // lease mode: patch unchanged status this often (1m v1.13-16, 5m v1.17+)
	NodeLeaseDurationSeconds  int32         // renewInterval = 0.25 × this from v1.16 (default 40)

	StatusCollectionDelay       Dist          // time to compute status before the first request of a sync
	StatusCollectionDelayPerPod time.Duration // added per pod on the node
	StatusJitterFactor          float64       // wait.JitterUntil factor of the status loop (0.04 from v1.23)
	RenewJitterFactor           float64       // lease loop jitter (0.04 from v1.22)
	NodeStatusUpdateRetry       int           // const nodeStatusUpdateRetry = 5
	LeaseMaxUpdateRetries       int           // lease maxUpdateRetries = 5
	LeaseBackoffInitial         time.Duration // backoffEnsureLease first wait (200ms)
	LeaseBackoffMax             time.Duration // backoffEnsureLease cap maxBackoff (7s)

	// The kubelet's own side of every request (nodesim knobs): a latency
	// added before the apiserver sees it, counted against the client
	// timeout, and a failure probability; neither touches other clients.
	NetworkLatency            Dist    // kubelet.network-latency
	NetworkFailureProbability float64 // kubelet.network-failure-probability

	// StatusChangeEvery is the time between changes of the node's status
	// other than Ready (images, volumes in use, allocatable, …: nodesim knob
	// kubelet.status-change-every; constant 0: none). In lease mode each one
	// makes the next tick PATCH, a heartbeat (nodeStatusHasChanged compares
	// the whole status).
	StatusChangeEvery Dist

	Eviction EvictionConfig // the eviction manager's KubeletConfiguration fields (eviction_config.go)
}

// APIServerConfig covers the apiserver, etcd and the request path.
type APIServerConfig struct {
	WriteLatency              Dist          // end-to-end latency of a PUT/PATCH
	ReadLatency               Dist          // end-to-end latency of a GET
	RequestFailureProbability float64       // i.i.d. failure of any request
	EtcdRequestTimeout        time.Duration // 5s + 2 × election timeout = 7s
	Incidents                 []Incident

	// DefaultUnreachableTolerationSeconds is the kube-apiserver flag
	// --default-unreachable-toleration-seconds (300).
	DefaultUnreachableTolerationSeconds int64
	// DefaultNotReadyTolerationSeconds is --default-not-ready-toleration-seconds
	// (300): the toleration of the not-ready NoExecute taint a node gets
	// when its kubelet reports Ready=False.
	DefaultNotReadyTolerationSeconds int64

	// Load (load.go) is off unless BackgroundLoad, a load incident or
	// EtcdWriteCapacity is set: then requests compete for seats.
	MaxRequestsInflight         int            // --max-requests-inflight (400; 0: no limit)
	MaxMutatingRequestsInflight int            // --max-mutating-requests-inflight (200; 0: no limit)
	EnablePriorityAndFairness   bool           // --enable-priority-and-fairness (on from v1.20)
	BackgroundLoad              BackgroundLoad // requests from everything but nodesim's nodes
	EtcdWriteCapacity           float64        // writes/s etcd commits when saturated (0: unlimited)
}

// BackgroundLoad is the request rate of every other client of the
// apiserver (controllers, operators, kubectl), as Poisson streams.
type BackgroundLoad struct {
	WritesPerSecond float64 // the mean over a day with Diurnal
	ReadsPerSecond  float64
	PriorityLevel   string // with APF: the level it lands in
	Diurnal         Diurnal
}

// Diurnal makes the background rates vary over time (profile.go):
// mean × (1 + Amplitude·cos(2π(t − PeakAt)/Period)), held constant over
// each Step at that step's average. Amplitude 0: constant.
type Diurnal struct {
	Amplitude float64       // in [0, 1): peak (1+A)×mean, trough (1−A)×mean
	Period    time.Duration // the cycle (1d)
	PeakAt    time.Duration // the peak's offset from the simulation's start (warmup included)
	Step      time.Duration // resolution; divides Period
}

// minor is the profile's minor release.
func (c *Config) minor() int {
	v, _ := profileVersion(c.Profile)
	return v
}

// LoadOn reports whether the load model is on.
func (a *APIServerConfig) LoadOn() bool {
	if a.BackgroundLoad.WritesPerSecond > 0 || a.BackgroundLoad.ReadsPerSecond > 0 || a.EtcdWriteCapacity > 0 {
		return true
	}
	for _, in := range a.Incidents {
		if in.Effect == Load {
			return true
		}
	}
	return false
}

// Effect is what an incident does while it lasts.
type Effect uint8

// Incident effects.
const (
	Unavailable    Effect = iota // writes and reads fail after FailAfter
	Slow                         // latency × Multiply + Add
	WatchStall                   // the controller's watch delivers nothing, then everything
	LeaderFailover               // a new controller leader: every probeTimestamp restarts
	DeadConnection               // a connection dies silently: its requests hang until the HTTP/2 health check
	Load                         // background load rises by WritesPerSecond and ReadsPerSecond (a LIST storm, a relist)
)

var effectNames = [...]string{"unavailable", "slow", "watch-stall", "leader-failover", "dead-connection", "load"}

func (e Effect) String() string { return effectNames[e] }

// ParseEffect maps a scenario name to an effect.
func ParseEffect(s string) (Effect, bool) {
	for i, n := range effectNames {
		if n == s {
			return Effect(i), true
		}
	}
	return 0, false
}

// EffectNames lists the accepted effects.
func EffectNames() []string { return effectNames[:] }

// Target is whose connection a dead-connection incident kills.
type Target uint8

// Dead-connection targets.
const (
	TargetKubelets        Target = iota // a fraction of the kubelets' connections
	TargetControllerWatch               // the controller's watch connection
)

var targetNames = [...]string{"kubelets", "controller-watch"}

func (t Target) String() string { return targetNames[t] }

// ParseTarget maps a scenario name to a target.
func ParseTarget(s string) (Target, bool) {
	for i, n := range targetNames {
		if n == s {
			return Target(i), true
		}
	}
	return 0, false
}

// TargetNames lists the accepted targets.
func TargetNames() []string { return targetNames[:] }

// HealthCheck is how long a silently dead HTTP/2 connection lasts: the
// ReadIdleTimeout (30s) before client-go pings, plus the PingTimeout (15s)
// before it closes the connection (apimachinery pkg/util/net/http.go
// readIdleTimeoutSeconds, pingTimeoutSeconds; upstream issue #121793).
const HealthCheck = 45 * time.Second

// Incident is a correlated control-plane event hitting every node at once.
type Incident struct {
	Name      string
	Every     Dist // inter-arrival time
	Lasts     Dist // duration
	Effect    Effect
	FailAfter time.Duration // unavailable: requests fail after this (or the client timeout)
	Multiply  float64       // slow: latency multiplier (1 = none)
	Add       time.Duration // slow: latency added
	Target    Target        // dead-connection: whose connection
	Fraction  float64       // dead-connection on kubelets: the share of kubelets hit (1 = all)
	// At replays a known incident at these times after warmup instead of
	// drawing arrivals from Every (replay.go): its figures are absolute,
	// never rates.
	At []time.Duration

	WritesPerSecond float64 // load: background writes added
	ReadsPerSecond  float64 // load: background reads added
}

// InformerConfig is the watch path from etcd to the controller's caches.
type InformerConfig struct {
	WatchDelay Dist // commit to visible in the controller's (and kubelet's) informer
}

// ControllerConfig mirrors kube-controller-manager flags of the node
// lifecycle controller plus nodesim's timing knobs.
type ControllerConfig struct {
	NodeMonitorPeriod         time.Duration // --node-monitor-period (5s)
	NodeMonitorGracePeriod    time.Duration // --node-monitor-grace-period (40s, 50s from v1.32)
	NodeStartupGracePeriod    time.Duration // --node-startup-grace-period (1m)
	NodeEvictionRate          float64       // --node-eviction-rate, nodes/s per zone (0.1)
	SecondaryNodeEvictionRate float64       // --secondary-node-eviction-rate (0.01)
	LargeClusterSizeThreshold int           // --large-cluster-size-threshold (50)
	UnhealthyZoneThreshold    float64       // --unhealthy-zone-threshold (0.55)
	PodEvictionTimeout        time.Duration // --pod-eviction-timeout (5m): eviction without taints, v1.12

	PassOverhead      time.Duration // fixed cost of a monitorNodeHealth pass
	PerNodeProcessing time.Duration // per node and worker
	TransitionCost    time.Duration // API calls of one Ready→Unknown transition (UpdateStatus + MarkPodsNotReady)
	Workers           int           // nodeUpdateWorkerSize: 1 before v1.27, 8 after

	// EndpointUpdateDelay is nodesim's controller.endpoint-update-delay:
	// from a pod change reaching the EndpointSlice controller's informer to
	// the EndpointSlices showing it (its queue, batching and write).
	EndpointUpdateDelay Dist
}

// FailuresConfig injects real failures, for detection latency.
type FailuresConfig struct {
	Crash     *FailureProcess // both loops stop; restart after Repair if set
	Partition *FailureProcess // requests fail for Lasts
	Gray      *FailureProcess // status loop stuck, lease alive, for Lasts
	// RuntimeDown is the container runtime down for Lasts: the kubelet
	// keeps posting and renewing, and reports Ready=False.
	RuntimeDown *FailureProcess
	Events      []FailureEvent // one-shot correlated failures replayed at given times (replay.go)
}

// FailureProcess is a per-node failure process.
type FailureProcess struct {
	Every  Dist          // per-node inter-arrival time
	Lasts  Dist          // partition or gray-failure duration
	Repair time.Duration // crash: time until the kubelet restarts (0: never)
}

// HeartbeatClientTimeout is the heartbeat client's per-request timeout:
// min(nodeStatusUpdateFrequency, nodeLeaseDurationSeconds) from v1.13,
// nodeStatusUpdateFrequency alone before (cmd/kubelet/app/server.go).
func (c *Config) HeartbeatClientTimeout() time.Duration {
	t := c.Kubelet.NodeStatusUpdateFrequency
	if c.Rules.Lease {
		if l := time.Duration(c.Kubelet.NodeLeaseDurationSeconds) * time.Second; l < t {
			t = l
		}
	}
	return t
}

// RenewInterval is the lease loop period: 0.25 × nodeLeaseDurationSeconds
// from v1.16 (PR #80429), a hard-coded 10s before.
func (c *Config) RenewInterval() time.Duration {
	if !c.Rules.RenewFraction {
		return 10 * time.Second
	}
	return time.Duration(float64(c.Kubelet.NodeLeaseDurationSeconds) * 0.25 * float64(time.Second))
}

// Validate checks the constraints no single key can express. Every error
// it returns is a *FieldError (several are joined) naming the scenario key,
// so the loader can position it without parsing the message.
func (c *Config) Validate() error {
	var errs []error
	bad := func(key, format string, a ...any) {
		errs = append(errs, &FieldError{Key: key, Msg: fmt.Sprintf(format, a...)})
	}
	positive := func(key string, d time.Duration) {
		if d <= 0 {
			bad(key, "must be > 0, got %v", d)
		}
	}
	prob := func(key string, p float64) {
		if !(p >= 0 && p <= 1) {
			bad(key, "must be a probability in [0, 1], got %v", p)
		}
	}
	positive(KeyDuration, c.Simulation.Duration)
	if c.Simulation.Warmup < 0 {
		bad(KeyWarmup, "must be >= 0, got %v", c.Simulation.Warmup)
	}
	if c.Simulation.Replications < 1 {
		bad(KeyReplications, "must be >= 1, got %d", c.Simulation.Replications)
	}
	if c.Simulation.Method != MethodCrude && c.Simulation.Method != MethodRare {
		bad(KeyMethod, "must be %q or %q, got %q", MethodCrude, MethodRare, c.Simulation.Method)
	}
	if !(c.Simulation.TargetRelativeError > 0 && c.Simulation.TargetRelativeError <= 1) {
		bad(KeyTargetRelativeError, "must be in (0, 1], got %v", c.Simulation.TargetRelativeError)
	}
	if !(c.Simulation.MaxWorkNodeDays > 0) || math.IsInf(c.Simulation.MaxWorkNodeDays, 0) {
		bad(KeyMaxWorkNodeDays, "must be a number > 0, got %v", c.Simulation.MaxWorkNodeDays)
	}
	if !(c.Simulation.RateFloor >= 0 && c.Simulation.RateFloor < 1) {
		bad(KeyRateFloor, "must be in [0, 1) per node-day, got %v", c.Simulation.RateFloor)
	}
	if c.Cluster.Nodes < 1 {
		bad(KeyNodes, "must be >= 1, got %d", c.Cluster.Nodes)
	}
	// NB: with cluster.nodes itself invalid, zones above it is a knock-on.
	if c.Cluster.Zones < 1 || (c.Cluster.Nodes >= 1 && c.Cluster.Zones > c.Cluster.Nodes) {
		bad(KeyZones, "must be between 1 and %s (%d), got %d", KeyNodes, c.Cluster.Nodes, c.Cluster.Zones)
	}
	if c.Cluster.PodsPerNode < 0 {
		bad(KeyPodsPerNode, "must be >= 0, got %d", c.Cluster.PodsPerNode)
	}
	positive(KeyNodeStatusUpdateFrequency, c.Kubelet.NodeStatusUpdateFrequency)
	positive(KeyNodeStatusReportFrequency, c.Kubelet.NodeStatusReportFrequency)
	if c.Kubelet.NodeLeaseDurationSeconds < 1 {
		bad(KeyNodeLeaseDurationSeconds, "must be >= 1, got %d", c.Kubelet.NodeLeaseDurationSeconds)
	}
	for _, j := range []struct {
		key string
		v   float64
	}{{KeyStatusJitterFactor, c.Kubelet.StatusJitterFactor}, {KeyRenewJitterFactor, c.Kubelet.RenewJitterFactor}} {
		if !(j.v >= 0 && j.v <= 10) {
			bad(j.key, "must be in [0, 10], got %v", j.v)
		}
	}
	if c.Kubelet.StatusCollectionDelayPerPod < 0 {
		bad(KeyStatusCollectionDelayPerPod, "must be >= 0, got %v", c.Kubelet.StatusCollectionDelayPerPod)
	}
	if k := c.Kubelet.StatusChangeEvery; !(k.Kind == Constant && k.A == 0) && !(k.Mean() > 0) {
		bad(KeyStatusChangeEvery, "must have a mean > 0 (constant 0s: no changes)")
	}
	if c.Kubelet.NodeStatusUpdateRetry < 1 {
		bad(KeyNodeStatusUpdateRetry, "must be >= 1, got %d", c.Kubelet.NodeStatusUpdateRetry)
	}
	if c.Kubelet.LeaseMaxUpdateRetries < 1 {
		bad(KeyLeaseMaxUpdateRetries, "must be >= 1, got %d", c.Kubelet.LeaseMaxUpdateRetries)
	}
	positive(KeyLeaseBackoffInitial, c.Kubelet.LeaseBackoffInitial)
	if c.Kubelet.LeaseBackoffMax < c.Kubelet.LeaseBackoffInitial {
		bad(KeyLeaseBackoffMax, "must be >= %s (%v), got %v", KeyLeaseBackoffInitial, c.Kubelet.LeaseBackoffInitial, c.Kubelet.LeaseBackoffMax)
	}
	prob(KeyNetworkFailureProbability, c.Kubelet.NetworkFailureProbability)
	prob(KeyRequestFailureProbability, c.APIServer.RequestFailureProbability)
	positive(KeyEtcdRequestTimeout, c.APIServer.EtcdRequestTimeout)
	if c.APIServer.DefaultUnreachableTolerationSeconds < 0 {
		bad(KeyDefaultUnreachableTolerationSeconds, "must be >= 0, got %d", c.APIServer.DefaultUnreachableTolerationSeconds)
	}
	if c.APIServer.DefaultNotReadyTolerationSeconds < 0 {
		bad(KeyDefaultNotReadyTolerationSeconds, "must be >= 0, got %d", c.APIServer.DefaultNotReadyTolerationSeconds)
	}
	for i, in := range c.APIServer.Incidents {
		badIncident := func(field, format string, a ...any) {
			msg := fmt.Sprintf(format, a...)
			if in.Name != "" {
				msg += fmt.Sprintf(" (incident %q)", in.Name)
			}
			errs = append(errs, &FieldError{Key: KeyIncident, Index: i + 1, Field: field, Msg: msg})
		}
		if in.FailAfter < 0 {
			badIncident(IncidentFailAfter, "must be >= 0, got %v", in.FailAfter)
		}
		if in.Effect == Slow && (in.Multiply < 0 || in.Add < 0) {
			badIncident("", "slow effect needs multiply >= 0 and add >= 0")
		}
		if in.Effect == DeadConnection && in.Target == TargetKubelets && !(in.Fraction > 0 && in.Fraction <= 1) {
			badIncident(IncidentFraction, "must be in (0, 1], got %v", in.Fraction)
		}
		if in.Effect == Load && (!(in.WritesPerSecond >= 0) || !(in.ReadsPerSecond >= 0) || math.IsInf(in.WritesPerSecond+in.ReadsPerSecond, 0)) {
			badIncident("", "load effect needs finite writes-per-second >= 0 and reads-per-second >= 0")
		}
	}
	errs = append(errs, c.validateLoad()...)
	positive(KeyNodeMonitorPeriod, c.Controller.NodeMonitorPeriod)
	positive(KeyNodeMonitorGracePeriod, c.Controller.NodeMonitorGracePeriod)
	if c.Controller.NodeStartupGracePeriod < 0 {
		bad(KeyNodeStartupGracePeriod, "must be >= 0, got %v", c.Controller.NodeStartupGracePeriod)
	}
	if c.Controller.NodeEvictionRate < 0 {
		bad(KeyNodeEvictionRate, "must be >= 0, got %v", c.Controller.NodeEvictionRate)
	}
	if c.Controller.SecondaryNodeEvictionRate < 0 {
		bad(KeySecondaryNodeEvictionRate, "must be >= 0, got %v", c.Controller.SecondaryNodeEvictionRate)
	}
	if c.Controller.LargeClusterSizeThreshold < 0 {
		bad(KeyLargeClusterSizeThreshold, "must be >= 0, got %d", c.Controller.LargeClusterSizeThreshold)
	}
	if !(c.Controller.UnhealthyZoneThreshold >= 0 && c.Controller.UnhealthyZoneThreshold <= 1) {
		bad(KeyUnhealthyZoneThreshold, "must be in [0, 1], got %v", c.Controller.UnhealthyZoneThreshold)
	}
	if c.Controller.PodEvictionTimeout < 0 {
		bad(KeyPodEvictionTimeout, "must be >= 0, got %v", c.Controller.PodEvictionTimeout)
	}
	if c.Controller.Workers < 1 {
		bad(KeyWorkers, "must be >= 1, got %d", c.Controller.Workers)
	}
	for _, d := range []struct {
		key string
		v   time.Duration
	}{{KeyPassOverhead, c.Controller.PassOverhead}, {KeyPerNodeProcessing, c.Controller.PerNodeProcessing}, {KeyTransitionCost, c.Controller.TransitionCost}} {
		if d.v < 0 {
			bad(d.key, "must be >= 0, got %v", d.v)
		}
	}
	errs = append(errs, c.validateLimits()...)
	errs = append(errs, c.validateReplays()...)
	errs = append(errs, c.validatePressure()...)
	return errors.Join(errs...)
}
