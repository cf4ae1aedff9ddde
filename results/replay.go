package results

import (
	"fmt"
	"strings"

	"github.com/nodesim/nodesim/internal/human"
	"github.com/nodesim/nodesim/model"
)

// The sentences that present replays: absolute figures, never a rate.

func count(n model.Num) string { return human.Count(float64(n)) }

// Replay is the event's absolute figures in words, after its title.
func Replay(x *model.ReplayResult) string {
	var parts []string
	reps := len(x.PerReplication)
	event := strings.HasPrefix(x.Source, model.KeyFailureEvent)
	if event {
		parts = append(parts, fmt.Sprintf("%s of the %s failed nodes went Unknown%s", count(x.FailedNodesUnknown), count(x.NodesHit), spread(x.Min.FailedNodesUnknown, x.Max.FailedNodesUnknown, reps)))
		if x.NodesUnknown > 0 {
			parts = append(parts, fmt.Sprintf("%s healthy nodes went Unknown too%s", count(x.NodesUnknown), spread(x.Min.NodesUnknown, x.Max.NodesUnknown, reps)))
		}
	} else if x.NodesUnknown > 0 {
		parts = append(parts, fmt.Sprintf("%s of %d nodes went Unknown%s", count(x.NodesUnknown), x.Nodes, spread(x.Min.NodesUnknown, x.Max.NodesUnknown, reps)))
	} else {
		parts = append(parts, fmt.Sprintf("no node went Unknown%s", over(reps)))
	}
	if x.FirstUnknownS.Defined() {
		parts[len(parts)-1] += fmt.Sprintf(", %s to %s after it began", secs(x.FirstUnknownS), secs(x.LastUnknownS))
	}
	if x.UnknownMeanS.Defined() {
		parts = append(parts, fmt.Sprintf("Unknown for %s on average, %s at most", secs(x.UnknownMeanS), secs(x.Max.UnknownMaxS)))
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
func Why(x *model.ReplayResult) string {
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
			if x.Effect == model.Unavailable.String() {
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
	if !strings.HasPrefix(x.Source, model.KeyFailureEvent) && x.NodesUnknown < model.Num(x.Nodes) {
		lead = fmt.Sprintf("Why only %s of %d", count(x.NodesUnknown), x.Nodes)
	}
	return lead + ": " + s + "."
}

// Writes explains, for incidents that arrive by a distribution, why they
// flip fewer nodes than their length suggests: "" when no Ready=Unknown
// write failed during one.
func Writes(w *model.UnknownWrites) string {
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
	return Capitalize(s) + ": those nodes stayed Ready, as a node past its grace period does until the controller's write lands, and a heartbeat the controller sees first saves it; so incidents flip fewer nodes than their length suggests."
}

func spread(lo, hi model.Num, reps int) string {
	if reps < 2 {
		return ""
	}
	if lo == hi {
		return fmt.Sprintf(" in each of %d replications", reps)
	}
	return fmt.Sprintf(" (mean of %d replications, range %s–%s)", reps, count(lo), count(hi))
}

func over(reps int) string {
	if reps < 2 {
		return ""
	}
	return fmt.Sprintf(" in any of %d replications", reps)
}

// Explanations are the lines that follow a point's reading, in every
// output alike: each replayed event's absolute figures and why, or, for
// incidents that arrive by a distribution, why they flip fewer nodes
// than their length suggests.
func Explanations(p *model.Point) []string {
	var out []string
	for i := range p.Replays {
		x := &p.Replays[i]
		out = append(out, "Replayed, absolute figures: "+Replay(x)+".")
		if why := Why(x); why != "" {
			out = append(out, why)
		}
	}
	if len(p.Replays) == 0 {
		if s := Writes(&p.UnknownWrites); s != "" {
			out = append(out, s)
		}
	}
	return out
}
