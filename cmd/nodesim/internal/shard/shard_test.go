package shard

import (
	"slices"
	"testing"
	"time"

	"github.com/nodesim/nodesim/model"
)

func point(t *testing.T, nodes, reps int, method string) *model.Config {
	t.Helper()
	c, err := model.Default("v1.33")
	if err != nil {
		t.Fatal(err)
	}
	c.Cluster.Nodes, c.Simulation.Replications, c.Simulation.Method = nodes, reps, method
	c.Simulation.Duration, c.Simulation.Warmup = 24*time.Hour, 0
	return c
}

// Every unit lands on exactly one shard, each shard's units keep the
// merge order, and greedy least-loaded dealing keeps the shards' work
// within one unit of each other.
func TestPlanCoversAndBalances(t *testing.T) {
	var points []*model.Config
	for k := 1; k <= 9; k++ {
		points = append(points, point(t, 100*k, 1+k%3, model.MethodCrude))
	}
	points = append(points, point(t, 50, 2, model.MethodRare))
	all := Units(points)
	for _, n := range []int{1, 2, 3, 7, 40} {
		plan := Plan(points, n)
		if len(plan) != n {
			t.Fatalf("%d shards planned, want %d", len(plan), n)
		}
		var got []Unit
		var loads []float64
		biggest := 0.0
		for _, us := range plan {
			if !slices.IsSortedFunc(us, func(a, b Unit) int { return slices.Index(all, a) - slices.Index(all, b) }) {
				t.Errorf("%d shards: a shard's units are out of merge order: %v", n, us)
			}
			load := 0.0
			for _, u := range us {
				c := cost(points[u.Point], u)
				load += c
				biggest = max(biggest, c)
			}
			loads = append(loads, load)
			got = append(got, us...)
		}
		slices.SortFunc(got, func(a, b Unit) int { return slices.Index(all, a) - slices.Index(all, b) })
		if !slices.Equal(got, all) {
			t.Errorf("%d shards: units %v, want each of %v once", n, got, all)
		}
		if spread := slices.Max(loads) - slices.Min(loads); spread > biggest {
			t.Errorf("%d shards: loads %v spread %g, more than the largest unit %g", n, loads, spread, biggest)
		}
	}
}

// Equal units go round robin, so shards of a plain sweep differ by at
// most one replication.
func TestPlanDealsEqualUnitsRoundRobin(t *testing.T) {
	points := []*model.Config{point(t, 100, 3, model.MethodCrude), point(t, 100, 3, model.MethodCrude)}
	plan := Plan(points, 4)
	want := [][]Unit{{{0, 0, false}, {1, 1, false}}, {{0, 1, false}, {1, 2, false}}, {{0, 2, false}}, {{1, 0, false}}}
	if !slices.EqualFunc(plan, want, slices.Equal) {
		t.Errorf("plan %v, want %v", plan, want)
	}
}

func TestParseSpec(t *testing.T) {
	for in, want := range map[string]Spec{"0/1": {0, 1}, "2/3": {2, 3}, "6/7": {6, 7}} {
		if got, err := ParseSpec(in); err != nil || got != want {
			t.Errorf("ParseSpec(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "1", "3/3", "0/0", "-1/2", "a/b", "1/2/3", "0/100001", " 0/2"} {
		if _, err := ParseSpec(in); err == nil {
			t.Errorf("ParseSpec(%q) accepted", in)
		}
	}
}
