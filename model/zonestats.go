package model

// zoneStats are one replication's figures for one zone: zone state drives
// the eviction rate, so a zone's own false NotReady, disruption time and
// evictions say where a cluster-wide figure comes from.
type zoneStats struct {
	falseEvents    int64
	evictions      int64   // pods evicted, injected failures included
	falseEvictions int64   // pods evicted from healthy nodes
	partialSecs    float64 // seconds in partial disruption
	fullSecs       float64
	failSecs       float64 // node-seconds in injected failures
}

func (z *zoneStats) merge(o *zoneStats) {
	z.falseEvents += o.falseEvents
	z.evictions += o.evictions
	z.falseEvictions += o.falseEvictions
	z.partialSecs += o.partialSecs
	z.fullSecs += o.fullSecs
	z.failSecs += o.failSecs
}

// mergeZones adds o's zones into zs, growing it to o's length.
func mergeZones(zs []zoneStats, o []zoneStats) []zoneStats {
	if len(zs) < len(o) {
		zs = append(zs, make([]zoneStats, len(o)-len(zs))...)
	}
	for i := range o {
		zs[i].merge(&o[i])
	}
	return zs
}

// ZoneResult is one zone of a point (DESIGN §8 zones). Zones are numbered
// from 0; nodes are dealt to them round robin.
type ZoneResult struct {
	Zone                          int   `json:"zone"`
	Nodes                         int   `json:"nodes"`
	FalseNotReady                 int64 `json:"false_notready"`
	FalseNotReadyRatePerNodeDay   Num   `json:"false_notready_rate_per_node_day"`
	PartialDisruptionTimeFraction Num   `json:"partial_disruption_time_fraction"`
	FullDisruptionTimeFraction    Num   `json:"full_disruption_time_fraction"`
	Evictions                     int64 `json:"evictions"`
	FalseEvictions                int64 `json:"false_evictions"`
}

// zoneResults summarises zs over reps replications of cfg. The counts are
// the crude replications' under either method.
func zoneResults(cfg *Config, zs []zoneStats, reps int) []ZoneResult {
	out := make([]ZoneResult, cfg.Cluster.Zones)
	secs := cfg.Simulation.Duration.Seconds() * float64(reps)
	for i := range out {
		var z zoneStats
		if i < len(zs) {
			z = zs[i]
		}
		nodes := shareOf(cfg.Cluster.Nodes, cfg.Cluster.Zones, i)
		nodeDays := max(float64(nodes)*secs-z.failSecs, 0) / 86400
		out[i] = ZoneResult{
			Zone: i, Nodes: nodes, FalseNotReady: z.falseEvents, FalseNotReadyRatePerNodeDay: ratio(float64(z.falseEvents), nodeDays),
			PartialDisruptionTimeFraction: ratio(z.partialSecs, secs), FullDisruptionTimeFraction: ratio(z.fullSecs, secs),
			Evictions: z.evictions, FalseEvictions: z.falseEvictions,
		}
	}
	return out
}
