package nodelifecycle

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/go-logr/logr"
	coordv1 "k8s.io/api/coordination/v1"
	v1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/client-go/kubernetes/fake"
	coordlisters "k8s.io/client-go/listers/coordination/v1"
	corelisters "k8s.io/client-go/listers/core/v1"
	"k8s.io/klog/v2"
	"k8s.io/kubernetes/pkg/controller/testutil"

	"github.com/nodesim/nodesim/conformance/trace"
)

// replayer feeds one trace to the real controller.
//
// The API server is upstream's testutil.FakeNodeHandler: the trace's Node
// writes are applied to it before each pass, and syncNodeStore copies it
// into the controller's node informer, as upstream's tests do. Leases are
// served by the lease lister at each node's own instant in the pass.
//
// Each node is handled at its own instant: the controller runs one worker,
// nodes are listed in a known order, and the clock moves to the next node
// at seams upstream's tests also replace (getPodsAssignedToNode, the lease
// lister, computeZoneStateFunc); see clock.
type replayer struct {
	hdr   trace.Header
	ctx   context.Context
	h     *testutil.FakeNodeHandler
	nc    *nodeLifecycleController
	index map[string]int

	status    [][]trace.Record // per node: Node writes not yet applied
	failing   [][]int64        // per node: instants where nodesim's Unknown write failed
	cancelled [][]trace.Record // per node: nodesim's Unknown writes cancelled by a fresh GET
	posted    []bool           // the kubelet has posted status
	unknown   []bool           // the real controller wrote Ready=Unknown, not yet Ready again
	leases    []leaseState
	writes    int // controller UpdateStatus calls seen

	pass  *trace.Record
	clock clock
	dirty bool // the fake API server changed since the informer was synced

	sim, real [][]event
	failed    int // Unknown writes failed as nodesim's did
	refused   int // Unknown writes refused with 409: a kubelet PATCH committed since the snapshot
	startup   int // Unknown written before the node ever posted (startup grace)
	partial   int // passes that left a zone in PartialDisruption
	master    int // times every zone became FullDisruption (master disruption mode)
	allFull   bool
	late      int // deliveries recorded late (see README)
	passes    int
}

func newReplayer(h trace.Header) (*replayer, error) {
	r := &replayer{
		hdr:       h,
		ctx:       klog.NewContext(context.Background(), logr.Discard()),
		index:     make(map[string]int, h.Nodes),
		status:    make([][]trace.Record, h.Nodes),
		failing:   make([][]int64, h.Nodes),
		cancelled: make([][]trace.Record, h.Nodes),
		posted:    make([]bool, h.Nodes),
		unknown:   make([]bool, h.Nodes),
		leases:    make([]leaseState, h.Nodes),
		sim:       make([][]event, h.Nodes),
		real:      make([][]event, h.Nodes),
	}
	var nodes []*v1.Node
	for i := range h.Nodes {
		nodes = append(nodes, newFakeNode(i, h.Zones))
		r.index[nodeName(i)] = i
	}
	r.h = &testutil.FakeNodeHandler{Existing: nodes, Clientset: fake.NewSimpleClientset()}
	return r, r.newLeader()
}

// newLeader starts a fresh controller, as a new kube-controller-manager
// leader does: no nodeHealthData, no zone states.
func (r *replayer) newLeader() error {
	h := r.hdr
	nc, err := newNodeLifecycleControllerFromClient(r.ctx, client{r.h, r},
		float32(h.NodeEvictionRate), float32(h.SecondaryNodeEvictionRate), int32(h.LargeClusterSizeThreshold),
		float32(h.UnhealthyZoneThreshold), dur(h.NodeMonitorGracePeriod), dur(h.NodeStartupGracePeriod), dur(h.NodeMonitorPeriod))
	if err != nil {
		return err
	}
	nc.recorder = testutil.NewFakeRecorder()
	nc.now = r.clock.now
	nc.nodeUpdateWorkerSize = 1
	nc.nodeLister = orderedNodes{nc.nodeInformer.Lister(), r}
	nc.leaseLister = leaseView{nc.leaseInformer.Lister(), r}
	nc.getPodsAssignedToNode = r.nodeDone
	nc.computeZoneStateFunc = func(c []*v1.NodeCondition) (int, ZoneState) {
		r.clock.set(r.pass.End) // handleDisruption runs when the pass ends
		return nc.ComputeZoneState(c)
	}
	r.nc, r.dirty = nc, true
	return nil
}

// runPass replays one monitorNodeHealth pass.
func (r *replayer) runPass(p *trace.Record) error {
	r.pass, r.passes = p, r.passes+1
	for i := range r.status {
		k := 0
		for ; k < len(r.status[i]) && r.status[i][k].T <= p.T; k++ {
			if r.applyStatus(i, r.status[i][k]) {
				r.real[i] = append(r.real[i], event{kind: trace.Ready, t: p.T + p.At[i]})
			}
			r.dirty = true
		}
		r.status[i] = r.status[i][k:]
	}
	if r.dirty {
		if err := r.nc.syncNodeStore(r.h); err != nil {
			return err
		}
		r.dirty = false
	}
	if err := r.nc.monitorNodeHealth(r.ctx); err != nil {
		return err
	}
	if err := r.clock.finished(); err != nil {
		return err
	}
	for _, w := range r.h.UpdatedNodeStatuses[r.writes:] {
		i := r.index[w.Name]
		if ready := readyCondition(w); ready == nil || ready.Status != v1.ConditionUnknown {
			return fmt.Errorf("%s: controller wrote a status without Ready=Unknown", w.Name)
		}
		r.unknown[i] = true
		if !r.posted[i] {
			r.startup++
		}
		r.real[i] = append(r.real[i], event{kind: trace.Unknown, t: p.T + p.At[i]})
	}
	r.countZones()
	r.dirty = r.dirty || len(r.h.UpdatedNodeStatuses) > r.writes
	r.writes = len(r.h.UpdatedNodeStatuses)
	for i := range r.failing {
		r.failing[i] = slices.DeleteFunc(r.failing[i], func(t int64) bool { return t <= p.End })
		r.cancelled[i] = slices.DeleteFunc(r.cancelled[i], func(c trace.Record) bool { return c.T <= p.End })
	}
	return nil
}

// countZones counts the zone states the pass left, to show coverage.
func (r *replayer) countZones() {
	partial, full := false, len(r.nc.zoneStates) > 0
	for _, s := range r.nc.zoneStates {
		partial = partial || s == statePartialDisruption
		full = full && s == stateFullDisruption
	}
	if partial {
		r.partial++
	}
	if full && !r.allFull {
		r.master++
	}
	r.allFull = full
}

func (r *replayer) countLate(rec trace.Record) {
	if rec.Late != nil {
		r.late++
	}
}

// racing is node i's kubelet PATCHes that committed by t but are not in
// the controller's snapshot (not yet delivered): an API server refuses a
// write with the snapshot's resourceVersion landing at t (409), and a GET
// at t returns them.
func (r *replayer) racing(i int, t int64) []trace.Record {
	k := 0
	for k < len(r.status[i]) && r.status[i][k].C <= t {
		k++
	}
	return r.status[i][:k]
}

// writeDone is when the controller's Ready=Unknown write for node i at its
// instant t landed: when nodesim's returned, if nodesim wrote Unknown then
// (request timing is taken from the trace), else t.
func (r *replayer) writeDone(i int, t int64) int64 {
	for _, e := range r.sim[i] {
		if e.kind == trace.Unknown && e.t == t {
			return e.done
		}
	}
	return t
}

// cancelledAt is nodesim's unknown-cancelled record for node i at t, if any.
func (r *replayer) cancelledAt(i int, t int64) *trace.Record {
	for k := range r.cancelled[i] {
		if r.cancelled[i][k].T == t {
			return &r.cancelled[i][k]
		}
	}
	return nil
}

// applyStatus applies the kubelet's status PATCH to the fake API server
// as a strategic merge would: it always moves the Ready heartbeat, and it
// sets Ready=True if the kubelet had seen the controller's Unknown, or if
// it is the kubelet's first post (its patch then carries the whole
// condition). It reports whether Ready went from Unknown to True.
func (r *replayer) applyStatus(i int, s trace.Record) bool {
	slot := r.stored(nodeName(i))
	node, ready := patched(*slot, s, !r.posted[i])
	*slot = node
	r.posted[i] = true
	if r.unknown[i] && ready {
		r.unknown[i] = false
		return true
	}
	return false
}

// patched is old with the kubelet's PATCH s applied (first: the kubelet
// had never posted), and whether it took Ready from Unknown to True. It
// never writes into old: the informer's copies share its slices.
func patched(old *v1.Node, s trace.Record, first bool) (*v1.Node, bool) {
	node := *old
	conds := slices.Clone(node.Status.Conditions)
	hb := at(s.HB * 1e9)
	k := slices.IndexFunc(conds, func(c v1.NodeCondition) bool { return c.Type == v1.NodeReady })
	if k < 0 {
		conds = append(conds, v1.NodeCondition{Type: v1.NodeReady, Status: v1.ConditionUnknown})
		k = len(conds) - 1
	}
	c := &conds[k]
	c.LastHeartbeatTime = hb
	wasUnknown := c.Status == v1.ConditionUnknown
	if (s.SetsReady || first) && c.Status != v1.ConditionTrue {
		c.Status, c.Reason, c.Message, c.LastTransitionTime = v1.ConditionTrue, "KubeletReady", "kubelet is posting ready status", hb
	}
	node.Status.Conditions = conds
	return &node, wasUnknown && c.Status == v1.ConditionTrue
}

// stored is the fake API server's current copy of a node: its last
// update if any, else the original.
func (r *replayer) stored(name string) **v1.Node {
	for i, n := range r.h.UpdatedNodes {
		if n.Name == name {
			return &r.h.UpdatedNodes[i]
		}
	}
	for i, n := range r.h.Existing {
		if n.Name == name {
			return &r.h.Existing[i]
		}
	}
	panic("no node " + name)
}

func readyCondition(n *v1.Node) *v1.NodeCondition {
	for i := range n.Status.Conditions {
		if n.Status.Conditions[i].Type == v1.NodeReady {
			return &n.Status.Conditions[i]
		}
	}
	return nil
}

// leaseAt is what the lease informer holds for node i at t.
func (r *replayer) leaseAt(i int, t int64) *coordv1.Lease {
	ls := &r.leases[i]
	k := 0
	for k < len(ls.pending) && ls.pending[k].T <= t {
		k++
	}
	if k > 0 {
		ls.obj = newLease(nodeName(i), ls.pending[k-1].Renew)
		ls.pending = ls.pending[k:]
	}
	return ls.obj
}

// nodeDone is getPodsAssignedToNode: called once a node with a Ready
// condition is through tryUpdateNodeHealth, so the clock moves on. There
// are no pods.
func (r *replayer) nodeDone(name string) ([]*v1.Pod, error) {
	return nil, r.clock.done(r.index[name])
}

// orderedNodes lists nodes in the order the clock expects.
type orderedNodes struct {
	corelisters.NodeLister
	r *replayer
}

func (o orderedNodes) List(sel labels.Selector) ([]*v1.Node, error) {
	nodes, err := o.NodeLister.List(sel)
	if err != nil {
		return nil, err
	}
	o.r.clock.order(o.r, nodes)
	return nodes, nil
}

// leaseView is the lease lister, read at each node's instant.
type leaseView struct {
	coordlisters.LeaseLister
	r *replayer
}

func (l leaseView) Leases(string) coordlisters.LeaseNamespaceLister { return l }

func (l leaseView) Get(name string) (*coordv1.Lease, error) {
	i, ok := l.r.index[name]
	if !ok {
		return nil, notFound(name)
	}
	if err := l.r.clock.reading(i); err != nil {
		return nil, err
	}
	if obj := l.r.leaseAt(i, l.r.pass.T+l.r.pass.At[i]); obj != nil {
		return obj, nil
	}
	return nil, notFound(name)
}

// clock is the controller's now: each node's own instant in the pass.
//
// With one worker, upstream's monitorNodeHealth handles the listed nodes
// one after another. A node with a Ready condition may read now before its
// lease (a new heartbeat sets the probe), and getPodsAssignedToNode is
// called after it; so those nodes are listed first and the clock moves to
// the next node when getPodsAssignedToNode is called. A node without one
// (never posted) reads now only after its lease, so the lease read sets
// its instant. handleDisruption reads now when the pass ends. Any other
// order of calls is an error: upstream changed shape.
type clock struct {
	t       int64  // now, ns since the epoch
	seq     []int  // nodes in listing order
	posted  []bool // by position: has a Ready condition
	read    []bool // by position: its lease was read
	pos     int    // position of the node being handled
	instant []int64
	err     error // the controller ignores lister errors: kept for finished
}

func (c *clock) now() metav1.Time { return at(c.t) }

func (c *clock) set(t int64) { c.t = t }

// order sorts the listed nodes, posted first, each group by instant, and
// sets the clock to the first one's instant.
func (c *clock) order(r *replayer, nodes []*v1.Node) {
	p := r.pass
	key := func(n *v1.Node) (bool, int64, int) {
		i := r.index[n.Name]
		return readyCondition(n) != nil, p.At[i], i
	}
	slices.SortFunc(nodes, func(a, b *v1.Node) int {
		pa, ta, ia := key(a)
		pb, tb, ib := key(b)
		switch {
		case pa != pb:
			if pa {
				return -1
			}
			return 1
		case ta != tb:
			return cmp.Compare(ta, tb)
		}
		return ia - ib
	})
	c.seq, c.posted, c.read, c.pos = c.seq[:0], c.posted[:0], c.read[:0], 0
	c.instant = c.instant[:0]
	for _, n := range nodes {
		i := r.index[n.Name]
		c.seq = append(c.seq, i)
		c.posted = append(c.posted, readyCondition(n) != nil)
		c.read = append(c.read, false)
		c.instant = append(c.instant, p.T+p.At[i])
	}
	if len(c.seq) > 0 {
		c.t = c.instant[0]
	}
}

// reading is the lease read of node i: i is the node being handled, or
// comes after never-posted nodes that are through.
func (c *clock) reading(i int) error {
	p := c.pos
	for p < len(c.seq) && c.seq[p] != i {
		if c.posted[p] || !c.read[p] {
			return c.fail("clock: lease of %s read while %s is handled", nodeName(i), nodeName(c.seq[p]))
		}
		p++
	}
	if p == len(c.seq) {
		return c.fail("clock: lease of %s read out of order", nodeName(i))
	}
	c.pos, c.read[p], c.t = p, true, c.instant[p]
	return nil
}

// done is getPodsAssignedToNode of node i: the next node's turn.
func (c *clock) done(i int) error {
	if c.pos >= len(c.seq) || c.seq[c.pos] != i || !c.read[c.pos] {
		return c.fail("clock: %s done out of order", nodeName(i))
	}
	if c.pos++; c.pos < len(c.seq) {
		c.t = c.instant[c.pos]
	}
	return nil
}

// finished checks that every node was handled.
func (c *clock) finished() error {
	if c.err != nil {
		return c.err
	}
	for p, ok := range c.read {
		if !ok {
			return fmt.Errorf("clock: %s not handled", nodeName(c.seq[p]))
		}
	}
	return nil
}

func (c *clock) fail(format string, a ...any) error {
	err := fmt.Errorf(format, a...)
	if c.err == nil {
		c.err = err
	}
	return err
}
