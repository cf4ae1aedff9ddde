// Package summary renders model.Results for people (text, Markdown) and
// for tools (JSON, CSV). Everything here is pure: it writes to the
// io.Writer it is given and reads nothing else.
package summary

import (
	"fmt"
	"strings"

	"github.com/nodesim/nodesim/internal/human"
	"github.com/nodesim/nodesim/model"
)

// num, secs and percent format a figure, a span and a fraction as every
// output does; interval and percentInterval their 95% intervals.
func num(n model.Num) string     { return human.Figure(float64(n)) }
func secs(n model.Num) string    { return human.Duration(float64(n)) }
func percent(n model.Num) string { return human.Percent(float64(n)) }
func estimate(x model.Num, iv model.Interval) string {
	return human.Estimate(float64(x), float64(iv.Lo), float64(iv.Hi))
}
func interval(iv model.Interval) string {
	return human.Interval(float64(iv.Lo), float64(iv.Hi))
}
func percentInterval(iv model.Interval) string {
	return human.PercentInterval(float64(iv.Lo), float64(iv.Hi))
}

// footnotes numbers distinct warnings across points.
type footnotes struct {
	text []string
	idx  map[string]int
}

// marks returns the footnote marks of w, numbering new warnings.
func (f *footnotes) marks(w []string, format string) string {
	if f.idx == nil {
		f.idx = map[string]int{}
	}
	var b strings.Builder
	for _, s := range w {
		n, ok := f.idx[s]
		if !ok {
			f.text = append(f.text, s)
			n = len(f.text)
			f.idx[s] = n
		}
		fmt.Fprintf(&b, format, n)
	}
	return b.String()
}

// paramsLabel renders a point's parameters in sweep order: "k=v, k2=v2".
func paramsLabel(res *model.Results, p *model.Point) string {
	var parts []string
	for _, ax := range res.Sweep {
		if ax.Key == "name" { // a named point: its name says it
			parts = append(parts, p.Params[ax.Key])
			continue
		}
		parts = append(parts, shortKey(ax.Key)+"="+p.Params[ax.Key])
	}
	return strings.Join(parts, ", ")
}

// shortKey drops the table: controller.node-monitor-grace-period →
// node-monitor-grace-period, to keep table headers narrow.
func shortKey(k string) string {
	if i := strings.LastIndexByte(k, '.'); i >= 0 {
		return k[i+1:]
	}
	return k
}

func header(res *model.Results) string {
	var reps int
	var nodeDays float64
	for _, p := range res.Points {
		reps = max(reps, p.Replications)
		nodeDays += p.NodeDays
	}
	s := fmt.Sprintf("scenario %s (profile %s, seed %d): %d point", res.Scenario, res.Profile, res.Seed, len(res.Points))
	if len(res.Points) != 1 {
		s += "s"
	}
	s += fmt.Sprintf(" × %d replications, %s node-days", reps, human.NodeDays(nodeDays))
	if len(res.Points) > 0 && res.Points[0].FalseNotReady.Estimator.Method == model.MethodRare {
		s += "; false NotReady by the rare-event method"
	}
	return s
}
