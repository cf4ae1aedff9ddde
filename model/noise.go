package model

import (
	"context"
	"math"
	"time"

	"github.com/nodesim/nodesim/sim"
)

// The noise estimator: false NotReady of healthy nodes from per-node
// randomness alone (latency and collection-delay tails, request failures),
// with no incident. A batch is a thin main path, a few nodes of the
// cluster simulated under the natural law, with an excursion at each of
// its branch points (or a random share pi of them, weighted 1/pi). The
// main path's own transitions are not counted: it only supplies the
// states the excursions start from.

// Stream branches of the rare-event estimator's main paths.
const (
	branchNoise uint64 = 1 + iota
	branchPilot
	branchWindow
)

// noiseBatch is what one batch measured. Weighted sums are estimates of
// the natural counts of the main path's node-time.
type noiseBatch struct {
	nodeDays   float64 // healthy node-time of the main path after warmup
	heartbeats int64   // the main path's probe refreshes of Ready nodes
	branches   int64   // branch points
	excursions int64
	alarms     float64 // Σ w·alarms
	durSecs    float64 // Σ w·Unknown seconds
	endpoint   float64 // Σ w·pod-seconds
	evicted    float64 // Σ w·pods
	sumW2      float64 // Σ (w·alarms)²: the excursions' own variance
	durations  sim.WeightedHistogram
	truncated  int64
	workDays   float64 // node-days simulated: main path with warmup, and excursions
	natural    int64   // the main path's own false NotReady, a diagnostic
}

// noisePlan fixes a batch's shape and law.
type noisePlan struct {
	nodes       int           // positions per batch
	duration    time.Duration // per batch, after warmup
	prop        *proposal
	pi          float64 // share of branch points given an excursion
	logging     bool
	onExcursion func(excursionResult, *excursion) // the cross-entropy pilot reads each
}

// runNoiseBatch simulates batch b of plan on the branch-th family of streams.
func runNoiseBatch(ctx context.Context, cfg *Config, b int, branch uint64, plan noisePlan, x *excursion) (noiseBatch, error) {
	pos := batchPositions(cfg, b, branch, plan.nodes)
	r := newRunSpec(cfg, b, runSpec{positions: pos, branch: branch, noIncidents: true, noFailures: true, noGaps: true, duration: plan.duration})
	var nb noiseBatch
	coin := r.stream("branch-coin", 0)
	var count uint64
	r.beforeNode = func(n *node, s, t sim.Time, w int) {
		if t < r.warmup || n.fail != noFailure || !due(cfg, n, s, t) {
			return
		}
		nb.branches++
		if plan.pi < 1 && coin.Float64() >= plan.pi {
			return
		}
		count++
		res := x.run(r, n, s, t, w, count, plan.prop, plan.logging)
		nb.add(res, math.Exp(res.logLR)/plan.pi)
		if plan.onExcursion != nil {
			plan.onExcursion(res, x)
		}
	}
	m, err := r.simulate(ctx)
	if err != nil {
		return noiseBatch{}, err
	}
	nb.nodeDays = m.nodeDays()
	nb.heartbeats = m.heartbeats
	nb.natural = m.falseEvents
	nb.workDays += float64(len(pos)) * r.env.end.Seconds() / 86400
	return nb, nil
}

func (nb *noiseBatch) add(res excursionResult, w float64) {
	nb.excursions++
	a := w * float64(res.alarms)
	nb.alarms += a
	nb.sumW2 += a * a
	nb.durSecs += w * res.durSecs
	nb.endpoint += w * res.endpoint
	nb.evicted += w * float64(res.evicted)
	for _, d := range res.durations {
		nb.durations.Add(d, w)
	}
	if res.truncated {
		nb.truncated++
	}
	nb.workDays += res.nodeSecs / 86400
}

// batchPositions draws k distinct positions of the cluster for batch b:
// every position is equally likely, so a batch averages over where nodes
// sit in the controller's pass.
func batchPositions(cfg *Config, b int, branch uint64, k int) []int32 {
	n := cfg.Cluster.Nodes
	k = min(k, n)
	r := sim.NewRand(sim.StreamKey{Seed: cfg.Simulation.Seed, Replication: b, Component: "positions", Branch: branch})
	seen := make(map[int32]bool, k)
	out := make([]int32, 0, k)
	for len(out) < k {
		p := int32(r.IntN(n))
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	sortInt32(out)
	return out
}

func sortInt32(x []int32) {
	for i := 1; i < len(x); i++ {
		for j := i; j > 0 && x[j] < x[j-1]; j-- {
			x[j], x[j-1] = x[j-1], x[j]
		}
	}
}

// runCrudeNoiseBatch is a noise batch where false NotReady is common
// enough to count: the whole cluster under the natural law, so the
// interaction of its nodes' transitions (longer passes, zone states) is
// all there.
func runCrudeNoiseBatch(ctx context.Context, cfg *Config, b int, plan noisePlan) (noiseBatch, error) {
	r := newRunSpec(cfg, b, runSpec{branch: branchNoise, noIncidents: true, noFailures: true, noGaps: true, duration: plan.duration})
	r.met.keepDurations = true
	m, err := r.simulate(ctx)
	if err != nil {
		return noiseBatch{}, err
	}
	nb := noiseBatch{nodeDays: m.nodeDays(), heartbeats: m.heartbeats, natural: m.falseEvents,
		alarms: float64(m.falseEvents), durSecs: m.falseDur.Sum(), endpoint: m.endpointSecs, evicted: float64(m.evictions),
		workDays: float64(len(r.nodes)) * r.env.end.Seconds() / 86400}
	for _, d := range m.durations {
		nb.durations.Add(d, 1)
	}
	return nb, nil
}
