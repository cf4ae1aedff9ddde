package scrape

import (
	"os"
	"strings"
	"testing"
)

var leasePUT = Selector{Metric: "apiserver_request_duration_seconds", Match: [][2]string{{"verb", "PUT"}, {"resource", "leases"}, {"subresource", ""}}}

func read(t *testing.T, name string) *File {
	t.Helper()
	f, err := ReadFile("../../testdata/calibrate/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func TestFormats(t *testing.T) {
	text, om := read(t, "federated.prom"), read(t, "openmetrics.prom")
	if text.Format != "text" || om.Format != "OpenMetrics" {
		t.Fatalf("formats %s, %s", text.Format, om.Format)
	}
	a, _, err := Sum(leasePUT, []*File{text}, nil)
	if err != nil {
		t.Fatal(err)
	}
	b, _, err := Sum(leasePUT, []*File{om}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// The same numbers either way, exemplars and _created ignored.
	if a.Series != 2 || a.Instances != 2 || b.Series != 2 || a.Histogram.Total != b.Histogram.Total || len(a.Histogram.Bounds) != 23 {
		t.Fatalf("text %+v\nOpenMetrics %+v", a, b)
	}
	for i := range a.Histogram.Counts {
		if a.Histogram.Counts[i] != b.Histogram.Counts[i] {
			t.Errorf("bucket %v: %v vs %v", a.Histogram.Bounds[i], a.Histogram.Counts[i], b.Histogram.Counts[i])
		}
	}
}

func TestSumAcrossInstancesAndFiles(t *testing.T) {
	one := read(t, "scrape.prom")
	fed := read(t, "federated.prom")
	r1, _, _ := Sum(leasePUT, []*File{one}, nil)
	r2, _, _ := Sum(leasePUT, []*File{one, one}, nil)
	rf, _, _ := Sum(leasePUT, []*File{fed}, nil)
	if r1.Histogram.Total != 360000 || r2.Histogram.Total != 720000 || rf.Histogram.Total != 720000 || r2.Instances != 2 || rf.Instances != 2 {
		t.Errorf("totals %v %v %v, instances %d %d", r1.Histogram.Total, r2.Histogram.Total, rf.Histogram.Total, r2.Instances, rf.Instances)
	}
	// Only the lease PUT series: configmaps PUT and nodes PATCH stay out.
	if r1.Series != 1 {
		t.Errorf("%d series matched", r1.Series)
	}
}

func TestWindow(t *testing.T) {
	fed, old := read(t, "federated.prom"), read(t, "federated-old.prom")
	full, _, _ := Sum(leasePUT, []*File{fed}, nil)
	half, _, _ := Sum(leasePUT, []*File{old}, nil)
	w, _, err := Sum(leasePUT, []*File{fed}, []*File{old})
	if err != nil {
		t.Fatal(err)
	}
	if w.Histogram.Total != full.Histogram.Total-half.Histogram.Total || len(w.Resets) != 0 {
		t.Fatalf("window total %v, want %v - %v; resets %v", w.Histogram.Total, full.Histogram.Total, half.Histogram.Total, w.Resets)
	}
	for i := range w.Histogram.Counts {
		if w.Histogram.Counts[i] != full.Histogram.Counts[i]-half.Histogram.Counts[i] {
			t.Errorf("bucket %v", w.Histogram.Bounds[i])
		}
	}
	// Swapped, every counter went backwards: each series counts as reset
	// and contributes its own counts, as increase() does.
	r, _, _ := Sum(leasePUT, []*File{old}, []*File{fed})
	if len(r.Resets) != 2 || r.Histogram.Total != half.Histogram.Total {
		t.Errorf("reset: %+v", r)
	}
	if _, _, err := Sum(leasePUT, []*File{fed, fed}, []*File{old}); err == nil || !strings.Contains(err.Error(), "same order") {
		t.Errorf("unpaired windows: %v", err)
	}
}

func TestSharedBounds(t *testing.T) {
	// An apiserver of an older release without the 5ms and 25ms buckets.
	a, err := Parse("a", []byte("# TYPE x histogram\nx_bucket{le=\"0.005\"} 5\nx_bucket{le=\"0.025\"} 8\nx_bucket{le=\"0.05\"} 9\nx_bucket{le=\"+Inf\"} 10\nx_sum 1\nx_count 10\n"))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := Parse("b", []byte("# TYPE x histogram\nx_bucket{le=\"0.05\"} 3\nx_bucket{le=\"+Inf\"} 4\nx_sum 1\nx_count 4\n"))
	r, _, _ := Sum(Selector{Metric: "x"}, []*File{a, b}, nil)
	if len(r.Histogram.Bounds) != 1 || r.Histogram.Counts[0] != 12 || r.Histogram.Total != 14 || len(r.Dropped) != 2 {
		t.Errorf("%+v", r)
	}
}

func TestMalformed(t *testing.T) {
	for _, tc := range []struct{ text, want string }{
		{"# TYPE x histogram\nx_bucket{le=\"0.1\"} 1\nx_bucket{le=\"0.2\" 2\n", "a:3: "},
		{"# TYPE x histogram\nx_bucket{le=\"0.1\"} 1\nx_bucket{le=\"0.2\"} ten\n", "a:3: "},
		{"# TYPE x histogram\nx_bucket{le=\"0.1\"}\nx_bucket{le=\"+Inf\"} 2\n# EOF\n", "a:2: "},
		{"# TYPE x histogram\nx_bucket{le=\"0.1\"} 5\nx_bucket{le=\"0.2\"} 3\nx_bucket{le=\"+Inf\"} 5\n", "not cumulative at le=0.2"},
		{"# TYPE x counter\nx_total 1\n# EOF\nmore\n", "a:4: unexpected data after # EOF"},
	} {
		_, err := Parse("a", []byte(tc.text))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want %q", tc.text, err, tc.want)
		}
	}
	if _, err := ReadFile("../../testdata/calibrate/no-such.prom"); err == nil || !strings.Contains(err.Error(), "no such file") {
		t.Errorf("missing file: %v", err)
	}
}

func TestTooLarge(t *testing.T) {
	defer func(m int64) { MaxBytes = m }(MaxBytes)
	MaxBytes = 1 << 20
	path := t.TempDir() + "/big.prom"
	f, _ := os.Create(path)
	f.Truncate(MaxBytes + 1)
	f.Close()
	if _, err := ReadFile(path); err == nil || !strings.Contains(err.Error(), "larger than 1 MiB") {
		t.Errorf("%v", err)
	}
}

// TestOpenMetricsSyntax: what OpenMetrics writes differently from the text
// format reaches expfmt's text parser as the same samples.
func TestOpenMetricsSyntax(t *testing.T) {
	om := `# HELP x Latency with "quotes" and # signs.
# TYPE x histogram
# UNIT x seconds
x_bucket{path="/a} # {b",le="0.1"} 3 1.7e+09 # {trace_id="k} #"} 0.05 1.7e+09
x_bucket{path="/a} # {b",le="+Inf"} 4 1.7e+09
x_count{path="/a} # {b"} 4
x_sum{path="/a} # {b"} 0.4
x_created{path="/a} # {b"} 1.6e+09
# TYPE y unknown
y 1
# TYPE z info
z_info{version="1"} 1
# EOF
`
	f, err := Parse("om", []byte(om))
	if err != nil {
		t.Fatal(err)
	}
	r, found, _ := Sum(Selector{Metric: "x", Match: [][2]string{{"path", "/a} # {b"}}}, []*File{f}, nil)
	if !found || r.Histogram.Total != 4 || r.Histogram.Counts[0] != 3 || f.Format != "OpenMetrics" {
		t.Errorf("%+v %v", r, f.Format)
	}
	if got := string(sampleValue([]byte(`a{b="c d"} 1 2 # {e="f"} 3`))); got != `a{b="c d"} 1` {
		t.Errorf("sampleValue: %q", got)
	}
	if got := string(sampleValue([]byte(`a 1 2`))); got != `a 1` {
		t.Errorf("sampleValue: %q", got)
	}
}
