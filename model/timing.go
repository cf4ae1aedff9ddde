package model

import (
	"github.com/nodesim/nodesim/sim"
)

// Pure timing formulas, each as upstream computes it.

// jitter is wait.Jitter(d, f) = d + rand.Float64()*f*d (f ≤ 0: d).
func jitter(d int64, f float64, r *sim.Rand) int64 {
	if f <= 0 {
		return d
	}
	return d + int64(r.Float64()*f*float64(d))
}

// reportOffset is the kubelet's calculateDelay (v1.34+, PR #130919):
// nodeStatusReportFrequency × (−0.5 + rand.Float64()), added once to the
// report interval after a status change or a restart.
func reportOffset(report int64, r *sim.Rand) int64 {
	return int64(float64(report) * (-0.5 + r.Float64()))
}

// graceExpired is the controller's check: now.After(probe + grace), strict.
func graceExpired(now, probe sim.Time, grace int64) bool {
	return now > probe+sim.Time(grace)
}

// nextBackoff is backoffEnsureLease's wait after a failed GET:
// min(2*sleep, max), starting from sleep = initial/2 so waits run initial,
// 2*initial, ... capped at max (200ms, 400ms, ..., 7s, 7s).
func nextBackoff(sleep, max int64) int64 {
	sleep *= 2
	if sleep > max {
		return max
	}
	return sleep
}

// heartbeatSeconds is LastHeartbeatTime as the controller compares it:
// metav1.Time serialises with 1s precision.
func heartbeatSeconds(t sim.Time) int64 { return int64(t) / 1e9 }

// nextGridTick is the first tick of a period-p grid with phase ph at or
// after t.
func nextGridTick(t sim.Time, p, ph int64) sim.Time {
	k := (int64(t) - ph + p - 1) / p
	if int64(t) < ph {
		k = 0
	}
	return sim.Time(ph + k*p)
}
