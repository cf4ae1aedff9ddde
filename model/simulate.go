package model

import (
	"context"
	"time"

	"github.com/nodesim/nodesim/sim"
)

// run is one replication: the engine, the environment, every node and the
// controller, and the metrics being collected.
type run struct {
	cfg        *Config
	rep        int
	eng        *sim.Engine
	env        env
	nodes      []node
	ctl        controller
	lp         leaseParams
	sp         statusParams
	met        metrics
	warmup     sim.Time
	toleration time.Duration
	incRNG     sim.Rand
	failRNG    sim.Rand

	onTransition func(n *node, t sim.Time, unknown bool) // tests only

	kPass, kEvict, kFailStart, kFailEnd, kIncStart, kIncEnd sim.Kind
}

func stream(cfg *Config, rep int, component string, node int) sim.Rand {
	return *sim.NewRand(sim.StreamKey{Seed: cfg.Simulation.Seed, Replication: rep, Component: component, Node: node})
}

// newRun sets up replication rep of cfg.
func newRun(cfg *Config, rep int) *run {
	r, _ := newRunContext(context.Background(), cfg, rep)
	return r
}

// newRunContext is newRun, giving up with ctx.Err() once ctx is done:
// setting up a million nodes takes seconds.
func newRunContext(ctx context.Context, cfg *Config, rep int) (*run, error) {
	r := &run{cfg: cfg, rep: rep, eng: sim.NewEngine()}
	r.warmup = sim.At(cfg.Simulation.Warmup)
	r.env = env{
		api:        newAPIServer(&cfg.APIServer),
		watchDelay: cfg.Informer.WatchDelay,
		end:        r.warmup.Add(cfg.Simulation.Duration),
	}
	r.toleration = time.Duration(cfg.APIServer.DefaultUnreachableTolerationSeconds) * time.Second
	timeout := int64(cfg.HeartbeatClientTimeout())
	k := &cfg.Kubelet
	r.lp = leaseParams{
		interval: int64(cfg.RenewInterval()), jitter: k.RenewJitterFactor, timeout: timeout,
		retries: k.LeaseMaxUpdateRetries, backoff0: int64(k.LeaseBackoffInitial), backoffMax: int64(k.LeaseBackoffMax),
	}
	r.sp = statusParams{
		frequency: int64(k.NodeStatusUpdateFrequency), jitter: k.StatusJitterFactor, report: int64(k.NodeStatusReportFrequency),
		lease: cfg.Rules.Lease, fromCache: cfg.Rules.StatusFromInformer, retries: k.NodeStatusUpdateRetry,
		timeout: timeout, collect: k.StatusCollectionDelay, collectPods: int64(k.StatusCollectionDelayPerPod) * int64(cfg.Cluster.PodsPerNode),
	}
	r.ctl = controller{
		cfg: &cfg.Controller, grace: int64(cfg.Controller.NodeMonitorGracePeriod), start: int64(cfg.Controller.NodeStartupGracePeriod),
		lease: cfg.Rules.Lease, r: stream(cfg, rep, "controller", 0),
		clocks: make([]sim.Time, cfg.Controller.Workers), zones: make([]zone, cfg.Cluster.Zones),
	}
	for i := range r.ctl.zones {
		r.ctl.zones[i].id = int32(i)
		r.ctl.zones[i].bucket = newBucket(cfg.Controller.NodeEvictionRate, 0)
	}
	r.incRNG = stream(cfg, rep, "incidents", 0)
	r.failRNG = stream(cfg, rep, "failures", 0)
	r.register()
	r.met.init(r)
	r.nodes = make([]node, cfg.Cluster.Nodes)
	for i := range r.nodes {
		if i%4096 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		r.initNode(i)
	}
	return r, nil
}

func (r *run) register() {
	e := r.eng
	r.kPass = e.Register("monitor-pass", func(ev sim.Event) {
		if ev.Arg != r.ctl.gen || r.ctl.down {
			return // a pass of a leader that lost its lease
		}
		end := r.pass(ev.At)
		e.At(end.Add(r.cfg.Controller.NodeMonitorPeriod), r.kPass, 0, r.ctl.gen)
	})
	r.ctl.tainter = e.Register("no-execute-tainting-pass", func(ev sim.Event) {
		if ev.Arg == r.ctl.gen {
			r.taintPass(ev.At)
		}
	})
	r.kEvict = e.Register("eviction", func(ev sim.Event) { r.evict(&r.nodes[ev.Node], ev.Arg, ev.At) })
	r.kFailStart = e.Register("failure-start", func(ev sim.Event) { r.failStart(&r.nodes[ev.Node], failKind(ev.Arg), ev.At) })
	r.kFailEnd = e.Register("failure-end", func(ev sim.Event) { r.failEnd(&r.nodes[ev.Node], ev.At) })
	r.kIncStart = e.Register("incident-start", func(ev sim.Event) { r.incidentStart(int(ev.Arg), ev.At) })
	r.kIncEnd = e.Register("incident-end", func(ev sim.Event) { r.incidentEnd(int(ev.Arg), ev.At) })
}

// initNode creates node i at time 0 with its kubelet loops at random phases.
func (r *run) initNode(i int) {
	n := &r.nodes[i]
	*n = node{
		id: int32(i), zone: int32(i % r.cfg.Cluster.Zones),
		crashAt: sim.Never, partStart: sim.Never, partEnd: sim.Never, grayStart: sim.Never, grayEnd: sim.Never,
		fail: noFailure, unknownWrite: longAgo, savedHB: -1, savedLease: -1, lastFalseCell: -1,
	}
	r.ctl.zones[n.zone].size++
	n.lease.r = stream(r.cfg, r.rep, "lease", i)
	n.status.r = stream(r.cfg, r.rep, "status", i)
	n.lease.seen, n.status.seenHB, n.status.seenReady = -1, -1, longAgo
	n.status.readyCommit, n.status.lastVis, n.lease.lastVis = longAgo, longAgo, longAgo
	n.podSyncPhase = n.status.r.Int64N(10e9)
	phase := sim.Time(n.status.r.Int64N(int64(r.cfg.Kubelet.NodeStatusUpdateFrequency)))
	n.status.restart(&r.sp, &r.env, n, phase)
	if r.cfg.Rules.Lease {
		n.lease.restart(&r.lp, &r.env, n, sim.Time(n.lease.r.Int64N(r.lp.interval)))
	} else {
		n.lease.stopped = true
		n.lease.vis = sim.Never
	}
	r.scheduleFailures(n, 0)
}

// simulate runs the replication to the end and returns its metrics.
func (r *run) simulate(ctx context.Context) (*metrics, error) {
	r.eng.At(sim.At(r.cfg.Controller.NodeMonitorPeriod), r.kPass, 0, r.ctl.gen)
	r.scheduleIncidents()
	if err := r.eng.RunContext(ctx, r.env.end); err != nil {
		return nil, err
	}
	r.met.finish(r, r.env.end)
	return &r.met, nil
}

// Simulate runs replication rep of cfg; cfg must be valid.
func Simulate(ctx context.Context, cfg *Config, rep int) (*Replication, error) {
	r, err := newRunContext(ctx, cfg, rep)
	if err != nil {
		return nil, err
	}
	m, err := r.simulate(ctx)
	if err != nil {
		return nil, err
	}
	return m, nil
}
