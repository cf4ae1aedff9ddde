package scenarios

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/nodesim/nodesim/model"
)

// Replays: an incident's at field and the [[failures.event]] tables
// (model/replay.go). Whether a time lies within the run is Validate's to
// say, once simulation.duration is known.

// parseAt reads an at value: a duration after warmup, or a list of them.
func parseAt(v any) ([]time.Duration, error) {
	var vals []any
	switch x := v.(type) {
	case string:
		vals = []any{x}
	case []any:
		vals = x
	default:
		return nil, fmt.Errorf("expected a time after warmup such as \"2h\", or a list of them, got %s", describe(v))
	}
	if len(vals) == 0 {
		return nil, fmt.Errorf("needs at least one time")
	}
	if len(vals) > model.MaxReplays {
		return nil, fmt.Errorf("lists %d times, more than %d: a replay is a known event, not a process (use every)", len(vals), model.MaxReplays)
	}
	out := make([]time.Duration, len(vals))
	for i, x := range vals {
		s, ok := x.(string)
		if !ok {
			return nil, fmt.Errorf("element %d: expected a duration string such as \"2h\", got %s", i+1, describe(x))
		}
		d, err := ParseDuration(s)
		if err != nil {
			return nil, err
		}
		if d < 0 {
			return nil, fmt.Errorf("%s is before the end of warmup: times count from it and must be >= 0s", s)
		}
		if slices.Contains(out[:i], d) {
			return nil, fmt.Errorf("%s is listed twice", s)
		}
		out[i] = d
	}
	return out, nil
}

// everyOrAt checks that an incident table takes exactly one of every and at.
func everyOrAt(key string, m map[string]any) error {
	_, every := m[model.IncidentEvery]
	_, at := m[model.IncidentAt]
	switch {
	case every && at:
		return keyErrorf(key, "takes %s (incidents that arrive by a distribution) or %s (a replay of a known one at given times), not both", model.IncidentEvery, model.IncidentAt)
	case !every && !at:
		return keyErrorf(key, "needs %s (an inter-arrival distribution) or %s (times after warmup to replay it)", model.IncidentEvery, model.IncidentAt)
	}
	return nil
}

func setFailureEvents(c *model.Config, v any, in *source) error {
	tabs, err := asTables(v)
	if err != nil {
		return err
	}
	evs := make([]model.FailureEvent, len(tabs))
	for i, m := range tabs {
		if evs[i], err = parseFailureEvent(fmt.Sprintf("%s[%d]", model.KeyFailureEvent, i+1), m, in); err != nil {
			return err
		}
	}
	c.Failures.Events = evs
	return nil
}

func parseFailureEvent(key string, m map[string]any, in *source) (model.FailureEvent, error) {
	ev := model.FailureEvent{Zone: -1}
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	sort.SliceStable(names, func(i, j int) bool {
		return keyOrder(model.FailureEventFields, names[i]) < keyOrder(model.FailureEventFields, names[j])
	})
	for _, k := range names {
		if err := setEventField(&ev, key, k, m[k], in); err != nil {
			return ev, err
		}
	}
	for _, req := range []string{model.EventAt, model.EventKind, model.EventLasts} {
		if _, ok := m[req]; !ok {
			return ev, keyErrorf(key, "needs %s", req)
		}
	}
	if m[model.EventNodes] != nil && m[model.EventFraction] != nil {
		return ev, keyErrorf(key, "takes %s (a count) or %s (a share of the nodes), not both", model.EventNodes, model.EventFraction)
	}
	return ev, nil
}

func setEventField(ev *model.FailureEvent, key, k string, v any, in *source) error {
	fk := key + "." + k
	var err error
	switch k {
	case model.EventName:
		ev.Name, err = asString(v)
	case model.EventAt:
		ev.At, err = parseAt(v)
	case model.EventKind:
		if ev.Kind, err = asString(v); err == nil && !slices.Contains(model.FailureKindNames(), ev.Kind) {
			err = fmt.Errorf("unknown failure kind %q%s; one of %s", ev.Kind, suggest(ev.Kind, model.FailureKindNames()), strings.Join(model.FailureKindNames(), ", "))
		}
	case model.EventNodes:
		var n int64
		if n, err = asInt(v); err == nil && (n < 1 || n > 1<<31-1) {
			err = fmt.Errorf("must be >= 1, got %d", n)
		}
		ev.Nodes = int(n)
	case model.EventFraction:
		if ev.Fraction, err = asFloat(v); err == nil && !(ev.Fraction > 0 && ev.Fraction <= 1) {
			err = fmt.Errorf("must be in (0, 1], got %v", ev.Fraction)
		}
	case model.EventZone:
		var z int64
		if z, err = asInt(v); err == nil && (z < 0 || z > 1<<31-1) {
			err = fmt.Errorf("must be a zone number >= 0 (zones are numbered from 0, as the output numbers them), got %d", z)
		}
		ev.Zone = int(z)
	case model.EventLasts:
		var d model.Dist
		if d, err = parseDist(fk, v, in); err != nil {
			return err
		}
		if !(d.Mean() > 0) {
			return keyErrorf(fk, "must be longer than 0s, got %s", formatDist(d))
		}
		ev.Lasts = d
	default:
		return keyErrorf(fk, "unknown field of a failure event%s; it takes %s", suggest(k, model.FailureEventFields), strings.Join(model.FailureEventFields, ", "))
	}
	if err != nil {
		return keyErrorf(fk, "%v", err)
	}
	return nil
}

func getFailureEvents(c *model.Config) string {
	if len(c.Failures.Events) == 0 {
		return "none"
	}
	parts := make([]string, len(c.Failures.Events))
	for i, ev := range c.Failures.Events {
		s := ev.Kind + " of "
		switch {
		case ev.Nodes > 0:
			s += fmt.Sprintf("%d nodes", ev.Nodes)
		case ev.Fraction > 0:
			s += formatFloat(ev.Fraction) + " of the nodes"
		default:
			s += "every node"
		}
		if ev.Zone >= 0 {
			s += fmt.Sprintf(" in zone %d", ev.Zone)
		}
		if ev.Name != "" {
			s = fmt.Sprintf("%q %s", ev.Name, s)
		}
		parts[i] = s + " at " + formatAt(ev.At) + ", lasts " + formatDist(ev.Lasts)
	}
	return strings.Join(parts, "; ")
}

func formatAt(at []time.Duration) string {
	s := make([]string, len(at))
	for i, t := range at {
		s[i] = FormatDuration(t)
	}
	return strings.Join(s, ", ")
}
