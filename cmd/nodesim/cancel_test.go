package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestInterruptStopsPromptly is Ctrl-C during heavy but legal runs: run
// must return within a second of the cancellation, say so, and leave no
// --out directory (issue 19).
func TestInterruptStopsPromptly(t *testing.T) {
	if testing.Short() {
		t.Skip("spends a second of CPU per case")
	}
	dir := t.TempDir()
	storm := filepath.Join(dir, "storm.toml")
	if err := os.WriteFile(storm, []byte(`[cluster]
nodes = 2000
[[apiserver.incident]]
every = "1s"
lasts = "100ms"
effect = "slow"
multiply = 3
`), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, args := range map[string][]string{
		"incident every second": {"run", storm},
		"500,000 nodes":         {"run", "default", "--set", "cluster.nodes=500000"},
	} {
		t.Run(name, func(t *testing.T) { interruptPromptly(t, args) })
	}
}

// interruptPromptly runs the CLI with args, --out and --quiet, cancels it
// 300ms in, and checks it returned within a second of the cancellation,
// saying so, with nothing on stdout and no --out directory.
func interruptPromptly(t *testing.T, args []string) {
	t.Helper()
	out := filepath.Join(t.TempDir(), "out")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr bytes.Buffer
	returned := make(chan int, 1)
	go func() {
		err := run(ctx, &stdout, &stderr, append(args, "--out", out, "--quiet"))
		returned <- exitStatus(&stderr, err)
	}()
	time.Sleep(300 * time.Millisecond)
	cpu0, haveCPU := processCPU()
	cancel()
	cancelled := time.Now()
	select {
	case status := <-returned:
		latency := time.Since(cancelled)
		cpu1, _ := processCPU()
		t.Logf("returned %v after cancel, %v of CPU", latency, cpu1-cpu0)
		// On a machine other processes keep busy (make test runs the race
		// run beside this one), the wall time can exceed a second while the
		// run did almost nothing: the CPU it spent after the cancellation,
		// all its workers together, is what shows it stopped promptly.
		if latency > time.Second && (!haveCPU || cpu1-cpu0 > time.Second) {
			t.Errorf("returned %v after cancel, %v of CPU, want under 1s", latency, cpu1-cpu0)
		}
		if status != 1 || stdout.Len() != 0 || stderr.String() != "nodesim: interrupted; no output written\n" {
			t.Errorf("status %d, stdout %q, stderr %q", status, stdout.String(), stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("still running 30s after cancel")
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("--out directory after an interrupted run: %v", err)
	}
}
