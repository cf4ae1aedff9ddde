package model

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// The sentences that present replays, shared by the text summary and
// report.md so a figure reads the same in both: absolute, never a rate.

var effectPhrases = [...]string{
	Unavailable:    "etcd unavailable",
	Slow:           "apiserver slow",
	WatchStall:     "controller watch stalled",
	LeaderFailover: "no controller leader",
	DeadConnection: "connections dead",
}

// Title names the event: "etcd unavailable for 90 s at 2h", or
// "crash of 100 nodes in zone 1 for 10 min at 1h".
func (x *ReplayResult) Title() string {
	var what string
	if e, ok := ParseEffect(x.Effect); ok && strings.HasPrefix(x.Source, KeyIncident) {
		what = effectPhrases[e]
	} else {
		what = fmt.Sprintf("%s of %s nodes", x.Effect, count(x.NodesHit+x.NodesSkipped))
		if x.Zone >= 0 {
			what += fmt.Sprintf(" in zone %d", x.Zone)
		}
	}
	s := fmt.Sprintf("%s for %s at %s", what, seconds(x.DurationS), formatSeconds(float64(x.StartS)))
	if x.Name != "" {
		s = fmt.Sprintf("%s (%s)", x.Name, s)
	}
	return s
}

// Sentence is the event's absolute figures in words.
func (x *ReplayResult) Sentence() string {
	var parts []string
	reps := len(x.PerReplication)
	event := strings.HasPrefix(x.Source, KeyFailureEvent)
	if event {
		parts = append(parts, fmt.Sprintf("%s of the %s failed nodes went Unknown%s", count(x.FailedNodesUnknown), count(x.NodesHit), x.spread(x.Min.FailedNodesUnknown, x.Max.FailedNodesUnknown, reps)))
		if x.NodesUnknown > 0 {
			parts = append(parts, fmt.Sprintf("%s healthy nodes went Unknown too%s", count(x.NodesUnknown), x.spread(x.Min.NodesUnknown, x.Max.NodesUnknown, reps)))
		}
	} else if x.NodesUnknown > 0 {
		parts = append(parts, fmt.Sprintf("%s of %d nodes went Unknown%s", count(x.NodesUnknown), x.Nodes, x.spread(x.Min.NodesUnknown, x.Max.NodesUnknown, reps)))
	} else {
		parts = append(parts, fmt.Sprintf("no node went Unknown%s", x.over(reps)))
	}
	if x.FirstUnknownS.Defined() {
		parts[len(parts)-1] += fmt.Sprintf(", %s to %s after it began", seconds(x.FirstUnknownS), seconds(x.LastUnknownS))
	}
	if x.UnknownMeanS.Defined() {
		parts = append(parts, fmt.Sprintf("Unknown for %s on average, %s at most", seconds(x.UnknownMeanS), seconds(x.Max.UnknownMaxS)))
	}
	if x.StillUnknown > 0 {
		parts = append(parts, fmt.Sprintf("%s still Unknown when the run ended", count(x.StillUnknown)))
	}
	parts = append(parts, fmt.Sprintf("%s endpoint pod-seconds lost", count(x.PodSecondsLost)),
		fmt.Sprintf("%s NoExecute taints", count(x.Taints)), fmt.Sprintf("%s pods evicted", count(x.Evictions)))
	return x.Title() + ": " + strings.Join(parts, "; ")
}

// Why says why an incident flipped the nodes it did, from what the run
// counted: failed Unknown writes, and the race after it ended. Empty when
// there is nothing to explain.
func (x *ReplayResult) Why() string {
	w, c, l := x.FailedUnknownWrites, x.CancelledUnknownWrites, x.FailedLeaseChecks
	var s string
	if w > 0 || c > 0 || l > 0 {
		var failed []string
		if l > 0 {
			failed = append(failed, fmt.Sprintf("%s live lease checks", count(l)))
		}
		if w > 0 {
			failed = append(failed, fmt.Sprintf("%s Ready=Unknown writes", count(w)))
		}
		if len(failed) > 0 {
			s = fmt.Sprintf("%s of the controller's failed in its window", strings.Join(failed, " and "))
			if x.Effect == Unavailable.String() {
				s = fmt.Sprintf("the controller cannot mark a node Unknown while etcd is down either: %s failed", strings.Join(failed, " and "))
			}
		}
		if c > 0 {
			if s != "" {
				s += ", and "
			}
			s += fmt.Sprintf("%s Ready=Unknown writes were cancelled by a kubelet PATCH that committed first (409)", count(c))
		}
	}
	if raced := x.HeartbeatFirst + x.ControllerFirst; raced > 0 {
		if s != "" {
			s += "; "
		}
		already := fmt.Sprintf("%s of them already when it ended", count(x.PastGraceAtEnd))
		if x.PastGraceAtEnd == raced {
			already = "all of them already when it ended"
		}
		s += fmt.Sprintf("after it ended, %s nodes went past their grace period before the controller saw a heartbeat from them (%s), so each one's renewal raced the controller's next visit: %s renewals were seen first and those nodes stayed Ready, %s nodes were reached first and went Unknown",
			count(raced), already, count(x.HeartbeatFirst), count(x.ControllerFirst))
	}
	if s == "" {
		return ""
	}
	lead := "Why"
	if !strings.HasPrefix(x.Source, KeyFailureEvent) && x.NodesUnknown < Num(x.Nodes) {
		lead = fmt.Sprintf("Why only %s of %d", count(x.NodesUnknown), x.Nodes)
	}
	return lead + ": " + s + "."
}

// WritesSentence explains, for incidents that arrive by a distribution,
// why they flip fewer nodes than their length suggests: "" when no
// Ready=Unknown write failed during one.
func (w *UnknownWrites) WritesSentence() string {
	var failed []string
	if w.LeaseChecksFailedDuringIncidents > 0 {
		failed = append(failed, fmt.Sprintf("%d live lease checks", w.LeaseChecksFailedDuringIncidents))
	}
	if w.FailedDuringIncidents > 0 {
		failed = append(failed, fmt.Sprintf("%d Ready=Unknown writes", w.FailedDuringIncidents))
	}
	var s string
	if len(failed) > 0 {
		s = fmt.Sprintf("during incidents %s of the controller failed", strings.Join(failed, " and "))
	}
	if w.CancelledDuringIncidents > 0 {
		if s != "" {
			s += ", and "
		} else {
			s = "during incidents "
		}
		s += fmt.Sprintf("%d Ready=Unknown writes were cancelled by a kubelet PATCH that committed first (409)", w.CancelledDuringIncidents)
	}
	if s == "" {
		return ""
	}
	return capitalizeFirst(s) + ": those nodes stayed Ready, as a node past its grace period does until the controller's write lands, and a heartbeat the controller sees first saves it; so incidents flip fewer nodes than their length suggests."
}

func capitalizeFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// NotApplicable is what the per-day lines say in a scenario that only
// replays events.
const NotApplicable = "not applicable: the scenario only replays events, whose figures are absolute (below), with no process that arrives by a distribution"

func (x *ReplayResult) spread(lo, hi Num, reps int) string {
	if reps < 2 {
		return ""
	}
	if lo == hi {
		return fmt.Sprintf(" in each of %d replications", reps)
	}
	return fmt.Sprintf(" (mean of %d replications, range %s–%s)", reps, count(lo), count(hi))
}

func (x *ReplayResult) over(reps int) string {
	if reps < 2 {
		return ""
	}
	return fmt.Sprintf(" in any of %d replications", reps)
}

// count renders a count or a mean of counts: "412", "412.5", "12360".
func count(n Num) string {
	v := float64(n)
	if !n.Defined() {
		return "-"
	}
	if v == math.Trunc(v) {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	if math.Abs(v) >= 100 {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

// seconds renders a span for a sentence: "48.2 s", "10 min", "2 h".
func seconds(n Num) string {
	s := float64(n)
	switch {
	case !n.Defined():
		return "-"
	case s < 120:
		return strconv.FormatFloat(s, 'g', 3, 64) + " s"
	case s < 7200:
		return strconv.FormatFloat(s/60, 'g', 3, 64) + " min"
	}
	return strconv.FormatFloat(s/3600, 'g', 3, 64) + " h"
}

// replayWarnings flags replays too close to the end of the run for
// their aftermath to be seen: recovery within windowPost, and for a
// failure event its pods' eviction after the toleration.
func (c *Config) replayWarnings() []error {
	var out []error
	post := windowPost(c)
	// need is how long after its start a replay's aftermath lasts.
	check := func(key string, i int, at []time.Duration, need float64) {
		for _, t := range at {
			if t.Seconds()+need > c.Simulation.Duration.Seconds() {
				out = append(out, &FieldError{Key: key, Index: i + 1, Field: IncidentAt, Msg: fmt.Sprintf(
					"the run ends %s after warmup, before the aftermath of the replay at %s (about %s from its start until nodes recover or their pods are evicted): its figures are cut off; lengthen %s",
					formatDuration(c.Simulation.Duration), formatDuration(t), formatSeconds(need), KeyDuration)})
				return
			}
		}
	}
	for i := range c.APIServer.Incidents {
		if in := &c.APIServer.Incidents[i]; in.Replayed() {
			check(KeyIncident, i, in.At, in.Lasts.Mean()+post.Seconds())
		}
	}
	tol := time.Duration(c.APIServer.DefaultUnreachableTolerationSeconds) * time.Second
	for i := range c.Failures.Events {
		ev := &c.Failures.Events[i]
		check(KeyFailureEvent, i, ev.At, max(ev.Lasts.Mean(), tol.Seconds())+post.Seconds())
	}
	return out
}

// replayResultWarnings flags replays whose figures the end of the run cut off.
func replayResultWarnings(p *Point) []string {
	var w []string
	for i := range p.Replays {
		if x := &p.Replays[i]; x.StillUnknown > 0 {
			w = append(w, fmt.Sprintf("%s: %s nodes were still Unknown when the run ended, so its durations, taints and evictions are cut off; lengthen %s",
				x.Title(), count(x.StillUnknown), KeyDuration))
		}
	}
	return w
}

// Explanations are the lines that follow a point's reading, in the text
// summary and report.md alike: each replayed event's absolute figures
// and why, or, for incidents that arrive by a distribution, why they
// flip fewer nodes than their length suggests.
func (p *Point) Explanations() []string {
	var out []string
	for i := range p.Replays {
		x := &p.Replays[i]
		out = append(out, "Replayed, absolute figures: "+x.Sentence()+".")
		if why := x.Why(); why != "" {
			out = append(out, why)
		}
	}
	if len(p.Replays) == 0 {
		if s := p.UnknownWrites.WritesSentence(); s != "" {
			out = append(out, s)
		}
	}
	return out
}
