package model

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
)

// ErrRareLoad refuses the rare-event method with the load model on: its
// likelihood ratios tilt latencies and failures drawn independently per
// request, and load couples every request to every other.
var ErrRareLoad = errors.New("model: the rare-event method does not model apiserver load; use the crude method")

// validateLoad checks the keys of the load model (load.go).
func (c *Config) validateLoad() []error {
	var errs []error
	bad := func(key, format string, a ...any) {
		errs = append(errs, &FieldError{Key: key, Msg: fmt.Sprintf(format, a...)})
	}
	a := &c.APIServer
	if a.MaxRequestsInflight < 0 {
		bad(KeyMaxRequestsInflight, "must be >= 0 (0: no limit), got %d", a.MaxRequestsInflight)
	}
	if a.MaxMutatingRequestsInflight < 0 {
		bad(KeyMaxMutatingRequestsInflight, "must be >= 0 (0: no limit), got %d", a.MaxMutatingRequestsInflight)
	}
	rate := func(key string, x float64) {
		if !(x >= 0) || math.IsInf(x, 0) {
			bad(key, "must be a finite rate >= 0 (per second), got %v", x)
		}
	}
	rate(KeyBackgroundWrites, a.BackgroundLoad.WritesPerSecond)
	rate(KeyBackgroundReads, a.BackgroundLoad.ReadsPerSecond)
	rate(KeyEtcdWriteCapacity, a.EtcdWriteCapacity)
	c.validateDiurnal(bad)
	if a.EnablePriorityAndFairness && a.LoadOn() {
		if a.MaxRequestsInflight+a.MaxMutatingRequestsInflight == 0 {
			bad(KeyEnablePriorityAndFairness, "needs %s + %s > 0: they are the priority levels' total seats", KeyMaxRequestsInflight, KeyMaxMutatingRequestsInflight)
		}
		if names := LevelNames(c.minor()); !slices.Contains(names, a.BackgroundLoad.PriorityLevel) {
			bad(KeyBackgroundLevel, "unknown priority level %q for profile %s; one of %s", a.BackgroundLoad.PriorityLevel, c.Profile, strings.Join(names, ", "))
		}
	}
	if a.LoadOn() && c.Simulation.Method == MethodRare {
		bad(KeyMethod, "%q does not model apiserver load (%s, %s or a load incident); use %q", MethodRare,
			"apiserver.background-load", KeyEtcdWriteCapacity, MethodCrude)
	}
	return errs
}
