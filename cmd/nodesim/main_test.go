package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nodesim/nodesim/scenarios"
)

var update = flag.Bool("update", false, "rewrite testdata/*.stdout and *.stderr from the current output")

// cli runs the command line as main does and returns its output and
// exit status.
func cli(t *testing.T, args ...string) (stdout, stderr string, status int) {
	t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), &out, &errb, args)
	status = exitStatus(&errb, err)
	return out.String(), errb.String(), status
}

// golden compares got with testdata/name.ext; a missing file is empty.
// On a mismatch it writes testdata/name.got-ext and shows a diff.
func golden(t *testing.T, name, ext, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+"."+ext)
	if *update {
		if got == "" {
			os.Remove(path)
			return
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, _ := os.ReadFile(path)
	if string(want) == got {
		return
	}
	gotPath := filepath.Join("testdata", name+".got-"+ext)
	if err := os.WriteFile(gotPath, []byte(got), 0o644); err != nil {
		t.Fatal(err)
	}
	diff, _ := exec.Command("diff", "-Nu", path, gotPath).CombinedOutput()
	t.Errorf("%s differs from %s (go test -update to accept):\n%s", gotPath, path, diff)
}

// TestGolden pins the output of commands that simulate nothing.
func TestGolden(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name   string
		args   []string
		status int
	}{
		{"help", []string{"--help"}, 0},
		{"run-help", []string{"run", "--help"}, 0},
		{"recommend-help", []string{"recommend", "--help"}, 0},
		{"merge-help", []string{"merge", "--help"}, 0},
		{"scenarios", []string{"scenarios"}, 0},
		{"scenarios-show-default", []string{"scenarios", "show", "default"}, 0},
		{"scenarios-presets", []string{"scenarios", "presets"}, 0},
		{"scenarios-show-preset", []string{"scenarios", "show", "gce-5000-lease-get"}, 0},
		{"check-default", []string{"check", "default"}, 0},
		{"check-default-json", []string{"check", "default", "--format", "json"}, 0},
		{"bad-check-format", []string{"check", "--format", "yaml"}, 2},
		{"check-set-sweep", []string{"check", "grace-sweep", "--set", "controller.workers=1,8", "--set", "cluster.nodes=500"}, 0},
		{"check-warnings", []string{"check", "default", "--set", "controller.node-monitor-grace-period=8s", "--set", "failures.crash.every=5s"}, 0},
		{"bad-command", []string{"bogus"}, 2},
		{"bad-flag", []string{"run", "--bogus"}, 2},
		{"bad-format", []string{"run", "--format", "xml"}, 2},
		{"bad-args", []string{"run", "a", "b"}, 2},
		{"bad-scenario", []string{"run", "nosuch"}, 2},
		{"bad-set-key", []string{"run", "--set", "kubelet.nodeStatusUpdateFrequncy=20s"}, 2},
		{"bad-set-value", []string{"check", "--set", "controller.node-monitor-grace-period=40"}, 2},
		{"bad-workers", []string{"run", "--workers", "0"}, 2},
		{"bad-show", []string{"scenarios", "show", "nosuch"}, 2},
		{"bad-plot", []string{"plot", "testdata/no-such-results.json"}, 2},
		{"bad-trace-sweep", []string{"run", "grace-sweep", "--trace", "testdata/x.jsonl"}, 2},
		{"bad-trace-replication", []string{"run", "--trace", "testdata/x.jsonl", "--trace-replication", "2"}, 2},
		{"bad-trace-replication-alone", []string{"run", "--trace-replication", "1"}, 2},
		{"bad-trace-dir", []string{"run", "--trace", "testdata"}, 2},
		{"bad-scenario-device", []string{"run", "/dev/zero"}, 2}, // issue 19: read until memory ran out
		{"bad-plot-device", []string{"plot", "/dev/zero"}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stdout, stderr, status := cli(t, tc.args...)
			if status != tc.status {
				t.Errorf("exit status %d, want %d; stderr:\n%s", status, tc.status, stderr)
			}
			golden(t, tc.name, "stdout", stdout)
			golden(t, tc.name, "stderr", stderr)
		})
	}
}

// TestBadInputCorpus runs every bad scenario: exit status 2, one
// "nodesim: " line naming the key, and no --out directory.
func TestBadInputCorpus(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob("../../scenarios/testdata/bad/*.toml")
	if len(files) < 30 {
		t.Fatalf("%d bad scenarios, want >= 30", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, _ := os.ReadFile(f)
			want, _ := strings.CutPrefix(strings.SplitN(string(data), "\n", 2)[0], "# want: ")
			out := filepath.Join(t.TempDir(), "out")
			stdout, stderr, status := cli(t, "run", f, "--out", out, "--quiet")
			if status != 2 || stdout != "" || !strings.HasPrefix(stderr, "nodesim: ") || !strings.Contains(stderr, want) {
				t.Errorf("status %d, stdout %q, stderr %q; want 2, nothing, and a message containing %q", status, stdout, stderr, want)
			}
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("--out directory exists after bad input: %v", err)
			}
		})
	}
}

// TestBadSetCorpus runs every bad --set of the corpus through run: exit
// status 2, one "nodesim: " line naming the key, and no --out directory.
func TestBadSetCorpus(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("../../scenarios/testdata/bad/sets.txt")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, line := range strings.Split(string(data), "\n") {
		set, want, ok := strings.Cut(line, " => ")
		if !ok || strings.HasPrefix(line, "#") {
			continue
		}
		n++
		out := filepath.Join(t.TempDir(), "out")
		stdout, stderr, status := cli(t, "run", "--set", set, "--out", out, "--quiet")
		if status != 2 || stdout != "" || !strings.HasPrefix(stderr, "nodesim: ") || !strings.Contains(stderr, want) || strings.Count(stderr, "\n") != 1 {
			t.Errorf("--set %s: status %d, stdout %q, stderr %q; want 2, nothing, and one line containing %q", set, status, stdout, stderr, want)
		}
		if _, err := os.Stat(out); !os.IsNotExist(err) {
			t.Errorf("--set %s: --out directory exists after bad input: %v", set, err)
		}
	}
	if n < 15 {
		t.Errorf("%d cases in sets.txt", n)
	}
}

// small keeps simulation tests quick.
var small = []string{"--set", "cluster.nodes=100", "--set", "simulation.duration=2h", "--replications", "4", "--quiet"}

// TestWorkersBitIdentical: the JSON must not depend on --workers.
func TestWorkersBitIdentical(t *testing.T) {
	t.Parallel()
	var outs [2]string
	for i, w := range []string{"1", "2"} {
		stdout, stderr, status := cli(t, append([]string{"run", "default", "--format", "json", "--workers", w}, small...)...)
		if status != 0 {
			t.Fatalf("--workers %s: status %d: %s", w, status, stderr)
		}
		outs[i] = stdout
	}
	if outs[0] != outs[1] {
		t.Errorf("--workers 1 and 2 differ:\n%s\n---\n%s", outs[0], outs[1])
	}
}

// TestRunWarns: run prints the scenario's warnings on stderr, before the
// results, and stdout stays the document alone.
func TestRunWarns(t *testing.T) {
	t.Parallel()
	stdout, stderr, status := cli(t, append([]string{"run", "default", "--format", "json", "--set", "controller.node-monitor-grace-period=9s"}, small...)...)
	want := "nodesim: warning: --set: controller.node-monitor-grace-period: 9s is not longer than the heartbeat interval (10s, lease renewals)"
	if status != 0 || !strings.HasPrefix(stderr, want) || strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stdout, "{") {
		t.Errorf("status %d, stderr %q, stdout starts %.20q; want 0, one warning %q, and the JSON", status, stderr, stdout, want)
	}
}

// TestOut writes every output file and no temporary ones, and plot
// regenerates the report from results.json.
func TestOut(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "review")
	if _, stderr, status := cli(t, append([]string{"run", "default", "--out", dir}, small...)...); status != 0 {
		t.Fatalf("run: status %d: %s", status, stderr)
	}
	for _, f := range []string{"results.json", "results.csv", "report.md"} {
		if fi, err := os.Stat(filepath.Join(dir, f)); err != nil || fi.Size() == 0 {
			t.Errorf("%s: %v", f, err)
		}
	}
	tmp, _ := filepath.Glob(filepath.Join(dir, ".*tmp-*"))
	if len(tmp) > 0 {
		t.Errorf("temporary files left: %v", tmp)
	}
	os.Remove(filepath.Join(dir, "report.md"))
	if _, stderr, status := cli(t, "plot", filepath.Join(dir, "results.json")); status != 0 {
		t.Fatalf("plot: status %d: %s", status, stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "report.md")); err != nil {
		t.Errorf("plot wrote no report.md: %v", err)
	}
}

// TestBuiltinSummaries runs every built-in scenario as shipped and pins
// its text summary in testdata/builtin-NAME.stdout (go test -update).
func TestBuiltinSummaries(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("runs every built-in scenario in full")
	}
	for _, name := range scenarios.BuiltinNames() {
		t.Run(name, func(t *testing.T) {
			t.Parallel() // fills the cores a scenario's last replications leave idle
			stdout, stderr, status := cli(t, "run", name, "--quiet")
			if status != 0 {
				t.Fatalf("status %d: %s", status, stderr)
			}
			golden(t, "builtin-"+name, "stdout", stdout)
		})
	}
}
