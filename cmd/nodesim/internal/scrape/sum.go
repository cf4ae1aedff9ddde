package scrape

import (
	"fmt"
	"sort"
	"strings"
)

// Selector picks the series of one histogram family whose labels have the
// given values; an empty value matches a missing label too.
type Selector struct {
	Metric string
	Match  [][2]string // label, value: in order, for messages
}

func (s Selector) String() string {
	parts := make([]string, len(s.Match))
	for i, m := range s.Match {
		parts[i] = fmt.Sprintf("%s=%q", m[0], m[1])
	}
	return s.Metric + "{" + strings.Join(parts, ",") + "}"
}

func (s Selector) matches(labels map[string]string) bool {
	for _, m := range s.Match {
		if labels[m[0]] != m[1] {
			return false
		}
	}
	return true
}

// Result is a summed histogram and what went into it.
type Result struct {
	Histogram Histogram
	Series    int      // label sets summed, over every file
	Instances int      // distinct instance labels, or files when there are none
	Resets    []string // series whose counters went backwards between the scrapes
	Dropped   []float64
}

// Sum adds up the selected series of every file: sum by (le). With olds
// (the scrapes taken earlier, paired with news by position), each series
// contributes its increase, new minus old, matched by labels; a series
// whose counts went backwards was reset (its apiserver restarted) and
// contributes its new counts, as Prometheus's increase() does. Bounds that
// not every series has are dropped: the cumulative count at a shared
// bound is exact, so the sum loses resolution, never correctness.
// Found reports whether any series matched.
func Sum(sel Selector, news, olds []*File) (res Result, found bool, err error) {
	if olds != nil && len(olds) != len(news) {
		return res, false, fmt.Errorf("--window-from: %d old scrapes for %d new ones; give one per new scrape, in the same order", len(olds), len(news))
	}
	var parts []Histogram
	instances := map[string]bool{}
	for i, f := range news {
		var old map[string]Histogram
		if olds != nil {
			old = map[string]Histogram{}
			for _, s := range olds[i].families[sel.Metric] {
				if sel.matches(s.labels) {
					old[s.key] = s.h
				}
			}
		}
		for _, s := range f.families[sel.Metric] {
			if !sel.matches(s.labels) {
				continue
			}
			found = true
			h := s.h
			if o, ok := old[s.key]; ok {
				d, reset := delta(h, o)
				if reset {
					res.Resets = append(res.Resets, f.Name+" "+s.key)
				} else {
					h = d
				}
			}
			parts = append(parts, h)
			res.Series++
			inst := s.labels["instance"]
			if inst == "" {
				inst = fmt.Sprintf("file %d", i)
			}
			instances[inst] = true
		}
	}
	res.Instances = len(instances)
	res.Histogram, res.Dropped = add(parts)
	return res, found, nil
}

// delta is n - o bucket by bucket; reset when any count went down.
func delta(n, o Histogram) (Histogram, bool) {
	oc := map[float64]float64{}
	for i, b := range o.Bounds {
		oc[b] = o.Counts[i]
	}
	d := Histogram{Bounds: n.Bounds, Counts: make([]float64, len(n.Counts)), Total: n.Total - o.Total}
	if d.Total < 0 {
		return n, true
	}
	for i, b := range n.Bounds {
		d.Counts[i] = n.Counts[i] - oc[b]
		if d.Counts[i] < 0 {
			return n, true
		}
	}
	return d, false
}

// add sums histograms over the bounds they all share.
func add(hs []Histogram) (Histogram, []float64) {
	if len(hs) == 0 {
		return Histogram{}, nil
	}
	seen := map[float64]int{}
	for _, h := range hs {
		for _, b := range h.Bounds {
			seen[b]++
		}
	}
	var shared, dropped []float64
	for b, n := range seen {
		if n == len(hs) {
			shared = append(shared, b)
		} else {
			dropped = append(dropped, b)
		}
	}
	sort.Float64s(shared)
	sort.Float64s(dropped)
	sum := Histogram{Bounds: shared, Counts: make([]float64, len(shared))}
	for _, h := range hs {
		j := 0
		for i, b := range h.Bounds {
			if j < len(shared) && b == shared[j] {
				sum.Counts[j] += h.Counts[i]
				j++
			}
		}
		sum.Total += h.Total
	}
	return sum, dropped
}
