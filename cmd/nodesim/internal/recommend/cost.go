package recommend

import (
	"context"

	"github.com/nodesim/nodesim/model"
)

// injectedCrashes measure detection in scenarios without crashes: one
// crash per node per day, repaired in 30 minutes, so a day of a
// thousand-node cluster detects a thousand.
var injectedCrashes = []string{model.KeyCrashEvery + `={dist="exponential", mean="1d"}`, model.KeyCrashRepair + `="30m"`}

// cost measures detection (and, once the model reports them, eviction
// times) at value with the scenario's crude replications, adding crashes
// when the scenario has none; work is the running total of node-days,
// returned with this run's added.
func (e *evaluator) cost(ctx context.Context, value string, work float64) (*Detection, *Eviction, float64, error) {
	cfg, err := e.config(value)
	if err != nil {
		return nil, nil, work, err
	}
	d := &Detection{}
	if cfg.Failures.Crash == nil {
		if cfg, err = e.config(value, injectedCrashes...); err != nil {
			return nil, nil, work, err
		}
		d.CrashesInjected = true
	}
	cfg.Simulation.Method = model.MethodCrude
	e.plan(cfg.Simulation.Replications)
	p, err := model.RunPoint(ctx, cfg, e.workers, e.progress)
	if err != nil {
		return nil, nil, work, err
	}
	d.Detection = p.Detection
	work += float64(cfg.Cluster.Nodes) * (cfg.Simulation.Warmup + cfg.Simulation.Duration).Hours() / 24 * float64(cfg.Simulation.Replications)
	return d, evictionCost(&p), work, nil
}

// evictionCost is the failover part of the cost: when a crashed node's
// endpoints go and its pods are evicted (nil when none was evicted).
func evictionCost(p *model.Point) *Eviction {
	f := &p.Failover
	if f.Evicted == 0 {
		return nil
	}
	return &Eviction{
		EvictedP50S: f.EvictedP50S, EvictedP99S: f.EvictedP99S,
		EndpointsRemovedP50S: f.EndpointsRemovedP50S, EndpointsRemovedP99S: f.EndpointsRemovedP99S,
		Evicted: f.Evicted, NotEvicted: f.NotEvicted,
	}
}
