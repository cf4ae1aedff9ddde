package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nodesim/nodesim/model"
)

// TestPickPoint: --timeline-point takes a value of the only swept key,
// a named point's name, or key=value pairs; anything that is not a point
// is bad input naming the flag.
func TestPickPoint(t *testing.T) {
	t.Parallel()
	grace := []model.SweepAxis{{Key: "controller.node-monitor-grace-period", Values: []string{"40s", "1m"}}}
	graceParams := []map[string]string{{grace[0].Key: "40s"}, {grace[0].Key: "1m"}}
	named := []model.SweepAxis{{Key: "name", Values: []string{"upstream v1.31", "kubespray fast"}}}
	namedParams := []map[string]string{{"name": "upstream v1.31", "profile": "v1.31"}, {"name": "kubespray fast", "kubelet.nodeStatusUpdateFrequency": "4s"}}
	for _, tc := range []struct {
		axes   []model.SweepAxis
		params []map[string]string
		flag   string
		want   int // index into params; -1: bad input
	}{
		{grace, graceParams, "1m", 1},
		{grace, graceParams, "60s", 1},
		{grace, graceParams, "controller.node-monitor-grace-period=40s", 0},
		{grace, graceParams, "50s", -1},
		{grace, graceParams, "x=1", -1},
		{named, namedParams, "kubespray fast", 1},
		{named, namedParams, "name=upstream v1.31", 0},
		{named, namedParams, "kubespray", -1},
		{nil, []map[string]string{{}}, "40s", -1},
	} {
		got, err := pickPoint(timelinePointFlag, tc.flag, tc.axes, tc.params)
		switch {
		case tc.want < 0:
			if err == nil || !isBadInput(err) || !strings.HasPrefix(err.Error(), "--timeline-point ") {
				t.Errorf("%q: err %v, want bad input naming --timeline-point", tc.flag, err)
			}
		case err != nil:
			t.Errorf("%q: %v", tc.flag, err)
		case !sameParams(got, tc.params[tc.want]):
			t.Errorf("%q: %v, want %v", tc.flag, got, tc.params[tc.want])
		}
	}
}

func sameParams(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestTimelinePointFlags: run records the chosen point and replication,
// the timeline chart says which it shows, the command line to rerun keeps
// them, and plot can choose another point; bad choices are exit 2.
func TestTimelinePointFlags(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "review")
	args := append([]string{"run", "default", "--set", "controller.node-monitor-grace-period=40s,50s",
		"--timeline-point", "50s", "--timeline-replication", "2", "--out", dir}, small...)
	if _, stderr, status := cli(t, args...); status != 0 {
		t.Fatalf("run: status %d: %s", status, stderr)
	}
	var res model.Results
	data, err := os.ReadFile(filepath.Join(dir, "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &res); err != nil {
		t.Fatal(err)
	}
	if got := res.TimelinePoint["controller.node-monitor-grace-period"]; got != "50s" {
		t.Errorf("timeline_point %v, want the 50s point", res.TimelinePoint)
	}
	for _, p := range res.Points {
		if p.Timeline == nil || p.Timeline.Replication != 2 {
			t.Errorf("point %v: timeline %+v, want replication 2", p.Params, p.Timeline)
		}
	}
	if !strings.Contains(res.Command, "--timeline-point 50s --timeline-replication 2") {
		t.Errorf("command %q does not rerun the same timeline", res.Command)
	}
	title := func() string {
		svg, err := os.ReadFile(filepath.Join(dir, "timeline.svg"))
		if err != nil {
			t.Fatal(err)
		}
		return string(svg)
	}
	if want := "Nodes Unknown over time (replication 2, controller.node-monitor-grace-period=50s)"; !strings.Contains(title(), want) {
		t.Errorf("timeline.svg lacks %q", want)
	}
	if _, stderr, status := cli(t, "plot", filepath.Join(dir, "results.json"), "--timeline-point", "40s"); status != 0 {
		t.Fatalf("plot: status %d: %s", status, stderr)
	}
	if want := "(replication 2, controller.node-monitor-grace-period=40s)"; !strings.Contains(title(), want) {
		t.Errorf("plot --timeline-point 40s: timeline.svg lacks %q", want)
	}
	for _, bad := range [][]string{
		{"run", "default", "--timeline-point", "50s", "--quiet"},
		{"run", "default", "--set", "controller.node-monitor-grace-period=40s,50s", "--timeline-point", "45s", "--quiet"},
		{"run", "default", "--timeline-replication", "4", "--replications", "4", "--quiet"},
		{"plot", filepath.Join(dir, "results.json"), "--timeline-point", "45s"},
	} {
		stdout, stderr, status := cli(t, bad...)
		if status != 2 || stdout != "" || !strings.Contains(stderr, "--timeline-") {
			t.Errorf("%v: status %d, stdout %q, stderr %q; want 2 and a message naming the flag", bad, status, stdout, stderr)
		}
	}
}
