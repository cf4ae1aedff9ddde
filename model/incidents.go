package model

import "github.com/nodesim/nodesim/sim"

// Correlated control-plane incidents: each configured incident is a
// renewal process (inter-arrival Every, duration Lasts) hitting all nodes.

// incidents are the apiserver incidents of one run: their arrivals on
// their own stream, the ones a rare-event estimator forces, and their
// effects on the request path, the kubelets' connections and the
// controller's leader.
type incidents struct {
	cfg *APIServerConfig // its Incidents
	// The run's key, which picks the kubelets a dead connection hits.
	seed   uint64
	rep    int
	branch uint64

	rng                   sim.Rand
	forced                []forcedIncident // incidents placed by a rare-event estimator
	kStart, kEnd, kForced sim.Kind
	kPass                 sim.Kind // the monitor pass a new leader starts

	// What it works with, wired by newRun: the nodes and their request
	// path (it replays their pending work into an incident), the kubelet
	// loops' parameters, the controller whose leader it fails over, the
	// metrics it records to and the engine it schedules on.
	nodes []node
	env   *env
	sp    *statusParams
	lp    *leaseParams
	ctl   *controller
	met   *Replication
	eng   *sim.Engine
}

// schedule arms each incident process that is not replayed.
func (c *incidents) schedule() {
	for i := range c.cfg.Incidents {
		if !c.cfg.Incidents[i].Replayed() { // replays: scheduleReplays
			c.arm(i, 0)
		}
	}
}

func (c *incidents) arm(i int, t sim.Time) {
	in := &c.cfg.Incidents[i]
	at := t + sim.Time(in.Every.SampleNs(&c.rng))
	if at <= c.env.end {
		c.eng.At(at, c.kStart, 0, int64(i))
	}
}

// arrive starts an arrival of incident i at t and arms the next.
func (c *incidents) arrive(i int, t sim.Time) {
	spec := &c.cfg.Incidents[i]
	end := t + sim.Time(spec.Lasts.SampleNs(&c.rng))
	c.arm(i, t)
	c.start(i, t, end)
}

// forcedIncident is an incident of spec i placed at a given time, as a
// rare-event estimator conditions on incidents instead of waiting for them.
type forcedIncident struct {
	spec       int
	start, end sim.Time
}

// force schedules f (a run's natural incidents should be off).
func (c *incidents) force(f forcedIncident) {
	c.forced = append(c.forced, f)
	c.eng.At(f.start, c.kForced, 0, int64(len(c.forced)-1))
}

// start starts incident spec i at t, lasting until end.
func (c *incidents) start(i int, t, end sim.Time) {
	spec := &c.cfg.Incidents[i]
	c.eng.At(end, c.kEnd, 0, int64(i))
	c.met.incident(i, spec, t, end)
	if spec.Effect == LeaderFailover {
		c.ctl.leaderLost()
		return
	}
	if spec.Effect == DeadConnection && spec.Target == TargetKubelets {
		c.killConnections(i, spec, t, end)
		return
	}
	c.trim()
	fail := int64(spec.FailAfter)
	effect := spec.Effect
	if effect == DeadConnection {
		effect = WatchStall // the controller's watch: nothing until the health check replaces it
	}
	c.env.api.incidents = append(c.env.api.incidents, incident{
		start: t, end: end, effect: effect, failAfter: fail, multiply: spec.Multiply, add: int64(spec.Add),
		writes: spec.WritesPerSecond, reads: spec.ReadsPerSecond,
	})
	if l := c.env.api.load; l != nil {
		l.mark(t, c.env.api.incidents)
	}
	// Pending work was computed without this incident: replay it.
	for j := range c.nodes {
		n := &c.nodes[j]
		n.lease.regenerate(c.lp, c.env, n)
		n.status.regenerate(c.sp, c.env, n)
	}
}

// killConnections silently kills, at t, the connection of each kubelet the
// incident hits (a fixed share, chosen by hashing the node and the
// incident), until the HTTP/2 health check replaces it at end or the
// kubelet closes its connections. A connection already dead stays on its
// own health check.
func (c *incidents) killConnections(i int, spec *Incident, t, end sim.Time) {
	below := failBelow(spec.Fraction)
	for j := range c.nodes {
		n := &c.nodes[j]
		if t < n.deadEnd() && t >= n.deadStart || c.hitBits(i, t, n.pos) >= below {
			continue
		}
		n.deadStart, n.deadHealth, n.deadClosed = t, end, sim.Never
		// Either loop's close-all replaces the connection for both: the
		// status loop first, then the lease loop with its close known, then
		// the status loop again if the lease loop closed sooner.
		n.status.regenerate(c.sp, c.env, n)
		closed := n.deadClosed
		n.lease.regenerate(c.lp, c.env, n)
		if n.deadClosed < closed {
			n.status.regenerate(c.sp, c.env, n)
		}
	}
}

// hitBits are 53 uniform bits for whether incident i at t hits the node
// at pos: a pure function of the run's key, so the same nodes are hit
// whatever the workers.
func (c *incidents) hitBits(i int, t sim.Time, pos int32) uint64 {
	x := c.seed ^ uint64(c.rep)<<40 ^ c.branch*0xd6e8feb86659fd93 ^
		uint64(i)*0x9e3779b97f4a7c15 ^ uint64(t)*0xbf58476d1ce4e5b9 ^ uint64(pos)*0x94d049bb133111eb
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x & (1<<53 - 1)
}

func (c *incidents) end(i int, t sim.Time) {
	if l := c.env.api.load; l != nil {
		l.mark(t, c.env.api.incidents)
	}
	if c.cfg.Incidents[i].Effect != LeaderFailover {
		return
	}
	if c.ctl.leaderElected(t) {
		c.eng.At(t, c.kPass, 0, c.ctl.gen)
	}
}

// trim forgets incidents no pending sync can replay into.
func (c *incidents) trim() {
	oldest := c.eng.Now()
	for j := range c.nodes {
		n := &c.nodes[j]
		if !n.lease.stopped && n.lease.start < oldest {
			oldest = n.lease.start
		}
		if !n.status.stopped && n.status.start < oldest {
			oldest = n.status.start
		}
	}
	c.env.api.trim(oldest)
}
