package nodelifecycle

import (
	"context"
	"errors"
	"slices"

	v1 "k8s.io/api/core/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	v1core "k8s.io/client-go/kubernetes/typed/core/v1"
	"k8s.io/kubernetes/pkg/controller/testutil"
)

// errUnavailable is what the controller's node requests get where
// nodesim's failed ("unknown-failed"): etcd timing out, say.
var errUnavailable = errors.New("etcdserver: request timed out")

// client is upstream's FakeNodeHandler as a real API server would answer
// the controller: a node's UpdateStatus and Get fail at the instants where
// nodesim's Ready=Unknown write failed (Get too, so upstream gives up at
// once, "Skipping - no pods will be evicted", instead of sleeping through
// its 100ms of retries); an UpdateStatus landing after a kubelet PATCH the
// controller's snapshot does not hold is refused with 409 Conflict (stale
// resourceVersion), and a Get returns the node with that PATCH. Where
// nodesim's retry took a fresh heartbeat from its GET (unknown-cancelled),
// the trace names that PATCH: its delivery may be passes ahead.
type client struct {
	*testutil.FakeNodeHandler
	r *replayer
}

func (c client) CoreV1() v1core.CoreV1Interface { return core{c.FakeNodeHandler.CoreV1(), c.r} }

type core struct {
	v1core.CoreV1Interface
	r *replayer
}

func (c core) Nodes() v1core.NodeInterface { return nodes{c.CoreV1Interface.Nodes(), c.r} }

type nodes struct {
	v1core.NodeInterface
	r *replayer
}

func (n nodes) UpdateStatus(ctx context.Context, node *v1.Node, opts metav1.UpdateOptions) (*v1.Node, error) {
	r := n.r
	i, ok := r.index[node.Name]
	if !ok {
		return n.NodeInterface.UpdateStatus(ctx, node, opts)
	}
	at := r.pass.T + r.pass.At[i]
	c := r.cancelledAt(i, at)
	switch {
	case r.writeFails(node.Name):
		r.failed++
		return nil, errUnavailable
	case c != nil && c.C <= c.Done, c == nil && len(r.racing(i, r.writeDone(i, at))) > 0:
		r.refused++
		return nil, apierrors.NewConflict(v1.Resource("nodes"), node.Name, errors.New("the object has been modified"))
	case c != nil:
		r.failed++ // nodesim's write failed; the PATCH its GET found committed after it
		return nil, errUnavailable
	}
	return n.NodeInterface.UpdateStatus(ctx, node, opts)
}

// Get is the retry's GET: the node as committed when nodesim's GET
// returned. Where nodesim's retry took a fresh heartbeat from it, the
// clock moves to that retry (its now is the new probe time).
func (n nodes) Get(ctx context.Context, name string, opts metav1.GetOptions) (*v1.Node, error) {
	r := n.r
	if r.writeFails(name) {
		// upstream gives up on this node now: the next node's turn
		return nil, errors.Join(errUnavailable, r.clock.done(r.index[name]))
	}
	node, err := n.NodeInterface.Get(ctx, name, opts)
	i, ok := r.index[name]
	if !ok || err != nil {
		return node, err
	}
	at := r.pass.T + r.pass.At[i]
	if c := r.cancelledAt(i, at); c != nil {
		node, _ = patched(node, *c, !r.posted[i])
		r.clock.set(c.Retry)
		return node, nil
	}
	first := !r.posted[i]
	for _, s := range r.racing(i, r.writeDone(i, at)) {
		node, _ = patched(node, s, first)
		first = false
	}
	return node, nil
}

// writeFails reports whether nodesim's write for the node failed at its
// instant in this pass.
func (r *replayer) writeFails(name string) bool {
	i, ok := r.index[name]
	if !ok {
		return false
	}
	return slices.Contains(r.failing[i], r.pass.T+r.pass.At[i])
}
