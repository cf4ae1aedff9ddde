package main

import (
	"fmt"

	"github.com/nodesim/nodesim/model"
	"github.com/nodesim/nodesim/scenarios"
)

// physicalMemory is the machine's memory in bytes, 0 when unknown; tests
// replace it.
var physicalMemory = systemMemory

// checkMemory refuses, before anything is allocated, a scenario whose
// largest point would need more memory than the machine has with
// workers replications at once: such a run used to die in the Go
// runtime with a stack trace.
func checkMemory(sc *scenarios.Scenario, workers int) error {
	total := float64(physicalMemory())
	if total == 0 {
		return nil
	}
	for _, p := range sc.Points {
		running, kept := p.Config.MemoryEstimate(workers)
		if running+kept <= total {
			continue
		}
		c := p.Config
		key, what := model.KeyNodes, fmt.Sprintf("%d nodes with %d replications in memory at once need about %s",
			c.Cluster.Nodes, min(workers, c.Simulation.Replications), bytesIEC(running+kept))
		hint := "simulate fewer nodes, or fewer replications at once with --workers"
		if kept > running {
			key, what = model.KeyReplications, fmt.Sprintf("%d replications need about %s (each keeps its metrics until its point is merged)", c.Simulation.Replications, bytesIEC(running+kept))
			hint = "run fewer replications"
		}
		at := position(sc, p, key) + key + ": "
		if len(sc.Points) > 1 {
			at += "sweep point " + p.Label + ": "
		}
		return badInputf("%s%s, more than this machine's %s; %s", at, what, bytesIEC(total), hint)
	}
	return nil
}

// position is where key's value for point p was set, as "file:line: ",
// "--set: " or "" for a profile default.
func position(sc *scenarios.Scenario, p scenarios.Point, key string) string {
	for _, a := range sc.Axes {
		if a.Key == key {
			if a.Source == "flag" {
				return "--set: "
			}
			return sc.Origin + ": "
		}
	}
	for _, np := range sc.Named {
		for _, s := range np.Settings {
			if s.Key == key && p.Params["name"] == np.Name && p.Params[key] == s.Value {
				return s.Pos + ": "
			}
		}
	}
	for _, s := range sc.Settings {
		if s.Key == key && s.Pos != "" {
			return s.Pos + ": "
		}
	}
	return ""
}

// bytesIEC renders n bytes in the largest binary unit that keeps it >= 1.
func bytesIEC(n float64) string {
	units := []string{"bytes", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"}
	i := 0
	for n >= 1024 && i < len(units)-1 {
		n /= 1024
		i++
	}
	if i == 0 {
		return fmt.Sprintf("%.0f bytes", n)
	}
	return fmt.Sprintf("%.3g %s", n, units[i])
}
