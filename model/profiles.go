package model

import (
	"fmt"
	"time"
)

// Rules are the version-dependent behaviours a profile selects.
type Rules struct {
	Lease              bool // v1.14+ (NodeLease beta, on): lease loop; status patched only on change or report frequency
	ReportFrequency    bool // v1.13+: KubeletConfiguration has nodeStatusReportFrequency (see ReportFrequencyFromUpdate)
	RenewFraction      bool // v1.16+ (PR #80429): renewInterval = 0.25 × nodeLeaseDurationSeconds, else 10s
	StatusFromInformer bool // v1.31+ (PR #123977): try 0 reads the kubelet's own informer, no request; else GET rv=0
	LeaseSync          LeaseSync
	// TaintBasedEvictions (v1.13+, beta on): pods leave through the
	// NoExecute taint and their toleration; before, the controller deletes
	// them pod-eviction-timeout after the last heartbeat.
	TaintBasedEvictions bool
	// TaintOnCurrentCondition (v1.27+): processTaintBaseEviction acts on the
	// Ready condition this pass wrote; before, on the one it observed, so a
	// node marked Unknown at pass P is queued for tainting at P+1.
	TaintOnCurrentCondition bool
	// ReportDelay (v1.34+): after a status change or a restart the next
	// periodic status report comes up to half a report period early or late.
	ReportDelay bool
	// LeaseCircuitBreaker (v1.37+, NodeControllerLeaseCircuitBreaker beta,
	// on): before writing Unknown the controller GETs the live lease; if it
	// is newer than its cache, it processes no node until the lease
	// informer has caught up (KEP-5328).
	LeaseCircuitBreaker bool
	// CloseIdleOnly (v1.24+, PR #108107): with HTTP/2 the kubelet's
	// onRepeatedHeartbeatFailure closes only idle connections, which spares
	// a dead one carrying watches; before, it closed all of them after the
	// second failed try of a status update or lease renewal.
	CloseIdleOnly bool
	// RetryAfterAttempts is how many times client-go sends a request that
	// keeps getting 429 with Retry-After (rest/request.go, with_retry.go).
	RetryAfterAttempts int
	// Conditions are the condition sets of the release (conditions.go).
	Conditions ConditionRules
}

// LeaseSync is how the lease controller's sync renews.
type LeaseSync uint8

const (
	// LeaseGetFirst (v1.13-v1.15): every sync GETs the lease
	// (backoffEnsureLease), then up to 5 PUTs; a 409 is just a failure.
	LeaseGetFirst LeaseSync = iota
	// LeaseSingleOptimistic (v1.16-v1.17): one PUT on the lease of the last
	// success; if it fails, backoffEnsureLease and up to 5 PUTs, a 409
	// re-GETting (PR #79341).
	LeaseSingleOptimistic
	// LeaseRetryOptimistic (v1.18+): up to 5 PUTs on the lease of the last
	// success before falling back (PR #81663).
	LeaseRetryOptimistic
)

// ReportFrequencyFromUpdate is SetDefaults_KubeletConfiguration's rule
// (pkg/kubelet/apis/config/v1beta1/defaults.go, v1.13+): a
// KubeletConfiguration that sets nodeStatusUpdateFrequency but leaves
// nodeStatusReportFrequency unset gets report = update, "for backward
// compatibility"; only a configuration that sets neither gets the 5m (1m
// before v1.17) default. The kubelet's command-line flags are applied after
// defaulting, so a flag-only --node-status-update-frequency keeps 5m.
func (c *Config) ReportFrequencyFromUpdate() {
	if c.Rules.ReportFrequency {
		c.Kubelet.NodeStatusReportFrequency = c.Kubelet.NodeStatusUpdateFrequency
	}
}

// Oldest and newest minor releases with a profile: every minor in between
// is one ("v1.12" … "v1.37"), modelled as its .0 release.
const (
	oldestMinor = 12
	newestMinor = 37
)

// Profiles lists the supported releases, oldest first; the last is the default.
var Profiles = func() []string {
	var out []string
	for m := oldestMinor; m <= newestMinor; m++ {
		out = append(out, fmt.Sprintf("v1.%d", m))
	}
	return out
}()

// DefaultProfile is the newest profile.
const DefaultProfile = "v1.37"

// change is one release boundary: from release v1.minor on, apply sets on
// top of the rules and defaults of the release before it.
type change struct {
	minor  int
	what   string
	source string // upstream file and function (or PR) the rule was read from
	apply  func(c *Config)
}

// changes is the one table of version-dependent behaviour, oldest first.
// v1.12 is the base: pre-lease, no jitter, one controller worker, 40s grace.
// Patch releases that picked up a change are noted; a profile is the .0
// release of its minor.
var changes = []change{
	{13, "nodeStatusReportFrequency (1m); NodeLease alpha, off by default: still pre-lease",
		"pkg/kubelet/apis/config/v1beta1/defaults.go SetDefaults_KubeletConfiguration; pkg/features/kube_features.go NodeLease (alpha, v1.13)",
		func(c *Config) { c.Rules.ReportFrequency, c.Kubelet.NodeStatusReportFrequency = true, time.Minute }},
	{13, "TaintBasedEvictions beta, on: NoExecute taint + default tolerations replace pod-eviction-timeout",
		"pkg/features/kube_features.go TaintBasedEvictions; pkg/controller/nodelifecycle/node_lifecycle_controller.go monitorNodeHealth (useTaintBasedEvictions)",
		func(c *Config) { c.Rules.TaintBasedEvictions = true }},
	{14, "NodeLease beta, on: lease loop, renewInterval hard-coded 10s (min(10s, nodeStatusUpdateFrequency) only from v1.14.x/v1.15.x patches, PR #80344/#80345)",
		"pkg/kubelet/nodelease/controller.go NewController (defaultRenewInterval); issue #80172",
		func(c *Config) { c.Rules.Lease = true }},
	{16, "renewInterval = 0.25 × nodeLeaseDurationSeconds",
		"PR #80429; pkg/kubelet/nodelease/controller.go NewController (renewIntervalFraction)",
		func(c *Config) { c.Rules.RenewFraction = true }},
	{16, "lease sync: one optimistic PUT on the last lease, then backoffEnsureLease + retryUpdateLease; a 409 re-GETs",
		"PR #79341 (IsConflict → backoffEnsureLease); pkg/kubelet/nodelease/controller.go sync, retryUpdateLease (v1.15.5 read: GET first, no 409 handling)",
		func(c *Config) { c.Rules.LeaseSync = LeaseSingleOptimistic }},
	{17, "nodeStatusReportFrequency default 5m",
		"PR #84007; pkg/kubelet/apis/config/v1beta1/defaults.go SetDefaults_KubeletConfiguration",
		func(c *Config) { c.Kubelet.NodeStatusReportFrequency = 5 * time.Minute }},
	{18, "lease sync: up to 5 optimistic PUTs (retryUpdateLease) before the GET",
		"PR #81663 (release inferred from the issue and stored versions); component-helpers/apimachinery/lease/controller.go sync",
		func(c *Config) { c.Rules.LeaseSync = LeaseRetryOptimistic }},
	{20, "API Priority and Fairness beta, on: the inflight limits become the priority levels' total seats; kubelets in \"system\"",
		"pkg/features/kube_features.go APIPriorityAndFairness (beta v1.20); staging/src/k8s.io/apiserver/pkg/server/options/recommended.go; bootstrap/default.go (apf.go)",
		func(c *Config) { c.APIServer.EnablePriorityAndFairness = true }},
	{22, "client-go retries a 429 with Retry-After up to maxRetries (10) times, 11 attempts; before, 10 attempts (retries < maxRetries)",
		"staging/src/k8s.io/client-go/rest/with_retry.go withRetry.IsNextRetry (attempts > maxRetries); before, rest/request.go request (retries < maxRetries)",
		func(c *Config) { c.Rules.RetryAfterAttempts = 11 }},
	{22, "lease renew jitter 0.04 (wait.JitterUntil; cherry-picked to v1.20.x/v1.21.x, PRs #101861/#101863)",
		"PR #101652; component-helpers/apimachinery/lease/controller.go Run",
		func(c *Config) { c.Kubelet.RenewJitterFactor = 0.04 }},
	{23, "status loop jitter 0.04 (wait.JitterUntil, sliding)",
		"PR #105272; pkg/kubelet/kubelet.go Run",
		func(c *Config) { c.Kubelet.StatusJitterFactor = 0.04 }},
	{24, "onRepeatedHeartbeatFailure closes only idle connections (HTTP/2 health check left to replace a dead one); before, all connections",
		"PR #108107; cmd/kubelet/app/server.go buildKubeletClientConfig (onHeartbeatFailure); pkg/kubelet/kubelet_node_status.go updateNodeStatus (i > 0)",
		func(c *Config) { c.Rules.CloseIdleOnly = true }},
	{27, "8 node monitor workers (workqueue.ParallelizeUntil)",
		"PR #114296; pkg/controller/nodelifecycle/node_lifecycle_controller.go monitorNodeHealth",
		func(c *Config) { c.Controller.Workers = 8 }},
	{27, "processTaintBaseEviction on the condition just written (queued in the transition's pass), not the one observed (release inferred: observed in every copy up to the runTaintManager era, current at v1.37.2)",
		"pkg/controller/nodelifecycle/node_lifecycle_controller.go monitorNodeHealth (updateNodeFunc)",
		func(c *Config) { c.Rules.TaintOnCurrentCondition = true }},
	{31, "status try 0 reads the kubelet's node informer (no request)",
		"PR #123977; pkg/kubelet/kubelet_node_status.go tryUpdateNodeStatus",
		func(c *Config) { c.Rules.StatusFromInformer = true }},
	{32, "node-monitor-grace-period 50s",
		"PR #126287; pkg/controller/nodelifecycle/config/v1alpha1/defaults.go RecommendedDefaultNodeLifecycleControllerConfiguration",
		func(c *Config) { c.Controller.NodeMonitorGracePeriod = 50 * time.Second }},
	{34, "status report after a change or restart offset by U(−0.5, 0.5) × nodeStatusReportFrequency (read at v1.37.2)",
		"PR #130919; pkg/kubelet/kubelet_node_status.go tryUpdateNodeStatus, isUpdateStatusPeriodExpired, calculateDelay",
		func(c *Config) { c.Rules.ReportDelay = true }},
	{37, "NodeControllerLeaseCircuitBreaker beta, on: a live lease GET guards every Unknown; a stale lease cache stops the pass until it catches up",
		"KEP-5328; pkg/features/kube_features.go; pkg/controller/nodelifecycle/node_lifecycle_controller.go tryUpdateNodeHealth (consistencyStore.EnsureReady, WroteAt)",
		func(c *Config) { c.Rules.LeaseCircuitBreaker = true }},
}

// Default returns the configuration of profile: upstream defaults of that
// release on a 1000-node, 3-zone cluster with realistic latencies. Each
// value names its upstream source.
func Default(profile string) (*Config, error) {
	v, ok := profileVersion(profile)
	if !ok {
		return nil, fmt.Errorf("unknown profile %q (known: v1.%d … v1.%d)", profile, oldestMinor, newestMinor)
	}
	c := &Config{Profile: profile, Rules: Rules{Conditions: conditionRulesV112}, Disk: DefaultDiskConfig(), Memory: DefaultMemoryConfig(), PIDs: DefaultPIDConfig()}
	c.Simulation = SimulationConfig{Duration: 24 * time.Hour, Warmup: 10 * time.Minute, Replications: 4, Seed: 1,
		Method: MethodCrude, TargetRelativeError: 0.2, MaxWorkNodeDays: 200_000, RateFloor: 1e-12}
	c.Cluster = ClusterConfig{Nodes: 1000, Zones: 3, PodsPerNode: 30}
	c.Kubelet = DefaultKubeletConfig()
	c.APIServer = DefaultAPIServerConfig()
	c.Rules.RetryAfterAttempts = 10 // rest/request.go: retries < maxRetries (10)
	c.Informer = InformerConfig{WatchDelay: mustLogNormal(20*time.Millisecond, 400*time.Millisecond)}
	c.Controller = DefaultControllerConfig()
	for _, ch := range changes {
		if ch.minor <= v {
			ch.apply(c)
		}
	}
	for _, ch := range conditionChanges {
		if ch.minor <= v {
			ch.apply(c)
		}
	}
	return c, nil
}

// DefaultKubeletConfig mirrors pkg/kubelet/apis/config/v1beta1/defaults.go
// SetDefaults_KubeletConfiguration and the constants of pkg/kubelet, as of
// v1.12; changes lists what later releases change.
func DefaultKubeletConfig() KubeletConfig {
	k := KubeletConfig{
		NodeStatusUpdateFrequency:   10 * time.Second,                                   // all releases
		NodeStatusReportFrequency:   time.Minute,                                        // no such field before v1.13; 1m v1.13-16, 5m v1.17+ (PR #84007)
		NodeLeaseDurationSeconds:    40,                                                 // v1.13+
		StatusCollectionDelay:       mustLogNormal(150*time.Millisecond, 2*time.Second), // nodesim estimate: cadvisor + runtime status
		StatusCollectionDelayPerPod: 0,                                                  // nodesim knob: off unless a scenario sets it
		StatusJitterFactor:          0,                                                  // wait.Until; wait.JitterUntil(..., 0.04, true) v1.23+ (PR #105272)
		RenewJitterFactor:           0,                                                  // wait.Until; 0.04 in lease controller Run v1.22+ (PR #101652)
		NodeStatusUpdateRetry:       5,                                                  // pkg/kubelet/kubelet.go nodeStatusUpdateRetry
		LeaseMaxUpdateRetries:       5,                                                  // lease controller maxUpdateRetries
		LeaseBackoffInitial:         200 * time.Millisecond,                             // backoffEnsureLease: 100ms doubled before the first wait
		LeaseBackoffMax:             7 * time.Second,                                    // backoffEnsureLease maxBackoff
		NetworkLatency:              Const(0),                                           // nodesim knob: the kubelet's network adds nothing
		NetworkFailureProbability:   0,                                                  // nodesim knob
		StatusChangeEvery:           Const(0),                                           // nodesim knob: no other status changes
		Eviction:                    DefaultEvictionConfig(),                            // eviction_config.go
	}
	return k
}

// DefaultAPIServerConfig is a healthy control plane: lognormal latencies
// within the sig-scalability SLO (mutating p99 ≤ 1s), rare failures.
func DefaultAPIServerConfig() APIServerConfig {
	return APIServerConfig{
		WriteLatency:                        mustLogNormal(8*time.Millisecond, 200*time.Millisecond), // nodesim estimate
		ReadLatency:                         mustLogNormal(3*time.Millisecond, 80*time.Millisecond),  // nodesim estimate
		RequestFailureProbability:           1e-4,                                                    // nodesim estimate
		EtcdRequestTimeout:                  7 * time.Second,                                         // etcd ReqTimeout: 5s + 2 × election timeout (1s)
		DefaultUnreachableTolerationSeconds: 300,                                                     // kube-apiserver --default-unreachable-toleration-seconds
		DefaultNotReadyTolerationSeconds:    300,                                                     // kube-apiserver --default-not-ready-toleration-seconds (plugin/pkg/admission/defaulttolerationseconds)
		MaxRequestsInflight:                 400,                                                     // kube-apiserver --max-requests-inflight (server/config.go NewConfig)
		MaxMutatingRequestsInflight:         200,                                                     // kube-apiserver --max-mutating-requests-inflight
		BackgroundLoad: BackgroundLoad{PriorityLevel: "workload-low", // nodesim knob: off; with APF, service accounts' level
			Diurnal: Diurnal{Period: 24 * time.Hour, PeakAt: 14 * time.Hour, Step: 15 * time.Minute}}, // nodesim knob: amplitude 0, constant
	}
}

// DefaultControllerConfig mirrors the node lifecycle controller's defaults
// (pkg/controller/nodelifecycle/config/v1alpha1/defaults.go and
// cmd/kube-controller-manager/app/options/nodelifecyclecontroller.go), as of
// v1.12; changes lists what later releases change.
func DefaultControllerConfig() ControllerConfig {
	c := ControllerConfig{
		NodeMonitorPeriod:         5 * time.Second,       // --node-monitor-period
		NodeMonitorGracePeriod:    40 * time.Second,      // 50s from v1.32 (PR #126287)
		NodeStartupGracePeriod:    time.Minute,           // --node-startup-grace-period
		NodeEvictionRate:          0.1,                   // --node-eviction-rate
		SecondaryNodeEvictionRate: 0.01,                  // --secondary-node-eviction-rate
		LargeClusterSizeThreshold: 50,                    // --large-cluster-size-threshold
		UnhealthyZoneThreshold:    0.55,                  // --unhealthy-zone-threshold
		PodEvictionTimeout:        5 * time.Minute,       // --pod-eviction-timeout: only without TaintBasedEvictions (v1.12); removed v1.27
		PassOverhead:              2 * time.Millisecond,  // nodesim estimate: list from cache
		PerNodeProcessing:         50 * time.Microsecond, // nodesim estimate: tryUpdateNodeHealth on cached objects
		TransitionCost:            20 * time.Millisecond, // nodesim estimate: UpdateStatus + MarkPodsNotReady calls
		Workers:                   1,                     // serial loop over nodes; nodeUpdateWorkerSize 8 from v1.27 (PR #114296)
		// nodesim knob: nothing beyond the modelled watch delay, as
		// --endpointslice-updates-batch-period defaults to 0
		// (pkg/controller/endpointslice/config/v1alpha1/defaults.go).
		EndpointUpdateDelay: Const(0),
	}
	return c
}

func profileVersion(p string) (int, bool) {
	for i, q := range Profiles {
		if q == p {
			return oldestMinor + i, true
		}
	}
	return 0, false
}

func mustLogNormal(median, p99 time.Duration) Dist {
	d, err := LogNormalMedianP99(median, p99)
	if err != nil {
		panic(err)
	}
	d.Source = fmt.Sprintf("lognormal median=%v p99=%v", median, p99)
	return d
}
