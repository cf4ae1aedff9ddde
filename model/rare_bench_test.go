package model

import (
	"context"
	"testing"
	"time"
)

// requestNoise is the per-request noise workload at about 1e-6 false
// NotReady per node-day (scripts/rare-goals/request-1e-6.toml): v1.33 on
// 1000 nodes, PUTs that hang for an hour with probability 0.008 (the
// kubelet gives up at its 10s client timeout; the late commit comes after
// newer writes and is discarded), no informer-delay tail.
func requestNoise(b *testing.B) *Config {
	c, err := Default("v1.33")
	if err != nil {
		b.Fatal(err)
	}
	hang, err := NewMixture([]Dist{mustLogNormal(8*time.Millisecond, 200*time.Millisecond), Const(time.Hour)}, []float64{0.992, 0.008})
	if err != nil {
		b.Fatal(err)
	}
	c.APIServer.WriteLatency = hang
	c.Informer.WatchDelay = mustLogNormal(20*time.Millisecond, 100*time.Millisecond)
	c.Simulation.Replications = 1
	return c
}

// BenchmarkRareEfficiency measures, side by side in one run, the rare
// estimator's wall time to ±20% at about 1e-6 per node-day and crude
// Monte Carlo's throughput on the same cluster, and reports their ratio:
// the crude node-days a crude estimate of the same relative error needs,
// (z/RE)²/λ (Poisson: the events are independent), at crude's measured
// speed, over the rare estimator's time.
func BenchmarkRareEfficiency(b *testing.B) {
	c := requestNoise(b)
	ctx := context.Background()
	var ratio, rel, rate float64
	for i := 0; i < b.N; i++ {
		start := time.Now()
		e, err := estimateRare(ctx, c, rareOptions{target: 0.2, maxWork: 1e6}, 2, nil)
		if err != nil {
			b.Fatal(err)
		}
		rareSecs := time.Since(start).Seconds()
		est, se := e.rate()
		rel, rate = z95*se/est, est

		cc := *c
		cc.Simulation.Duration, cc.Simulation.Replications = 6*time.Hour, 2
		start = time.Now()
		if _, err := RunPoint(ctx, &cc, 2, nil); err != nil {
			b.Fatal(err)
		}
		crudeSecs := time.Since(start).Seconds()
		crudeDays := float64(cc.Cluster.Nodes) * (cc.Simulation.Warmup + cc.Simulation.Duration).Hours() / 24 * 2
		needed := (z95 / rel) * (z95 / rel) / est // node-days
		ratio = needed / (crudeDays / crudeSecs) / rareSecs
		b.ReportMetric(rareSecs, "rare-s")
		b.ReportMetric(crudeDays/crudeSecs, "crude-node-days/s")
	}
	b.ReportMetric(rate, "rate/node-day")
	b.ReportMetric(rel, "rel-error")
	b.ReportMetric(ratio, "x-crude")
}
