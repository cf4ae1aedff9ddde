package recommend

import (
	"context"
	"testing"
	"time"

	"github.com/nodesim/nodesim/model"
	"github.com/nodesim/nodesim/scenarios"
)

// TestToleranceIsABoundary: the longest etcd outage reported is absorbed
// and one resolution step more is not, in the same forced-incident runs;
// and false NotReady without any incident make it unmeasurable.
func TestToleranceIsABoundary(t *testing.T) {
	t.Parallel()
	text, err := scenarios.Open("legacy-slow-status")
	if err != nil {
		t.Fatal(err)
	}
	e := &evaluator{text: text, sets: []string{"cluster.nodes=50"}, key: model.KeyNodeMonitorGracePeriod, workers: 2}
	ts, err := e.tolerance(context.Background(), "1m")
	if err != nil {
		t.Fatal(err)
	}
	var outage *Tolerance
	for i := range ts {
		if ts[i].Effect == "unavailable" {
			outage = &ts[i]
		}
	}
	if outage == nil || !outage.LongestS.Defined() || outage.AtLeast || outage.LongestS <= 0 {
		t.Fatalf("tolerances %+v: want a finite etcd-outage tolerance", ts)
	}
	cfg, err := e.config("1m")
	if err != nil {
		t.Fatal(err)
	}
	var spec model.Incident
	for _, in := range toleranceSpecs(cfg) {
		if in.Effect == model.Unavailable {
			spec = in
		}
	}
	d := time.Duration(float64(outage.LongestS) * 1e9)
	at, err := e.flips(context.Background(), "1m", &spec, d)
	if err != nil {
		t.Fatal(err)
	}
	past, err := e.flips(context.Background(), "1m", &spec, d+toleranceRes)
	if err != nil {
		t.Fatal(err)
	}
	if at != 0 || past == 0 {
		t.Errorf("%v outage: %d false NotReady, %v: %d; want none, then some", d, at, d+toleranceRes, past)
	}
	noisy, err := e.tolerance(context.Background(), "30s")
	if err != nil {
		t.Fatal(err)
	}
	for _, tol := range noisy {
		if tol.LongestS.Defined() || tol.Note == "" {
			t.Errorf("at 30s (false NotReady every few minutes) %+v: want no tolerance, and why", tol)
		}
	}
}
