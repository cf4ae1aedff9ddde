package model

import (
	"cmp"
	"context"
	"time"

	"github.com/nodesim/nodesim/sim"
)

// run is one replication: the engine, the environment, every node and the
// controller, and the metrics being collected.
//
// A run may simulate only some positions of the cluster (runSpec): the
// other nodes are then phantoms that the controller still spends its
// per-node time on but that never leave Ready. Rare-event estimation uses
// such thin runs where nodes do not interact (DESIGN §3: they interact only
// through the controller's pass duration and zone states, which phantoms
// leave as a healthy cluster would).
type run struct {
	cfg       *Config
	rep       int
	spec      runSpec
	eng       *sim.Engine
	env       env
	nodes     []node
	ctl       controller
	lp        leaseParams
	sp        statusParams
	met       Replication
	fo        failovers
	inj       injector  // injected per-node failures (failures.go)
	inc       incidents // apiserver incidents (incidents.go)
	warmup    sim.Time
	replayRNG sim.Rand // durations and nodes of replayed events

	pr *pressureRun // node pressure and conditions (pressure.go); nil: off
	hooks

	kPass, kReplay, kReplayEnd sim.Kind
}

// hooks are what tests, --trace and the rare-event estimators attach to a
// run once it is set up.
type hooks struct {
	onTransition func(n *node, t sim.Time, unknown bool) // tests and --trace
	beforeNode   func(n *node, s, t sim.Time, w int)     // rare-event branching: before each node of a pass, handled by worker w at t
}

// runSpec says which part of a cluster a run simulates, and on which
// streams. The zero value is a whole replication of the scenario.
type runSpec struct {
	positions   []int32       // the nodes simulated, ascending; nil: all
	branch      uint64        // stream branch (sim.StreamKey.Branch)
	noIncidents bool          // incidents do not arrive by themselves
	noFailures  bool          // no injected failures
	noGaps      bool          // no heartbeat-gap histogram
	duration    time.Duration // simulated time after warmup (0: the scenario's)
}

func (r *run) stream(component string, node int) sim.Rand {
	return *sim.NewRand(sim.StreamKey{Seed: r.cfg.Simulation.Seed, Replication: r.rep, Component: component, Node: node, Branch: r.spec.branch})
}

// newRun sets up replication rep of cfg.
func newRun(cfg *Config, rep int) *run { return newRunSpec(cfg, rep, runSpec{}) }

// newRunSpec sets up replication rep of the part of cfg that spec names.
func newRunSpec(cfg *Config, rep int, spec runSpec) *run {
	r, _ := newRunSpecContext(context.Background(), cfg, rep, spec)
	return r
}

// newRunContext is newRun, giving up with ctx.Err() once ctx is done:
// setting up a million nodes takes seconds.
func newRunContext(ctx context.Context, cfg *Config, rep int) (*run, error) {
	return newRunSpecContext(ctx, cfg, rep, runSpec{})
}

// newRunSpecContext is newRunSpec, giving up with ctx.Err() once ctx is done.
func newRunSpecContext(ctx context.Context, cfg *Config, rep int, spec runSpec) (*run, error) {
	r := &run{cfg: cfg, rep: rep, spec: spec, eng: sim.NewEngine()}
	r.warmup = sim.At(cfg.Simulation.Warmup)
	r.env = env{
		api:        newAPIServer(&cfg.APIServer),
		net:        newClientSide(&cfg.Kubelet, cfg.APIServer.RequestFailureProbability),
		watchDelay: cfg.Informer.WatchDelay,
		end:        r.warmup.Add(cmp.Or(spec.duration, cfg.Simulation.Duration)),
	}
	if cfg.APIServer.LoadOn() {
		l := newAPILoad(cfg)
		l.stats.warmup = r.warmup
		l.mark(0, nil)
		r.env.api.load = l
	}
	timeout := int64(cfg.HeartbeatClientTimeout())
	k := &cfg.Kubelet
	r.lp = leaseParams{
		interval: int64(cfg.RenewInterval()), jitter: k.RenewJitterFactor, timeout: timeout,
		retries: k.LeaseMaxUpdateRetries, backoff0: int64(k.LeaseBackoffInitial), backoffMax: int64(k.LeaseBackoffMax),
		sync: cfg.Rules.LeaseSync, closeAll: !cfg.Rules.CloseIdleOnly,
	}
	r.sp = statusParams{
		frequency: int64(k.NodeStatusUpdateFrequency), jitter: k.StatusJitterFactor, report: int64(k.NodeStatusReportFrequency),
		lease: cfg.Rules.Lease, reportDelay: cfg.Rules.ReportDelay, fromCache: cfg.Rules.StatusFromInformer, retries: k.NodeStatusUpdateRetry,
		timeout: timeout, collect: k.StatusCollectionDelay, collectPods: int64(k.StatusCollectionDelayPerPod) * int64(cfg.Cluster.PodsPerNode),
		changes: k.StatusChangeEvery, changesOn: !(k.StatusChangeEvery.Kind == Constant && k.StatusChangeEvery.A == 0),
		closeAll: !cfg.Rules.CloseIdleOnly,
	}
	r.ctl = controller{
		cfg: &cfg.Controller, grace: int64(cfg.Controller.NodeMonitorGracePeriod), start: int64(cfg.Controller.NodeStartupGracePeriod),
		lease: cfg.Rules.Lease, rules: cfg.Rules, d: draws{r: r.stream("controller", 0)},
		toleration:  time.Duration(cfg.APIServer.DefaultUnreachableTolerationSeconds) * time.Second,
		notReadyTol: time.Duration(cfg.APIServer.DefaultNotReadyTolerationSeconds) * time.Second,
		evictRNG:    r.stream("tainteviction", 0),
		zones:       make([]zone, cfg.Cluster.Zones),
		workers:     newWorkers(cfg.Controller.Workers, cfg.Cluster.Nodes, sim.Time(cfg.Controller.PerNodeProcessing)),
		env:         &r.env, sp: &r.sp, lp: &r.lp, met: &r.met, eng: r.eng, fo: &r.fo, hooks: &r.hooks,
	}
	for i := range r.ctl.zones {
		z := &r.ctl.zones[i]
		z.id = int32(i)
		z.bucket = newBucket(cfg.Controller.NodeEvictionRate, 0)
		z.size = shareOf(cfg.Cluster.Nodes, cfg.Cluster.Zones, i) // phantoms count: they are Ready nodes of the zone
	}
	r.inc = incidents{
		cfg: &cfg.APIServer, seed: cfg.Simulation.Seed, rep: rep, branch: spec.branch, rng: r.stream("incidents", 0),
		env: &r.env, sp: &r.sp, lp: &r.lp, ctl: &r.ctl, met: &r.met, eng: r.eng,
	}
	r.inj = injector{
		cfg: &cfg.Failures, lease: cfg.Rules.Lease, warmup: r.warmup, rng: r.stream("failures", 0),
		env: &r.env, sp: &r.sp, lp: &r.lp, ctl: &r.ctl, met: &r.met, fo: &r.fo, eng: r.eng,
	}
	r.fo = failovers{rng: r.stream("failover", 0), watchDelay: &r.env.watchDelay, updateDelay: &cfg.Controller.EndpointUpdateDelay, st: &r.met.fo}
	r.replayRNG = r.stream("replays", 0)
	r.register()
	positions := spec.positions
	if positions == nil {
		positions = make([]int32, cfg.Cluster.Nodes)
		for i := range positions {
			positions[i] = int32(i)
		}
	}
	r.nodes = make([]node, len(positions))
	r.ctl.nodes, r.inc.nodes = r.nodes, r.nodes
	r.met.init(r)
	for i, pos := range positions {
		if i%4096 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		r.initNode(i, pos)
	}
	r.newPressure()
	if r.pr != nil {
		r.ctl.pressureUnknown = r.pressureUnknown
	}
	return r, nil
}

// shareOf is how many of n things dealt round robin over k land on i.
func shareOf(n, k, i int) int {
	s := n / k
	if i < n%k {
		s++
	}
	return s
}

func (r *run) register() {
	e := r.eng
	r.kPass = e.Register("monitor-pass", func(ev sim.Event) {
		if ev.Arg != r.ctl.gen || r.ctl.down > 0 {
			return // a pass of a leader that lost its lease
		}
		end := r.ctl.pass(ev.At)
		if r.env.trace != nil {
			r.env.trace.pass(r, ev.At, end)
		}
		e.At(end.Add(r.cfg.Controller.NodeMonitorPeriod), r.kPass, 0, r.ctl.gen)
	})
	r.ctl.tainter = e.Register("no-execute-tainting-pass", func(ev sim.Event) {
		if ev.Arg == r.ctl.gen {
			r.ctl.taintPass(ev.At)
		}
	})
	r.ctl.kEvict = e.Register("eviction", func(ev sim.Event) { r.ctl.evict(&r.nodes[ev.Node], ev.Arg, ev.At) })
	r.inj.kStart = e.Register("failure-start", func(ev sim.Event) { r.inj.start(&r.nodes[ev.Node], failKind(ev.Arg), ev.At) })
	r.inj.kEnd = e.Register("failure-end", func(ev sim.Event) { r.inj.end(&r.nodes[ev.Node], ev.At) })
	r.inc.kStart = e.Register("incident-start", func(ev sim.Event) { r.inc.arrive(int(ev.Arg), ev.At) })
	r.inc.kEnd = e.Register("incident-end", func(ev sim.Event) { r.inc.end(int(ev.Arg), ev.At) })
	r.inc.kForced = e.Register("forced-incident", func(ev sim.Event) {
		f := r.inc.forced[ev.Arg]
		r.inc.start(f.spec, f.start, f.end)
	})
	r.inc.kPass = r.kPass
	r.kReplay = e.Register("replay-start", func(ev sim.Event) { r.replayStart(int(ev.Arg), ev.At) })
}

// initNode creates node i, at position pos of the cluster, at time 0 with
// its kubelet loops at random phases.
func (r *run) initNode(i int, pos int32) {
	n := &r.nodes[i]
	*n = node{
		id: int32(i), pos: pos, zone: pos % int32(r.cfg.Cluster.Zones),
		rrWorker: pos % int32(r.cfg.Controller.Workers), rrSlot: int64(pos/int32(r.cfg.Controller.Workers)+1) * int64(r.cfg.Controller.PerNodeProcessing),
		crashAt: sim.Never, partStart: sim.Never, partEnd: sim.Never, grayStart: sim.Never, grayEnd: sim.Never,
		runtimeFalse: sim.Never, runtimeTrue: sim.Never, fo: newFailover(),
		deadStart: sim.Never, deadHealth: sim.Never, deadClosed: sim.Never,
		fail: noFailure, unknownWrite: longAgo, savedHB: -1, savedLease: -1, lastFalseCell: -1,
	}
	n.lease.d = draws{r: r.stream("lease", int(pos)), base: leaseSites}
	n.status.d = draws{r: r.stream("status", int(pos)), base: statusSites}
	n.lease.seen, n.status.seenHB, n.status.seenReady, n.status.seenAt = -1, -1, longAgo, longAgo
	n.status.late = latePatch{at: sim.Never, vis: sim.Never}
	n.notReady = true // no Ready condition until the first post is seen
	r.ctl.zones[n.zone].notReady++
	n.lease.etcd = leaseRV{pendAt: sim.Never} // the Lease exists, at version 0
	n.status.readyCommit, n.status.lastVis, n.lease.lastVis = longAgo, longAgo, longAgo
	n.podSyncPhase = n.status.d.r.Int64N(10e9)
	phase := sim.Time(n.status.d.r.Int64N(int64(r.cfg.Kubelet.NodeStatusUpdateFrequency)))
	n.status.restart(&r.sp, &r.env, n, phase)
	if r.cfg.Rules.Lease {
		n.lease.restart(&r.lp, &r.env, n, sim.Time(n.lease.d.r.Int64N(r.lp.interval)))
	} else {
		n.lease.stopped = true
		n.lease.vis = sim.Never
	}
	if !r.spec.noFailures {
		r.inj.schedule(n, 0)
	}
}

// simulate runs the replication to the end and returns its metrics.
func (r *run) simulate(ctx context.Context) (*Replication, error) {
	r.eng.At(sim.At(r.cfg.Controller.NodeMonitorPeriod), r.kPass, 0, r.ctl.gen)
	if !r.spec.noIncidents {
		r.inc.schedule()
	}
	r.scheduleReplays()
	if err := r.eng.RunContext(ctx, r.env.end); err != nil {
		return nil, err
	}
	r.met.finish(r.nodes, r.ctl.zones, &r.env.api, r.cfg, r.env.end)
	r.finishPressure(&r.met, r.env.end)
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
