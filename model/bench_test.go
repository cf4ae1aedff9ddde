package model

import (
	"context"
	"testing"
	"time"

	"github.com/nodesim/nodesim/sim"
	"github.com/stretchr/testify/assert"
)

// benchConfig mirrors ../shared/bench's baseline: lease mode, lognormal
// write latency (median 5ms, sigma 1), 20% failures, renew 10s with 4%
// jitter, grace 40s, monitor 5s, 10s timeout.
func benchConfig(nodes int, d time.Duration) *Config {
	c, _ := Default("v1.33")
	c.Controller.NodeMonitorGracePeriod = 40 * time.Second
	c.Cluster.Nodes, c.Cluster.Zones = nodes, 3
	c.Simulation.Duration, c.Simulation.Warmup, c.Simulation.Replications, c.Simulation.Seed = d, 0, 1, 1
	c.APIServer.WriteLatency = must(NewLogNormal(-5.298317366548036, 1)) // ln(5ms)
	c.APIServer.ReadLatency = c.APIServer.WriteLatency
	c.APIServer.RequestFailureProbability = 0.2
	c.Controller.Workers = 8
	return c
}

// BenchmarkNodeDay simulates 1000 nodes for one day per iteration.
func BenchmarkNodeDay(b *testing.B) {
	c := benchConfig(1000, 24*time.Hour)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Simulate(context.Background(), c, 0); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)*1000/b.Elapsed().Seconds(), "node-days/s")
}

// BenchmarkLeaseSync is one lease renewal on the hot path.
func BenchmarkLeaseSync(b *testing.B) {
	r := newRun(benchConfig(1, time.Hour), 0)
	n := &r.nodes[0]
	b.ReportAllocs()
	for b.Loop() {
		n.lease.generate(&r.lp, &r.env, n, n.lease.nextStart%sim.Time(time.Hour))
	}
}

// TestNoAllocationsPerRenewal: after set-up, simulating more time
// allocates nothing, so memory grows with nodes, not with time.
func TestNoAllocationsPerRenewal(t *testing.T) {
	r := newRun(benchConfig(100, 48*time.Hour), 0)
	r.eng.At(sim.At(5*time.Second), r.kPass, 0, r.ctl.gen)
	r.eng.Run(sim.At(time.Hour)) // warm up slices and histograms
	until := sim.At(time.Hour)
	allocs := testing.AllocsPerRun(5, func() {
		until += sim.At(time.Hour)
		r.eng.Run(until) // ~36,000 renewals per call
	})
	assert.LessOrEqual(t, allocs, 2.0, "allocations per simulated hour of 100 nodes")
}
