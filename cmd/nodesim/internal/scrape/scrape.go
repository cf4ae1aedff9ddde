// Package scrape reads Prometheus classic histograms out of saved /metrics
// scrapes, in the text exposition format or OpenMetrics, with
// github.com/prometheus/common/expfmt, and sums them the way
// sum by (le) (increase(x_bucket[window])) would.
//
//	f, err := scrape.ReadFile("scrape.prom")
//	res, err := scrape.Sum(sel, []*scrape.File{f}, nil)
//	res.Histogram.Bounds, res.Histogram.Counts, res.Histogram.Total
package scrape

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"

	"github.com/nodesim/nodesim/internal/readfile"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// MaxBytes bounds one scrape file: a kube-apiserver /metrics of a
// 5,000-node cluster is tens of megabytes.
var MaxBytes int64 = 512 << 20

// Error is bad input: a file that cannot be read or parsed, with the line
// where the parser stopped.
type Error = readfile.Error

// Histogram is a classic histogram: finite upper bounds in seconds with
// cumulative counts, and the +Inf bucket's count.
type Histogram struct {
	Bounds []float64
	Counts []float64
	Total  float64
}

// series is one label set of a histogram family (le excluded).
type series struct {
	labels map[string]string
	key    string
	h      Histogram
}

// File is one parsed scrape: its histogram families by name.
type File struct {
	Name     string
	Format   string // "text" or "OpenMetrics"
	families map[string][]series
}

// ReadFile reads and parses a scrape.
func ReadFile(path string) (*File, error) {
	data, more, err := readfile.Limited(path, MaxBytes)
	switch {
	case err != nil:
		return nil, &Error{File: path, Msg: fmt.Sprintf("cannot read metrics: %v", err)}
	case more:
		return nil, &Error{File: path, Msg: fmt.Sprintf("larger than %d MiB: save only the series you need, e.g. grep -E '^(# (HELP|TYPE) )?apiserver_request_duration_seconds'", MaxBytes>>20)}
	}
	return Parse(path, data)
}

// Parse reads one exposition: OpenMetrics when it has a "# EOF" line,
// the Prometheus text format otherwise.
func Parse(name string, data []byte) (*File, error) {
	f := &File{Name: name, families: map[string][]series{}}
	f.Format = "text"
	if isOpenMetrics(data) {
		f.Format = "OpenMetrics"
		var err error
		if data, err = openMetricsToText(name, data); err != nil {
			return nil, err
		}
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(bytes.NewReader(data))
	if err != nil {
		return nil, parseError(name, err)
	}
	for _, mf := range fams {
		if mf.GetType() != dto.MetricType_HISTOGRAM {
			continue
		}
		for _, m := range mf.GetMetric() {
			s, err := fromMetric(m)
			if err != nil {
				return nil, &Error{File: name, Msg: fmt.Sprintf("%s%s: %v", mf.GetName(), s.key, err)}
			}
			f.families[mf.GetName()] = append(f.families[mf.GetName()], s)
		}
	}
	return f, nil
}

// isOpenMetrics reports a "# EOF" line, which OpenMetrics requires and the
// text format would only have as a comment.
func isOpenMetrics(data []byte) bool {
	return bytes.HasPrefix(data, []byte("# EOF")) || bytes.Contains(data, []byte("\n# EOF"))
}

func parseError(name string, err error) error {
	var pe expfmt.ParseError
	if errors.As(err, &pe) {
		return &Error{File: name, Line: pe.Line, Msg: pe.Msg}
	}
	return &Error{File: name, Msg: err.Error()}
}

func fromMetric(m *dto.Metric) (series, error) {
	s := series{labels: map[string]string{}}
	for _, l := range m.GetLabel() {
		s.labels[l.GetName()] = l.GetValue()
	}
	s.key = labelKey(s.labels)
	h := m.GetHistogram()
	s.h.Total = math.NaN()
	for _, b := range h.GetBucket() {
		c := float64(b.GetCumulativeCount())
		if b.CumulativeCountFloat != nil {
			c = b.GetCumulativeCountFloat()
		}
		if math.IsInf(b.GetUpperBound(), 1) {
			s.h.Total = c
			continue
		}
		s.h.Bounds = append(s.h.Bounds, b.GetUpperBound())
		s.h.Counts = append(s.h.Counts, c)
	}
	if math.IsNaN(s.h.Total) { // no +Inf bucket line: _count is the total
		s.h.Total = float64(h.GetSampleCount())
		if h.SampleCountFloat != nil {
			s.h.Total = h.GetSampleCountFloat()
		}
	}
	idx := make([]int, len(s.h.Bounds))
	for i := range idx {
		idx[i] = i
	}
	sort.Slice(idx, func(a, b int) bool { return s.h.Bounds[idx[a]] < s.h.Bounds[idx[b]] })
	bounds, counts := make([]float64, len(idx)), make([]float64, len(idx))
	for i, j := range idx {
		bounds[i], counts[i] = s.h.Bounds[j], s.h.Counts[j]
	}
	s.h.Bounds, s.h.Counts = bounds, counts
	for i := range counts {
		if i > 0 && counts[i] < counts[i-1] || counts[i] > s.h.Total {
			return s, fmt.Errorf("bucket counts are not cumulative at le=%g", bounds[i])
		}
	}
	return s, nil
}

// labelKey renders a label set as {a="x",b="y"}, sorted by name.
func labelKey(labels map[string]string) string {
	names := make([]string, 0, len(labels))
	for n := range labels {
		names = append(names, n)
	}
	sort.Strings(names)
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = fmt.Sprintf("%s=%q", n, labels[n])
	}
	return "{" + strings.Join(parts, ",") + "}"
}
