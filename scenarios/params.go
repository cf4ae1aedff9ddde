package scenarios

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unsafe"

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
	kind Kind                              // numeric keys only (KeyKind)
}

// params lists every key in the order `nodesim check` prints them.
var params = append([]param{
	stringParam(model.KeyName, func(c *model.Config) *string { return &c.Name }),
	stringParam(model.KeyDescription, func(c *model.Config) *string { return &c.Description }),
	{key: model.KeyProfile, get: func(c *model.Config) string { return c.Profile }, set: setProfile},

	durationParam(model.KeyDuration, func(c *model.Config) *time.Duration { return &c.Simulation.Duration }),
	durationParam(model.KeyWarmup, func(c *model.Config) *time.Duration { return &c.Simulation.Warmup }),
	intParam(model.KeyReplications, func(c *model.Config) *int { return &c.Simulation.Replications }),
	intParam(model.KeySeed, func(c *model.Config) *uint64 { return &c.Simulation.Seed }),
	{key: model.KeyMethod, get: func(c *model.Config) string { return c.Simulation.Method }, set: setMethod},
	floatParam(model.KeyTargetRelativeError, func(c *model.Config) *float64 { return &c.Simulation.TargetRelativeError }),
	floatParam(model.KeyMaxWorkNodeDays, func(c *model.Config) *float64 { return &c.Simulation.MaxWorkNodeDays }),
	floatParam(model.KeyRateFloor, func(c *model.Config) *float64 { return &c.Simulation.RateFloor }),

	intParam(model.KeyNodes, func(c *model.Config) *int { return &c.Cluster.Nodes }),
	intParam(model.KeyZones, func(c *model.Config) *int { return &c.Cluster.Zones }),
	intParam(model.KeyPodsPerNode, func(c *model.Config) *int { return &c.Cluster.PodsPerNode }),

	durationParam(model.KeyNodeStatusUpdateFrequency, func(c *model.Config) *time.Duration { return &c.Kubelet.NodeStatusUpdateFrequency }),
	durationParam(model.KeyNodeStatusReportFrequency, func(c *model.Config) *time.Duration { return &c.Kubelet.NodeStatusReportFrequency }),
	intParam(model.KeyNodeLeaseDurationSeconds, func(c *model.Config) *int32 { return &c.Kubelet.NodeLeaseDurationSeconds }),
	distParam(model.KeyStatusCollectionDelay, func(c *model.Config) *model.Dist { return &c.Kubelet.StatusCollectionDelay }),
	durationParam(model.KeyStatusCollectionDelayPerPod, func(c *model.Config) *time.Duration { return &c.Kubelet.StatusCollectionDelayPerPod }),
	floatParam(model.KeyStatusJitterFactor, func(c *model.Config) *float64 { return &c.Kubelet.StatusJitterFactor }),
	floatParam(model.KeyRenewJitterFactor, func(c *model.Config) *float64 { return &c.Kubelet.RenewJitterFactor }),
	intParam(model.KeyNodeStatusUpdateRetry, func(c *model.Config) *int { return &c.Kubelet.NodeStatusUpdateRetry }),
	intParam(model.KeyLeaseMaxUpdateRetries, func(c *model.Config) *int { return &c.Kubelet.LeaseMaxUpdateRetries }),
	durationParam(model.KeyLeaseBackoffInitial, func(c *model.Config) *time.Duration { return &c.Kubelet.LeaseBackoffInitial }),
	durationParam(model.KeyLeaseBackoffMax, func(c *model.Config) *time.Duration { return &c.Kubelet.LeaseBackoffMax }),
	distParam(model.KeyNetworkLatency, func(c *model.Config) *model.Dist { return &c.Kubelet.NetworkLatency }),
	floatParam(model.KeyNetworkFailureProbability, func(c *model.Config) *float64 { return &c.Kubelet.NetworkFailureProbability }),
	distParam(model.KeyStatusChangeEvery, func(c *model.Config) *model.Dist { return &c.Kubelet.StatusChangeEvery }),

	distParam(model.KeyWriteLatency, func(c *model.Config) *model.Dist { return &c.APIServer.WriteLatency }),
	distParam(model.KeyReadLatency, func(c *model.Config) *model.Dist { return &c.APIServer.ReadLatency }),
	floatParam(model.KeyRequestFailureProbability, func(c *model.Config) *float64 { return &c.APIServer.RequestFailureProbability }),
	durationParam(model.KeyEtcdRequestTimeout, func(c *model.Config) *time.Duration { return &c.APIServer.EtcdRequestTimeout }),
	intParam(model.KeyDefaultUnreachableTolerationSeconds, func(c *model.Config) *int64 { return &c.APIServer.DefaultUnreachableTolerationSeconds }),
	intParam(model.KeyDefaultNotReadyTolerationSeconds, func(c *model.Config) *int64 { return &c.APIServer.DefaultNotReadyTolerationSeconds }),
	{key: model.KeyIncident, get: getIncidents, set: setIncidents},
	intParam(model.KeyMaxRequestsInflight, func(c *model.Config) *int { return &c.APIServer.MaxRequestsInflight }),
	intParam(model.KeyMaxMutatingRequestsInflight, func(c *model.Config) *int { return &c.APIServer.MaxMutatingRequestsInflight }),
	boolParam(model.KeyEnablePriorityAndFairness, func(c *model.Config) *bool { return &c.APIServer.EnablePriorityAndFairness }),
	floatParam(model.KeyBackgroundWrites, func(c *model.Config) *float64 { return &c.APIServer.BackgroundLoad.WritesPerSecond }),
	floatParam(model.KeyBackgroundReads, func(c *model.Config) *float64 { return &c.APIServer.BackgroundLoad.ReadsPerSecond }),
	{key: model.KeyBackgroundLevel, get: func(c *model.Config) string { return c.APIServer.BackgroundLoad.PriorityLevel },
		set: func(c *model.Config, v any, _ *source) (err error) {
			c.APIServer.BackgroundLoad.PriorityLevel, err = asString(v)
			return err
		}},
	floatParam(model.KeyDiurnalAmplitude, func(c *model.Config) *float64 { return &c.APIServer.BackgroundLoad.Diurnal.Amplitude }),
	durationParam(model.KeyDiurnalPeriod, func(c *model.Config) *time.Duration { return &c.APIServer.BackgroundLoad.Diurnal.Period }),
	durationParam(model.KeyDiurnalPeakAt, func(c *model.Config) *time.Duration { return &c.APIServer.BackgroundLoad.Diurnal.PeakAt }),
	durationParam(model.KeyDiurnalStep, func(c *model.Config) *time.Duration { return &c.APIServer.BackgroundLoad.Diurnal.Step }),
	floatParam(model.KeyEtcdWriteCapacity, func(c *model.Config) *float64 { return &c.APIServer.EtcdWriteCapacity }),

	distParam(model.KeyWatchDelay, func(c *model.Config) *model.Dist { return &c.Informer.WatchDelay }),

	durationParam(model.KeyNodeMonitorPeriod, func(c *model.Config) *time.Duration { return &c.Controller.NodeMonitorPeriod }),
	durationParam(model.KeyNodeMonitorGracePeriod, func(c *model.Config) *time.Duration { return &c.Controller.NodeMonitorGracePeriod }),
	durationParam(model.KeyNodeStartupGracePeriod, func(c *model.Config) *time.Duration { return &c.Controller.NodeStartupGracePeriod }),
	floatParam(model.KeyNodeEvictionRate, func(c *model.Config) *float64 { return &c.Controller.NodeEvictionRate }),
	floatParam(model.KeySecondaryNodeEvictionRate, func(c *model.Config) *float64 { return &c.Controller.SecondaryNodeEvictionRate }),
	intParam(model.KeyLargeClusterSizeThreshold, func(c *model.Config) *int { return &c.Controller.LargeClusterSizeThreshold }),
	floatParam(model.KeyUnhealthyZoneThreshold, func(c *model.Config) *float64 { return &c.Controller.UnhealthyZoneThreshold }),
	durationParam(model.KeyPodEvictionTimeout, func(c *model.Config) *time.Duration { return &c.Controller.PodEvictionTimeout }),
	durationParam(model.KeyPassOverhead, func(c *model.Config) *time.Duration { return &c.Controller.PassOverhead }),
	durationParam(model.KeyPerNodeProcessing, func(c *model.Config) *time.Duration { return &c.Controller.PerNodeProcessing }),
	durationParam(model.KeyTransitionCost, func(c *model.Config) *time.Duration { return &c.Controller.TransitionCost }),
	intParam(model.KeyWorkers, func(c *model.Config) *int { return &c.Controller.Workers }),
	distParam(model.KeyEndpointUpdateDelay, func(c *model.Config) *model.Dist { return &c.Controller.EndpointUpdateDelay }),

	failureDist(model.KeyCrashEvery, crash, every),
	failureDuration(model.KeyCrashRepair, crash),
	failureDist(model.KeyPartitionEvery, partition, every),
	failureDist(model.KeyPartitionLasts, partition, lasts),
	failureDist(model.KeyGrayEvery, gray, every),
	failureDist(model.KeyGrayLasts, gray, lasts),
	failureDist(model.KeyRuntimeDownEvery, runtimeDown, every),
	failureDist(model.KeyRuntimeDownLasts, runtimeDown, lasts),
	{key: model.KeyFailureEvent, get: getFailureEvents, set: setFailureEvents},
}, pressureParams...) // pressure.go

// tables are the keys that hold other keys rather than values: every
// proper prefix of a parameter key, and [sweep].
var tables = func() []string {
	seen := map[string]bool{}
	var out []string
	for _, p := range params {
		for i, r := range p.key {
			if r == '.' && !seen[p.key[:i]] {
				seen[p.key[:i]] = true
				out = append(out, p.key[:i])
			}
		}
	}
	return append(out, "sweep")
}()

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

func boolParam(key string, f func(*model.Config) *bool) param {
	return param{key: key,
		get: func(c *model.Config) string { return fmt.Sprint(*f(c)) },
		set: func(c *model.Config, v any, _ *source) error {
			b, err := asBool(v)
			*f(c) = b
			return err
		}}
}

func durationParam(key string, f func(*model.Config) *time.Duration) param {
	return param{key: key, kind: KindDuration,
		get: func(c *model.Config) string { return FormatDuration(*f(c)) },
		set: func(c *model.Config, v any, _ *source) error {
			d, err := asDuration(v)
			*f(c) = d
			return err
		}}
}

func intParam[T int | int32 | int64 | uint64](key string, f func(*model.Config) *T) param {
	return param{key: key, kind: KindInt,
		get: func(c *model.Config) string { return fmt.Sprint(*f(c)) },
		set: func(c *model.Config, v any, _ *source) error {
			n, err := asInt(v)
			if err != nil {
				return err
			}
			t := T(n)
			if int64(t) != n || (n < 0 && T(0)-1 > 0) {
				lo, hi := intRange[T]()
				return fmt.Errorf("must be between %d and %d, got %d", lo, hi, n)
			}
			*f(c) = t
			return nil
		}}
}

// intRange is the range of T that a TOML integer (an int64) can reach.
func intRange[T int | int32 | int64 | uint64]() (lo, hi int64) {
	var zero T
	if zero-1 > 0 { // unsigned
		return 0, math.MaxInt64
	}
	bits := unsafe.Sizeof(zero) * 8
	return -1 << (bits - 1), 1<<(bits-1) - 1
}

func floatParam(key string, f func(*model.Config) *float64) param {
	return param{key: key, kind: KindFloat,
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
