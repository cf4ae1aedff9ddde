package model

import "github.com/nodesim/nodesim/sim"

// Correlated control-plane incidents: each configured incident is a
// renewal process (inter-arrival Every, duration Lasts) hitting all nodes.

func (r *run) scheduleIncidents() {
	for i := range r.cfg.APIServer.Incidents {
		if !r.cfg.APIServer.Incidents[i].Replayed() { // replays: scheduleReplays
			r.armIncident(i, 0)
		}
	}
}

func (r *run) armIncident(i int, t sim.Time) {
	in := &r.cfg.APIServer.Incidents[i]
	at := t + sim.Time(in.Every.SampleNs(&r.incRNG))
	if at <= r.env.end {
		r.eng.At(at, r.kIncStart, 0, int64(i))
	}
}

func (r *run) incidentStart(i int, t sim.Time) {
	spec := &r.cfg.APIServer.Incidents[i]
	end := t + sim.Time(spec.Lasts.SampleNs(&r.incRNG))
	r.armIncident(i, t)
	r.startIncident(i, t, end)
}

// forcedIncident is an incident of spec i placed at a given time, as a
// rare-event estimator conditions on incidents instead of waiting for them.
type forcedIncident struct {
	spec       int
	start, end sim.Time
}

// force schedules f (a run's natural incidents should be off).
func (r *run) force(f forcedIncident) {
	r.forced = append(r.forced, f)
	r.eng.At(f.start, r.kForced, 0, int64(len(r.forced)-1))
}

// startIncident starts incident spec i at t, lasting until end.
func (r *run) startIncident(i int, t, end sim.Time) {
	spec := &r.cfg.APIServer.Incidents[i]
	r.eng.At(end, r.kIncEnd, 0, int64(i))
	r.met.incident(i, spec, t, end)
	if spec.Effect == LeaderFailover {
		r.ctl.leaderLost()
		return
	}
	if spec.Effect == DeadConnection && spec.Target == TargetKubelets {
		r.killConnections(i, spec, t, end)
		return
	}
	r.trimIncidents()
	fail := int64(spec.FailAfter)
	effect := spec.Effect
	if effect == DeadConnection {
		effect = WatchStall // the controller's watch: nothing until the health check replaces it
	}
	r.env.api.incidents = append(r.env.api.incidents, incident{
		start: t, end: end, effect: effect, failAfter: fail, multiply: spec.Multiply, add: int64(spec.Add),
		writes: spec.WritesPerSecond, reads: spec.ReadsPerSecond,
	})
	if l := r.env.api.load; l != nil {
		l.mark(t, r.env.api.incidents)
	}
	// Pending work was computed without this incident: replay it.
	for j := range r.nodes {
		n := &r.nodes[j]
		n.lease.regenerate(&r.lp, &r.env, n)
		n.status.regenerate(&r.sp, &r.env, n)
	}
}

// killConnections silently kills, at t, the connection of each kubelet the
// incident hits (a fixed share, chosen by hashing the node and the
// incident), until the HTTP/2 health check replaces it at end or the
// kubelet closes its connections. A connection already dead stays on its
// own health check.
func (r *run) killConnections(i int, spec *Incident, t, end sim.Time) {
	below := failBelow(spec.Fraction)
	for j := range r.nodes {
		n := &r.nodes[j]
		if t < n.deadEnd() && t >= n.deadStart || r.hitBits(i, t, n.pos) >= below {
			continue
		}
		n.deadStart, n.deadHealth, n.deadClosed = t, end, sim.Never
		// Either loop's close-all replaces the connection for both: the
		// status loop first, then the lease loop with its close known, then
		// the status loop again if the lease loop closed sooner.
		n.status.regenerate(&r.sp, &r.env, n)
		closed := n.deadClosed
		n.lease.regenerate(&r.lp, &r.env, n)
		if n.deadClosed < closed {
			n.status.regenerate(&r.sp, &r.env, n)
		}
	}
}

// hitBits are 53 uniform bits for whether incident i at t hits the node
// at pos: a pure function of the run's key, so the same nodes are hit
// whatever the workers.
func (r *run) hitBits(i int, t sim.Time, pos int32) uint64 {
	x := r.cfg.Simulation.Seed ^ uint64(r.rep)<<40 ^ r.spec.branch*0xd6e8feb86659fd93 ^
		uint64(i)*0x9e3779b97f4a7c15 ^ uint64(t)*0xbf58476d1ce4e5b9 ^ uint64(pos)*0x94d049bb133111eb
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x & (1<<53 - 1)
}

func (r *run) incidentEnd(i int, t sim.Time) {
	if l := r.env.api.load; l != nil {
		l.mark(t, r.env.api.incidents)
	}
	if r.cfg.APIServer.Incidents[i].Effect != LeaderFailover {
		return
	}
	if r.ctl.leaderElected(t) {
		r.eng.At(t, r.kPass, 0, r.ctl.gen)
	}
}

// trimIncidents forgets incidents no pending sync can replay into.
func (r *run) trimIncidents() {
	oldest := r.eng.Now()
	for j := range r.nodes {
		n := &r.nodes[j]
		if !n.lease.stopped && n.lease.start < oldest {
			oldest = n.lease.start
		}
		if !n.status.stopped && n.status.start < oldest {
			oldest = n.status.start
		}
	}
	r.env.api.trim(oldest)
}
