package model

import (
	"cmp"
	"context"
	"math"
	"slices"
	"time"

	"github.com/nodesim/nodesim/sim"
)

// A window is the incident estimator's sample: the whole cluster, natural
// law, after a warmup, with one incident of a given spec forced at a
// random instant and a duration drawn from one stratum of its Lasts
// distribution. It counts the false NotReady from the incident's start to
// post after its end, and follows their episodes to their end. Nodes
// interact here (zones, the rate limiter, passes lengthened by
// transitions), so the window keeps every node.
//
// An incident's effect on the rate is the window's count minus what the
// noise would have given in the same span; see rareEstimate.

// windowResult is one window's outcome.
type windowResult struct {
	duration   float64 // the incident's, seconds
	spanDays   float64 // counted span: incident start to post after its end
	flips      float64 // false NotReady in the span
	durSecs    float64 // their Unknown time
	durations  []float64
	durW       []float64 // the durations' weights (nil: 1 each)
	endpoint   float64   // pod-seconds
	evicted    float64   // pods
	maxFrac    float64   // most nodes Unknown at once
	workDays   float64
	excursions int64 // sparse windows
}

// windowPost is how long after an incident its effect is counted: a
// heartbeat due just before the end is late by at most the grace period,
// two passes, the lease backoff's longest wait and a client timeout.
func windowPost(cfg *Config) time.Duration {
	return 2*cfg.Controller.NodeMonitorGracePeriod + 3*cfg.Controller.NodeMonitorPeriod +
		cfg.Kubelet.LeaseBackoffMax + cfg.HeartbeatClientTimeout() + 30*time.Second
}

// stratum is a range of an incident's durations: those whose upper-tail
// probability (Survival) lies in (vLo, vHi]. Its probability is the
// width of that range.
type stratum struct{ vLo, vHi float64 }

func (s stratum) prob() float64 { return s.vHi - s.vLo }

// tailGrid bounds duration strata by tail probability, so that the long
// incidents of a heavy tail get strata of their own however rare they
// are: the cluster's response to a 1-in-a-million outage is what a
// rare-event estimate of it needs.
var tailGrid = []float64{1, 1.0 / 2, 1.0 / 4, 1.0 / 8, 1.0 / 16, 1e-2, 1e-3, 1e-4, 1e-5, 1e-6, 1e-7, 1e-8, 1e-9, 1e-10, 1e-11, 1e-12, 0}

// durationStrata splits spec's duration distribution on tailGrid, merging
// neighbouring cells while their durations stay within a quarter second
// or 5% of each other: a constant is one stratum, a bounded
// distribution's tail cells merge, and a jump (a mixture's rare long
// component) is a stratum of its own.
func durationStrata(spec *Incident) []stratum {
	grid := strataGrid(&spec.Lasts)
	q := make([]float64, len(grid)) // the duration at each grid point
	for k, v := range grid {
		q[k] = spec.Lasts.TailQuantile(max(v, 1e-300))
	}
	narrow := func(a, b float64) bool { return b-a < max(0.25, 0.05*a) }
	var out []stratum
	top := 0 // grid index of the current stratum's vHi
	for k := 2; k < len(grid); k++ {
		if !narrow(q[top], q[k]) {
			out = append(out, stratum{vHi: grid[top], vLo: grid[k-1]})
			top = k - 1
		}
	}
	return append(out, stratum{vHi: grid[top], vLo: 0})
}

// strataGrid is tailGrid plus, for a mixture, the tail probability at
// which each component takes over from the next shorter one (components
// ordered by median): a rare long component then has a stratum that
// holds it alone.
func strataGrid(d *Dist) []float64 {
	grid := slices.Clone(tailGrid)
	if d.Kind == Mixture && len(d.Parts) > 1 {
		idx := make([]int, len(d.Parts))
		for i := range idx {
			idx[i] = i
		}
		slices.SortFunc(idx, func(a, b int) int { return cmp.Compare(d.Parts[b].Quantile(0.5), d.Parts[a].Quantile(0.5)) })
		var mass float64
		for _, c := range idx[:len(idx)-1] {
			mass += cumWeight(d.Weights, c)
			grid = append(grid, mass)
		}
		slices.SortFunc(grid, func(a, b float64) int { return cmp.Compare(b, a) })
		grid = slices.Compact(grid)
	}
	return grid
}

// windowIncident places window w's incident of spec i, its duration in
// stratum st: its start, end, and the end of the counted span.
func windowIncident(cfg *Config, i, w int, st stratum) (branch uint64, start, end, until sim.Time) {
	spec := &cfg.APIServer.Incidents[i]
	branch = branchWindow<<32 | uint64(i+1)
	u := sim.NewRand(sim.StreamKey{Seed: cfg.Simulation.Seed, Replication: w, Component: "window", Branch: branch})
	d := spec.Lasts.TailQuantile(st.vHi - st.prob()*u.Float64())
	// The start is spread over a status report period (at most half an
	// hour), so its phase relative to the kubelets' slow loops is random too.
	spread := max(min(cfg.Kubelet.NodeStatusReportFrequency, 30*time.Minute), cfg.Controller.NodeMonitorGracePeriod)
	start = sim.At(cfg.Simulation.Warmup).Add(time.Duration(u.Float64() * float64(spread)))
	end = start + sim.Time(d*1e9)
	return branch, start, end, end.Add(windowPost(cfg))
}

// runWindow simulates window w of incident spec i, its duration in st.
func runWindow(ctx context.Context, cfg *Config, i, w int, st stratum) (windowResult, error) {
	branch, start, end, until := windowIncident(cfg, i, w, st)
	d := end.Sub(start).Seconds()
	tol := time.Duration(cfg.APIServer.DefaultUnreachableTolerationSeconds) * time.Second
	limit := until.Add(tol + 10*time.Minute)

	r := newRunSpec(cfg, w, runSpec{branch: branch, noIncidents: true, noFailures: true, noGaps: true,
		duration: time.Duration(limit) - cfg.Simulation.Warmup})
	r.met.warmup, r.met.countUntil, r.met.keepDurations = start, until, true
	r.inc.force(forcedIncident{spec: i, start: start, end: end})
	r.eng.At(sim.At(cfg.Controller.NodeMonitorPeriod), r.kPass, 0, r.ctl.gen)
	stop, err := r.runUntilSettled(ctx, until, limit)
	if err != nil {
		return windowResult{}, err
	}
	m := &r.met
	res := windowResult{duration: d, spanDays: until.Sub(start).Seconds() / 86400, flips: float64(m.falseEvents),
		endpoint: m.endpointSecs, evicted: float64(m.evictions), durations: m.durations,
		maxFrac:  float64(m.maxUnknown) / float64(cfg.Cluster.Nodes),
		workDays: float64(len(r.nodes)) * stop.Seconds() / 86400}
	for i := range r.nodes {
		if n := &r.nodes[i]; n.falseEpisode { // still Unknown at the limit: censored
			res.durations = append(res.durations, stop.Sub(n.unknownSince).Seconds())
			res.endpoint += float64(m.podsPerNode) * stop.Sub(n.unknownSince).Seconds()
		}
	}
	for _, x := range res.durations {
		res.durSecs += x
	}
	return res, nil
}

// runUntilSettled runs to until, then on until no counted episode is open
// or limit, checking ctx every simulated minute. It returns where it
// stopped.
func (r *run) runUntilSettled(ctx context.Context, until, limit sim.Time) (sim.Time, error) {
	const step = sim.Time(time.Minute)
	for t := step; ; t += step {
		if err := ctx.Err(); err != nil {
			return 0, err
		}
		r.eng.Run(min(t, limit))
		if t >= limit {
			return limit, nil
		}
		if t >= until && !r.anyFalseEpisode() {
			return t, nil
		}
	}
}

func (r *run) anyFalseEpisode() bool {
	for i := range r.nodes {
		if r.nodes[i].falseEpisode {
			return true
		}
	}
	return false
}

// windowPre is how long before an incident a heartbeat can be awaited
// and still be late because of it: one awaited longer has already cost
// its false NotReady.
func windowPre(cfg *Config) time.Duration {
	return cfg.Controller.NodeMonitorGracePeriod + 3*cfg.Controller.NodeMonitorPeriod +
		cfg.Kubelet.LeaseBackoffMax + cfg.HeartbeatClientTimeout() + 10*time.Second
}

// runSparseWindow is a window for an incident stratum whose false NotReady
// are rare node by node: nodes then do not interact, so a few positions
// are simulated, under the natural law, and every heartbeat awaited from
// windowPre before the incident to the end of the span gets an
// importance-sampled excursion that knows the incident (as the main path
// does: an incident still to come is revealed at its start). The counts
// are scaled to the whole cluster.
func runSparseWindow(ctx context.Context, cfg *Config, i, w int, st stratum, plan noisePlan) (windowResult, error) {
	branch, start, end, until := windowIncident(cfg, i, w, st)
	from := start.Add(-windowPre(cfg))
	pos := batchPositions(cfg, w, branch, plan.nodes)
	r := newRunSpec(cfg, w, runSpec{positions: pos, branch: branch, noIncidents: true, noFailures: true, noGaps: true,
		duration: time.Duration(until) - cfg.Simulation.Warmup})
	r.inc.force(forcedIncident{spec: i, start: start, end: end})
	x := newExcursion(cfg)
	scale := float64(cfg.Cluster.Nodes) / float64(len(pos))
	res := windowResult{duration: end.Sub(start).Seconds(), spanDays: until.Sub(from).Seconds() / 86400}
	var count uint64
	r.beforeNode = func(n *node, s, t sim.Time, w int) {
		if t < from || t > until || n.fail != noFailure || !due(cfg, n, s, t) {
			return
		}
		count++
		er := x.run(r, n, s, t, w, count, plan.prop, false)
		wt := math.Exp(er.logLR) * scale
		res.flips += wt * float64(er.alarms)
		res.durSecs += wt * er.durSecs
		res.endpoint += wt * er.endpoint
		res.evicted += wt * float64(er.evicted)
		for _, d := range er.durations {
			res.durations = append(res.durations, d)
			res.durW = append(res.durW, wt)
		}
		res.workDays += er.nodeSecs / 86400
		res.excursions++
	}
	if _, err := r.simulate(ctx); err != nil {
		return windowResult{}, err
	}
	res.workDays += float64(len(pos)) * r.env.end.Seconds() / 86400
	return res, nil
}
