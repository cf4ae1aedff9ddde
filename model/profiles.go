package model

import (
	"fmt"
	"time"
)

// Rules are the version-dependent behaviours a profile selects.
type Rules struct {
	Lease              bool // v1.13+ (beta on by default v1.14): lease loop; status patched only on change or report frequency
	RenewFraction      bool // v1.16+ (PR #80429): renewInterval = 0.25 × nodeLeaseDurationSeconds, else 10s
	StatusFromInformer bool // v1.31+ (PR #123977): try 0 reads the kubelet's own informer, no request; else GET rv=0
	ReportFrequency    bool // v1.13+: KubeletConfiguration has nodeStatusReportFrequency (see ReportFrequencyFromUpdate)
}

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

// Profiles lists the supported releases, oldest first; the last is the default.
var Profiles = []string{"v1.12", "v1.16", "v1.21", "v1.26", "v1.31", "v1.33"}

// DefaultProfile is the newest profile.
const DefaultProfile = "v1.33"

// Default returns the configuration of profile: upstream defaults of that
// release on a 1000-node, 3-zone cluster with realistic latencies. Each
// value names its upstream source.
func Default(profile string) (*Config, error) {
	v, ok := profileVersion(profile)
	if !ok {
		return nil, fmt.Errorf("unknown profile %q (known: %v)", profile, Profiles)
	}
	c := &Config{Profile: profile}
	c.Rules = Rules{
		Lease:              v >= 13,
		RenewFraction:      v >= 16,
		StatusFromInformer: v >= 31,
		ReportFrequency:    v >= 13,
	}
	c.Simulation = SimulationConfig{Duration: 24 * time.Hour, Warmup: 10 * time.Minute, Replications: 4, Seed: 1}
	c.Cluster = ClusterConfig{Nodes: 1000, Zones: 3, PodsPerNode: 30}
	c.Kubelet = DefaultKubeletConfig(v)
	c.APIServer = DefaultAPIServerConfig()
	c.Informer = InformerConfig{WatchDelay: mustLogNormal(20*time.Millisecond, 400*time.Millisecond)}
	c.Controller = DefaultControllerConfig(v)
	return c, nil
}

// DefaultKubeletConfig mirrors pkg/kubelet/apis/config/v1beta1/defaults.go
// SetDefaults_KubeletConfiguration and the constants of pkg/kubelet.
func DefaultKubeletConfig(minor int) KubeletConfig {
	k := KubeletConfig{
		NodeStatusUpdateFrequency:   10 * time.Second,                                   // all releases
		NodeStatusReportFrequency:   5 * time.Minute,                                    // v1.17+ (PR #84007); 1m v1.13-16
		NodeLeaseDurationSeconds:    40,                                                 // v1.13+
		StatusCollectionDelay:       mustLogNormal(150*time.Millisecond, 2*time.Second), // nodesim estimate: cadvisor + runtime status
		StatusCollectionDelayPerPod: 0,                                                  // nodesim knob: off unless a scenario sets it
		StatusJitterFactor:          0.04,                                               // wait.JitterUntil(..., 0.04, true) v1.23+ (PR #105272)
		RenewJitterFactor:           0.04,                                               // lease controller Run v1.22+ (PR #101652)
		NodeStatusUpdateRetry:       5,                                                  // pkg/kubelet/kubelet.go nodeStatusUpdateRetry
		LeaseMaxUpdateRetries:       5,                                                  // lease controller maxUpdateRetries
		LeaseBackoffInitial:         200 * time.Millisecond,                             // backoffEnsureLease: 100ms doubled before the first wait
		LeaseBackoffMax:             7 * time.Second,                                    // backoffEnsureLease maxBackoff
	}
	if minor < 17 {
		k.NodeStatusReportFrequency = time.Minute // v1.13-v1.16
	}
	if minor < 23 {
		k.StatusJitterFactor = 0 // wait.Until before PR #105272
	}
	if minor < 22 {
		k.RenewJitterFactor = 0 // wait.Until before PR #101652
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
	}
}

// DefaultControllerConfig mirrors the node lifecycle controller's defaults
// (pkg/controller/nodelifecycle/config/v1alpha1/defaults.go and
// cmd/kube-controller-manager/app/options/nodelifecyclecontroller.go).
func DefaultControllerConfig(minor int) ControllerConfig {
	c := ControllerConfig{
		NodeMonitorPeriod:         5 * time.Second,       // --node-monitor-period
		NodeMonitorGracePeriod:    50 * time.Second,      // v1.32+ (PR #126287); 40s before
		NodeStartupGracePeriod:    time.Minute,           // --node-startup-grace-period
		NodeEvictionRate:          0.1,                   // --node-eviction-rate
		SecondaryNodeEvictionRate: 0.01,                  // --secondary-node-eviction-rate
		LargeClusterSizeThreshold: 50,                    // --large-cluster-size-threshold
		UnhealthyZoneThreshold:    0.55,                  // --unhealthy-zone-threshold
		PassOverhead:              2 * time.Millisecond,  // nodesim estimate: list from cache
		PerNodeProcessing:         50 * time.Microsecond, // nodesim estimate: tryUpdateNodeHealth on cached objects
		TransitionCost:            20 * time.Millisecond, // nodesim estimate: UpdateStatus + MarkPodsNotReady calls
		Workers:                   8,                     // nodeUpdateWorkerSize, parallel since PR #114296 (v1.27)
	}
	if minor < 32 {
		c.NodeMonitorGracePeriod = 40 * time.Second
	}
	if minor < 27 {
		c.Workers = 1 // serial loop over nodes
	}
	return c
}

func profileVersion(p string) (int, bool) {
	for _, q := range Profiles {
		if q == p {
			var major, minor int
			if _, err := fmt.Sscanf(p, "v%d.%d", &major, &minor); err != nil {
				return 0, false
			}
			return minor, true
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
