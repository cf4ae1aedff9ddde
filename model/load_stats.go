package model

import (
	"time"

	"github.com/nodesim/nodesim/sim"
)

// loadStats is what apiserver_load reports for one replication: per seat
// class the time integrals of the regime states after warmup, and the
// attempts nodesim's kubelets made and had refused.
type loadStats struct {
	warmup, since sim.Time // integrals run from since
	cur           *regimeState
	cls           []classStats
	etcd          classStats
	hasEtcd       bool
}

type classStats struct {
	name                       string
	seats                      int
	secs                       float64 // time integrated
	offered, busy, block, wait float64 // ∫ dt
	current                    float64 // ∫ current limit dt
	attempts, refused          int64   // kubelets' attempts
	falseNotReady              int64   // false NotReady of a node refused within the grace period
}

func (s *loadStats) init(l *apiLoad) {
	s.cls = make([]classStats, len(l.classes))
	for i, c := range l.classes {
		s.cls[i] = classStats{name: c.name, seats: c.seats}
	}
	s.hasEtcd = l.etcdMu > 0
	s.etcd = classStats{name: "etcd-writes", seats: 1}
}

// attribute counts a false NotReady at t against the class that refused
// its kubelet within the grace period before it (or in the sync pending
// at t, which the loops generate ahead).
func (s *loadStats) attribute(n *node, t, grace sim.Time) {
	if n.throttledCls != 0 && sim.Time(n.throttledSec+1)*sim.Time(time.Second) >= t-grace {
		s.cls[n.throttledCls-1].falseNotReady++
	}
}

func (s *loadStats) attempt(ci int) { s.cls[ci].attempts++ }
func (s *loadStats) refused(ci int) { s.cls[ci].refused++ }

// mark closes the regime in force until t and opens the one at t. The
// incidents do not change between marks, the profile's steps may: each
// step is integrated on its own.
func (l *apiLoad) mark(t sim.Time, incs []incident) {
	s := &l.stats
	for s.cur != nil && t > s.since {
		end := min(t, l.prof.next(s.since))
		from := max(s.since, s.warmup)
		if dt := end.Sub(from).Seconds(); end > from {
			for i := range s.cls {
				c, st := &s.cls[i], &s.cur.cls[i]
				c.secs += dt
				c.offered += st.offered * dt
				c.busy += st.busy * dt
				c.block += st.block * dt
				c.wait += st.waitP * st.meanW * dt
				c.current += float64(st.seats) * dt
			}
			e := &s.etcd
			e.secs += dt
			e.current += dt // one etcd
			e.offered += s.cur.etcdRho * dt
			e.busy += s.cur.etcdL * dt
			e.wait += s.cur.etcdP * s.cur.etcdMean * dt
		}
		if s.since = end; end < t {
			st := *l.state(l.regimeAt(end, incs))
			s.cur = &st
		}
	}
	st := *l.state(l.regimeAt(t, incs))
	s.cur, s.since = &st, t
}

// LoadClass is apiserver_load's entry for one seat class: a pre-APF
// inflight limit ("mutating", "readonly"), an APF priority level, or
// "etcd-writes" (offered_erlangs is then etcd's utilisation and
// seats_in_use the mean writes in it).
type LoadClass struct {
	Class string `json:"class"`
	Seats int    `json:"seats"` // nominal; 0: no limit
	// Time averages after warmup of the mean-field state.
	OfferedErlangs   Num `json:"offered_erlangs"` // attempts × holding time, retries included
	SeatsInUse       Num `json:"seats_in_use"`
	RejectedFraction Num `json:"rejected_fraction"` // of attempts, 429
	MeanQueueWaitS   Num `json:"mean_queue_wait_s"`
	CurrentSeats     Num `json:"current_seats"` // after borrowing (v1.26+ APF); else seats
	// What nodesim's kubelets met in this class.
	HeartbeatAttempts         int64 `json:"heartbeat_attempts"`
	HeartbeatRejectedFraction Num   `json:"heartbeat_rejected_fraction"`
	FalseNotReadyAfter429     int64 `json:"false_notready_after_429"`
}

// merge adds o's integrals and counts (same configuration).
func (s *loadStats) merge(o *loadStats) {
	if len(s.cls) == 0 {
		s.cls = make([]classStats, len(o.cls))
		for i := range o.cls {
			s.cls[i] = classStats{name: o.cls[i].name, seats: o.cls[i].seats}
		}
		s.etcd, s.hasEtcd = classStats{name: o.etcd.name, seats: o.etcd.seats}, o.hasEtcd
	}
	for i := range o.cls {
		s.cls[i].add(&o.cls[i])
	}
	s.etcd.add(&o.etcd)
}

func (c *classStats) add(o *classStats) {
	c.secs += o.secs
	c.offered += o.offered
	c.busy += o.busy
	c.block += o.block
	c.wait += o.wait
	c.current += o.current
	c.attempts += o.attempts
	c.refused += o.refused
	c.falseNotReady += o.falseNotReady
}

func (c *classStats) out() LoadClass {
	return LoadClass{
		Class: c.name, Seats: c.seats,
		OfferedErlangs: ratio(c.offered, c.secs), SeatsInUse: ratio(c.busy, c.secs),
		RejectedFraction: ratio(c.block, c.secs), MeanQueueWaitS: ratio(c.wait, c.secs), CurrentSeats: ratio(c.current, c.secs),
		HeartbeatAttempts: c.attempts, HeartbeatRejectedFraction: ratio(float64(c.refused), float64(c.attempts)),
		FalseNotReadyAfter429: c.falseNotReady,
	}
}

// apiserverLoad is the point's apiserver_load (nil: load off).
func apiserverLoad(reps []*Replication) []LoadClass {
	var s loadStats
	for _, r := range reps {
		if r.load == nil {
			return nil
		}
		s.merge(r.load)
	}
	if len(reps) == 0 {
		return nil
	}
	out := make([]LoadClass, 0, len(s.cls)+1)
	for i := range s.cls {
		out = append(out, s.cls[i].out())
	}
	if s.hasEtcd {
		e := s.etcd.out()
		e.HeartbeatRejectedFraction = NaN()
		out = append(out, e)
	}
	return out
}
