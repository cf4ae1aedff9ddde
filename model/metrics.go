package model

import (
	"math"
	"time"

	"github.com/nodesim/nodesim/sim"
)

// Replication holds the metrics of one replication, mergeable in
// replication order into a Point (DESIGN §5). Memory is bounded: counters,
// fixed-size histograms and, for replication 0 only, a fixed-size
// timeline.
type Replication struct {
	nodes        int
	warmup, end  sim.Time
	podsPerNode  int64
	falseEvents  int64
	falseDur     sim.Histogram
	unknownSecs  float64 // healthy node-time shown Unknown
	cellLen      sim.Time
	cells, hit   int64 // node-day cells, and those with a false NotReady
	heartbeats   int64
	endpointSecs float64 // pod-seconds
	evictions    int64
	unknownNow   int
	maxUnknown   int
	episodes     int64
	partialSecs  float64 // zone-seconds
	fullSecs     float64
	failSecs     float64 // node-seconds in injected failures
	failures     int64
	detectedN    int64
	undetected   int64
	det          sim.Histogram
	fo           failoverStats
	zones        []zoneStats
	gaps         sim.Histogram
	gapMs        []uint64 // gaps below gapMsRange in exact 1ms bins: no log per heartbeat
	timeline     *timeline

	grace  sim.Time // node-monitor-grace-period: a replay's race, load attribution
	noGaps bool     // no heartbeat-gap histogram (runSpec.noGaps)

	keepDurations bool      // an excursion's few episodes, one by one
	durations     []float64 // seconds
	countUntil    sim.Time  // transitions after it are not counted (their episodes before it are followed to the end)
	incidents     []int64   // per incident spec, incidents started after warmup

	// False NotReady within an incident's window (window.go), and how many
	// incidents they came from: a figure resting on a few incidents is
	// not a rate.
	incSeq, incCounted      int64
	incFrom, incUntil       sim.Time
	incidentEvents, incHits int64

	ep episodes // false NotReady grouped into episodes (episodes.go)

	// Replayed events (replay_metrics.go): each one's figures, and the
	// windows whose node-time the rates leave out.
	occs          []replayOcc
	replays       []replayStat
	windows       [][2]sim.Time
	post          time.Duration // an incident's or replay's window after its end (windowPost)
	unknownWrites UnknownWrites
	load          *loadStats      // apiserver_load (load_stats.go); nil: load off
	cond          *conditionStats // node_conditions (node_conditions.go); nil: not modelled
}

func (m *Replication) init(r *run) {
	m.nodes, m.warmup, m.end = len(r.nodes), r.warmup, r.env.end
	m.grace, m.noGaps = sim.At(r.cfg.Controller.NodeMonitorGracePeriod), r.spec.noGaps
	m.podsPerNode = int64(r.cfg.Cluster.PodsPerNode)
	m.cellLen = sim.At(day)
	if span := m.end - m.warmup; span < m.cellLen {
		m.cellLen = span
	}
	m.cells = int64(m.nodes) * int64((m.end-m.warmup)/m.cellLen)
	m.countUntil = sim.Never
	m.incidents = make([]int64, len(r.cfg.APIServer.Incidents))
	m.zones = make([]zoneStats, r.cfg.Cluster.Zones)
	m.initReplays(r)
	if r.rep == r.cfg.Simulation.TimelineReplication && r.spec.branch == 0 && r.spec.positions == nil {
		m.timeline = newTimeline(m.warmup, m.end, r.cfg.Cluster.Zones, len(r.nodes), r.rep)
	}
}

// restart empties m for a short simulation of nodes from from to end
// that keeps every episode's duration (an excursion), reusing its memory.
func (m *Replication) restart(nodes int, from, end sim.Time) {
	*m = Replication{
		nodes: nodes, warmup: from, end: end, podsPerNode: m.podsPerNode, cellLen: end - from, cells: int64(nodes),
		falseDur: m.falseDur, det: m.det, fo: m.fo, gaps: m.gaps, keepDurations: true, durations: m.durations[:0],
		countUntil: sim.Never, incidents: m.incidents, ep: m.ep, zones: m.zones,
		grace: m.grace, noGaps: m.noGaps, post: m.post,
	}
	clear(m.zones)
	m.ep.reset()
	m.falseDur.Reset()
	m.det.Reset()
	m.fo.reset()
	m.gaps.Reset()
}

const day = 24 * 3600 * 1e9

func (m *Replication) after(t sim.Time) bool { return t >= m.warmup }

// pass records a monitor pass starting at t.
func (m *Replication) pass(t sim.Time) {
	if m.after(t) {
		m.ep.passes++
	}
}

// heartbeat records a probeTimestamp refresh at t; before is the previous one.
func (m *Replication) heartbeat(n *node, before, t sim.Time) {
	m.race(n, before, t, true)
	if !m.after(t) || n.unknown {
		return // only a Ready node can raise a false alarm after a heartbeat
	}
	m.heartbeats++
	if before > 0 && n.fail == noFailure && before >= n.failEnd && !m.noGaps { // gaps of healthy nodes only
		m.addGap(t - before)
	}
}

const gapMsRange = 120_000 // 120s in 1ms bins: 1 MiB per replication

func (m *Replication) addGap(d sim.Time) {
	if ms := int64(d) / 1e6; ms < gapMsRange {
		if m.gapMs == nil {
			m.gapMs = make([]uint64, gapMsRange)
		}
		m.gapMs[ms]++
		return
	}
	m.gaps.Add(d.Seconds())
}

// flushGaps moves the 1ms bins into the histogram, each at its midpoint
// (error ≤ 0.5ms, 1e-4 of a 5s gap).
func (m *Replication) flushGaps() {
	for ms, n := range m.gapMs {
		if n > 0 {
			m.gaps.AddN((float64(ms)+0.5)/1e3, n)
		}
	}
	m.gapMs = nil
}

// transition records Ready→Unknown of n at t, in the controller's pass
// number passes; load, if on, learns which false NotReady it caused.
func (m *Replication) transition(n *node, t sim.Time, passes int64, load *apiLoad) {
	if m.replayTransition(n, t) {
		return // a replay's: an absolute figure, not a rate
	}
	if n.fail != noFailure {
		m.detected(n, t)
		return
	}
	n.falseEpisode = m.after(t) && t <= m.countUntil
	if !n.falseEpisode {
		return
	}
	m.falseEvents++
	m.zones[n.zone].falseEvents++
	if load != nil {
		load.stats.attribute(n, t, m.grace)
	}
	if t >= m.incFrom && t <= m.incUntil {
		m.incidentEvents++
		if m.incCounted != m.incSeq {
			m.incCounted = m.incSeq
			m.incHits++
		}
	}
	n.unknownSince = t
	hit := false
	if c := int64((t - m.warmup) / m.cellLen); c*int64(m.nodes) < m.cells && int32(c) != n.lastFalseCell {
		n.lastFalseCell = int32(c)
		m.hit++
		hit = true
	}
	n.episode = int32(m.ep.flip(passes, hit)) // past 2³¹ episodes a late mark counts on its own
}

// recovery records Ready again at t (the pass that saw the kubelet's PATCH).
func (m *Replication) recovery(n *node, t sim.Time) {
	m.replayRecovery(n, t)
	if !n.falseEpisode {
		return
	}
	n.falseEpisode = false
	d := t.Sub(n.unknownSince).Seconds()
	m.falseDur.Add(d)
	if m.keepDurations {
		m.durations = append(m.durations, d)
	}
	m.unknownSecs += d
	// MarkPodsNotReady dropped the endpoints at the transition; the kubelet's
	// status manager re-posts pod readiness at its next 10s sync after the
	// node is Ready (before that the controller marks the pods again).
	back := nextGridTick(t, 10e9, n.podSyncPhase)
	loss := float64(m.podsPerNode) * back.Sub(n.unknownSince).Seconds()
	m.endpointSecs += loss
	m.ep.endpoint(int64(n.episode), loss)
}

// detected records the first Unknown of a failed node.
func (m *Replication) detected(n *node, t sim.Time) {
	if n.failDetected {
		return
	}
	n.failDetected = true
	if n.failCounted {
		m.detectedN++
		m.failures++
		m.det.Add(t.Sub(n.failStart).Seconds())
		k := &m.fo.kinds[n.fail]
		k.failures++
		k.det.Add(t.Sub(n.failStart).Seconds())
	}
}

// failureOver records the end of n's failure at t.
func (m *Replication) failureOver(n *node, t sim.Time) {
	secs := m.outsideReplays(n.failStart, t)
	m.failSecs += secs
	m.zones[n.zone].failSecs += secs
	if n.failCounted && !n.failDetected {
		m.undetected++
		m.failures++
		m.fo.kinds[n.fail].failures++
	}
	m.failoverOver(n)
}

func overlap(a, b, lo, hi sim.Time) float64 {
	a, b = max(a, lo), min(b, hi)
	if b <= a {
		return 0
	}
	return b.Sub(a).Seconds()
}

// unknownCount is called when n, of zone z (one of zones), enters or
// leaves not-ready.
func (m *Replication) unknownCount(zones []zone, n *node, z *zone, t sim.Time) {
	m.unknownNow = 0
	for i := range zones {
		m.unknownNow += zones[i].unknown
	}
	if m.timeline != nil {
		m.timeline.failed(n) // during warmup too: the counts must hold from the start
		if !m.after(t) {
			m.timeline.warmup(m.unknownNow)
		}
	}
	if !m.after(t) {
		return
	}
	m.maxUnknown = max(m.maxUnknown, m.unknownNow)
	if peak := z.unknown*10 >= z.size && z.unknown > 0; peak != z.unknownPeak {
		z.unknownPeak = peak
		if peak {
			m.episodes++
		}
	}
	if m.timeline != nil {
		m.timeline.unknown(t, m.unknownNow)
	}
}

// zoneState records z leaving its state at t for s.
func (m *Replication) zoneState(z *zone, s zoneState, t sim.Time) {
	secs := overlap(z.since, t, m.warmup, m.end)
	switch z.state {
	case statePartial:
		m.partialSecs += secs
		m.zones[z.id].partialSecs += secs
	case stateFull:
		m.fullSecs += secs
		m.zones[z.id].fullSecs += secs
	}
	if m.timeline != nil {
		m.timeline.zone(z, s, t)
	}
}

// eviction records pods evicted from n at t.
func (m *Replication) eviction(n *node, t sim.Time) {
	if m.replayEviction(n, t) {
		return
	}
	if m.after(t) {
		m.zones[n.zone].evictions += m.podsPerNode
	}
	if n.fail == noFailure && m.after(t) {
		m.evictions += m.podsPerNode
		m.zones[n.zone].falseEvictions += m.podsPerNode
		var seq int64
		if n.falseEpisode {
			seq = int64(n.episode)
		}
		m.ep.evicted(seq, m.podsPerNode)
	}
}

// incident records a control-plane incident of spec i.
func (m *Replication) incident(i int, spec *Incident, s, e sim.Time) {
	if m.after(s) && i < len(m.incidents) {
		m.incidents[i]++
	}
	if !spec.Replayed() { // a replay's window is its own (replayAt)
		m.incSeq++
		m.incFrom, m.incUntil = s, e.Add(m.post)
	}
	if m.timeline != nil {
		m.timeline.incident(spec, s, e)
	}
}

// finish closes, at end, the open episodes and failures of nodes and the
// states of zones, and takes the load figures of api, under cfg.
func (m *Replication) finish(nodes []node, zones []zone, api *apiserver, cfg *Config, end sim.Time) {
	for i := range nodes {
		n := &nodes[i]
		if n.falseEpisode {
			m.unknownSecs += end.Sub(n.unknownSince).Seconds() // censored: not a duration sample
		}
		if n.fail != noFailure {
			secs := m.outsideReplays(n.failStart, end)
			m.failSecs += secs
			m.zones[n.zone].failSecs += secs
			// Undetected only if it had time to be detected; else censored.
			if n.failCounted && !n.failDetected && end.Sub(n.failStart) > 5*cfg.Controller.NodeMonitorGracePeriod {
				m.undetected++
				m.failures++
				m.fo.kinds[n.fail].failures++
			}
			if end.Sub(n.failStart) > evictable(cfg) {
				m.failoverOver(n) // else censored: it may yet be evicted
			}
		}
	}
	for i := range zones {
		z := &zones[i]
		m.zoneState(z, z.state, end)
	}
	if m.timeline != nil {
		m.timeline.finish(cfg.Cluster.Nodes, m.unknownNow)
	}
	m.finishReplays(nodes)
	m.flushGaps()
	m.ep.finish()
	if l := api.load; l != nil {
		l.mark(end, api.incidents)
		m.load = &l.stats
	}
}

// nodeDays is healthy node-time after warmup, in days.
func (m *Replication) nodeDays() float64 {
	total := float64(m.nodes) * m.outsideReplays(m.warmup, m.end)
	return math.Max(total-m.failSecs, 0) / 86400
}
