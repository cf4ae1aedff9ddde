package model

import (
	"fmt"
	"strings"
	"time"

	"github.com/nodesim/nodesim/internal/human"
)

// A replay's title, which its warnings name too; the sentences that
// present replays are in package results.

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

// count renders a count or a mean of counts, and seconds a span, as
// every output does.
func count(n Num) string   { return human.Count(float64(n)) }
func seconds(n Num) string { return human.Duration(float64(n)) }

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
