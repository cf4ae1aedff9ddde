package model

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"gonum.org/v1/gonum/stat/distuv"
)

// Limits beyond which a configuration cannot mean anything. Validate
// refuses what crosses them: such values used to overflow int64
// nanoseconds, or made one event's handler run for hours.
const (
	// MaxSpan bounds every duration: the simulated time, each setting, and
	// all but one in TailDraws of every distribution's draws.
	MaxSpan = 100 * 365 * 24 * time.Hour

	// TailDraws: a distribution must put fewer than one draw in TailDraws
	// beyond MaxSpan. A run of the default scenario draws about 10^8 values,
	// so a more likely draw would show up in real runs (and a controller
	// write that takes a century stalls its monitor pass for a century of
	// simulated renewals).
	TailDraws = 1e9
	tailWords = "a billion"

	// MinInterArrival is the smallest mean time between a failure
	// process's or an incident's arrivals. The kubelet and the controller
	// act on periods of seconds (5s passes, 10s renewals), so arrivals far
	// more often than that cannot be told apart, and each one costs a
	// replay of every pending sync.
	MinInterArrival = time.Second

	// MinPeriod bounds the kubelet's status period and the controller's
	// monitor period from below. The status loop is generated one batch of
	// ticks ahead, inside one event, so nodeStatusUpdateFrequency = 1ns
	// made one event of 3·10^11 ticks that Ctrl-C could not interrupt.
	MinPeriod = 100 * time.Millisecond

	// MaxNodes bounds cluster.nodes at about four times the largest
	// clusters run (GKE's 130,000). A monitor pass over every node is one
	// event, and Ctrl-C waits for the event in progress: the first passes
	// over 500,000 nodes take about half a second here, over a million a
	// second or more. Memory is another bound (MemoryEstimate).
	MaxNodes = 500_000
	// MaxReplications bounds simulation.replications: each keeps about
	// 64 KiB of metrics until its point is merged, so 100,000 keep 6 GiB.
	MaxReplications = 100_000
	// MaxCost bounds the controller's pass costs (overhead, per node, per
	// transition): a pass runs the kubelets' loops up to its end inside one
	// event, so a transition costing a century stalled a run for good.
	// Real costs are milliseconds.
	MaxCost = time.Hour
	// MaxRetries bounds kubelet.node-status-update-retry and
	// kubelet.lease-max-update-retries (upstream's constants are 5): a
	// sync's tries run inside one event, so a billion of them failing hung
	// a run past Ctrl-C.
	MaxRetries = 100
	// MaxWorkers bounds controller.workers (upstream's is the constant 8).
	MaxWorkers = 1 << 16
	// MaxPodsPerNode bounds cluster.pods-per-node (the kubelet's --max-pods
	// is 110 by default), so pod counts cannot overflow.
	MaxPodsPerNode = 1 << 20
)

// upperQuantile is the value in seconds that a draw exceeds with
// probability 1/TailDraws.
func (d *Dist) upperQuantile() float64 { return d.quantile(1 - 1/TailDraws) }

// quantile is the p-quantile in seconds; for a mixture, an upper bound of
// it (the largest of its components' p-quantiles).
func (d *Dist) quantile(p float64) float64 {
	switch d.Kind {
	case Constant:
		return d.A
	case Uniform:
		return d.A + p*(d.B-d.A)
	case Exponential:
		return -d.A * math.Log1p(-p)
	case LogNormal:
		return distuv.LogNormal{Mu: d.A, Sigma: d.B}.Quantile(p)
	case Normal:
		// Truncated at 0: the upper tail of N(A, B²) holds (1-p) of the mass above 0.
		above := distuv.UnitNormal.Survival(-d.A / d.B)
		return d.A + d.B*distuv.UnitNormal.Quantile(1-(1-p)*above)
	case Gamma:
		return distuv.Gamma{Alpha: d.A, Beta: d.B}.Quantile(p)
	case Weibull:
		return distuv.Weibull{K: d.A, Lambda: d.B}.Quantile(p)
	case Pareto:
		return distuv.Pareto{Xm: d.A, Alpha: d.B}.Quantile(p)
	case Empirical:
		i := int(math.Ceil(p*float64(len(d.Samples)))) - 1
		return d.Samples[min(max(i, 0), len(d.Samples)-1)]
	case Mixture:
		q := 0.0
		for i := range d.Parts {
			q = max(q, d.Parts[i].quantile(p))
		}
		return q
	}
	return math.NaN()
}

// median is the distribution's median in seconds, for messages.
func (d *Dist) median() float64 {
	switch d.Kind {
	case LogNormal:
		return math.Exp(d.A)
	case Gamma:
		return distuv.Gamma{Alpha: d.A, Beta: d.B}.Quantile(0.5)
	case Weibull:
		return distuv.Weibull{K: d.A, Lambda: d.B}.Quantile(0.5)
	case Pareto:
		return distuv.Pareto{Xm: d.A, Alpha: d.B}.Quantile(0.5)
	}
	return math.NaN()
}

// checkSpan reports a distribution whose draws reach beyond MaxSpan.
func (d *Dist) checkSpan() error {
	q := d.upperQuantile()
	if q <= MaxSpan.Seconds() || math.IsNaN(q) { // NaN: a family quantile does not know yet
		return nil
	}
	msg := fmt.Sprintf("%s draws beyond any simulated span: more than one draw in %s exceeds %s", d.Kind, tailWords, formatSeconds(MaxSpan.Seconds()))
	if m := d.median(); !math.IsNaN(m) {
		msg += fmt.Sprintf(" (median %s)", formatSeconds(m))
	}
	return fmt.Errorf("%s; check the parameters and their units", msg)
}

func formatDuration(d time.Duration) string { return formatSeconds(d.Seconds()) }

// formatSeconds renders s seconds compactly: a Go duration below 100
// years, years beyond ("1.7e+292 years").
func formatSeconds(s float64) string {
	const year = 365 * 24 * 3600
	switch {
	case math.IsInf(s, 1) || math.IsNaN(s):
		return fmt.Sprint(s)
	case s >= 1e6*year:
		return strconv.FormatFloat(s/year, 'g', 2, 64) + " years"
	case s >= 100*year:
		return strconv.FormatFloat(s/year, 'f', 0, 64) + " years"
	}
	d := time.Duration(s * 1e9)
	if d >= time.Second {
		d = d.Round(time.Millisecond)
	}
	out := d.String() // without zero units: "1m", not "1m0s"
	if strings.HasSuffix(out, "m0s") {
		out = strings.TrimSuffix(out, "0s")
	}
	if strings.HasSuffix(out, "h0m") {
		out = strings.TrimSuffix(out, "0m")
	}
	return out
}

// validateLimits reports what crosses the limits above: durations beyond
// MaxSpan (alone or as the products the model computes), distributions
// drawing beyond it, and arrivals more frequent than MinInterArrival.
func (c *Config) validateLimits() []error {
	var errs []error
	field := func(key string, index int, name, format string, a ...any) {
		errs = append(errs, &FieldError{Key: key, Index: index, Field: name, Msg: fmt.Sprintf(format, a...)})
	}
	span := func(key string, d time.Duration) {
		if d > MaxSpan {
			field(key, 0, "", "must be at most %s, got %s", formatSeconds(MaxSpan.Seconds()), formatSeconds(d.Seconds()))
		}
	}
	dist := func(key string, index int, name string, d *Dist) bool {
		err := d.Validate()
		if err != nil {
			field(key, index, name, "%v", err)
		}
		return err == nil
	}
	// An inter-arrival may draw beyond any span: that arrival is simply
	// not in the run, and incidents rarer than the run is long are what
	// the rare method is for. Only its domain and mean are checked.
	every := func(key string, index int, name string, d *Dist) {
		if err := d.validateDomain(); err != nil {
			field(key, index, name, "%v", err)
			return
		}
		if m := d.Mean(); !(m >= MinInterArrival.Seconds()) { // the normal's is its truncation's
			field(key, index, name, "must have a mean of at least %v (the model's resolution: passes every few seconds), got %s", MinInterArrival, formatSeconds(m))
		}
	}
	s, k, a, ctl := &c.Simulation, &c.Kubelet, &c.APIServer, &c.Controller
	if c.Cluster.Nodes > MaxNodes {
		field(KeyNodes, 0, "", "must be at most %d (about four times the largest clusters run), got %d", MaxNodes, c.Cluster.Nodes)
	}
	if s.Replications > MaxReplications {
		field(KeyReplications, 0, "", "must be at most %d, got %d", MaxReplications, s.Replications)
	}
	if c.Cluster.PodsPerNode > MaxPodsPerNode {
		field(KeyPodsPerNode, 0, "", "must be at most %d, got %d", MaxPodsPerNode, c.Cluster.PodsPerNode)
	}
	if k.NodeStatusUpdateRetry > MaxRetries {
		field(KeyNodeStatusUpdateRetry, 0, "", "must be at most %d (upstream's nodeStatusUpdateRetry is 5), got %d", MaxRetries, k.NodeStatusUpdateRetry)
	}
	if k.LeaseMaxUpdateRetries > MaxRetries {
		field(KeyLeaseMaxUpdateRetries, 0, "", "must be at most %d (upstream's maxUpdateRetries is 5), got %d", MaxRetries, k.LeaseMaxUpdateRetries)
	}
	if ctl.Workers > MaxWorkers {
		field(KeyWorkers, 0, "", "must be at most %d, got %d", MaxWorkers, ctl.Workers)
	}
	span(KeyDuration, s.Duration)
	span(KeyWarmup, s.Warmup)
	if s.Duration <= MaxSpan && s.Warmup <= MaxSpan && s.Duration+s.Warmup > MaxSpan {
		field(KeyWarmup, 0, "", "plus %s must be at most %s, got %s", KeyDuration, formatSeconds(MaxSpan.Seconds()), formatSeconds((s.Duration + s.Warmup).Seconds()))
	}
	period := func(key string, d time.Duration) {
		if d > 0 && d < MinPeriod {
			field(key, 0, "", "must be at least %s (the model's resolution), got %s", formatDuration(MinPeriod), formatDuration(d))
		}
	}
	period(KeyNodeStatusUpdateFrequency, k.NodeStatusUpdateFrequency)
	period(KeyNodeMonitorPeriod, ctl.NodeMonitorPeriod)
	span(KeyNodeStatusUpdateFrequency, k.NodeStatusUpdateFrequency)
	span(KeyNodeStatusReportFrequency, k.NodeStatusReportFrequency)
	span(KeyLeaseBackoffInitial, k.LeaseBackoffInitial)
	span(KeyLeaseBackoffMax, k.LeaseBackoffMax)
	if pods := float64(c.Cluster.PodsPerNode); k.StatusCollectionDelayPerPod.Seconds()*pods > MaxSpan.Seconds() {
		field(KeyStatusCollectionDelayPerPod, 0, "", "times %s (%d) must be at most %s, got %s", KeyPodsPerNode, c.Cluster.PodsPerNode,
			formatSeconds(MaxSpan.Seconds()), formatSeconds(k.StatusCollectionDelayPerPod.Seconds()*pods))
	}
	dist(KeyStatusCollectionDelay, 0, "", &k.StatusCollectionDelay)
	dist(KeyWriteLatency, 0, "", &a.WriteLatency)
	dist(KeyReadLatency, 0, "", &a.ReadLatency)
	span(KeyEtcdRequestTimeout, a.EtcdRequestTimeout)
	for _, tol := range []struct {
		key string
		v   int64
	}{{KeyDefaultUnreachableTolerationSeconds, a.DefaultUnreachableTolerationSeconds}, {KeyDefaultNotReadyTolerationSeconds, a.DefaultNotReadyTolerationSeconds}} {
		if tol.v > int64(MaxSpan/time.Second) {
			field(tol.key, 0, "", "must be at most %d (100 years), got %d", int64(MaxSpan/time.Second), tol.v)
		}
	}
	for i := range a.Incidents {
		in := &a.Incidents[i]
		if !in.Replayed() {
			every(KeyIncident, i+1, IncidentEvery, &in.Every)
		}
		dist(KeyIncident, i+1, IncidentLasts, &in.Lasts)
		if in.FailAfter > MaxSpan {
			field(KeyIncident, i+1, IncidentFailAfter, "must be at most %s, got %s", formatSeconds(MaxSpan.Seconds()), formatSeconds(in.FailAfter.Seconds()))
		}
		if in.Effect == Slow {
			worst := max(a.WriteLatency.upperQuantile(), a.ReadLatency.upperQuantile())*in.Multiply + in.Add.Seconds()
			if !(worst <= MaxSpan.Seconds()) {
				field(KeyIncident, i+1, "", "slow latencies (× %g + %v) reach beyond any simulated span: more than one draw in %s above %s",
					in.Multiply, in.Add, tailWords, formatSeconds(MaxSpan.Seconds()))
			}
		}
	}
	dist(KeyWatchDelay, 0, "", &c.Informer.WatchDelay)
	dist(KeyEndpointUpdateDelay, 0, "", &ctl.EndpointUpdateDelay)
	span(KeyNodeMonitorPeriod, ctl.NodeMonitorPeriod)
	span(KeyNodeMonitorGracePeriod, ctl.NodeMonitorGracePeriod)
	span(KeyNodeStartupGracePeriod, ctl.NodeStartupGracePeriod)
	for _, d := range []struct {
		key string
		v   time.Duration
	}{{KeyPassOverhead, ctl.PassOverhead}, {KeyPerNodeProcessing, ctl.PerNodeProcessing}, {KeyTransitionCost, ctl.TransitionCost}} {
		if d.v > MaxCost {
			field(d.key, 0, "", "must be at most %s, got %s", formatDuration(MaxCost), formatDuration(d.v))
		}
	}
	for _, f := range []struct {
		p           *FailureProcess
		every, last string
	}{{c.Failures.Crash, KeyCrashEvery, ""}, {c.Failures.Partition, KeyPartitionEvery, KeyPartitionLasts}, {c.Failures.Gray, KeyGrayEvery, KeyGrayLasts}, {c.Failures.RuntimeDown, KeyRuntimeDownEvery, KeyRuntimeDownLasts}} {
		if f.p == nil {
			continue
		}
		every(f.every, 0, "", &f.p.Every)
		if f.last != "" {
			dist(f.last, 0, "", &f.p.Lasts)
		} else {
			span(KeyCrashRepair, f.p.Repair)
		}
	}
	return errs
}
