package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

const cal = "testdata/calibrate/"

// TestCalibrateGolden pins calibrate's scenario and warnings on
// real-shaped scrapes, and its messages on bad input.
func TestCalibrateGolden(t *testing.T) {
	for _, tc := range []struct {
		name   string
		args   []string
		status int
	}{
		{"calibrate-scrape", []string{"calibrate", cal + "scrape.prom"}, 0},
		{"calibrate-openmetrics", []string{"calibrate", cal + "openmetrics.prom"}, 0},
		{"calibrate-window", []string{"calibrate", cal + "federated.prom", "--window-from", cal + "federated-old.prom", "--scenario", "grace-sweep"}, 0},
		{"calibrate-restarted", []string{"calibrate", cal + "federated-restarted.prom", "--window-from", cal + "federated-old.prom"}, 0},
		{"calibrate-missing-series", []string{"calibrate", cal + "no-lease-get.prom"}, 0},
		{"bad-calibrate-malformed", []string{"calibrate", cal + "malformed.prom"}, 2},
		{"bad-calibrate-not-apiserver", []string{"calibrate", cal + "etcd.prom"}, 2},
		{"bad-calibrate-window-count", []string{"calibrate", cal + "scrape.prom", cal + "scrape.prom", "--window-from", cal + "scrape-old.prom"}, 2},
		{"bad-calibrate-no-args", []string{"calibrate"}, 2},
		{"bad-calibrate-scenario", []string{"calibrate", cal + "scrape.prom", "--scenario", "nosuch"}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stdout, stderr, status := cli(t, tc.args...)
			if status != tc.status {
				t.Errorf("exit status %d, want %d; stderr:\n%s", status, tc.status, stderr)
			}
			if tc.status != 0 && stdout != "" {
				t.Errorf("bad input printed a scenario")
			}
			golden(t, tc.name, "stdout", stdout)
			golden(t, tc.name, "stderr", stderr)
		})
	}
}

// TestCalibrateRoundTrip: `nodesim calibrate scrape.prom > mine.toml &&
// nodesim run mine.toml` works, and check reports the p50/p99 the
// calibrate comment promised.
func TestCalibrateRoundTrip(t *testing.T) {
	stdout, stderr, status := cli(t, "calibrate", cal+"scrape.prom")
	if status != 0 {
		t.Fatalf("calibrate: %d %s", status, stderr)
	}
	mine := filepath.Join(t.TempDir(), "mine.toml")
	if err := os.WriteFile(mine, []byte(stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, status := cli(t, append([]string{"run", mine}, small...)...); status != 0 {
		t.Fatalf("run mine.toml: %d %s", status, stderr)
	}
	out, _, status := cli(t, "check", mine, "--format", "json")
	if status != 0 {
		t.Fatal(out)
	}
	var doc struct {
		Parameters []struct {
			Key    string
			Source string
			P50S   *float64 `json:"p50_s"`
		}
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	var p50 float64
	for _, p := range doc.Parameters {
		if p.Key == "apiserver.write-latency" {
			p50 = *p.P50S
		}
	}
	m := regexp.MustCompile(`360000 requests; p50 ([0-9.]+)ms`).FindStringSubmatch(stdout)
	if m == nil {
		t.Fatalf("no p50 comment in:\n%s", stdout)
	}
	want, _ := strconv.ParseFloat(m[1], 64)
	if d := p50*1e3 - want; d > 0.01 || d < -0.01 {
		t.Errorf("check p50 %vms, calibrate said %vms", p50*1e3, want)
	}
	// Calibrating the calibrated scenario again changes nothing.
	again, _, status := cli(t, "calibrate", cal+"scrape.prom", "--scenario", mine)
	if status != 0 || again != stdout {
		t.Errorf("second calibration differs:\n%s", again)
	}
	if !strings.Contains(stdout, `name = "default-calibrated"`) {
		t.Errorf("name not set")
	}
}
