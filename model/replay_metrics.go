package model

import (
	"fmt"
	"math"

	"github.com/nodesim/nodesim/sim"
)

// A replay's figures, per replication. A node's Ready→Unknown counts for
// a replay when it falls in the replay's window (its start to
// windowPost after its end) or when the node is one of a failure event's;
// the episode's duration, endpoint loss, taint and evictions follow it to
// its end. None of it counts in the per-day figures, and the windows'
// node-time is not in node_days.
type replayStat struct {
	start, end   sim.Time // sim.Never: not started
	until        sim.Time // end of the window
	hit, skipped int64    // failure events: nodes failed, and nodes already in a failure
	falseN       int64    // healthy nodes that went Unknown
	realN        int64    // the event's failed nodes that went Unknown
	first, last  sim.Time // first and last of those transitions
	durN         int64    // episodes over, and their Unknown time
	durSum       float64
	durMax       float64
	open         int64   // still Unknown at the end of the run
	podSecs      float64 // endpoint pod-seconds of healthy nodes
	taints       int64
	evictions    int64 // pods
	failedW      int64 // Ready=Unknown writes that failed ("Skipping - no pods will be evicted")
	cancelledW   int64 // and that a kubelet PATCH won (409, then a fresh heartbeat in the GET)
	leaseW       int64 // live lease GETs that failed (v1.37+): the node skipped, no write tried
	atRisk       int64 // of the nodes in danger after a replayed incident, those past grace by the controller's record at its end
	// After it, nodes whose record went past grace before the controller
	// saw a heartbeat (won), and nodes the controller marked Unknown
	// first (lost).
	won, lost int64
}

// UnknownWrites counts the controller's Ready=Unknown writes that did not
// land, after warmup: the reason an outage flips fewer nodes than its
// length suggests.
type UnknownWrites struct {
	Failed    int64 `json:"failed"`    // the write, or the GET after it, failed
	Cancelled int64 `json:"cancelled"` // 409: a kubelet PATCH committed first and the GET showed a fresh heartbeat
	// Of those, during an incident's window (its start to a few grace
	// periods after its end), replays included.
	FailedDuringIncidents    int64 `json:"failed_during_incidents"`
	CancelledDuringIncidents int64 `json:"cancelled_during_incidents"`
	// LeaseChecksFailed are live lease GETs before an Unknown
	// (NodeControllerLeaseCircuitBreaker, v1.37+) that failed: the node was
	// skipped without a write.
	LeaseChecksFailed                int64 `json:"lease_checks_failed"`
	LeaseChecksFailedDuringIncidents int64 `json:"lease_checks_failed_during_incidents"`
}

// add sums o into w.
func (w *UnknownWrites) add(o *UnknownWrites) {
	w.Failed += o.Failed
	w.Cancelled += o.Cancelled
	w.FailedDuringIncidents += o.FailedDuringIncidents
	w.CancelledDuringIncidents += o.CancelledDuringIncidents
	w.LeaseChecksFailed += o.LeaseChecksFailed
	w.LeaseChecksFailedDuringIncidents += o.LeaseChecksFailedDuringIncidents
}

// leaseCheckFailed records a live lease GET sent at t, if it failed.
func (m *Replication) leaseCheckFailed(t sim.Time, failed bool) {
	if !failed || !m.after(t) {
		return
	}
	m.unknownWrites.LeaseChecksFailed++
	k := m.replayAt(t)
	if k >= 0 {
		m.replays[k].leaseW++
	}
	if k >= 0 || t >= m.incFrom && t <= m.incUntil {
		m.unknownWrites.LeaseChecksFailedDuringIncidents++
	}
}

func (m *Replication) initReplays(r *run) {
	m.occs = r.cfg.replayOccs()
	m.replays = make([]replayStat, len(m.occs))
	for k := range m.replays {
		m.replays[k] = replayStat{start: sim.Never, end: sim.Never, until: sim.Never, first: sim.Never, last: -1}
	}
	m.post = windowPost(r.cfg)
}

// beginReplay starts replay k at t until end, and its window, merged
// with the previous one when they overlap.
func (m *Replication) beginReplay(k int, t, end sim.Time) {
	s := &m.replays[k]
	s.start, s.end, s.until = t, end, end.Add(m.post)
	lo, hi := max(s.start, m.warmup), min(s.until, m.end)
	if hi <= lo {
		return
	}
	if w := len(m.windows); w > 0 && lo <= m.windows[w-1][1] {
		m.windows[w-1][1] = max(m.windows[w-1][1], hi)
		return
	}
	m.windows = append(m.windows, [2]sim.Time{lo, hi})
}

// replayAt is the replay whose window holds t (the latest started), or -1.
func (m *Replication) replayAt(t sim.Time) int {
	// NB: every window holding a t before the end is in m.windows, in time
	// order: most calls (a heartbeat each) end here.
	if w := len(m.windows); t < m.end && (w == 0 || t > m.windows[w-1][1]) {
		return -1
	}
	for k := len(m.replays) - 1; k >= 0; k-- {
		if s := &m.replays[k]; s.start <= t && t <= s.until {
			return k
		}
	}
	return -1
}

// outsideReplays is the part of [a, b) after warmup, before the end and
// outside every replay window, in seconds.
func (m *Replication) outsideReplays(a, b sim.Time) float64 {
	secs := overlap(a, b, m.warmup, m.end)
	for _, w := range m.windows {
		secs -= overlap(a, b, w[0], w[1])
	}
	return max(secs, 0)
}

// replayUnknown counts n's Ready→Unknown at t for replay k.
func (m *Replication) replayUnknown(n *node, k int, t sim.Time, real bool) {
	s := &m.replays[k]
	n.replay, n.unknownSince = int32(k+1), t
	n.falseEpisode = false
	if real {
		s.realN++
	} else {
		s.falseN++
	}
	s.first, s.last = min(s.first, t), max(s.last, t) // a pass's instants are not in time order
}

// replayTransition takes n's Ready→Unknown at t when it belongs to a
// replay, and reports whether it did.
func (m *Replication) replayTransition(n *node, t sim.Time) bool {
	m.race(n, n.probe, t, false)
	if n.fail != noFailure {
		if n.failReplay != 0 && !n.failDetected {
			m.replayUnknown(n, int(n.failReplay-1), t, true)
		}
		return false // detected() marks it
	}
	if k := m.replayAt(t); k >= 0 && m.after(t) {
		m.replayUnknown(n, k, t, false)
		return true
	}
	return false
}

// replayRecovery closes n's replay episode at t, as recovery does a false one.
func (m *Replication) replayRecovery(n *node, t sim.Time) {
	if n.replay == 0 {
		return
	}
	s := &m.replays[n.replay-1]
	d := t.Sub(n.unknownSince).Seconds()
	s.durN++
	s.durSum += d
	s.durMax = max(s.durMax, d)
	if n.failReplay == 0 && n.fail == noFailure && n.failEnd <= n.unknownSince {
		back := nextGridTick(t, 10e9, n.podSyncPhase) // as recovery: the pods' next status sync
		s.podSecs += float64(m.podsPerNode) * back.Sub(n.unknownSince).Seconds()
	}
	n.replay = 0
}

// race settles n's race after replayed incident k: the first of the
// controller seeing a heartbeat from it (heartbeat, previous one at
// before) and marking it Unknown, at t after the incident ended. A node
// was in danger only if the controller's record went past its grace
// period first: a heartbeat then wins the race, an Unknown loses it.
// NB: a pass handles its nodes at instants after it starts, so this goes
// by those instants, not by when the incident's end is simulated.
func (m *Replication) race(n *node, before, t sim.Time, heartbeat bool) {
	k := m.replayAt(t)
	if k < 0 || n.raceReplay == int32(k+1) || n.fail != noFailure || m.occs[k].event {
		return
	}
	s := &m.replays[k]
	if t <= s.end {
		return
	}
	n.raceReplay = int32(k + 1)
	grace := m.grace
	if heartbeat && t-before <= grace {
		return // never in danger
	}
	if heartbeat {
		s.won++
	} else {
		s.lost++
	}
	if before+grace < s.end {
		s.atRisk++
	}
}

// tainted records the NoExecute taint (or, without taints, the pod
// deletion) of n at t.
func (m *Replication) tainted(n *node, t sim.Time) {
	if n.replay != 0 && m.after(t) {
		m.replays[n.replay-1].taints++
	}
}

// replayEviction takes pods evicted from n when its episode is a replay's.
func (m *Replication) replayEviction(n *node, t sim.Time) bool {
	if n.replay == 0 || !m.after(t) {
		return false
	}
	m.replays[n.replay-1].evictions += m.podsPerNode
	return true
}

// unknownWrite records a Ready=Unknown write of the pass instant t that
// failed, or that a kubelet PATCH cancelled.
func (m *Replication) unknownWrite(t sim.Time, cancelled bool) {
	if !m.after(t) {
		return
	}
	inIncident := t >= m.incFrom && t <= m.incUntil
	k := m.replayAt(t)
	if k >= 0 {
		inIncident = true
		if cancelled {
			m.replays[k].cancelledW++
		} else {
			m.replays[k].failedW++
		}
	}
	w := &m.unknownWrites
	if cancelled {
		w.Cancelled++
		if inIncident {
			w.CancelledDuringIncidents++
		}
		return
	}
	w.Failed++
	if inIncident {
		w.FailedDuringIncidents++
	}
}

// finishReplays counts the replay episodes still open at the end.
func (m *Replication) finishReplays(nodes []node) {
	for i := range nodes {
		if n := &nodes[i]; n.replay != 0 {
			m.replays[n.replay-1].open++
		}
	}
}

// figures are replication's absolute figures for its replay.
func (s *replayStat) figures() ReplayFigures {
	f := ReplayFigures{
		DurationS: NaN(), NodesHit: Num(s.hit), NodesSkipped: Num(s.skipped), NodesUnknown: Num(s.falseN), FailedNodesUnknown: Num(s.realN),
		FirstUnknownS: NaN(), LastUnknownS: NaN(), UnknownMeanS: NaN(), UnknownMaxS: NaN(), StillUnknown: Num(s.open),
		PodSecondsLost: Num(s.podSecs), Taints: Num(s.taints), Evictions: Num(s.evictions),
		FailedUnknownWrites: Num(s.failedW), CancelledUnknownWrites: Num(s.cancelledW), FailedLeaseChecks: Num(s.leaseW),
		PastGraceAtEnd: Num(s.atRisk), HeartbeatFirst: Num(s.won), ControllerFirst: Num(s.lost),
	}
	if s.start == sim.Never {
		return f
	}
	f.DurationS = Num(s.end.Sub(s.start).Seconds())
	if s.first != sim.Never {
		f.FirstUnknownS, f.LastUnknownS = Num(s.first.Sub(s.start).Seconds()), Num(s.last.Sub(s.start).Seconds())
	}
	if s.durN > 0 {
		f.UnknownMeanS, f.UnknownMaxS = Num(s.durSum/float64(s.durN)), Num(s.durMax)
	}
	return f
}

// replayResults summarises each replay over the replications: the mean
// of each figure (over the replications where it is defined), its range,
// and every replication's own.
func replayResults(cfg *Config, reps []*Replication) []ReplayResult {
	occs := cfg.replayOccs()
	if len(occs) == 0 {
		return nil
	}
	out := make([]ReplayResult, len(occs))
	for k, o := range occs {
		x := &out[k]
		x.StartS, x.Nodes = Num(o.at.Seconds()), cfg.Cluster.Nodes
		if o.event {
			ev := &cfg.Failures.Events[o.spec]
			x.Name, x.Effect, x.Source = ev.Name, ev.Kind, fmt.Sprintf("%s[%d]", KeyFailureEvent, o.spec+1)
			x.Zone = ev.Zone
		} else {
			in := &cfg.APIServer.Incidents[o.spec]
			x.Name, x.Effect, x.Source = in.Name, in.Effect.String(), fmt.Sprintf("%s[%d]", KeyIncident, o.spec+1)
			x.Zone = -1
		}
		for _, r := range reps {
			if k < len(r.replays) {
				x.PerReplication = append(x.PerReplication, r.replays[k].figures())
			}
		}
		x.ReplayFigures, x.Min, x.Max = meanRange(x.PerReplication)
	}
	return out
}

// meanRange is each figure's mean, minimum and maximum over fs, ignoring
// undefined values.
func meanRange(fs []ReplayFigures) (mean, lo, hi ReplayFigures) {
	means, los, his := mean.fields(), lo.fields(), hi.fields()
	for i := range means {
		var sum float64
		var n int
		mn, mx := math.Inf(1), math.Inf(-1)
		for j := range fs {
			v := float64(*fs[j].fields()[i])
			if math.IsNaN(v) {
				continue
			}
			sum, n = sum+v, n+1
			mn, mx = math.Min(mn, v), math.Max(mx, v)
		}
		*means[i], *los[i], *his[i] = NaN(), NaN(), NaN()
		if n > 0 {
			*means[i], *los[i], *his[i] = Num(sum/float64(n)), Num(mn), Num(mx)
		}
	}
	return mean, lo, hi
}

func (f *ReplayFigures) fields() []*Num {
	return []*Num{&f.DurationS, &f.NodesHit, &f.NodesSkipped, &f.NodesUnknown, &f.FailedNodesUnknown, &f.FirstUnknownS, &f.LastUnknownS,
		&f.UnknownMeanS, &f.UnknownMaxS, &f.StillUnknown, &f.PodSecondsLost, &f.Taints, &f.Evictions,
		&f.FailedUnknownWrites, &f.CancelledUnknownWrites, &f.FailedLeaseChecks, &f.PastGraceAtEnd, &f.HeartbeatFirst, &f.ControllerFirst}
}
