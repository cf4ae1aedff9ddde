package model

import (
	"strconv"
	"strings"
)

// Scenario keys of the Config fields, spelled here once: Validate names
// them in its errors, and the scenario loader maps TOML keys to fields by
// them. Upstream names are spelled as upstream, nodesim's knobs kebab-case.
const (
	KeyName        = "name"
	KeyDescription = "description"
	KeyProfile     = "profile"

	KeyDuration     = "simulation.duration"
	KeyWarmup       = "simulation.warmup"
	KeyReplications = "simulation.replications"
	KeySeed         = "simulation.seed"

	KeyMethod              = "simulation.method"
	KeyTargetRelativeError = "simulation.target-relative-error"
	KeyMaxWorkNodeDays     = "simulation.max-work-node-days"
	KeyRateFloor           = "simulation.rate-floor"

	KeyNodes       = "cluster.nodes"
	KeyZones       = "cluster.zones"
	KeyPodsPerNode = "cluster.pods-per-node"

	KeyNodeStatusUpdateFrequency   = "kubelet.nodeStatusUpdateFrequency"
	KeyNodeStatusReportFrequency   = "kubelet.nodeStatusReportFrequency"
	KeyNodeLeaseDurationSeconds    = "kubelet.nodeLeaseDurationSeconds"
	KeyStatusCollectionDelay       = "kubelet.status-collection-delay"
	KeyStatusCollectionDelayPerPod = "kubelet.status-collection-delay-per-pod"
	KeyStatusJitterFactor          = "kubelet.status-jitter-factor"
	KeyRenewJitterFactor           = "kubelet.renew-jitter-factor"
	KeyNodeStatusUpdateRetry       = "kubelet.node-status-update-retry"
	KeyLeaseMaxUpdateRetries       = "kubelet.lease-max-update-retries"
	KeyLeaseBackoffInitial         = "kubelet.lease-backoff-initial"
	KeyLeaseBackoffMax             = "kubelet.lease-backoff-max"
	KeyNetworkLatency              = "kubelet.network-latency"
	KeyNetworkFailureProbability   = "kubelet.network-failure-probability"
	KeyStatusChangeEvery           = "kubelet.status-change-every"

	KeyEvictionHard                     = "kubelet.evictionHard"
	KeyEvictionSoft                     = "kubelet.evictionSoft"
	KeyEvictionSoftGracePeriod          = "kubelet.evictionSoftGracePeriod"
	KeyEvictionPressureTransitionPeriod = "kubelet.evictionPressureTransitionPeriod"
	KeyEvictionMinimumReclaim           = "kubelet.evictionMinimumReclaim"
	KeyEvictionMaxPodGracePeriod        = "kubelet.evictionMaxPodGracePeriod"
	KeyImageGCHighThresholdPercent      = "kubelet.imageGCHighThresholdPercent"
	KeyImageGCLowThresholdPercent       = "kubelet.imageGCLowThresholdPercent"
	KeyContainerLogMaxSize              = "kubelet.containerLogMaxSize"
	KeyContainerLogMaxFiles             = "kubelet.containerLogMaxFiles"

	KeyNodeConditionsFrom = "cluster.node-conditions-from"

	KeyNodefsCapacity   = "disk.nodefs-capacity"
	KeyNodefsUsed       = "disk.nodefs-used"
	KeyNodefsInodesUsed = "disk.nodefs-inodes-used"
	KeyUnusedImages     = "disk.unused-images"
	KeyPodImage         = "disk.pod-image"
	KeyPodLogRate       = "disk.pod-log-rate"
	KeyPodEmptyDirRate  = "disk.pod-emptydir-rate"
	KeyPodRequest       = "disk.pod-ephemeral-storage-request"
	KeyHostWriteRate    = "disk.host-write-rate"
	KeyRunawayEvery     = "disk.runaway-every"
	KeyRunawayRate      = "disk.runaway-rate"
	KeyCriticalPods     = "disk.critical-pods"

	KeyMemoryCapacity   = "memory.capacity"
	KeySystemWorkingSet = "memory.system-working-set"
	KeyPodWorkingSet    = "memory.pod-working-set"
	KeyPodGrowthRate    = "memory.pod-growth-rate"
	KeyPodMemoryRequest = "memory.pod-request"
	KeyBestEffortPods   = "memory.best-effort-pods"
	KeyLeakEvery        = "memory.leak-every"
	KeyLeakRate         = "memory.leak-rate"

	KeyPIDMax        = "pids.pid-max"
	KeySystemPIDs    = "pids.system-pids"
	KeyPodPIDs       = "pids.pod-pids"
	KeyForkBombEvery = "pids.fork-bomb-every"
	KeyForkBombRate  = "pids.fork-bomb-rate"

	KeyWriteLatency                        = "apiserver.write-latency"
	KeyReadLatency                         = "apiserver.read-latency"
	KeyRequestFailureProbability           = "apiserver.request-failure-probability"
	KeyEtcdRequestTimeout                  = "apiserver.etcd-request-timeout"
	KeyDefaultUnreachableTolerationSeconds = "apiserver.default-unreachable-toleration-seconds"
	KeyDefaultNotReadyTolerationSeconds    = "apiserver.default-not-ready-toleration-seconds"
	KeyIncident                            = "apiserver.incident" // an array of tables: fields below
	KeyMaxRequestsInflight                 = "apiserver.max-requests-inflight"
	KeyMaxMutatingRequestsInflight         = "apiserver.max-mutating-requests-inflight"
	KeyEnablePriorityAndFairness           = "apiserver.enable-priority-and-fairness"
	KeyBackgroundWrites                    = "apiserver.background-load.writes-per-second"
	KeyBackgroundReads                     = "apiserver.background-load.reads-per-second"
	KeyBackgroundLevel                     = "apiserver.background-load.priority-level"
	KeyDiurnalAmplitude                    = "apiserver.background-load.diurnal.amplitude"
	KeyDiurnalPeriod                       = "apiserver.background-load.diurnal.period"
	KeyDiurnalPeakAt                       = "apiserver.background-load.diurnal.peak-at"
	KeyDiurnalStep                         = "apiserver.background-load.diurnal.step"
	KeyEtcdWriteCapacity                   = "apiserver.etcd-write-capacity"

	KeyWatchDelay = "informer.watch-delay"

	KeyNodeMonitorPeriod         = "controller.node-monitor-period"
	KeyNodeMonitorGracePeriod    = "controller.node-monitor-grace-period"
	KeyNodeStartupGracePeriod    = "controller.node-startup-grace-period"
	KeyNodeEvictionRate          = "controller.node-eviction-rate"
	KeySecondaryNodeEvictionRate = "controller.secondary-node-eviction-rate"
	KeyLargeClusterSizeThreshold = "controller.large-cluster-size-threshold"
	KeyUnhealthyZoneThreshold    = "controller.unhealthy-zone-threshold"
	KeyPodEvictionTimeout        = "controller.pod-eviction-timeout"
	KeyPassOverhead              = "controller.pass-overhead"
	KeyPerNodeProcessing         = "controller.per-node-processing"
	KeyTransitionCost            = "controller.transition-cost"
	KeyWorkers                   = "controller.workers"
	KeyEndpointUpdateDelay       = "controller.endpoint-update-delay"

	KeyCrashEvery       = "failures.crash.every"
	KeyCrashRepair      = "failures.crash.repair"
	KeyPartitionEvery   = "failures.partition.every"
	KeyPartitionLasts   = "failures.partition.lasts"
	KeyGrayEvery        = "failures.gray.every"
	KeyGrayLasts        = "failures.gray.lasts"
	KeyRuntimeDownEvery = "failures.runtime-down.every"
	KeyRuntimeDownLasts = "failures.runtime-down.lasts"

	// Fields of an apiserver.incident element.
	IncidentName      = "name"
	IncidentEvery     = "every"
	IncidentLasts     = "lasts"
	IncidentEffect    = "effect"
	IncidentFailAfter = "fail-after"
	IncidentMultiply  = "multiply"
	IncidentAdd       = "add"
	IncidentTarget    = "target"
	IncidentFraction  = "fraction"
	IncidentAt        = "at"
	IncidentWrites    = "writes-per-second"
	IncidentReads     = "reads-per-second"
)

// IncidentFields lists the fields of an apiserver.incident, in the order
// `nodesim check` and error messages use.
var IncidentFields = []string{IncidentName, IncidentEvery, IncidentAt, IncidentLasts, IncidentEffect, IncidentFailAfter, IncidentMultiply, IncidentAdd, IncidentTarget, IncidentFraction, IncidentWrites, IncidentReads}

// FieldError is a value Validate refuses, or one Warnings flags: the key
// it concerns and the constraint. For one element of an array of tables
// (apiserver.incident[2].every), Index is the element (1-based) and Field
// its field.
type FieldError struct {
	Key   string // one of the Key constants
	Index int    // 1-based element of an array key; 0: the key itself
	Field string // a field of that element; "": the element itself
	Msg   string
}

// Path is the dotted key the error concerns, as a scenario writes it.
func (e *FieldError) Path() string {
	var b strings.Builder
	b.WriteString(e.Key)
	if e.Index > 0 {
		b.WriteString("[" + strconv.Itoa(e.Index) + "]")
	}
	if e.Field != "" {
		b.WriteString("." + e.Field)
	}
	return b.String()
}

func (e *FieldError) Error() string { return e.Path() + ": " + e.Msg }
