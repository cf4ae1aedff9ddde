package results

import (
	"fmt"
	"strings"

	"github.com/nodesim/nodesim/internal/human"
	"github.com/nodesim/nodesim/model"
)

// NotApplicable is what the per-day figures say in a scenario that only
// replays events.
const NotApplicable = "not applicable: the scenario only replays events, whose figures are absolute (below), with no process that arrives by a distribution"

func num(n model.Num) string  { return human.Figure(float64(n)) }
func secs(n model.Num) string { return human.Duration(float64(n)) }

// secsBoth formats a median and its p99 in one unit (human.Durations).
func secsBoth(p50, p99 model.Num) (string, string) {
	s := human.Durations(float64(p50), float64(p99))
	return s[0], s[1]
}

// Sentence is the plain-language reading of one point, e.g. "about 1
// false NotReady every 5 weeks across 1000 nodes; real crashes detected
// in 43 s median, 52 s p99". failures names the injected failures
// (FailureKinds).
func Sentence(p *model.Point, failures string) string {
	if p.Detection.Failures == 0 && replaysFailures(p) {
		return FalseNotReady(p) + "; failures only replayed (below)"
	}
	return FalseNotReady(p) + "; " + detection(&p.Detection, failures) + failover(&p.Failover)
}

// FalseNotReady is the point's false NotReady in words: "about 3 false
// NotReady a day across 1000 nodes", or, when none were seen, the bound.
func FalseNotReady(p *model.Point) string {
	if p.RatesNotApplicable {
		return "per-day rates " + NotApplicable
	}
	f := &p.FalseNotReady
	hi := float64(f.RatePerNodeDayCI95.Hi)
	rare := f.Estimator.Method == model.MethodRare
	switch {
	case rare && f.Estimator.StoppedBy == "below-floor":
		return fmt.Sprintf("false NotReady too rare to matter: the rare-event estimate is %s per node-day, under the floor of interest (%s)", human.Estimate(float64(f.RatePerNodeDay), float64(f.RatePerNodeDayCI95.Lo), hi), human.AtMost(hi, "node-day"))
	case rare && !(f.RatePerNodeDay > 0):
		return fmt.Sprintf("no false NotReady found by the rare-event method (%s)", human.AtMost(hi, "node-day"))
	case !rare && f.Events == 0:
		return fmt.Sprintf("no false NotReady in %s node-days (%s)", human.NodeDays(p.NodeDays), human.AtMost(hi, "node-day"))
	}
	nodes := ""
	if f.RatePerNodeDay.Defined() && f.RatePerNodeDay > 0 && f.PerClusterDay.Defined() {
		nodes = fmt.Sprintf(" across %.0f nodes", float64(f.PerClusterDay/f.RatePerNodeDay))
	}
	return "about " + human.PerDay(float64(f.PerClusterDay), "false NotReady") + nodes + bursts(f)
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
	return fmt.Sprintf(", but from %d bursts of about %s nodes (the largest %d)", f.Episodes, human.Figure(float64(f.Events)/float64(f.Episodes)), f.LargestEpisode)
}

func detection(d *model.Detection, failures string) string {
	if d.Failures == 0 {
		return "no failures injected"
	}
	if d.Detected == 0 {
		return fmt.Sprintf("none of %d %s detected", d.Failures, failures)
	}
	p50, p99 := secsBoth(d.P50S, d.P99S)
	s := fmt.Sprintf("%s detected in %s median, %s p99", failures, p50, p99)
	if d.Failures > d.Detected {
		s += fmt.Sprintf(" (%d of %d never detected)", d.Failures-d.Detected, d.Failures)
	}
	return s
}

// failover continues the detection: ", endpoints removed in 52 s
// median, pods evicted in 5.8 min median (6 min p99)".
func failover(f *model.Failover) string {
	var parts []string
	if f.EndpointsRemoved > 0 {
		parts = append(parts, fmt.Sprintf("endpoints removed in %s median", secs(f.EndpointsRemovedP50S)))
	}
	if f.Evicted > 0 {
		p50, p99 := secsBoth(f.EvictedP50S, f.EvictedP99S)
		parts = append(parts, fmt.Sprintf("pods evicted in %s median (%s p99)", p50, p99))
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

// Capitalize starts a sentence.
func Capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
