package scenarios

import (
	"strings"
	"testing"

	"github.com/nodesim/nodesim/model"
)

// TestLoadKeys: the load model's keys decode, and bad values name their
// key.
func TestLoadKeys(t *testing.T) {
	t.Parallel()
	sc, err := Load("default", []string{
		"apiserver.max-mutating-requests-inflight=300", "apiserver.enable-priority-and-fairness=false",
		"apiserver.background-load.writes-per-second=1500", "apiserver.etcd-write-capacity=4000",
		`apiserver.incident=[{every="6h", lasts="2m", effect="load", writes-per-second=500, reads-per-second=8000}]`,
	})
	if err != nil {
		t.Fatal(err)
	}
	a := sc.Base.APIServer
	if a.MaxMutatingRequestsInflight != 300 || a.EnablePriorityAndFairness || a.BackgroundLoad.WritesPerSecond != 1500 ||
		a.EtcdWriteCapacity != 4000 || a.Incidents[0].Effect != model.Load || a.Incidents[0].ReadsPerSecond != 8000 || !a.LoadOn() {
		t.Errorf("decoded %+v", a)
	}
	for _, tc := range []struct {
		sets []string
		want string
	}{
		{[]string{"apiserver.max-requests-inflight=-1"}, "apiserver.max-requests-inflight: must be >= 0"},
		{[]string{"apiserver.background-load.writes-per-second=-5"}, "apiserver.background-load.writes-per-second: must be a finite rate >= 0"},
		{[]string{"apiserver.enable-priority-and-fairness=1"}, "apiserver.enable-priority-and-fairness: expected true or false"},
		{[]string{"apiserver.etcd-write-capacity=100", "apiserver.background-load.priority-level=node-low"}, `apiserver.background-load.priority-level: unknown priority level "node-low" for profile v1.37`},
		{[]string{"profile=v1.21", "apiserver.background-load.reads-per-second=1", "apiserver.background-load.priority-level=node-high"}, `unknown priority level "node-high" for profile v1.21`},
		{[]string{"apiserver.etcd-write-capacity=100", "simulation.method=rare"}, `simulation.method: "rare" does not model apiserver load`},
		{[]string{`apiserver.incident=[{every="6h", lasts="2m", effect="slow", writes-per-second=5}]`}, `writes-per-second and reads-per-second apply only to effect = "load"`},
		{[]string{`apiserver.incident=[{every="6h", lasts="2m", effect="load", reads-per-second=-1}]`}, "apiserver.incident[1].reads-per-second: must be >= 0"},
		{[]string{"apiserver.background-load.diurnal.amplitude=1"}, "apiserver.background-load.diurnal.amplitude: must be in [0, 1)"},
		{[]string{"apiserver.background-load.diurnal.amplitude=-0.1"}, "apiserver.background-load.diurnal.amplitude: must be in [0, 1)"},
		{[]string{`apiserver.background-load.diurnal.step="7m"`}, "apiserver.background-load.diurnal.step: must divide apiserver.background-load.diurnal.period"},
		{[]string{`apiserver.background-load.diurnal.step="1s"`}, "apiserver.background-load.diurnal.step: gives 86400 steps per period; at most 1440"},
		{[]string{`apiserver.background-load.diurnal.period="0s"`}, "apiserver.background-load.diurnal.period: must be > 0"},
		{[]string{`apiserver.background-load.diurnal.peak-at="1d"`}, "apiserver.background-load.diurnal.peak-at: must be in [0, apiserver.background-load.diurnal.period)"},
		{[]string{`apiserver.background-load.diurnal.period="banana"`}, "apiserver.background-load.diurnal.period"},
	} {
		_, err := Load("default", tc.sets)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%v: got %v, want %q", tc.sets, err, tc.want)
		}
	}
}
