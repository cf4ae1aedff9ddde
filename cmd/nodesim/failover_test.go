package main

import "testing"

// TestFailoverSummary pins how the text and Markdown summaries show
// failover times with two failure kinds (by kind, since a crash and a
// runtime down fail over minutes apart) and the per-zone rows.
func TestFailoverSummary(t *testing.T) {
	t.Parallel()
	args := []string{"run", "default", "--set", "cluster.nodes=100", "--set", "simulation.duration=6h", "--quiet",
		"--set", `failures.runtime-down.every={dist="exponential",mean="1d"}`, "--set", "failures.runtime-down.lasts=20m",
		"--set", `failures.crash.every={dist="exponential",mean="1d"}`}
	for _, tc := range []struct{ name, format string }{{"run-failover", "text"}, {"run-failover-markdown", "markdown"}} {
		stdout, stderr, status := cli(t, append(args, "--format", tc.format)...)
		if status != 0 {
			t.Fatalf("%s: status %d: %s", tc.name, status, stderr)
		}
		golden(t, tc.name, "stdout", stdout)
	}
}
