package model

import (
	"math"
	"slices"

	"github.com/nodesim/nodesim/sim"
)

// apiLoad is the apiserver under load, as a mean field: the offered load
// of each seat class (pre-APF: mutating and read-only inflight limits;
// APF: priority levels) sets the probability that a request gets 429 and
// how long an admitted one waits, and etcd's write utilisation adds a
// queueing delay. Nothing here is an event: a request draws its fate from
// the stationary state of the regime it arrives in, so the lookahead of
// the kubelet loops (lease.go) keeps working and memory stays per run.
//
// Queueing model. Pre-APF seats are M/G/c/c loss systems: a request that
// finds its class's c seats full is refused at once
// (filters/maxinflight.go WithMaxInFlightLimit), and Erlang's B gives the
// refused fraction for any holding-time distribution. An APF level is
// M/M/c/(c+K) with c its nominal seats and K = queues × queueLengthLimit
// (shuffle sharding shares the waiting room out fairly between flows; the
// aggregate is what a heartbeat sees). etcd's write path is M/M/1/K at
// utilisation λ_w/μ with K the seats that can hold a write (a write holds
// its seat while it waits on etcd, so the queue is bounded by them).
// Refused requests come back (client-go retries a 429 with Retry-After:
// 1, up to RetryAfterAttempts sends), so the attempt rate is
// λ·(1−p^A)/(1−p): the fixed point of that and B is what a regime settles
// to. Each regime (background rate, incidents in force) is taken as
// stationary: the seats relax in a holding time (milliseconds), far faster
// than incidents change. What this misses is burstiness of nodesim's own
// nodes: synchronised by an incident they arrive together, not as Poisson
// (see TestLoadRecoveryStorm).
type apiLoad struct {
	apf        bool
	attempts   int   // RetryAfterAttempts
	retryAfter int64 // the server's Retry-After: 1s (maxinflight.go retryAfter)
	etcdTO     int64 // etcd's request timeout: a write waiting longer fails

	meanR, meanW float64 // mean server-side latencies (s)
	ownW, ownR   float64 // nodesim's nodes' request rates (per s)
	bgW, bgR     float64
	etcdMu       float64 // etcd write capacity (per s; 0: unlimited)
	etcdK        int     // seats that can hold a write

	classes  []seatClass
	kubelet  [2]int // class of a kubelet's read and write
	ctlClass [2]int // class of the controller's (-1: a level with no load)

	borrow *borrowPlan // v1.26+ APF: current limits from demand (borrow.go)

	prof  *bgProfile    // nil: constant background
	cache []regimeState // recently used regimes
	stats loadStats
}

// seatClass is one pool of seats: a pre-APF limit or an APF level.
type seatClass struct {
	name         string
	seats        int // 0: no limit
	waiting      int // K (0: refuse when full)
	ownW, ownR   bool
	bgW, bgR     bool
	heartbeat    bool // kubelets' leases and status requests land here
	isController bool
}

// regime is what load depends on at an instant.
type regime struct {
	bg             float64 // the background's profile factor (profile.go)
	mult, add      float64 // slow: latency × mult + add (s)
	fail           float64 // unavailable: requests fail after this (s), 0: no
	extraW, extraR float64 // load incidents
}

// classState is a seat class in a regime.
type classState struct {
	seats         int     // current limit: nominal, or after borrowing
	offered, busy float64 // erlangs offered (attempts), seats in use
	demand        float64 // mean seats executing and waiting, and its sd
	demandSD      float64
	highWater     float64 // the demand a 10s window reaches (borrow.go)
	block         float64 // P(429) per attempt
	waitP, meanW  float64 // P(an admitted request queues), its mean wait given it does (s)
}

type regimeState struct {
	key      regime
	cls      []classState
	etcdRho  float64 // utilisation λ_w / μ
	etcdL    float64 // mean writes in etcd
	etcdP    float64 // P(a write waits on etcd)
	etcdMean float64 // its mean wait given it does (s)
}

func newAPILoad(cfg *Config) *apiLoad {
	a := &cfg.APIServer
	l := &apiLoad{
		apf: a.EnablePriorityAndFairness, attempts: cfg.Rules.RetryAfterAttempts, retryAfter: 1e9,
		etcdTO: int64(a.EtcdRequestTimeout),
		meanR:  a.ReadLatency.Mean(), meanW: a.WriteLatency.Mean(),
		bgW: a.BackgroundLoad.WritesPerSecond, bgR: a.BackgroundLoad.ReadsPerSecond,
		etcdMu: a.EtcdWriteCapacity, prof: newBGProfile(&a.BackgroundLoad.Diurnal),
	}
	l.ownW, l.ownR = ownRates(cfg)
	if !l.apf {
		l.classes = []seatClass{
			{name: "mutating", seats: a.MaxMutatingRequestsInflight, ownW: true, bgW: true, heartbeat: true},
			{name: "readonly", seats: a.MaxRequestsInflight, ownR: true, bgR: true, heartbeat: true},
		}
		l.kubelet, l.ctlClass = [2]int{1, 0}, [2]int{1, 0}
		l.etcdK = a.MaxMutatingRequestsInflight
		if l.etcdK == 0 {
			l.etcdK = 1 << 20 // no limit: etcd's queue is bounded only by the clients
		}
	} else {
		b := bootstrapFor(cfg.minor())
		total := a.MaxRequestsInflight + a.MaxMutatingRequestsInflight
		hb := b.level(b.heartbeat)
		l.classes = []seatClass{{name: hb.name, seats: b.nominalSeats(hb.name, total), waiting: hb.queues * hb.queueLengthLimit,
			ownW: true, ownR: true, heartbeat: true}}
		bgLevel := a.BackgroundLoad.PriorityLevel
		if bgLevel == hb.name {
			l.classes[0].bgW, l.classes[0].bgR = true, true
		} else if g := b.level(bgLevel); g != nil {
			l.classes = append(l.classes, seatClass{name: g.name, seats: b.nominalSeats(g.name, total), waiting: g.queues * g.queueLengthLimit, bgW: true, bgR: true})
		}
		l.kubelet, l.ctlClass = [2]int{0, 0}, [2]int{-1, -1}
		for i := range l.classes {
			if l.classes[i].name == "workload-high" { // FlowSchema kube-controller-manager
				l.ctlClass = [2]int{i, i}
				l.classes[i].isController = true
			}
		}
		l.etcdK = total
		l.borrow = newBorrowPlan(b, total, func(name string) int {
			for i := range l.classes {
				if l.classes[i].name == name {
					return i
				}
			}
			return -1
		})
	}
	l.stats.init(l)
	return l
}

// ownRates are the mean request rates of nodesim's nodes: lease PUTs, and
// status GETs and PATCHes (lease mode: a PATCH per report period).
func ownRates(cfg *Config) (w, r float64) {
	n := float64(cfg.Cluster.Nodes)
	f := cfg.Kubelet.NodeStatusUpdateFrequency.Seconds()
	if !cfg.Rules.StatusFromInformer {
		r = n / f
	}
	if !cfg.Rules.Lease {
		return n / f, r
	}
	return n/cfg.RenewInterval().Seconds() + n/cfg.Kubelet.NodeStatusReportFrequency.Seconds(), r
}

// regimeAt is the regime at t under the incidents in force.
func (l *apiLoad) regimeAt(t sim.Time, incs []incident) regime {
	g := regime{bg: l.prof.at(t), mult: 1}
	for i := range incs {
		in := &incs[i]
		if !in.covers(t) {
			continue
		}
		switch in.effect {
		case Slow:
			g.mult *= in.multiply
			g.add = g.add*in.multiply + float64(in.add)/1e9
		case Unavailable:
			g.fail = float64(in.failAfter) / 1e9
		case Load:
			g.extraW += in.writes
			g.extraR += in.reads
		}
	}
	return g
}

// state is the stationary state of regime g, solved once and cached.
func (l *apiLoad) state(g regime) *regimeState {
	for i := range l.cache {
		if l.cache[i].key == g {
			return &l.cache[i]
		}
	}
	s := l.solve(g)
	if len(l.cache) == 16 {
		copy(l.cache, l.cache[1:])
		l.cache = l.cache[:15]
	}
	l.cache = append(l.cache, s)
	return &l.cache[len(l.cache)-1]
}

// solve finds the regime's fixed point; with borrowing, also the current
// limits the levels' demand earns them, round by round until they settle.
func (l *apiLoad) solve(g regime) regimeState {
	seats := make([]int, len(l.classes))
	for i := range l.classes {
		seats[i] = l.classes[i].seats
	}
	s := l.solveSeats(g, seats)
	if l.borrow == nil {
		return s
	}
	next := make([]int, len(seats))
	for round := 0; round < 50; round++ {
		l.borrow.allocate(s.cls, next)
		if slices.Equal(next, seats) {
			break
		}
		copy(seats, next)
		s = l.solveSeats(g, seats)
	}
	return s
}

// solveSeats finds the regime's fixed point at the given limits: per
// class the 429 probability p with the attempts it causes, and etcd's wait
// with the writes admitted.
func (l *apiLoad) solveSeats(g regime, seats []int) regimeState {
	s := regimeState{key: g, cls: make([]classState, len(l.classes))}
	latW, latR := l.meanW*g.mult+g.add, l.meanR*g.mult+g.add
	if g.fail > 0 {
		latW, latR = g.fail, g.fail // a request holds its seat until etcd's timeout
	}
	bgW, bgR := l.bgW*g.bg+g.extraW, l.bgR*g.bg+g.extraR
	mu := l.etcdMu / g.mult // a slow etcd commits fewer writes per second
	var we float64          // etcd wait (s)
	p := make([]float64, len(l.classes))
	for iter := 0; iter < 500; iter++ {
		var xw float64 // writes admitted per second
		moved := 0.0
		for i := range l.classes {
			c := &l.classes[i]
			lw, lr := c.rates(l, bgW, bgR)
			if lw+lr == 0 {
				s.cls[i].seats = seats[i]
				continue
			}
			hold := (lw*(latW+we) + lr*latR) / (lw + lr)
			amp := l.amplification(p[i])
			a := (lw + lr) * amp * hold
			cs := classState{offered: a, seats: seats[i]}
			if cs.seats > 0 {
				q := mmcK(cs.seats, c.waiting, a)
				cs.block, cs.busy = q.block, q.busy
				if q.waitP > 0 {
					cs.waitP, cs.meanW = q.waitP, q.meanW*hold/q.waitP
				}
				if l.borrow != nil {
					cs.demand, cs.demandSD, cs.highWater = demandStats(cs.seats, c.waiting, a, math.Min(hold/borrowPeriod, 0.5))
				}
			} else {
				cs.busy = a
			}
			moved = math.Max(moved, math.Abs(cs.block-p[i]))
			p[i] = 0.5*p[i] + 0.5*cs.block
			s.cls[i] = cs
			xw += lw * amp * (1 - cs.block)
		}
		if mu > 0 {
			rho := xw / mu
			mean, busy := mm1K(l.etcdK, rho)
			wNew := 0.0
			if busy > 0 {
				wNew = (mean - busy) / (mu * busy) // Little on the queue: Lq / throughput μ·P(busy)
			}
			moved = math.Max(moved, math.Abs(wNew-we)/math.Max(latW, 1e-3))
			we = 0.5*we + 0.5*wNew
			s.etcdRho, s.etcdL, s.etcdP = rho, mean, busy
			if busy > 0 {
				s.etcdMean = we / busy
			}
		}
		if moved < 1e-9 {
			break
		}
	}
	return s
}

// rates are the request rates (per s) a class serves.
func (c *seatClass) rates(l *apiLoad, bgW, bgR float64) (w, r float64) {
	if c.ownW {
		w += l.ownW
	}
	if c.ownR {
		r += l.ownR
	}
	if c.bgW {
		w += bgW
	}
	if c.bgR {
		r += bgR
	}
	return w, r
}

// amplification is how many attempts a request makes on average when
// each is refused with probability p: Σ_{i<A} p^i.
func (l *apiLoad) amplification(p float64) float64 {
	if p >= 1 {
		return float64(l.attempts)
	}
	return (1 - math.Pow(p, float64(l.attempts))) / (1 - p)
}

// serve is the server side of a request that reached the apiserver net
// after it was sent (see apiserver.request), under load: client-go sends
// it until it is admitted, Retry-After apart, at most attempts times and
// within timeout; an admitted one may queue (APF) and wait on etcd.
// lat and ok are what the request would do unloaded.
func (l *apiLoad) serve(d *draws, k reqKind, controller bool, arrive sim.Time, net, lat int64, ok bool, timeout int64, incs []incident) outcome {
	ci := l.kubelet[k]
	if controller {
		ci = l.ctlClass[k]
	}
	if ci < 0 {
		return plainOutcome(net, lat, ok, timeout)
	}
	st := l.state(l.regimeAt(arrive, incs))
	cs := &st.cls[ci]
	hb := !controller
	var sent int64 // when this attempt was sent, after the request's start
	for att := 1; ; att++ {
		if hb {
			l.stats.attempt(ci)
		}
		if d.r.Float64() >= cs.block {
			break
		}
		if hb {
			l.stats.refused(ci)
		}
		back := sent + net // a 429 is answered before any work
		if att == l.attempts {
			return outcome{dur: back, throttled: int8(ci + 1)}
		}
		if sent = back + l.retryAfter; sent >= timeout {
			return outcome{dur: timeout, throttled: int8(ci + 1)} // the context's deadline ends the sleep's retry
		}
		st = l.state(l.regimeAt(arrive+sim.Time(sent), incs))
		cs = &st.cls[ci]
	}
	var queued, etcd int64
	if u := d.r.Float64(); u < cs.waitP {
		queued = int64(-cs.meanW * math.Log(u/cs.waitP) * 1e9)
	}
	if k == write && st.etcdP > 0 {
		if u := d.r.Float64(); u < st.etcdP {
			etcd = int64(-st.etcdMean * math.Log(u/st.etcdP) * 1e9)
			if ok && lat+etcd > l.etcdTO {
				etcd, ok = l.etcdTO-lat, false // "etcdserver: request timed out"
				if etcd < 0 {
					etcd = 0
				}
			}
		}
	}
	o := plainOutcome(sent+net, queued+lat+etcd, ok, timeout)
	if sent > 0 {
		o.throttled = int8(ci + 1)
	}
	return o
}

// plainOutcome is a request that took net on the client's side and srv
// on the server's, cut off at the client's timeout.
func plainOutcome(net, srv int64, ok bool, timeout int64) outcome {
	o := outcome{ok: ok, dur: net + srv}
	if o.dur > timeout {
		o = outcome{ok: false, dur: timeout}
		if ok {
			o.late = net + srv
		}
	}
	return o
}
