package scenarios

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nodesim/nodesim/model"
)

func writeScenario(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "h.toml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestHistogramDist reads the histogram distribution with every way of
// writing the +Inf bound, and integer or float (rate) counts.
func TestHistogramDist(t *testing.T) {
	for _, le := range []string{`[0.005, 0.025, 0.1, inf]`, `[0.005, 0.025, 0.1, +inf]`, `["0.005", "0.025", "0.1", "+Inf"]`, `[0.005, 0.025, 0.1, "+Inf"]`} {
		path := writeScenario(t, "[apiserver]\nwrite-latency = { dist = \"histogram\", le = "+le+", counts = [600, 950.5, 998, 1000] }\n")
		sc, err := Load(path, nil)
		if err != nil {
			t.Fatalf("le = %s: %v", le, err)
		}
		d := sc.Base.APIServer.WriteLatency
		if d.Kind != model.Histogram || d.Buckets.Total() != 1000 || len(d.Buckets.Bounds()) != 3 {
			t.Fatalf("le = %s: %+v", le, d)
		}
		if got := d.Buckets.Quantile(0.5); math.Abs(got-0.005*500/600) > 1e-15 {
			t.Errorf("p50 = %v", got)
		}
		if s := settingValue(sc, "apiserver.write-latency"); s != "histogram 3 buckets, 1000 observations, p50=4.17ms p99=87.4ms" {
			t.Errorf("check shows %q", s)
		}
	}
}

func TestPresets(t *testing.T) {
	path := writeScenario(t, "[apiserver]\nread-latency = { preset = \"gce-5000-lease-get\" }\n")
	sc, err := Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	b := sc.Base.APIServer.ReadLatency.Buckets
	for p, want := range map[float64]float64{0.5: 0.032, 0.9: 0.143, 0.99: 1.664} {
		if got := b.Quantile(p); math.Abs(got-want) > 1e-12 {
			t.Errorf("p%v = %v, want %v (the published figure)", 100*p, got, want)
		}
	}
	if s := settingValue(sc, "apiserver.read-latency"); !strings.HasPrefix(s, "preset gce-5000-lease-get (histogram 3 buckets") {
		t.Errorf("check shows %q", s)
	}
	for _, p := range Presets() {
		if p.Source == "" || p.What == "" {
			t.Errorf("preset %s cites no source", p.Name)
		}
		if _, err := Load("default", []string{"informer.watch-delay={preset=\"" + p.Name + "\"}"}); err != nil {
			t.Errorf("preset %s: %v", p.Name, err)
		}
	}
}

func settingValue(sc *Scenario, key string) string {
	for _, s := range sc.Settings {
		if s.Key == key {
			return s.Value
		}
	}
	return ""
}
