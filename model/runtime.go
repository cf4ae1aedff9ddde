package model

import (
	"time"

	"github.com/nodesim/nodesim/sim"
)

// The kubelet's view of its container runtime (pkg/kubelet/kubelet.go,
// runtime.go): updateRuntimeUp polls the runtime's Status every 5s
// (wait.Until) and stamps lastBaseRuntimeSync on success; runtimeErrors
// reports "container runtime is down" once
// !lastBaseRuntimeSync.Add(maxWaitForContainerRuntime).After(now), and the
// ReadyCondition setter then gives Ready=False (KubeletNotReady).
const (
	runtimePoll                = 5 * time.Second  // go wait.Until(kl.updateRuntimeUp, 5*time.Second, ...)
	maxWaitForContainerRuntime = 30 * time.Second // newRuntimeState(maxWaitForContainerRuntime)
)

// runtimeReadyFalse is when the kubelet reports Ready=False, [from,
// until), for a runtime down from its last successful poll last until
// end: from = last + 30s (the strict After: at exactly 30s it is down);
// until = the first poll at or after end on last's 5s grid, which
// succeeds and stamps the sync. A runtime back before from is never
// reported (until ≤ from: an empty interval).
func runtimeReadyFalse(last, end sim.Time) (from, until sim.Time) {
	from = last.Add(maxWaitForContainerRuntime)
	until = nextGridTick(end, int64(runtimePoll), int64(last))
	return from, until
}

// evictable is how long a failure must have lasted, at the end of a run,
// for pods not yet evicted to count as not evicted rather than censored:
// five grace periods to be detected (as for detection), plus the longer
// toleration, the kubelet's 30s runtime threshold and ten minutes of
// rate-limited tainting.
func evictable(cfg *Config) time.Duration {
	tol := max(cfg.APIServer.DefaultUnreachableTolerationSeconds, cfg.APIServer.DefaultNotReadyTolerationSeconds)
	return 5*cfg.Controller.NodeMonitorGracePeriod + time.Duration(tol)*time.Second + maxWaitForContainerRuntime + 10*time.Minute
}
