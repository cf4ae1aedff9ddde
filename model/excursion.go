package model

import (
	"math"
	"time"

	"github.com/nodesim/nodesim/sim"
)

// An excursion answers, for one node at one branch point, "how many false
// NotReady does the heartbeat the controller now waits for cost?", by
// simulating the node's future once more under a proposal law and
// weighting what happens by the likelihood ratio.
//
// Branch points are the passes at which the controller takes a node's
// heartbeat and the kubelet's next one starts (lease mode: the lease loop
// is due; before leases: the status loop is). Every false NotReady happens
// while exactly one heartbeat is awaited, so it belongs to exactly one
// branch point: the one that started the wait. An excursion counts the
// transitions while its wait lasts, and follows each episode to its end
// for its duration, endpoint loss and evictions. By the tower property the
// sum over all branch points of the main path of the excursions' weighted
// counts is unbiased for the main path's count, whatever proposal is used;
// the proposal only sets the variance.
//
// What an excursion keeps and what it draws afresh: the state before the
// branch point's pass is the node's past (the pending batch of the loop
// that is not due included, since what the controller has not seen of it
// is still information: it was not delivered); everything drawn from the
// branch point on is new, under the proposal.
//
// The node is re-simulated alone, by the same code as a whole run: a
// one-node run whose other positions are phantoms. So its controller
// passes are those of a cluster whose other nodes stay Ready during the
// excursion, which is how they behave whenever false NotReady is rare; a
// transition elsewhere would lengthen one pass by the transition-cost of
// one worker. Zone states and the tainting rate limiter are taken from the
// main run at the branch point.
type excursion struct {
	r           *run
	main        *run
	waiting     bool     // the awaited heartbeat has not been taken yet
	syncStart   sim.Time // start of the awaited heartbeat's sync
	score       float64
	leaseLaw    tiltedLaw
	statusLaw   tiltedLaw
	leaseLog    drawLog
	statusLog   drawLog
	leaseNext   draws
	statusNext  draws
	leaseAfter  draws // natural law once the wait is over
	statusAfter draws
	horizon     time.Duration
}

// excursionResult is one excursion's outcome.
type excursionResult struct {
	logLR     float64 // log likelihood ratio natural/proposal of its draws
	alarms    int64   // false NotReady while the heartbeat was awaited
	durSecs   float64 // Unknown time of its episodes (censored at the horizon)
	durations []float64
	endpoint  float64 // pod-seconds of endpoints removed
	evicted   int64   // pods evicted
	score     float64 // how late the awaited heartbeat was, in grace periods; 2 after an alarm
	truncated bool    // the horizon ended it
	nodeSecs  float64 // simulated node-time, for the work count
}

func newExcursion(cfg *Config) *excursion {
	x := &excursion{
		r:       newRunSpec(cfg, 0, runSpec{positions: []int32{0}, noIncidents: true, noFailures: true, noGaps: true}),
		horizon: excursionHorizon(cfg),
	}
	x.r.beforeNode = x.beforeNode
	return x
}

// excursionHorizon bounds an excursion: long enough for a transition after
// a whole grace period, its taint and its eviction after the toleration.
func excursionHorizon(cfg *Config) time.Duration {
	tol := time.Duration(cfg.APIServer.DefaultUnreachableTolerationSeconds) * time.Second
	return 2*cfg.Controller.NodeMonitorGracePeriod + tol + 20*cfg.Controller.NodeMonitorPeriod + 5*time.Minute
}

// due reports whether n's awaited heartbeat is taken at this pass.
func due(cfg *Config, n *node, s, t sim.Time) bool {
	if cfg.Rules.Lease {
		return n.lease.due(t)
	}
	return n.status.due(s)
}

// run simulates main's node n from the branch point at instant t of the
// pass that listed nodes at s, under proposal p, on streams named by
// branch. With logging, the result's draws are in x.leaseLog and
// x.statusLog for the cross-entropy fit.
func (x *excursion) run(main *run, n *node, s, t sim.Time, w int, branch uint64, p *proposal, logging bool) excursionResult {
	r := x.r
	x.main = main
	end := t.Add(x.horizon)
	r.eng.Reset(t)
	r.env.end = end
	r.env.api.incidents = append(r.env.api.incidents[:0], main.env.api.incidents...)
	r.met.restart(1, t, end)
	x.copyController(main, n)

	r.nodes[0] = *n
	c := &r.nodes[0]
	c.id, c.falseEpisode = 0, false // an episode already running is the main run's
	x.leaseLaw, x.statusLaw = tiltedLaw{p: p}, tiltedLaw{p: p}
	if logging {
		x.leaseLog = drawLog{recs: x.leaseLog.recs[:0], kept: -1}
		x.statusLog = drawLog{recs: x.statusLog.recs[:0], kept: -1}
		x.leaseLaw.log, x.statusLaw.log = &x.leaseLog, &x.statusLog
	}
	key := sim.StreamKey{Seed: main.cfg.Simulation.Seed, Replication: main.rep, Node: int(n.pos), Branch: branch}
	key.Component = "excursion/lease"
	x.leaseNext = draws{r: *sim.NewRand(key), law: &x.leaseLaw, base: leaseSites}
	key.Component = "excursion/status"
	x.statusNext = draws{r: *sim.NewRand(key), law: &x.statusLaw, base: statusSites}
	key.Component = "excursion/controller"
	r.ctl.d = draws{r: *sim.NewRand(key)}
	key.Component = "excursion/lease-after"
	x.leaseAfter = draws{r: *sim.NewRand(key), base: leaseSites}
	key.Component = "excursion/status-after"
	x.statusAfter = draws{r: *sim.NewRand(key), base: statusSites}
	c.lease.next, c.status.next = &x.leaseNext, &x.statusNext

	r.inc.forced = r.inc.forced[:0]
	for _, f := range main.inc.forced {
		if f.start > t {
			r.inc.force(f)
		}
	}
	x.waiting, x.score = true, 0
	x.syncStart = n.lease.nextStart
	if !r.cfg.Rules.Lease {
		x.syncStart = n.status.nextStart
	}
	// The branch point's pass, from this node on: its worker takes it at
	// t as in the main run, and the positions after it are phantoms.
	ws := &r.ctl.workers
	ws.copyFrom(&main.ctl.workers)
	ws.finish(c.pos, w, t, r.ctl.processNode(c, s, t))
	passEnd := max(s, ws.end())
	r.ctl.handleDisruption(passEnd)
	r.eng.At(passEnd.Add(r.cfg.Controller.NodeMonitorPeriod), r.kPass, 0, r.ctl.gen)

	res := excursionResult{}
	for x.waiting || c.unknown {
		next := r.eng.NextAt()
		if next > end {
			res.truncated = true
			if x.waiting {
				x.score = end.Sub(x.syncStart).Seconds() / r.cfg.Controller.NodeMonitorGracePeriod.Seconds()
			}
			break
		}
		r.eng.Run(next)
	}
	stop := min(r.eng.Now(), end)
	m := &r.met
	if c.falseEpisode { // cut by the horizon
		m.durations = append(m.durations, stop.Sub(c.unknownSince).Seconds())
		m.endpointSecs += float64(m.podsPerNode) * stop.Sub(c.unknownSince).Seconds()
	}
	res.logLR = c.lease.d.logLR + c.status.d.logLR
	res.alarms, res.endpoint, res.evicted = m.falseEvents, m.endpointSecs, m.evictions
	res.durations = m.durations
	for _, d := range m.durations {
		res.durSecs += d
	}
	// Only a false NotReady scores the top: a heartbeat can be very late
	// without one (the v1.37 circuit breaker's live GET finds it).
	res.score = min(x.score, math.Nextafter(alarmScore, 0))
	if res.alarms > 0 {
		res.score = alarmScore
	}
	res.nodeSecs = stop.Sub(t).Seconds()
	if logging {
		x.leaseLog.recs = c.lease.d.records(&x.leaseLog)
		x.statusLog.recs = c.status.d.records(&x.statusLog)
	}
	return res
}

// copyController gives the one-node run the main run's controller state
// that the node's future depends on: zone states and rate limiters (not
// their queues, which hold other nodes), the disruption mode, the leader.
func (x *excursion) copyController(main *run, n *node) {
	c, mc := &x.r.ctl, &main.ctl
	c.gen, c.down, c.master, c.ticking, c.leaseGate = 0, 0, mc.master, false, mc.leaseGate
	for i := range c.zones {
		z, mz := &c.zones[i], &mc.zones[i]
		z.notReady, z.unknown, z.state, z.since, z.bucket, z.unknownPeak = 0, 0, mz.state, mz.since, mz.bucket, false
		z.leftOut, z.leftOutNotReady = 0, 0
		z.queue = z.queue[:0]
	}
	if n.notReady {
		c.zones[n.zone].notReady = 1
	}
	if n.unknown {
		c.zones[n.zone].unknown = 1
	}
	if n.queued {
		c.zones[n.zone].queue = append(c.zones[n.zone].queue, 0)
	}
}

// beforeNode ends the wait when the awaited heartbeat is taken, and scores
// how late it was (for the cross-entropy levels): its delivery after its
// sync started, in grace periods. That is what the proposal can change
// (latencies, retries, the watch), free of where passes fall and of the
// loop's jitter, which would otherwise pick the elites. From then on the loops draw their
// fresh syncs under the natural law: the proposal may change at any point
// the past decides, and what follows the wait (the next heartbeats, the
// recovery of an episode) is not rare.
func (x *excursion) beforeNode(n *node, s, t sim.Time, _ int) {
	if !x.waiting || !due(x.r.cfg, n, s, t) {
		return
	}
	x.waiting = false
	n.lease.next, n.status.next = &x.leaseAfter, &x.statusAfter
	v := t
	if x.r.cfg.Rules.Lease && x.r.cfg.Rules.LeaseCircuitBreaker && n.lease.commit >= x.syncStart {
		v = min(n.lease.commit, t) // the live GET sees the commit: the informer's delay cannot alarm
	} else {
		v = min(awaited(x.r.cfg, n), t)
	}
	x.score = math.Max(v.Sub(x.syncStart).Seconds(), 0) / x.r.cfg.Controller.NodeMonitorGracePeriod.Seconds()
}

// awaited is when the heartbeat the controller waits for reaches it
// (Never: it never will).
func awaited(cfg *Config, n *node) sim.Time {
	if cfg.Rules.Lease {
		return n.lease.vis
	}
	return n.status.nextVis()
}
