package model

import (
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
)

// EvictionConfig mirrors the KubeletConfiguration fields of the eviction
// manager, image garbage collection and container log rotation
// (pkg/kubelet/apis/config/v1beta1/types.go), spelled and valued as
// upstream: maps from signal to "10%" or a quantity ("100Mi").
type EvictionConfig struct {
	EvictionHard                     map[string]string // evictionHard; a set map replaces the default one
	EvictionSoft                     map[string]string // evictionSoft (none by default)
	EvictionSoftGracePeriod          map[string]string // evictionSoftGracePeriod: signal → duration
	EvictionPressureTransitionPeriod time.Duration     // evictionPressureTransitionPeriod (5m)
	EvictionMinimumReclaim           map[string]string // evictionMinimumReclaim (none by default)
	EvictionMaxPodGracePeriod        int32             // evictionMaxPodGracePeriod (0): soft evictions' grace
	ImageGCHighThresholdPercent      int32             // imageGCHighThresholdPercent (85)
	ImageGCLowThresholdPercent       int32             // imageGCLowThresholdPercent (80)
	ContainerLogMaxSize              string            // containerLogMaxSize ("10Mi")
	ContainerLogMaxFiles             int32             // containerLogMaxFiles (5)
}

// DefaultEvictionConfig is SetDefaults_KubeletConfiguration's eviction part
// (pkg/kubelet/apis/config/v1beta1/defaults.go, defaults_linux.go
// DefaultEvictionHard), the same in every profile from v1.12.
func DefaultEvictionConfig() EvictionConfig {
	return EvictionConfig{
		EvictionHard: map[string]string{ // defaults_linux.go DefaultEvictionHard, the same v1.12 … v1.34 (read at release-1.34)
			"memory.available":  "100Mi",
			"nodefs.available":  "10%",
			"nodefs.inodesFree": "5%",
			"imagefs.available": "15%",
		},
		EvictionPressureTransitionPeriod: 5 * time.Minute, // defaults.go
		EvictionMaxPodGracePeriod:        0,               // defaults.go: hard evictions kill at once anyway
		ImageGCHighThresholdPercent:      85,              // defaults.go
		ImageGCLowThresholdPercent:       80,              // defaults.go
		ContainerLogMaxSize:              "10Mi",          // defaults.go (ContainerLogRotation beta, on, v1.11+)
		ContainerLogMaxFiles:             5,               // defaults.go
	}
}

// Signal is an eviction signal (pkg/kubelet/eviction/api/types.go).
type Signal uint8

// The signals nodesim observes.
const (
	SignalMemoryAvailable Signal = iota
	SignalNodeFsAvailable
	SignalNodeFsInodesFree
	SignalImageFsAvailable
	SignalPIDAvailable // pid.available: rlimit MaxPID - NumOfRunningProcesses
	numSignals
)

var signalNames = [numSignals]string{"memory.available", "nodefs.available", "nodefs.inodesFree", "imagefs.available", "pid.available"}

func (s Signal) String() string { return signalNames[s] }

func parseSignal(s string) (Signal, bool) {
	for i, n := range signalNames {
		if n == s {
			return Signal(i), true
		}
	}
	return 0, false
}

// ThresholdValue is a percentage of capacity or an absolute amount
// (evictionapi.ThresholdValue).
type ThresholdValue struct {
	Percentage float64 // fraction of capacity, 0.1 for "10%"
	Quantity   float64 // bytes or inodes; used when > 0
}

// amount is the value against capacity (GetThresholdQuantity).
func (v ThresholdValue) amount(capacity float64) float64 {
	if v.Quantity > 0 {
		return v.Quantity
	}
	return v.Percentage * capacity
}

// Threshold is one parsed eviction threshold (evictionapi.Threshold).
type Threshold struct {
	Signal      Signal
	Value       ThresholdValue
	GracePeriod time.Duration // 0 for a hard threshold
	MinReclaim  ThresholdValue
	Hard        bool
}

// Thresholds parses the maps as ParseThresholdConfig does
// (pkg/kubelet/eviction/helpers.go): hard thresholds first, then soft ones
// with their grace periods, minimum reclaims applied to both. A "0%" or
// "0" threshold is dropped, as upstream drops thresholds of zero.
func (e *EvictionConfig) Thresholds() ([]Threshold, error) {
	var out []Threshold
	add := func(key string, m map[string]string, hard bool) error {
		for _, sig := range sortedKeys(m) {
			s, ok := parseSignal(sig)
			if !ok {
				return &FieldError{Key: key, Msg: fmt.Sprintf("unknown signal %q (known: %s)", sig, strings.Join(signalNames[:], ", "))}
			}
			v, err := parseThresholdValue(m[sig])
			if err != nil {
				return &FieldError{Key: key, Msg: fmt.Sprintf("%q: %v", sig, err)}
			}
			if v.Percentage == 0 && v.Quantity == 0 {
				continue
			}
			t := Threshold{Signal: s, Value: v, Hard: hard}
			if !hard {
				g, ok := e.EvictionSoftGracePeriod[sig]
				if !ok {
					return &FieldError{Key: KeyEvictionSoftGracePeriod, Msg: fmt.Sprintf("grace period must be specified for the soft eviction threshold %s", sig)}
				}
				d, err := time.ParseDuration(g)
				if err != nil || d < 0 {
					return &FieldError{Key: KeyEvictionSoftGracePeriod, Msg: fmt.Sprintf("%q: want a duration >= 0, got %q", sig, g)}
				}
				t.GracePeriod = d
			}
			if r, ok := e.EvictionMinimumReclaim[sig]; ok {
				mr, err := parseThresholdValue(r)
				if err != nil {
					return &FieldError{Key: KeyEvictionMinimumReclaim, Msg: fmt.Sprintf("%q: %v", sig, err)}
				}
				t.MinReclaim = mr
			}
			out = append(out, t)
		}
		return nil
	}
	if err := add(KeyEvictionHard, e.EvictionHard, true); err != nil {
		return nil, err
	}
	if err := add(KeyEvictionSoft, e.EvictionSoft, false); err != nil {
		return nil, err
	}
	for _, sig := range sortedKeys(e.EvictionSoftGracePeriod) {
		if _, ok := e.EvictionSoft[sig]; !ok {
			return nil, &FieldError{Key: KeyEvictionSoftGracePeriod, Msg: fmt.Sprintf("%q has no evictionSoft threshold", sig)}
		}
	}
	for _, sig := range sortedKeys(e.EvictionMinimumReclaim) {
		if _, ok := parseSignal(sig); !ok {
			return nil, &FieldError{Key: KeyEvictionMinimumReclaim, Msg: fmt.Sprintf("unknown signal %q", sig)}
		}
	}
	return out, nil
}

func (e *EvictionConfig) validate() []error {
	var errs []error
	if _, err := e.Thresholds(); err != nil {
		errs = append(errs, err)
	}
	if e.EvictionPressureTransitionPeriod < 0 {
		errs = append(errs, &FieldError{Key: KeyEvictionPressureTransitionPeriod, Msg: fmt.Sprintf("must be >= 0, got %v", e.EvictionPressureTransitionPeriod)})
	}
	if e.EvictionMaxPodGracePeriod < 0 {
		errs = append(errs, &FieldError{Key: KeyEvictionMaxPodGracePeriod, Msg: fmt.Sprintf("must be >= 0, got %d", e.EvictionMaxPodGracePeriod)})
	}
	// pkg/kubelet/apis/config/validation: 0 ≤ low ≤ high ≤ 100.
	if e.ImageGCHighThresholdPercent < 0 || e.ImageGCHighThresholdPercent > 100 {
		errs = append(errs, &FieldError{Key: KeyImageGCHighThresholdPercent, Msg: fmt.Sprintf("must be between 0 and 100, got %d", e.ImageGCHighThresholdPercent)})
	}
	if e.ImageGCLowThresholdPercent < 0 || e.ImageGCLowThresholdPercent > e.ImageGCHighThresholdPercent {
		errs = append(errs, &FieldError{Key: KeyImageGCLowThresholdPercent, Msg: fmt.Sprintf("must be between 0 and %s (%d), got %d", KeyImageGCHighThresholdPercent, e.ImageGCHighThresholdPercent, e.ImageGCLowThresholdPercent)})
	}
	if q, err := ParseQuantity(e.ContainerLogMaxSize); err != nil || q <= 0 {
		errs = append(errs, &FieldError{Key: KeyContainerLogMaxSize, Msg: fmt.Sprintf("want a quantity > 0 such as 10Mi, got %q", e.ContainerLogMaxSize)})
	}
	if e.ContainerLogMaxFiles < 2 { // validation: containerLogMaxFiles must be >= 2
		errs = append(errs, &FieldError{Key: KeyContainerLogMaxFiles, Msg: fmt.Sprintf("must be >= 2, got %d", e.ContainerLogMaxFiles)})
	}
	return errs
}

// parseThresholdValue reads "10%" or a quantity.
func parseThresholdValue(s string) (ThresholdValue, error) {
	s = strings.TrimSpace(s)
	if p, ok := strings.CutSuffix(s, "%"); ok {
		x, err := strconv.ParseFloat(p, 64)
		if err != nil || x < 0 || x > 100 {
			return ThresholdValue{}, fmt.Errorf("want a percentage in [0%%, 100%%], got %q", s)
		}
		return ThresholdValue{Percentage: x / 100}, nil
	}
	q, err := ParseQuantity(s)
	if err != nil {
		return ThresholdValue{}, fmt.Errorf("want a percentage such as 10%% or a quantity such as 100Mi, got %q", s)
	}
	return ThresholdValue{Quantity: q}, nil
}

var quantitySuffixes = []struct {
	s string
	f float64
}{{"Ki", 1 << 10}, {"Mi", 1 << 20}, {"Gi", 1 << 30}, {"Ti", 1 << 40}, {"k", 1e3}, {"M", 1e6}, {"G", 1e9}, {"T", 1e12}}

// ParseQuantity reads a Kubernetes quantity of bytes or inodes ("100Mi",
// "1.5G", "4096") as a number.
func ParseQuantity(s string) (float64, error) {
	s = strings.TrimSpace(s)
	f := 1.0
	for _, q := range quantitySuffixes {
		if num, ok := strings.CutSuffix(s, q.s); ok {
			s, f = num, q.f
			break
		}
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || x < 0 || math.IsInf(x, 0) || math.IsNaN(x) {
		return 0, fmt.Errorf("want a quantity >= 0 such as 100Mi, got %q", s)
	}
	return x * f, nil
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// FormatMap prints a threshold map as `nodesim check` shows it.
func FormatMap(m map[string]string) string {
	if len(m) == 0 {
		return "{}"
	}
	parts := make([]string, 0, len(m))
	for _, k := range sortedKeys(m) {
		parts = append(parts, fmt.Sprintf("%q = %q", k, m[k]))
	}
	return "{ " + strings.Join(parts, ", ") + " }"
}
