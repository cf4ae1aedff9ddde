package scenarios

import (
	"fmt"
	"time"

	"github.com/nodesim/nodesim/model"
)

// pressureParams are the keys of the eviction manager (KubeletConfiguration
// fields, spelled as upstream), of nodesim's [disk] model and of an
// upgrade's Node conditions.
var pressureParams = []param{
	mapParam(model.KeyEvictionHard, func(c *model.Config) *map[string]string { return &c.Kubelet.Eviction.EvictionHard }),
	mapParam(model.KeyEvictionSoft, func(c *model.Config) *map[string]string { return &c.Kubelet.Eviction.EvictionSoft }),
	mapParam(model.KeyEvictionSoftGracePeriod, func(c *model.Config) *map[string]string { return &c.Kubelet.Eviction.EvictionSoftGracePeriod }),
	durationParam(model.KeyEvictionPressureTransitionPeriod, func(c *model.Config) *time.Duration { return &c.Kubelet.Eviction.EvictionPressureTransitionPeriod }),
	mapParam(model.KeyEvictionMinimumReclaim, func(c *model.Config) *map[string]string { return &c.Kubelet.Eviction.EvictionMinimumReclaim }),
	intParam(model.KeyEvictionMaxPodGracePeriod, func(c *model.Config) *int32 { return &c.Kubelet.Eviction.EvictionMaxPodGracePeriod }),
	intParam(model.KeyImageGCHighThresholdPercent, func(c *model.Config) *int32 { return &c.Kubelet.Eviction.ImageGCHighThresholdPercent }),
	intParam(model.KeyImageGCLowThresholdPercent, func(c *model.Config) *int32 { return &c.Kubelet.Eviction.ImageGCLowThresholdPercent }),
	valueParam(model.KeyContainerLogMaxSize, func(c *model.Config) *string { return &c.Kubelet.Eviction.ContainerLogMaxSize }),
	intParam(model.KeyContainerLogMaxFiles, func(c *model.Config) *int32 { return &c.Kubelet.Eviction.ContainerLogMaxFiles }),

	valueParam(model.KeyNodeConditionsFrom, func(c *model.Config) *string { return &c.Cluster.NodeConditionsFrom }),

	valueParam(model.KeyNodefsCapacity, func(c *model.Config) *string { return &c.Disk.NodefsCapacity }),
	floatParam(model.KeyNodefsUsed, func(c *model.Config) *float64 { return &c.Disk.NodefsUsed }),
	floatParam(model.KeyNodefsInodesUsed, func(c *model.Config) *float64 { return &c.Disk.NodefsInodesUsed }),
	valueParam(model.KeyUnusedImages, func(c *model.Config) *string { return &c.Disk.UnusedImages }),
	valueParam(model.KeyPodImage, func(c *model.Config) *string { return &c.Disk.PodImage }),
	rateParam(model.KeyPodLogRate, func(c *model.Config) *string { return &c.Disk.PodLogRate }),
	rateParam(model.KeyPodEmptyDirRate, func(c *model.Config) *string { return &c.Disk.PodEmptyDirRate }),
	valueParam(model.KeyPodRequest, func(c *model.Config) *string { return &c.Disk.PodRequest }),
	valueParam(model.KeyHostWriteRate, func(c *model.Config) *string { return &c.Disk.HostWriteRate }),
	distParam(model.KeyRunawayEvery, func(c *model.Config) *model.Dist { return &c.Disk.RunawayEvery }),
	valueParam(model.KeyRunawayRate, func(c *model.Config) *string { return &c.Disk.RunawayRate }),
	intParam(model.KeyCriticalPods, func(c *model.Config) *int { return &c.Disk.CriticalPods }),

	valueParam(model.KeyMemoryCapacity, func(c *model.Config) *string { return &c.Memory.Capacity }),
	valueParam(model.KeySystemWorkingSet, func(c *model.Config) *string { return &c.Memory.SystemWorkingSet }),
	quantityParam(model.KeyPodWorkingSet, func(c *model.Config) *string { return &c.Memory.PodWorkingSet }),
	rateParam(model.KeyPodGrowthRate, func(c *model.Config) *string { return &c.Memory.PodGrowthRate }),
	valueParam(model.KeyPodMemoryRequest, func(c *model.Config) *string { return &c.Memory.PodRequest }),
	intParam(model.KeyBestEffortPods, func(c *model.Config) *int { return &c.Memory.BestEffortPods }),
	distParam(model.KeyLeakEvery, func(c *model.Config) *model.Dist { return &c.Memory.LeakEvery }),
	valueParam(model.KeyLeakRate, func(c *model.Config) *string { return &c.Memory.LeakRate }),

	intParam(model.KeyPIDMax, func(c *model.Config) *int { return &c.PIDs.PIDMax }),
	intParam(model.KeySystemPIDs, func(c *model.Config) *int { return &c.PIDs.SystemPIDs }),
	quantityParam(model.KeyPodPIDs, func(c *model.Config) *string { return &c.PIDs.PodPIDs }),
	distParam(model.KeyForkBombEvery, func(c *model.Config) *model.Dist { return &c.PIDs.ForkBombEvery }),
	valueParam(model.KeyForkBombRate, func(c *model.Config) *string { return &c.PIDs.ForkBombRate }),
}

// quantityParam is an amount, or a distribution of amounts over pods
// written as a table (model.QuantityText).
func quantityParam(key string, f func(*model.Config) *string) param {
	return param{key: key,
		get: func(c *model.Config) string { return *f(c) },
		set: func(c *model.Config, v any, _ *source) error {
			s, err := model.QuantityText(v)
			*f(c) = s
			return err
		}}
}

// valueParam is a string-valued key that, unlike name and description,
// is a setting: compared with the profile default and sweepable.
func valueParam(key string, f func(*model.Config) *string) param {
	return param{key: key,
		get: func(c *model.Config) string { return *f(c) },
		set: func(c *model.Config, v any, _ *source) error {
			s, err := asString(v)
			*f(c) = s
			return err
		}}
}

// rateParam is a rate, or a distribution of rates over pods written as a
// table (model.RateText).
func rateParam(key string, f func(*model.Config) *string) param {
	return param{key: key,
		get: func(c *model.Config) string { return *f(c) },
		set: func(c *model.Config, v any, _ *source) error {
			s, err := model.RateText(v)
			*f(c) = s
			return err
		}}
}

// mapParam is a KubeletConfiguration map[string]string, written as a
// table (`[kubelet.evictionHard]` then `"nodefs.available" = "10%"`) or
// an inline table. Setting it replaces the whole map, as a
// KubeletConfiguration that sets evictionHard replaces its defaults.
func mapParam(key string, f func(*model.Config) *map[string]string) param {
	return param{key: key,
		get: func(c *model.Config) string { return model.FormatMap(*f(c)) },
		set: func(c *model.Config, v any, _ *source) error {
			t, err := asTable(v)
			if err != nil {
				return err
			}
			m := make(map[string]string, len(t))
			for k, x := range t {
				s, ok := x.(string)
				if !ok {
					return fmt.Errorf("%q: expected a string such as \"10%%\", \"100Mi\" or \"1m30s\", got %s", k, describe(x))
				}
				m[k] = s
			}
			*f(c) = m
			return nil
		}}
}
