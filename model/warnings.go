package model

import (
	"fmt"
	"time"
)

// Warnings reports settings that are legal but almost certainly a
// mistake: the run would answer a question nobody asks. Each is a
// *FieldError naming the key to look at. cfg must be valid.
func (c *Config) Warnings() []error {
	var out []error
	warn := func(key string, index int, field, format string, a ...any) {
		out = append(out, &FieldError{Key: key, Index: index, Field: field, Msg: fmt.Sprintf(format, a...)})
	}
	grace := c.Controller.NodeMonitorGracePeriod
	hb, what := c.HeartbeatInterval()
	if grace <= hb {
		warn(KeyNodeMonitorGracePeriod, 0, "", "%s is not longer than the heartbeat interval (%s, %s): every gap between heartbeats outlasts it, so healthy nodes flap NotReady all the time",
			formatDuration(grace), formatDuration(hb), what)
	}
	perWorker := (c.Cluster.Nodes + c.Controller.Workers - 1) / c.Controller.Workers
	if pass := c.Controller.PassOverhead + time.Duration(perWorker)*c.Controller.PerNodeProcessing; pass > grace {
		warn(KeyPerNodeProcessing, 0, "", "a monitor pass takes about %s (%s + %d nodes per worker × %s), longer than the grace period (%s): heartbeats are checked too late",
			formatDuration(pass), formatDuration(c.Controller.PassOverhead), perWorker, formatDuration(c.Controller.PerNodeProcessing), formatDuration(grace))
	}
	timeout := c.HeartbeatClientTimeout()
	for _, l := range []struct {
		key string
		d   *Dist
	}{{KeyWriteLatency, &c.APIServer.WriteLatency}, {KeyReadLatency, &c.APIServer.ReadLatency}} {
		// NB: a mixture's quantile is only a bound; it would warn wrongly.
		if m := l.d.quantile(0.5); l.d.Kind != Mixture && m >= timeout.Seconds() {
			warn(l.key, 0, "", "its median (%s) is not below the heartbeat client timeout (%s): most heartbeat requests time out", formatSeconds(m), formatDuration(timeout))
		}
	}
	for i := range c.APIServer.Incidents {
		in := &c.APIServer.Incidents[i]
		if in.Replayed() {
			continue // replayWarnings
		}
		if every, lasts := in.Every.Mean(), in.Lasts.Mean(); lasts >= every {
			warn(KeyIncident, i+1, IncidentEvery, "a mean of %s is not longer than the incident's mean duration (%s): incidents overlap, and the control plane is in one most of the time",
				formatSeconds(every), formatSeconds(lasts))
		}
	}
	out = append(out, c.replayWarnings()...)
	span := c.Simulation.Warmup + c.Simulation.Duration
	for _, f := range []struct {
		p   *FailureProcess
		key string
	}{{c.Failures.Crash, KeyCrashEvery}, {c.Failures.Partition, KeyPartitionEvery}, {c.Failures.Gray, KeyGrayEvery}, {c.Failures.RuntimeDown, KeyRuntimeDownEvery}} {
		if f.p == nil {
			continue
		}
		every := f.p.Every.Mean()
		switch {
		case every < grace.Seconds():
			warn(f.key, 0, "", "a mean of %s is shorter than the grace period (%s): a node fails again before its failure can be detected", formatSeconds(every), formatDuration(grace))
		case f.key == KeyCrashEvery && f.p.Repair == 0 && every < span.Seconds():
			warn(f.key, 0, "", "with no repair, most nodes crash for good within the run (mean %s, run %s): false NotReady rates rest on little healthy node-time", formatSeconds(every), formatDuration(span))
		}
	}
	return out
}

// HeartbeatInterval is how often the controller normally sees a
// heartbeat: the lease renew interval in lease mode, else the status
// loop's period; what names it for messages.
func (c *Config) HeartbeatInterval() (d time.Duration, what string) {
	if c.Rules.Lease {
		return c.RenewInterval(), "lease renewals"
	}
	return c.Kubelet.NodeStatusUpdateFrequency, "status updates"
}
