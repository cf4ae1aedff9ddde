package main

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets the test binary stand in for the nodesim binary, so that
// shards run as separate processes, as pods do.
func TestMain(m *testing.M) {
	if os.Getenv("NODESIM_TEST_AS_NODESIM") == "1" {
		main()
	}
	os.Exit(m.Run())
}

// nodesimProcess is `nodesim args...` as a process of its own.
func nodesimProcess(args ...string) *exec.Cmd {
	c := exec.Command(os.Args[0], args...)
	c.Env = append(os.Environ(), "NODESIM_TEST_AS_NODESIM=1")
	return c
}

// Small sweeps: a crude one, and a rare-event one whose first point's
// noise is counted (crude mode) and second importance-sampled.
var (
	crudeSweep = []string{"run", "grace-sweep", "--set", "cluster.nodes=40", "--set", "simulation.duration=3h",
		"--set", "simulation.replications=3", "--set", "controller.node-monitor-grace-period=20s,40s,60s"}
	rareSweep = []string{"run", "grace-sweep", "--method", "rare", "--set", "cluster.nodes=10", "--set", "simulation.duration=1h",
		"--set", `apiserver.write-latency={dist="lognormal",median="100ms",p99="15s"}`, "--set", "controller.node-monitor-grace-period=20s,40s"}
)

// runShards runs every shard of n as parallel processes into dir.
func runShards(t *testing.T, scenario []string, n int, dir string, extra ...string) {
	t.Helper()
	var procs []*exec.Cmd
	var outs []*bytes.Buffer
	for i := range n {
		c := nodesimProcess(append(append(slices.Clone(scenario), "--shard", fmt.Sprintf("%d/%d", i, n), "--out", dir, "--workers", "1"), extra...)...)
		var b bytes.Buffer
		c.Stdout, c.Stderr = &b, &b
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		procs, outs = append(procs, c), append(outs, &b)
	}
	for i, c := range procs {
		if err := c.Wait(); err != nil {
			t.Fatalf("shard %d/%d: %v\n%s", i, n, err, outs[i])
		}
	}
}

// partials are dir's partial results of n shards, in a shuffled order.
func partials(dir string, n int, seed uint64) []string {
	var ps []string
	for i := range n {
		ps = append(ps, filepath.Join(dir, fmt.Sprintf("partial-%d-of-%d.json", i, n)))
	}
	rand.New(rand.NewPCG(seed, 0)).Shuffle(len(ps), func(i, j int) { ps[i], ps[j] = ps[j], ps[i] })
	return ps
}

// sameFiles fails unless dirs a and b hold the same files, byte for byte.
func sameFiles(t *testing.T, a, b string) {
	t.Helper()
	names := func(dir string) []string {
		es, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		var ns []string
		for _, e := range es {
			ns = append(ns, e.Name())
		}
		return ns
	}
	na, nb := names(a), names(b)
	if !slices.Equal(na, nb) {
		t.Fatalf("%s holds %v, %s holds %v", a, na, b, nb)
	}
	for _, n := range na {
		x, _ := os.ReadFile(filepath.Join(a, n))
		y, _ := os.ReadFile(filepath.Join(b, n))
		if !bytes.Equal(x, y) {
			t.Errorf("%s differs between the unsharded run and the merge (%d vs %d bytes)", n, len(x), len(y))
		}
	}
	for _, want := range []string{"results.json", "results.csv", "report.md", "sweep.svg", "sweep.png"} {
		if !slices.Contains(na, want) {
			t.Errorf("no %s to compare", want)
		}
	}
}

// testShardsMergeToUnsharded is the acceptance test: the sweep
// as 1, 3 and 7 shards, all running at once as processes, each merged
// with its partials in a shuffled order, gives the unsharded run's files.
func testShardsMergeToUnsharded(t *testing.T, scenario []string) string {
	root := t.TempDir()
	full := filepath.Join(root, "full")
	summary, stderr, status := cli(t, append(slices.Clone(scenario), "--out", full, "--quiet")...)
	if status != 0 {
		t.Fatalf("unsharded run: status %d: %s", status, stderr)
	}
	counts := []int{1, 3, 7}
	done := make(chan struct{})
	for _, n := range counts {
		go func() {
			defer func() { done <- struct{}{} }()
			runShards(t, scenario, n, filepath.Join(root, fmt.Sprintf("parts-%d", n)))
		}()
	}
	for range counts {
		<-done
	}
	for _, n := range counts {
		merged := filepath.Join(root, fmt.Sprintf("merged-%d", n))
		args := append([]string{"merge", "--out", merged}, partials(filepath.Join(root, fmt.Sprintf("parts-%d", n)), n, uint64(n))...)
		stdout, stderr, status := cli(t, args...)
		if status != 0 {
			t.Fatalf("merge of %d shards: status %d: %s", n, status, stderr)
		}
		if stdout != summary {
			t.Errorf("merge of %d shards prints another summary than the unsharded run:\n%s\nwant\n%s", n, stdout, summary)
		}
		sameFiles(t, full, merged)
	}
	return root
}

func TestShardedRareRunMergesToUnsharded(t *testing.T) {
	t.Parallel()
	testShardsMergeToUnsharded(t, rareSweep)
}

func TestShardedCrudeRun(t *testing.T) {
	t.Parallel()
	root := testShardsMergeToUnsharded(t, crudeSweep)
	parts3 := filepath.Join(root, "parts-3")
	full := filepath.Join(root, "full")

	t.Run("command recorded is the unsharded one", func(t *testing.T) {
		js, _ := os.ReadFile(filepath.Join(full, "results.json"))
		want := `"command": "nodesim run grace-sweep --set cluster.nodes=40 --set simulation.duration=3h --set simulation.replications=3 --set controller.node-monitor-grace-period=20s,40s,60s --seed 1"`
		if !strings.Contains(string(js), want) {
			t.Errorf("results.json does not record %s", want)
		}
	})

	t.Run("missing and duplicate shards are named", func(t *testing.T) {
		ps := partials(parts3, 3, 0)
		slices.Sort(ps)
		_, stderr, status := cli(t, "merge", ps[0], ps[2])
		if status != 2 || !strings.Contains(stderr, "missing shard 1 of 3") || !strings.Contains(stderr, "--shard I/3") {
			t.Errorf("shard 1 missing: status %d, %s", status, stderr)
		}
		_, stderr, status = cli(t, "merge", ps[0], ps[1], ps[2], ps[1])
		if status != 2 || !strings.Contains(stderr, "shard given more than once: 1 ("+ps[1]+", "+ps[1]+")") {
			t.Errorf("shard 1 twice: status %d, %s", status, stderr)
		}
		_, stderr, status = cli(t, "merge", filepath.Join(root, "parts-7", "partial-4-of-7.json"))
		if status != 2 || !strings.Contains(stderr, "missing shard 0, 1, 2, 3, 5, 6 of 7") {
			t.Errorf("one of 7: status %d, %s", status, stderr)
		}
	})

	t.Run("partials of another run are refused", func(t *testing.T) {
		for _, tc := range []struct {
			name, want string
			extra      []string
		}{
			{"seed", "seed 2, but", []string{"--seed", "2"}},
			{"scenario", "partial results of different scenarios or --set", []string{"--set", "cluster.nodes=41"}},
		} {
			other := filepath.Join(root, "other-"+tc.name)
			runShards(t, append(slices.Clone(crudeSweep), tc.extra...), 3, other)
			ps := partials(parts3, 3, 0)
			ps[1] = filepath.Join(other, filepath.Base(ps[1]))
			_, stderr, status := cli(t, append([]string{"merge"}, ps...)...)
			if status != 2 || !strings.Contains(stderr, tc.want) || !strings.Contains(stderr, ps[1]) {
				t.Errorf("%s: status %d, stderr %s", tc.name, status, stderr)
			}
		}
		_, stderr, status := cli(t, "merge", filepath.Join(parts3, "partial-0-of-3.json"), filepath.Join(root, "parts-7", "partial-1-of-7.json"))
		if status != 2 || !strings.Contains(stderr, "shard count 7, but") {
			t.Errorf("3 and 7 shards: status %d, %s", status, stderr)
		}
		data, _ := os.ReadFile(filepath.Join(parts3, "partial-1-of-3.json"))
		arm := filepath.Join(t.TempDir(), "partial-1-of-3.json")
		os.WriteFile(arm, regexp.MustCompile(`"platform":"[^"]*"`).ReplaceAll(data, []byte(`"platform":"linux/arm64"`)), 0o644)
		_, stderr, status = cli(t, "merge", filepath.Join(parts3, "partial-0-of-3.json"), arm, filepath.Join(parts3, "partial-2-of-3.json"))
		if status != 2 || !strings.Contains(stderr, arm+": run on linux/arm64, but") || !strings.Contains(stderr, "floating point may round differently") {
			t.Errorf("another architecture: status %d, %s", status, stderr)
		}
	})

	t.Run("a corrupted state is refused", func(t *testing.T) {
		data, err := os.ReadFile(filepath.Join(parts3, "partial-2-of-3.json"))
		if err != nil {
			t.Fatal(err)
		}
		var p map[string]any
		if err := json.Unmarshal(data, &p); err != nil {
			t.Fatal(err)
		}
		unit := p["units"].([]any)[0].(map[string]any)
		state, _ := base64.StdEncoding.DecodeString(unit["state"].(string))
		state[len(state)/2] ^= 1
		unit["state"] = base64.StdEncoding.EncodeToString(state)
		bad := filepath.Join(t.TempDir(), "partial-2-of-3.json")
		data, _ = json.Marshal(p)
		os.WriteFile(bad, data, 0o644)
		_, stderr, status := cli(t, "merge", filepath.Join(parts3, "partial-0-of-3.json"), filepath.Join(parts3, "partial-1-of-3.json"), bad)
		if status != 2 || !strings.Contains(stderr, bad+": its units do not match their digest") {
			t.Errorf("a flipped bit: status %d, %s", status, stderr)
		}
	})

	t.Run("a shard killed mid-write is re-run", func(t *testing.T) {
		dir := filepath.Join(root, "retry")
		runShards(t, crudeSweep, 3, dir)
		path := filepath.Join(dir, "partial-1-of-3.json")
		whole, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		// What a writer that is not atomic leaves when killed: half a file.
		if err := os.WriteFile(path, whole[:len(whole)/2], 0o644); err != nil {
			t.Fatal(err)
		}
		_, stderr, status := cli(t, append([]string{"merge"}, partials(dir, 3, 1)...)...)
		if status != 2 || !strings.Contains(stderr, path+": not a whole partial result") || !strings.Contains(stderr, "re-run its shard") {
			t.Errorf("half a partial: status %d, %s", status, stderr)
		}
		// A retry killed while it works (a bigger cluster makes it slow
		// enough to catch) leaves the previous attempt's file as it was:
		// partials are replaced whole, by rename.
		if err := os.WriteFile(path, whole, 0o644); err != nil {
			t.Fatal(err)
		}
		c := nodesimProcess(append(slices.Clone(crudeSweep), "--shard", "1/3", "--out", dir, "--workers", "1", "--set", "cluster.nodes=4000", "--set", "simulation.duration=1d")...)
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(300 * time.Millisecond)
		c.Process.Signal(syscall.SIGKILL)
		if err := c.Wait(); err == nil {
			t.Fatal("the slow shard finished before it was killed")
		}
		if now, _ := os.ReadFile(path); !bytes.Equal(now, whole) {
			t.Fatalf("a killed shard changed %s", path)
		}
		runShards(t, crudeSweep, 3, dir) // the Job retries every failed index; shards 0 and 2 just overwrite theirs
		merged := filepath.Join(root, "merged-retry")
		if _, stderr, status := cli(t, "merge", "--out", merged, dir); status != 0 { // a directory: its partials
			t.Fatalf("merge after the retry: status %d: %s", status, stderr)
		}
		sameFiles(t, full, merged)
	})
}

func TestShardFlagBadInput(t *testing.T) {
	t.Parallel()
	out := t.TempDir()
	for _, tc := range []struct{ shard, want string }{
		{"3/3", `--shard "3/3": I must be 0 to N-1 = 2, got 3`},
		{"0/0", `--shard "0/0": N must be 1 to 100000, got 0`},
		{"-1/3", `--shard "-1/3": I must be 0 to N-1 = 2, got -1`},
		{"x", `--shard "x": want I/N, shard I (from 0) of N`},
		{"1/y", `--shard "1/y": want I/N with whole numbers`},
		{"", `--shard "": want I/N`},
	} {
		_, stderr, status := cli(t, "run", "default", "--shard", tc.shard, "--out", out)
		if status != 2 || !strings.HasPrefix(stderr, "nodesim: "+tc.want) {
			t.Errorf("--shard %q: status %d, stderr %q, want %q", tc.shard, status, stderr, tc.want)
		}
	}
	_, stderr, status := cli(t, "run", "default", "--shard", "0/2")
	if status != 2 || !strings.Contains(stderr, "--shard needs --out DIR, where it writes partial-0-of-2.json") {
		t.Errorf("no --out: status %d, %s", status, stderr)
	}
	_, stderr, status = cli(t, "run", "default", "--shard", "0/2", "--out", out, "--trace", filepath.Join(out, "t.jsonl"))
	if status != 2 || !strings.Contains(stderr, "--shard cannot be combined with --trace") {
		t.Errorf("--trace: status %d, %s", status, stderr)
	}
	_, stderr, status = cli(t, "merge", filepath.Join(out, "nosuch.json"))
	if status != 2 || !strings.Contains(stderr, "nosuch.json") {
		t.Errorf("missing file: status %d, %s", status, stderr)
	}
	_, stderr, status = cli(t, "merge", out)
	if status != 2 || !strings.Contains(stderr, out+": no partial results (partial-I-of-N.json) in it") {
		t.Errorf("empty directory: status %d, %s", status, stderr)
	}
	_, stderr, status = cli(t, "merge")
	if status != 2 || !strings.Contains(stderr, "merge needs the partial results") {
		t.Errorf("no arguments: status %d, %s", status, stderr)
	}
	if es, _ := os.ReadDir(out); len(es) != 0 {
		t.Errorf("bad input left %v in --out", es)
	}
}
