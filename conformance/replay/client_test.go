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

// client is upstream's FakeNodeHandler, except that a node's UpdateStatus
// and Get fail at the instants where nodesim's Ready=Unknown write failed.
// Get fails too, so upstream gives up at once ("Skipping - no pods will be
// evicted") instead of sleeping through its 100ms of retries. With
// -conflicts, UpdateStatus also refuses a write that races a kubelet PATCH
// (409), and Get returns the node with that PATCH, as an API server would.
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
	if n.r.writeFails(node.Name) {
		n.r.failed++
		return nil, errUnavailable
	}
	if i := n.r.index[node.Name]; n.r.conflicts && n.r.racesPatch(i, n.r.pass.T+n.r.pass.At[i]) {
		n.r.refused++
		return nil, apierrors.NewConflict(v1.Resource("nodes"), node.Name, errors.New("the object has been modified"))
	}
	return n.NodeInterface.UpdateStatus(ctx, node, opts)
}

func (n nodes) Get(ctx context.Context, name string, opts metav1.GetOptions) (*v1.Node, error) {
	if n.r.writeFails(name) {
		// upstream gives up on this node now: the next node's turn
		return nil, errors.Join(errUnavailable, n.r.clock.done(n.r.index[name]))
	}
	node, err := n.NodeInterface.Get(ctx, name, opts)
	if i, ok := n.r.index[name]; ok && err == nil && n.r.conflicts {
		// what the API server holds: the racing PATCHes too
		first := !n.r.posted[i]
		for _, s := range n.r.racing(i, n.r.pass.T+n.r.pass.At[i]) {
			node, _ = patched(node, s, first)
			first = false
		}
	}
	return node, err
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
