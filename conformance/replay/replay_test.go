// This file is compiled into the real k8s.io/kubernetes
// pkg/controller/nodelifecycle package: run.sh overlays upstream's own
// files (node_lifecycle_controller.go, metrics.go and the test file with
// its helpers) into this directory, so the replay below drives upstream's
// unexported monitorNodeHealth with upstream's test helpers. See README.md.
package nodelifecycle

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	coordv1 "k8s.io/api/coordination/v1"
	v1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/errors"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	utilfeature "k8s.io/apiserver/pkg/util/feature"
	featuregatetesting "k8s.io/component-base/featuregate/testing"
	"k8s.io/kubernetes/pkg/features"

	"github.com/nodesim/nodesim/conformance/trace"
)

var (
	traceDir = flag.String("traces", "", "replay every *.jsonl nodesim trace in `DIR`")
	all      = flag.Bool("divergences", false, "print every node's first divergence, not only each trace's earliest")
	events   = flag.String("events", "", "print every transition of node `NAME` (node-N), nodesim's and the real controller's")
)

// TestReplay replays every trace in -traces through the real controller and
// compares its Ready→Unknown transitions and recoveries with nodesim's.
func TestReplay(t *testing.T) {
	if *traceDir == "" {
		t.Skip("no -traces DIR")
	}
	files, err := filepath.Glob(filepath.Join(*traceDir, "*.jsonl"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no traces in %s (%v)", *traceDir, err)
	}
	asProfiled(t)
	results := make([]*result, len(files))
	t.Run("trace", func(t *testing.T) {
		for i, f := range files {
			t.Run(strings.TrimSuffix(filepath.Base(f), ".jsonl"), func(t *testing.T) {
				t.Parallel()
				r, err := replayFile(f)
				if err != nil {
					t.Fatal(err)
				}
				results[i] = r
			})
		}
	})
	total := printTable(os.Stdout, results)
	fmt.Printf("conformance: %d transitions compared, %d mismatches\n", total.unknown, total.mismatches)
	if total.mismatches > 0 {
		t.Errorf("%d nodes diverge from the real controller (table above)", total.mismatches)
	}
}

// asProfiled sets upstream's feature gates to what nodesim's profiles
// model. v1.37 adds a live Lease GET before marking a node Unknown
// (NodeControllerLeaseCircuitBreaker, beta, on by default); nodesim's newest
// profile is v1.33, which has no such check.
func asProfiled(t *testing.T) {
	featuregatetesting.SetFeatureGateDuringTest(t, utilfeature.DefaultFeatureGate, features.NodeControllerLeaseCircuitBreaker, false)
}

func replayFile(path string) (*result, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r, err := replay(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	r.name = strings.TrimSuffix(filepath.Base(path), ".jsonl")
	return r, nil
}

// replay runs one trace through a fresh controller and compares.
func replay(in io.Reader) (*result, error) {
	rd, err := trace.NewReader(in)
	if err != nil {
		return nil, err
	}
	r, err := newReplayer(rd.Header)
	if err != nil {
		return nil, err
	}
	// A pass runs when the next pass (or leader, or end) is read: by then
	// every record it can see has been read.
	var pass *trace.Record
	for {
		rec, err := rd.Next()
		if err != nil {
			return nil, err
		}
		switch rec.Kind {
		case trace.Node:
			r.status[rec.N] = append(r.status[rec.N], rec)
			r.countLate(rec)
		case trace.Lease:
			r.leases[rec.N].pending = append(r.leases[rec.N].pending, rec)
			r.countLate(rec)
		case trace.UnknownFailed:
			r.failing[rec.N] = append(r.failing[rec.N], rec.T)
		case trace.UnknownCancelled:
			r.cancelled[rec.N] = append(r.cancelled[rec.N], rec)
		case trace.Unknown, trace.Ready:
			r.sim[rec.N] = append(r.sim[rec.N], event{kind: rec.Kind, t: rec.T, done: rec.Done})
		case trace.Leader, trace.Pass, trace.End:
			if pass != nil {
				if err := r.runPass(pass); err != nil {
					return nil, fmt.Errorf("pass at %v: %w", dur(pass.T), err)
				}
				pass = nil
			}
			switch rec.Kind {
			case trace.Leader:
				if err := r.newLeader(); err != nil {
					return nil, err
				}
			case trace.Pass:
				pass = &rec
			case trace.End:
				return r.compare(), nil
			}
		}
	}
}

// epoch is simulated time 0, when every Node is created.
var epoch = time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)

func at(ns int64) metav1.Time { return metav1.NewTime(epoch.Add(time.Duration(ns))) }

func dur(ns int64) time.Duration { return time.Duration(ns) }

func nodeName(i int) string { return fmt.Sprintf("node-%d", i) }

// event is a Ready→Unknown transition or a recovery at a node's instant.
type event struct {
	kind trace.Kind
	t    int64
	done int64 // nodesim's unknown: when its write returned
}

// leaseState is what the lease informer holds for one node.
type leaseState struct {
	pending []trace.Record // delivered later than the last read
	obj     *coordv1.Lease
}

func newFakeNode(i, zones int) *v1.Node {
	return &v1.Node{ObjectMeta: metav1.ObjectMeta{
		Name:              nodeName(i),
		CreationTimestamp: at(0),
		Labels: map[string]string{
			v1.LabelTopologyRegion: "region",
			v1.LabelTopologyZone:   fmt.Sprintf("zone-%d", i%zones),
		},
	}}
}

// newLease is the Lease as the informer delivers it: RenewTime is a
// MicroTime, serialised with 1µs precision.
func newLease(name string, renew int64) *coordv1.Lease {
	return createNodeLease(name, metav1.NewMicroTime(epoch.Add(time.Duration(renew/1e3*1e3))))
}

func notFound(name string) error {
	return errors.NewNotFound(coordv1.Resource("leases"), name)
}
