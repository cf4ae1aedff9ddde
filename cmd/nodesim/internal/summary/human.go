// Package summary renders model.Results for people (text, Markdown) and
// for tools (JSON, CSV). Everything here is pure: it writes to the
// io.Writer it is given and reads nothing else.
package summary

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/nodesim/nodesim/model"
)

// Sig formats x with about n significant digits and no exponent in the
// range people read comfortably.
func Sig(x float64, n int) string {
	switch {
	case math.IsNaN(x) || math.IsInf(x, 0):
		return "-"
	case x == 0:
		return "0"
	}
	ax := math.Abs(x)
	if ax >= 1e7 || ax < 1e-4 {
		return strconv.FormatFloat(x, 'e', n-1, 64)
	}
	mag := int(math.Floor(math.Log10(ax)))
	dec := max(0, n-1-mag)
	s := strconv.FormatFloat(x, 'f', dec, 64)
	if strings.Contains(s, ".") {
		s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	}
	return s
}

// num formats a Num with 3 significant digits, "-" when undefined.
func num(n model.Num) string { return Sig(float64(n), 3) }

// interval formats a 95% interval as "[lo, hi]", both bounds in the same
// notation: "[9.67e-05, 1.03e-04]", not "[9.67e-05, 0.000103]".
func interval(iv model.Interval) string {
	lo, hi := float64(iv.Lo), float64(iv.Hi)
	if small := func(x float64) bool { return x != 0 && math.Abs(x) < 1e-4 }; small(lo) || small(hi) {
		return "[" + sci(lo) + ", " + sci(hi) + "]"
	}
	return "[" + num(iv.Lo) + ", " + num(iv.Hi) + "]"
}

func sci(x float64) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "-"
	}
	if x == 0 {
		return "0"
	}
	return strconv.FormatFloat(x, 'e', 2, 64)
}

// Seconds renders a span for people: "430 ms", "43 s", "2.5 min",
// "5.2 hours", "38 days", "2.1 years".
func Seconds(s float64) string {
	switch {
	case math.IsNaN(s) || math.IsInf(s, 0):
		return "-"
	case s < 1:
		return Sig(s*1000, 2) + " ms"
	case s < 120:
		return Sig(s, 2) + " s"
	case s < 2*3600:
		return Sig(s/60, 2) + " min"
	case s < 2*86400:
		return Sig(s/3600, 2) + " hours"
	case s < 2*365*86400:
		return Sig(s/86400, 2) + " days"
	}
	return Sig(s/(365*86400), 2) + " years"
}

func secs(n model.Num) string { return Seconds(float64(n)) }

// Sentence is the plain-language reading of one point, e.g. "about 1
// false NotReady every 38 days across 1000 nodes; real crashes detected
// in 43 s median, 52 s p99".
func Sentence(p *model.Point, failures string) string {
	if p.Detection.Failures == 0 && replaysFailures(p) {
		return falseSentence(p) + "; failures only replayed (below)"
	}
	return falseSentence(p) + "; " + detectionSentence(&p.Detection, failures) + failoverSentence(&p.Failover)
}

// failoverSentence continues the detection: ", endpoints removed in 52 s
// median, pods evicted in 5.8 min median (6.0 min p99)".
func failoverSentence(f *model.Failover) string {
	var parts []string
	if f.EndpointsRemoved > 0 {
		parts = append(parts, fmt.Sprintf("endpoints removed in %s median", secs(f.EndpointsRemovedP50S)))
	}
	if f.Evicted > 0 {
		parts = append(parts, fmt.Sprintf("pods evicted in %s median (%s p99)", secs(f.EvictedP50S), secs(f.EvictedP99S)))
	}
	if f.NotEvicted > 0 {
		parts = append(parts, fmt.Sprintf("%d never evicted", f.NotEvicted))
	}
	if len(parts) == 0 {
		return ""
	}
	return ", " + strings.Join(parts, ", ")
}

// replaysFailures reports whether p replays a failure event, whose
// detection is among its absolute figures rather than in detection.
func replaysFailures(p *model.Point) bool {
	for i := range p.Replays {
		if strings.HasPrefix(p.Replays[i].Source, model.KeyFailureEvent) {
			return true
		}
	}
	return false
}

func falseSentence(p *model.Point) string {
	if p.RatesNotApplicable {
		return "per-day rates " + model.NotApplicable
	}
	f := &p.FalseNotReady
	rare := f.Estimator.Method == model.MethodRare
	switch {
	case rare && f.Estimator.StoppedBy == "below-floor":
		return fmt.Sprintf("false NotReady too rare to matter: the rare-event estimate is %s per node-day, under the floor of interest (95%% bound %s)", num(f.RatePerNodeDay), num(f.RatePerNodeDayCI95.Hi))
	case rare && !(f.RatePerNodeDay > 0):
		return fmt.Sprintf("no false NotReady found by the rare-event method (95%% bound: under %s per node-day)", num(f.RatePerNodeDayCI95.Hi))
	case !rare && f.Events == 0:
		return fmt.Sprintf("no false NotReady in %s node-days (95%% bound: under %s per node-day)", Sig(p.NodeDays, 3), num(f.RatePerNodeDayCI95.Hi))
	}
	nodes := ""
	if f.RatePerNodeDay.Defined() && f.RatePerNodeDay > 0 && f.PerClusterDay.Defined() {
		nodes = fmt.Sprintf(" across %.0f nodes", float64(f.PerClusterDay/f.RatePerNodeDay))
	}
	nodes += bursts(f)
	perDay := float64(f.PerClusterDay)
	if perDay >= 1 {
		return fmt.Sprintf("about %s false NotReady a day%s", Sig(perDay, 2), nodes)
	}
	return fmt.Sprintf("about 1 false NotReady every %s%s", Seconds(86400/perDay), nodes)
}

// fewBursts is how few episodes make a crude figure rest on its bursts:
// below it the interval's variance comes from a handful of sizes.
const fewBursts = 10

// bursts says when a crude count came in a few bursts of many nodes:
// ", but from 2 bursts of about 120 nodes".
func bursts(f *model.FalseNotReady) string {
	if f.Estimator.Method == model.MethodRare || f.Episodes == 0 || f.Episodes >= fewBursts || f.Events < 2*f.Episodes {
		return ""
	}
	if f.Episodes == 1 {
		return fmt.Sprintf(", but from 1 burst of %d nodes", f.Events)
	}
	return fmt.Sprintf(", but from %d bursts of about %s nodes (the largest %d)", f.Episodes, Sig(float64(f.Events)/float64(f.Episodes), 2), f.LargestEpisode)
}

func detectionSentence(d *model.Detection, failures string) string {
	if d.Failures == 0 {
		return "no failures injected"
	}
	if d.Detected == 0 {
		return fmt.Sprintf("none of %d %s detected", d.Failures, failures)
	}
	s := fmt.Sprintf("%s detected in %s median, %s p99", failures, secs(d.P50S), secs(d.P99S))
	if d.Failures > d.Detected {
		s += fmt.Sprintf(" (%d of %d never detected)", d.Failures-d.Detected, d.Failures)
	}
	return s
}

// FailureKinds names the injected failures from the changed parameters:
// "real crashes", "gray failures", or "injected failures" for a mix.
func FailureKinds(res *model.Results) string {
	var kinds []string
	names := map[string]string{"crash": "real crashes", "partition": "partitions", "gray": "gray failures", "runtime-down": "runtime outages"}
	for _, k := range []string{"crash", "partition", "gray", "runtime-down"} {
		for _, c := range res.Changed {
			if c.Key == "failures."+k+".every" {
				kinds = append(kinds, names[k])
			}
		}
	}
	if len(kinds) == 1 {
		return kinds[0]
	}
	return "injected failures"
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
	s += fmt.Sprintf(" × %d replications, %s node-days", reps, Sig(nodeDays, 3))
	if len(res.Points) > 0 && res.Points[0].FalseNotReady.Estimator.Method == model.MethodRare {
		s += "; false NotReady by the rare-event method"
	}
	return s
}
