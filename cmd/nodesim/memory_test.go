package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMemoryRefusedBeforeAllocating: a run that cannot fit in memory is
// bad input, refused by run and check before anything is allocated and
// naming the key (issue 19: such runs crashed with a Go stack trace).
// The machine's memory is pinned at 512 MiB.
func TestMemoryRefusedBeforeAllocating(t *testing.T) {
	defer func(f func() uint64) { physicalMemory = f }(physicalMemory)
	physicalMemory = func() uint64 { return 512 << 20 }
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"run", "--set", "cluster.nodes=500000", "--workers", "4"},
			"nodesim: --set: cluster.nodes: 500000 nodes with 4 replications in memory at once need about 1.94 GiB, more than this machine's 512 MiB; simulate fewer nodes"},
		{[]string{"run", "--set", "cluster.nodes=1000,500000", "--workers", "4"},
			"nodesim: --set: cluster.nodes: sweep point cluster.nodes=500000: 500000 nodes with 4 replications"},
		{[]string{"check", "--set", "simulation.replications=20000"},
			"nodesim: --set: simulation.replications: 20000 replications need about 1.23 GiB (each keeps its metrics until its point is merged), more than this machine's 512 MiB; run fewer replications"},
	} {
		out := filepath.Join(t.TempDir(), "out")
		args := tc.args
		if args[0] == "run" { // were it not refused, a minute of simulated time
			args = append(args, "--out", out, "--quiet", "--set", "simulation.duration=1m", "--replications", "4")
		}
		stdout, stderr, status := cli(t, args...)
		if status != 2 || stdout != "" || !strings.HasPrefix(stderr, tc.want) {
			t.Errorf("%v: status %d, stdout %q, stderr %q; want 2 and %q", tc.args, status, stdout, stderr, tc.want)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("%v: --out exists: %v", tc.args, err)
		}
	}
	if _, stderr, status := cli(t, "check", "--set", "cluster.nodes=100000"); status != 0 {
		t.Errorf("check of what fits: status %d: %s", status, stderr)
	}
}
