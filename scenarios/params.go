package scenarios

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/nodesim/nodesim/model"
)

// param is one settable scenario key: how to set it on a model.Config
// from a decoded TOML value and how to print its effective value. The
// same table serves the file, --set and [sweep], so all three accept
// exactly the same keys and values.
type param struct {
	key  string
	get  func(c *model.Config) string
	set  func(c *model.Config, v any, in *source) error
	meta bool                              // name and description: never compared with profile defaults
	dist func(c *model.Config) *model.Dist // distribution keys: the value, nil when off
}

// params lists every key in the order `nodesim check` prints them.
var params = []param{
	stringParam("name", func(c *model.Config) *string { return &c.Name }),
	stringParam("description", func(c *model.Config) *string { return &c.Description }),
	{key: "profile", get: func(c *model.Config) string { return c.Profile }, set: setProfile},

	durationParam("simulation.duration", func(c *model.Config) *time.Duration { return &c.Simulation.Duration }),
	durationParam("simulation.warmup", func(c *model.Config) *time.Duration { return &c.Simulation.Warmup }),
	intParam("simulation.replications", func(c *model.Config) *int { return &c.Simulation.Replications }),
	intParam("simulation.seed", func(c *model.Config) *uint64 { return &c.Simulation.Seed }),
	{key: "simulation.method", get: func(c *model.Config) string { return c.Simulation.Method }, set: setMethod},
	floatParam("simulation.target-relative-error", func(c *model.Config) *float64 { return &c.Simulation.TargetRelativeError }),
	floatParam("simulation.max-work-node-days", func(c *model.Config) *float64 { return &c.Simulation.MaxWorkNodeDays }),
	floatParam("simulation.rate-floor", func(c *model.Config) *float64 { return &c.Simulation.RateFloor }),

	intParam("cluster.nodes", func(c *model.Config) *int { return &c.Cluster.Nodes }),
	intParam("cluster.zones", func(c *model.Config) *int { return &c.Cluster.Zones }),
	intParam("cluster.pods-per-node", func(c *model.Config) *int { return &c.Cluster.PodsPerNode }),

	durationParam("kubelet.nodeStatusUpdateFrequency", func(c *model.Config) *time.Duration { return &c.Kubelet.NodeStatusUpdateFrequency }),
	durationParam("kubelet.nodeStatusReportFrequency", func(c *model.Config) *time.Duration { return &c.Kubelet.NodeStatusReportFrequency }),
	intParam("kubelet.nodeLeaseDurationSeconds", func(c *model.Config) *int32 { return &c.Kubelet.NodeLeaseDurationSeconds }),
	distParam("kubelet.status-collection-delay", func(c *model.Config) *model.Dist { return &c.Kubelet.StatusCollectionDelay }),
	durationParam("kubelet.status-collection-delay-per-pod", func(c *model.Config) *time.Duration { return &c.Kubelet.StatusCollectionDelayPerPod }),
	floatParam("kubelet.status-jitter-factor", func(c *model.Config) *float64 { return &c.Kubelet.StatusJitterFactor }),
	floatParam("kubelet.renew-jitter-factor", func(c *model.Config) *float64 { return &c.Kubelet.RenewJitterFactor }),
	intParam("kubelet.node-status-update-retry", func(c *model.Config) *int { return &c.Kubelet.NodeStatusUpdateRetry }),
	intParam("kubelet.lease-max-update-retries", func(c *model.Config) *int { return &c.Kubelet.LeaseMaxUpdateRetries }),
	durationParam("kubelet.lease-backoff-initial", func(c *model.Config) *time.Duration { return &c.Kubelet.LeaseBackoffInitial }),
	durationParam("kubelet.lease-backoff-max", func(c *model.Config) *time.Duration { return &c.Kubelet.LeaseBackoffMax }),
	distParam("kubelet.network-latency", func(c *model.Config) *model.Dist { return &c.Kubelet.NetworkLatency }),
	floatParam("kubelet.network-failure-probability", func(c *model.Config) *float64 { return &c.Kubelet.NetworkFailureProbability }),
	distParam("kubelet.status-change-every", func(c *model.Config) *model.Dist { return &c.Kubelet.StatusChangeEvery }),

	distParam("apiserver.write-latency", func(c *model.Config) *model.Dist { return &c.APIServer.WriteLatency }),
	distParam("apiserver.read-latency", func(c *model.Config) *model.Dist { return &c.APIServer.ReadLatency }),
	floatParam("apiserver.request-failure-probability", func(c *model.Config) *float64 { return &c.APIServer.RequestFailureProbability }),
	durationParam("apiserver.etcd-request-timeout", func(c *model.Config) *time.Duration { return &c.APIServer.EtcdRequestTimeout }),
	intParam("apiserver.default-unreachable-toleration-seconds", func(c *model.Config) *int64 { return &c.APIServer.DefaultUnreachableTolerationSeconds }),
	{key: "apiserver.incident", get: getIncidents, set: setIncidents},

	distParam("informer.watch-delay", func(c *model.Config) *model.Dist { return &c.Informer.WatchDelay }),

	durationParam("controller.node-monitor-period", func(c *model.Config) *time.Duration { return &c.Controller.NodeMonitorPeriod }),
	durationParam("controller.node-monitor-grace-period", func(c *model.Config) *time.Duration { return &c.Controller.NodeMonitorGracePeriod }),
	durationParam("controller.node-startup-grace-period", func(c *model.Config) *time.Duration { return &c.Controller.NodeStartupGracePeriod }),
	floatParam("controller.node-eviction-rate", func(c *model.Config) *float64 { return &c.Controller.NodeEvictionRate }),
	floatParam("controller.secondary-node-eviction-rate", func(c *model.Config) *float64 { return &c.Controller.SecondaryNodeEvictionRate }),
	intParam("controller.large-cluster-size-threshold", func(c *model.Config) *int { return &c.Controller.LargeClusterSizeThreshold }),
	floatParam("controller.unhealthy-zone-threshold", func(c *model.Config) *float64 { return &c.Controller.UnhealthyZoneThreshold }),
	durationParam("controller.pod-eviction-timeout", func(c *model.Config) *time.Duration { return &c.Controller.PodEvictionTimeout }),
	durationParam("controller.pass-overhead", func(c *model.Config) *time.Duration { return &c.Controller.PassOverhead }),
	durationParam("controller.per-node-processing", func(c *model.Config) *time.Duration { return &c.Controller.PerNodeProcessing }),
	durationParam("controller.transition-cost", func(c *model.Config) *time.Duration { return &c.Controller.TransitionCost }),
	intParam("controller.workers", func(c *model.Config) *int { return &c.Controller.Workers }),

	failureDist("failures.crash.every", crash, every),
	failureDuration("failures.crash.repair", crash),
	failureDist("failures.partition.every", partition, every),
	failureDist("failures.partition.lasts", partition, lasts),
	failureDist("failures.gray.every", gray, every),
	failureDist("failures.gray.lasts", gray, lasts),
}

// tables are the keys that hold other keys rather than values.
var tables = []string{"simulation", "cluster", "kubelet", "apiserver", "informer", "controller", "failures",
	"failures.crash", "failures.partition", "failures.gray", "sweep"}

var paramIndex = func() map[string]*param {
	m := make(map[string]*param, len(params))
	for i := range params {
		m[params[i].key] = &params[i]
	}
	return m
}()

// Keys lists every settable key, in `nodesim check` order.
func Keys() []string {
	out := make([]string, len(params))
	for i, p := range params {
		out[i] = p.key
	}
	return out
}

func stringParam(key string, f func(*model.Config) *string) param {
	return param{key: key, meta: true,
		get: func(c *model.Config) string { return *f(c) },
		set: func(c *model.Config, v any, _ *source) error {
			s, err := asString(v)
			*f(c) = s
			return err
		}}
}

func durationParam(key string, f func(*model.Config) *time.Duration) param {
	return param{key: key,
		get: func(c *model.Config) string { return FormatDuration(*f(c)) },
		set: func(c *model.Config, v any, _ *source) error {
			d, err := asDuration(v)
			*f(c) = d
			return err
		}}
}

func intParam[T int | int32 | int64 | uint64](key string, f func(*model.Config) *T) param {
	return param{key: key,
		get: func(c *model.Config) string { return fmt.Sprint(*f(c)) },
		set: func(c *model.Config, v any, _ *source) error {
			n, err := asInt(v)
			if err != nil {
				return err
			}
			t := T(n)
			if int64(t) != n || (n < 0 && T(0)-1 > 0) {
				return fmt.Errorf("%d is out of range", n)
			}
			*f(c) = t
			return nil
		}}
}

func floatParam(key string, f func(*model.Config) *float64) param {
	return param{key: key,
		get: func(c *model.Config) string { return formatFloat(*f(c)) },
		set: func(c *model.Config, v any, _ *source) error {
			x, err := asFloat(v)
			*f(c) = x
			return err
		}}
}

func distParam(key string, f func(*model.Config) *model.Dist) param {
	return param{key: key, dist: f,
		get: func(c *model.Config) string { return formatDist(*f(c)) },
		set: func(c *model.Config, v any, in *source) error {
			d, err := parseDist(key, v, in)
			*f(c) = d
			return err
		}}
}

func setMethod(c *model.Config, v any, _ *source) error {
	s, err := asString(v)
	if err != nil {
		return err
	}
	if !slices.Contains(model.Methods, s) {
		return fmt.Errorf("unknown method %q%s; one of %s", s, suggest(s, model.Methods), strings.Join(model.Methods, ", "))
	}
	c.Simulation.Method = s
	return nil
}

// setProfile only checks the name: the loader picks each config's
// profile before applying anything else, since a profile replaces every
// default.
func setProfile(_ *model.Config, v any, _ *source) error {
	s, err := asString(v)
	if err != nil {
		return err
	}
	if _, err := model.Default(s); err != nil {
		return fmt.Errorf("unknown profile %q%s; one of %s … %s (every minor release)", s, suggest(s, model.Profiles), model.Profiles[0], model.Profiles[len(model.Profiles)-1])
	}
	return nil
}
