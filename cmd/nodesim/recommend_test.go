package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nodesim/nodesim/model"
	"github.com/nodesim/nodesim/scenarios"
)

// grace is the key most recommend tests search.
const grace = "controller.node-monitor-grace-period"

// smallLegacy is legacy-slow-status on 50 nodes: heartbeats every 20-50 s,
// so false NotReady vanish between grace 45s and 46s (the first monitor
// pass after 46s is at 50s). A search takes about a second.
var smallLegacy = []string{"recommend", "legacy-slow-status", "--set", "cluster.nodes=50", "--key", grace, "--min", "30s", "--max", "60s", "--budget", "0.05", "--quiet"}

// TestRecommendBadInput: every mistake exits 2 before any simulation,
// with one line naming the flag, and writes nothing.
func TestRecommendBadInput(t *testing.T) {
	t.Parallel()
	base := []string{"recommend", "--key", grace, "--min", "20s", "--max", "60s", "--budget", "1e-3"}
	with := func(extra ...string) []string { return append(append([]string(nil), base...), extra...) }
	for _, tc := range []struct {
		name string
		args []string
		flag string // the message must name it
	}{
		{"unknown-key", []string{"recommend", "--key", "controller.node-monitor-grace", "--min", "1s", "--max", "2s", "--budget", "1e-3"}, "--key"},
		{"non-numeric-key", []string{"recommend", "--key", "apiserver.write-latency", "--min", "1s", "--max", "2s", "--budget", "1e-3"}, "--key"},
		{"min-above-max", []string{"recommend", "--key", grace, "--min", "60s", "--max", "20s", "--budget", "1e-3"}, "--min"},
		{"bad-min", []string{"recommend", "--key", grace, "--min", "abc", "--max", "20s", "--budget", "1e-3"}, "--min"},
		{"bad-int-max", []string{"recommend", "--key", "cluster.nodes", "--min", "10", "--max", "1e3", "--budget", "1e-3"}, "--max"},
		{"zero-budget", []string{"recommend", "--key", grace, "--min", "20s", "--max", "60s", "--budget", "0"}, "--budget"},
		{"negative-budget", []string{"recommend", "--key", grace, "--min", "20s", "--max", "60s", "--budget=-1"}, "--budget"},
		{"no-budget", []string{"recommend", "--key", grace, "--min", "20s", "--max", "60s"}, "--budget"},
		{"two-budgets", with("--budget-per-cluster-day", "1"), "--budget"},
		{"no-key", []string{"recommend", "--budget", "1e-3"}, "--key"},
		{"missing-max", []string{"recommend", "--key", grace, "--min", "20s", "--budget", "1e-3"}, "--max"},
		{"confidence", with("--confidence", "1"), "--confidence"},
		{"resolution", with("--resolution", "0s"), "--resolution"},
		{"format", with("--format", "csv"), "--format"},
		{"method", with("--method", "fast"), "--method"},
		{"set-the-key", with("--set", grace+"=40s"), "--set"},
		{"other-sweep", []string{"recommend", "grace-sweep", "--key", "kubelet.nodeStatusUpdateFrequency", "--min", "5s", "--max", "20s", "--budget", "1e-3"}, "--set"},
		{"grid-too-fine", with("--key", "kubelet.nodeStatusUpdateFrequency", "--min", "1s", "--max", "1m", "--resolution", "1s", "--resolution", "1s"), "--resolution"},
		{"illegal-end", []string{"recommend", "--key", grace, "--min", "0s", "--max", "60s", "--budget", "1e-3"}, grace},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := filepath.Join(t.TempDir(), "out")
			stdout, stderr, status := cli(t, append(tc.args, "--out", out)...)
			if status != 2 || stdout != "" || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, tc.flag) {
				t.Errorf("status %d, stdout %q, stderr %q; want 2, nothing, one line naming %s", status, stdout, stderr, tc.flag)
			}
			golden(t, "bad-recommend-"+tc.name, "stderr", stderr)
			if _, err := os.Stat(out); !os.IsNotExist(err) {
				t.Errorf("--out written: %v", err)
			}
		})
	}
}

// TestRecommendFindsTheStep is the search checked against direct runs:
// the answer meets the budget, one resolution step below does not, and
// every value up to the next monitor pass gives bit-identical counts
// (common random numbers), while the value past it differs.
func TestRecommendFindsTheStep(t *testing.T) {
	t.Parallel()
	stdout, stderr, status := cli(t, append(smallLegacy, "--format", "json", "--no-tolerance")...)
	if status != 0 {
		t.Fatalf("status %d: %s", status, stderr)
	}
	var a struct {
		Recommended *string
		Found       string
		Prefer      string
		Step        struct{ From, To string }
		Points      []struct{ Value, Verdict string }
		Baseline    struct{ Value, Verdict string }
		Detection   struct {
			Detected        int64
			P50S            float64 `json:"p50_s"`
			CrashesInjected bool    `json:"crashes_injected"`
		}
		Eviction *struct {
			EvictedP50S float64 `json:"evicted_p50_s"`
			Evicted     int64
		}
	}
	if err := json.Unmarshal([]byte(stdout), &a); err != nil {
		t.Fatal(err)
	}
	if a.Recommended == nil || *a.Recommended != "46s" || a.Found != "boundary" || a.Prefer != "smallest" || a.Step.From != "46s" || a.Step.To != "50s" {
		t.Fatalf("answer %+v, want 46s, a boundary, step 46s to 50s", a)
	}
	if a.Baseline.Value != "40s" || a.Baseline.Verdict != "above" || a.Detection.Detected == 0 || !a.Detection.CrashesInjected {
		t.Errorf("baseline %+v, detection %+v: want today's 40s above the budget, and crashes injected to measure detection", a.Baseline, a.Detection)
	}
	// v1.12: pods of a crashed node go once pod-eviction-timeout (5m) has
	// passed since its last heartbeat, minutes after its detection.
	if e := a.Eviction; e == nil || e.Evicted == 0 || !(e.EvictedP50S > a.Detection.P50S+200 && e.EvictedP50S < 310) {
		t.Errorf("eviction %+v with detection at %v s: want pods evicted within 5m of the crash, well after detection", e, a.Detection.P50S)
	}
	direct := func(v string) model.FalseNotReady {
		sc, err := scenarios.Load("legacy-slow-status", []string{"cluster.nodes=50", grace + "=" + v})
		if err != nil {
			t.Fatal(err)
		}
		p, err := model.RunPoint(context.Background(), sc.Points[0].Config, 2, nil)
		if err != nil {
			t.Fatal(err)
		}
		return p.FalseNotReady
	}
	at45, at46, at50, at51 := direct("45s"), direct("46s"), direct("50s"), direct("51s")
	if !(at45.RatePerNodeDayCI95.Lo > 0.05) {
		t.Errorf("45s: interval %v, want clearly over the budget 0.05", at45.RatePerNodeDayCI95)
	}
	if at46.Events != at50.Events || at46.Events == at45.Events || at46.Events == at51.Events && at46.Events != 0 {
		t.Errorf("events at 45s, 46s, 50s, 51s: %d, %d, %d, %d; want 46s = 50s, unlike 45s", at45.Events, at46.Events, at50.Events, at51.Events)
	}
	for _, p := range a.Points {
		if x, _ := scenarios.ParseDuration(p.Value); (x < 46*time.Second) != (p.Verdict == "above") {
			t.Errorf("%s: verdict %s, want above below 46s and below from 46s", p.Value, p.Verdict)
		}
	}
}

// TestRecommendDeterministic: the answer, rare-event refinements and
// outage tolerances included, is bit-identical whatever --workers.
func TestRecommendDeterministic(t *testing.T) {
	t.Parallel()
	var outs []string
	for _, w := range []string{"1", "3"} {
		stdout, stderr, status := cli(t, append(smallLegacy, "--format", "json", "--workers", w)...)
		if status != 0 {
			t.Fatalf("--workers %s: status %d: %s", w, status, stderr)
		}
		outs = append(outs, stdout)
	}
	if outs[0] != outs[1] {
		t.Errorf("--workers 1 and 3 differ:\n%s\n%s", outs[0], outs[1])
	}
	if !strings.Contains(outs[0], `"method": "rare"`) || !strings.Contains(outs[0], `"outage_tolerance"`) {
		t.Errorf("the search used no rare-event refinement or no outage tolerance:\n%s", outs[0])
	}
}

// TestRecommendText: one paragraph with the answer, its confidence, its
// cost against today's value and the step; --out writes the same text,
// the JSON and the outage-tolerance chart.
func TestRecommendText(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "out")
	stdout, stderr, status := cli(t, append(smallLegacy, "--out", out)...)
	if status != 0 {
		t.Fatalf("status %d: %s", status, stderr)
	}
	para, _, _ := strings.Cut(stdout, "\n\n")
	for _, want := range []string{
		"node-monitor-grace-period = 46s is the smallest value with fewer than 1 false NotReady per 20 node-days (95% confidence",
		"it detects crashes in ", "slower than today's 40s", "Every value from 46s to 50s behaves the same",
		"Today's 40s: ", "over the budget", "without a false NotReady", "Searched 30s to 1m at 1s resolution: ",
	} {
		if !strings.Contains(para, want) {
			t.Errorf("paragraph lacks %q:\n%s", want, para)
		}
	}
	if strings.Contains(para, "\n") {
		t.Errorf("the answer is not one paragraph:\n%s", para)
	}
	for _, f := range []string{"recommend.json", "recommend.txt", "outage-tolerance.png", "outage-tolerance.svg"} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Error(err)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(out, "recommend.txt")); string(b) != stdout {
		t.Errorf("recommend.txt is not the text output")
	}
}

// TestRecommendInterrupt: Ctrl-C during a search returns within a second
// and writes nothing.
func TestRecommendInterrupt(t *testing.T) {
	if testing.Short() {
		t.Skip("spends a second of CPU")
	}
	t.Parallel()
	interruptPromptly(t, []string{"recommend", "default", "--key", grace, "--min", "20s", "--max", "120s", "--budget", "1e-9"})
}

// TestRecommendFrontier: a second --key makes a grid; the grace each
// heartbeat period needs grows with it, the top-level answer is the one
// at the scenario's own period, and a per-cluster-day budget is the
// per-node-day one times the nodes.
func TestRecommendFrontier(t *testing.T) {
	t.Parallel()
	args := append(append([]string(nil), smallLegacy...), "--no-tolerance", "--format", "json",
		"--key", "kubelet.nodeStatusUpdateFrequency", "--min", "10s", "--max", "15s", "--resolution", "1s", "--resolution", "5s")
	stdout, stderr, status := cli(t, args...)
	if status != 0 {
		t.Fatalf("status %d: %s", status, stderr)
	}
	var a struct {
		Recommended string
		Grid        map[string]string
		Frontier    []struct {
			Grid        map[string]string
			Recommended string
		}
	}
	if err := json.Unmarshal([]byte(stdout), &a); err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, f := range a.Frontier {
		got = append(got, f.Grid["kubelet.nodeStatusUpdateFrequency"]+"→"+f.Recommended)
	}
	if strings.Join(got, " ") != "10s→46s 15s→51s" || a.Recommended != "46s" || a.Grid["kubelet.nodeStatusUpdateFrequency"] != "10s" {
		t.Errorf("frontier %v, answer %s at %v; want 10s→46s 15s→51s, 46s at today's 10s", got, a.Recommended, a.Grid)
	}
	perCluster := []string{"recommend", "legacy-slow-status", "--set", "cluster.nodes=50", "--key", grace, "--min", "30s", "--max", "60s",
		"--budget-per-cluster-day", "2.5", "--quiet", "--no-tolerance", "--format", "json"}
	if stdout, _, _ := cli(t, perCluster...); !strings.Contains(stdout, `"recommended": "46s"`) || !strings.Contains(stdout, `"budget_per_node_day": 0.05`) {
		t.Errorf("2.5 per cluster-day of 50 nodes is not 0.05 per node-day:\n%s", stdout)
	}
}
