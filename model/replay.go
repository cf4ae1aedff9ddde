package model

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/nodesim/nodesim/sim"
)

// Replays: a known event placed at given times after warmup instead of
// arriving by a distribution, an incident with At or a one-shot
// correlated failure (FailureEvent). A replay's figures are absolute
// (replay_metrics.go): its false NotReady and their consequences are kept
// out of every per-day figure, which stays for processes with
// inter-arrival distributions.

// Scenario keys of a failure event.
const (
	KeyFailureEvent = "failures.event" // an array of tables: fields below

	EventName     = "name"
	EventAt       = "at"
	EventKind     = "kind"
	EventNodes    = "nodes"
	EventFraction = "fraction"
	EventZone     = "zone"
	EventLasts    = "lasts"
)

// FailureEventFields lists the fields of a failures.event, in the order
// `nodesim check` and error messages use.
var FailureEventFields = []string{EventName, EventAt, EventKind, EventNodes, EventFraction, EventZone, EventLasts}

// MaxReplays bounds an at list: a replay is a known event, not a process.
const MaxReplays = 1000

// FailureEvent is a correlated failure of many nodes at once, replayed
// at each time of At after warmup. It hits Nodes nodes, or the share
// Fraction of them (rounded to the nearest node), chosen at random per
// replication, among those of Zone (every node of the zone when neither
// is set), or among all nodes when Zone < 0.
type FailureEvent struct {
	Name     string
	At       []time.Duration
	Kind     string  // one of FailureKindNames
	Nodes    int     // 0: Fraction or the whole zone
	Fraction float64 // 0: Nodes or the whole zone
	Zone     int     // 0-based, as the output numbers zones; -1: any zone
	Lasts    Dist    // crash: until the kubelet restarts; partition, gray: how long
}

var failKindNames = [...]string{crashFailure: "crash", partitionFailure: "partition", grayFailure: "gray"}

// FailureKindNames lists the failure kinds an event may have.
func FailureKindNames() []string { return failKindNames[:] }

func parseFailKind(s string) (failKind, bool) {
	i := slices.Index(failKindNames[:], s)
	return failKind(i), i >= 0
}

// pool is how many nodes of a cluster the event chooses from.
func (e *FailureEvent) pool(nodes, zones int) int {
	if e.Zone < 0 {
		return nodes
	}
	return shareOf(nodes, zones, e.Zone)
}

// hits is how many nodes the event hits out of a pool of that size.
func (e *FailureEvent) hits(pool int) int {
	switch {
	case e.Nodes > 0:
		return e.Nodes
	case e.Fraction > 0:
		return int(math.Round(e.Fraction * float64(pool)))
	}
	return pool
}

// Replayed reports whether the incident is replayed rather than drawn.
func (in *Incident) Replayed() bool { return len(in.At) > 0 }

// HasReplays reports whether cfg replays any event.
func (c *Config) HasReplays() bool {
	for i := range c.APIServer.Incidents {
		if c.APIServer.Incidents[i].Replayed() {
			return true
		}
	}
	return len(c.Failures.Events) > 0
}

// HasProcesses reports whether anything in cfg arrives by an
// inter-arrival distribution: an incident with every, or a failure
// process. Without one, a replay's scenario has no rate worth a line.
func (c *Config) HasProcesses() bool {
	for i := range c.APIServer.Incidents {
		if !c.APIServer.Incidents[i].Replayed() {
			return true
		}
	}
	return configured(c)
}

// replayOcc is one replayed occurrence: incident or failure event spec
// at time at after warmup.
type replayOcc struct {
	event bool
	spec  int
	at    time.Duration
}

// replayOccs lists cfg's replays in time order (incidents before events,
// then by spec, at the same time): the order of the output.
func (c *Config) replayOccs() []replayOcc {
	var out []replayOcc
	for i, in := range c.APIServer.Incidents {
		for _, at := range in.At {
			out = append(out, replayOcc{spec: i, at: at})
		}
	}
	for i, ev := range c.Failures.Events {
		for _, at := range ev.At {
			out = append(out, replayOcc{event: true, spec: i, at: at})
		}
	}
	slices.SortStableFunc(out, func(a, b replayOcc) int { return cmp.Compare(a.at, b.at) })
	return out
}

// validateReplays checks the at lists and the failure events.
func (c *Config) validateReplays() []error {
	var errs []error
	span := c.Simulation.Duration
	checkAt := func(bad func(field, format string, a ...any), at []time.Duration) {
		if len(at) > MaxReplays {
			bad(IncidentAt, "lists %d times, more than %d: a replay is a known event, not a process (use every)", len(at), MaxReplays)
		}
		for _, t := range at {
			if t < 0 || t > span {
				bad(IncidentAt, "%s is outside the run: times are after warmup, between 0s and %s = %s", formatDuration(t), KeyDuration, formatDuration(span))
				return
			}
		}
	}
	for i := range c.APIServer.Incidents {
		in := &c.APIServer.Incidents[i]
		if !in.Replayed() {
			continue
		}
		bad := func(field, format string, a ...any) {
			errs = append(errs, &FieldError{Key: KeyIncident, Index: i + 1, Field: field, Msg: fmt.Sprintf(format, a...)})
		}
		checkAt(bad, in.At)
		if c.Simulation.Method == MethodRare {
			errs = append(errs, rareReplayError(fmt.Sprintf("%s[%d]", KeyIncident, i+1)))
		}
	}
	for i := range c.Failures.Events {
		ev := &c.Failures.Events[i]
		bad := func(field, format string, a ...any) {
			errs = append(errs, &FieldError{Key: KeyFailureEvent, Index: i + 1, Field: field, Msg: fmt.Sprintf(format, a...)})
		}
		if len(ev.At) == 0 {
			bad(EventAt, "required: when the event happens, after warmup")
		}
		checkAt(bad, ev.At)
		if _, ok := parseFailKind(ev.Kind); !ok {
			bad(EventKind, "must be one of %v, got %q", FailureKindNames(), ev.Kind)
		}
		if err := ev.Lasts.Validate(); err != nil {
			bad(EventLasts, "%v", err)
		} else if !(ev.Lasts.Mean() > 0) {
			bad(EventLasts, "must be longer than 0s")
		}
		if ev.Zone >= c.Cluster.Zones || ev.Zone < -1 {
			bad(EventZone, "must be a zone between 0 and %d (%s = %d), got %d", c.Cluster.Zones-1, KeyZones, c.Cluster.Zones, ev.Zone)
			continue
		}
		pool := ev.pool(c.Cluster.Nodes, c.Cluster.Zones)
		where := "the cluster"
		if ev.Zone >= 0 {
			where = fmt.Sprintf("zone %d", ev.Zone)
		}
		switch k := ev.hits(pool); {
		case ev.Nodes < 0:
			bad(EventNodes, "must be >= 1, got %d", ev.Nodes)
		case ev.Nodes > pool:
			bad(EventNodes, "%d is more than the %d nodes of %s", ev.Nodes, pool, where)
		case ev.Fraction < 0 || ev.Fraction > 1:
			bad(EventFraction, "must be in (0, 1], got %v", ev.Fraction)
		case k < 1:
			bad(EventFraction, "%v of the %d nodes of %s is no node", ev.Fraction, pool, where)
		}
		if c.Simulation.Method == MethodRare {
			errs = append(errs, rareReplayError(fmt.Sprintf("%s[%d]", KeyFailureEvent, i+1)))
		}
	}
	return errs
}

func rareReplayError(what string) error {
	return &FieldError{Key: KeyMethod, Msg: fmt.Sprintf("%q cannot take %s: a replay is one known event, not a rare one, and its figures are absolute; run it with method %q (the replications replay it) and estimate rare rates in a scenario without it",
		MethodRare, what, MethodCrude)}
}

// scheduleReplays arms every replay of the run at warmup + at.
func (r *run) scheduleReplays() {
	for k, o := range r.met.occs {
		if o.event && r.spec.noFailures || !o.event && r.spec.noIncidents {
			continue
		}
		r.eng.At(r.warmup.Add(o.at), r.kReplay, 0, int64(k))
	}
}

// replayStart starts replay k at t. Every replay draws its duration (and
// its nodes) from its own stream, so adding one leaves the scenario's
// processes on the same random numbers.
func (r *run) replayStart(k int, t sim.Time) {
	o := r.met.occs[k]
	if !o.event {
		spec := &r.cfg.APIServer.Incidents[o.spec]
		end := t + sim.Time(spec.Lasts.SampleNs(&r.replayRNG))
		r.met.beginReplay(k, t, end)
		r.inc.start(o.spec, t, end)
		return
	}
	ev := &r.cfg.Failures.Events[o.spec]
	end := t + sim.Time(ev.Lasts.SampleNs(&r.replayRNG))
	r.met.beginReplay(k, t, end)
	st := &r.met.replays[k]
	kind, _ := parseFailKind(ev.Kind)
	var pool []int32
	for i := range r.nodes {
		if ev.Zone < 0 || r.nodes[i].zone == int32(ev.Zone) {
			pool = append(pool, int32(i))
		}
	}
	hits := min(ev.hits(len(pool)), len(pool))
	for j := 0; j < hits; j++ { // a partial Fisher-Yates shuffle: hits nodes, each set equally likely
		s := j + int(r.replayRNG.Int64N(int64(len(pool)-j)))
		pool[j], pool[s] = pool[s], pool[j]
		n := &r.nodes[pool[j]]
		if n.fail != noFailure {
			st.skipped++ // already failed: one failure at a time
			continue
		}
		st.hit++
		n.failReplay = int32(k + 1)
		r.inj.begin(n, kind, t, end)
	}
}
