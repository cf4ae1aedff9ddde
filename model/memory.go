package model

import (
	"unsafe"

	"github.com/nodesim/nodesim/sim"
)

// Per-run memory beside the nodes, in bytes, from the structures that
// newRun and the metrics allocate (docs/performance.md, Memory).
const (
	// perNodeExtra: a node's share of its zone's tainting queue (4 bytes)
	// and of the event queue's buckets (up to three pending events of 24
	// bytes, which keep about twice their peak capacity).
	perNodeExtra = 4 + 3*24*2
	// perRunFixed: 1 MiB of 1ms gap bins, three histograms (up to 15 KiB
	// each), the timeline (replication 0) and lognormal samplers.
	perRunFixed = 2 << 20
	// perReplicationKept: what a finished replication holds until its
	// point is summarised: counters and three histograms.
	perReplicationKept = 64 << 10
)

// MemoryEstimate is the peak heap, in bytes, of RunPoint(cfg, workers):
// running, up to workers replications in memory at once, each with every
// node and zone; kept, the metrics of every finished replication until
// they are merged. It grows with nodes and replications, never with
// simulated time. It is computed in float64 so that absurd
// configurations cannot overflow it.
func (c *Config) MemoryEstimate(workers int) (running, kept float64) {
	reps := float64(c.Simulation.Replications)
	concurrent := min(float64(max(workers, 1)), reps)
	nodes, zones := float64(c.Cluster.Nodes), float64(c.Cluster.Zones)
	perRun := nodes*float64(unsafe.Sizeof(node{})+perNodeExtra) +
		zones*float64(unsafe.Sizeof(zone{})+unsafe.Sizeof(sim.Time(0))) +
		float64(c.Controller.Workers)*float64(unsafe.Sizeof(sim.Time(0))) + perRunFixed
	perRun += c.pressureMemory()
	return concurrent * perRun, reps * perReplicationKept
}
