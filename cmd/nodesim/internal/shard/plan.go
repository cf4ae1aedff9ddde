package shard

import (
	"cmp"
	"container/heap"
	"slices"

	"github.com/nodesim/nodesim/model"
)

// Unit is one replication of a point or, with Rare, the point's
// rare-event estimate.
type Unit struct {
	Point       int
	Replication int // with Rare: 0
	Rare        bool
}

// Units lists a run's units in the order the unsharded run merges them:
// point by point, its replications, then its estimate.
func Units(points []*model.Config) []Unit {
	var us []Unit
	for p, cfg := range points {
		for rep := range cfg.Simulation.Replications {
			us = append(us, Unit{Point: p, Replication: rep})
		}
		if cfg.Simulation.Method == model.MethodRare {
			us = append(us, Unit{Point: p, Rare: true})
		}
	}
	return us
}

// cost estimates a unit's work in node-days simulated: a replication's
// nodes over warmup and duration; an estimate's work cap, the most it may
// spend (it usually stops sooner, at its target).
func cost(cfg *model.Config, u Unit) float64 {
	if u.Rare {
		return cfg.Simulation.MaxWorkNodeDays
	}
	s := &cfg.Simulation
	return float64(cfg.Cluster.Nodes) * (s.Warmup + s.Duration).Hours() / 24
}

// Plan deals the units to count shards so that they take similar time:
// largest first, each to the shard with the least work so far (ties to
// the lowest shard), the longest-processing-time rule. Equal units go
// round robin. Each shard's units keep the merge order. Plan is a pure
// function of the points and count, so shards and merge agree on it.
func Plan(points []*model.Config, count int) [][]Unit {
	us := Units(points)
	order := make([]int, len(us))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Compare(cost(points[us[b].Point], us[b]), cost(points[us[a].Point], us[a]))
	})
	free := make(loads, count)
	for j := range free {
		free[j].shard = j
	}
	owner := make([]int, len(us))
	for _, i := range order {
		owner[i] = free[0].shard
		free[0].work += cost(points[us[i].Point], us[i])
		heap.Fix(&free, 0)
	}
	plan := make([][]Unit, count)
	for i, u := range us {
		plan[owner[i]] = append(plan[owner[i]], u)
	}
	return plan
}

// loads is a min-heap of the shards' work, ties to the lowest shard.
type loads []struct {
	work  float64
	shard int
}

func (h loads) Len() int { return len(h) }
func (h loads) Less(i, j int) bool {
	return h[i].work < h[j].work || h[i].work == h[j].work && h[i].shard < h[j].shard
}
func (h loads) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *loads) Push(any)     { panic("shard: loads has a fixed size") }
func (h *loads) Pop() any     { panic("shard: loads has a fixed size") }
