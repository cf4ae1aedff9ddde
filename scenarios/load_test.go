package scenarios

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/nodesim/nodesim/model"
)

// TestBadCorpus loads every file of testdata/bad: each must fail with one
// *Error whose message contains the "# want:" text of its first line,
// which always names the offending key.
func TestBadCorpus(t *testing.T) {
	t.Parallel()
	files, _ := filepath.Glob("testdata/bad/*.toml")
	if len(files) < 30 {
		t.Fatalf("bad corpus has %d files, want >= 30", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			want := wantLine(t, f)
			_, err := Load(f, nil)
			if err == nil {
				t.Fatalf("loaded without error; want %q", want)
			}
			var se *Error
			if !errors.As(err, &se) {
				t.Errorf("error %T is not a *scenarios.Error: %v", err, err)
			}
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error:\n  %v\nwant it to contain:\n  %s", err, want)
			}
			if !strings.HasPrefix(err.Error(), f) {
				t.Errorf("error %q does not start with the file name", err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("one mistake, several errors (a knock-on?):\n%v", err)
			}
		})
	}
}

func wantLine(t *testing.T, path string) string {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Scan()
	want, ok := strings.CutPrefix(sc.Text(), "# want: ")
	if !ok {
		t.Fatalf("first line %q is not '# want: ...'", sc.Text())
	}
	return want
}

// TestErrorLines checks that errors point at the offending line.
func TestErrorLines(t *testing.T) {
	t.Parallel()
	for file, line := range map[string]int{
		"unknown-key.toml": 3, "unknown-table.toml": 2, "p99-below-median.toml": 3,
		"unknown-effect.toml": 5, "incident-unknown-field.toml": 6, "sweep-bad-value.toml": 3,
		"zones-above-nodes.toml": 4, "malformed.toml": 2, "weight-zero.toml": 3,
		"point-unknown-key.toml": 6, "point-missing-name.toml": 5, "point-duplicate-name.toml": 6, "point-also-swept.toml": 7,
		"point-bad-value.toml": 7, "point-subtable-unknown.toml": 5,
	} {
		_, err := Load(filepath.Join("testdata/bad", file), nil)
		var se *Error
		if !errors.As(err, &se) || se.Line != line {
			t.Errorf("%s: error %v, want line %d", file, err, line)
		}
	}
}

// TestPrecedence checks profile defaults ← file ← --set, and the
// provenance `nodesim check` prints.
func TestPrecedence(t *testing.T) {
	t.Parallel()
	sc, err := Load("grace-sweep", []string{"cluster.nodes=500", "controller.node-monitor-grace-period=45s", "profile=v1.26"})
	if err != nil {
		t.Fatal(err)
	}
	if len(sc.Points) != 1 || len(sc.Axes) != 0 {
		t.Errorf("a --set value must end the file's sweep of that key: %d points, axes %v", len(sc.Points), sc.Axes)
	}
	c := sc.Points[0].Config
	if c.Cluster.Nodes != 500 || c.Controller.NodeMonitorGracePeriod != 45*time.Second || c.Profile != "v1.26" || c.Controller.Workers != 1 {
		t.Errorf("config = nodes %d grace %v profile %s workers %d", c.Cluster.Nodes, c.Controller.NodeMonitorGracePeriod, c.Profile, c.Controller.Workers)
	}
	src := map[string]string{}
	for _, s := range sc.Settings {
		src[s.Key] = s.Source + " " + s.Pos
	}
	for key, want := range map[string]string{
		"cluster.nodes": "flag --set", "cluster.zones": "file grace-sweep.toml:18", "kubelet.renew-jitter-factor": "profile ",
	} {
		if src[key] != want {
			t.Errorf("%s source = %q, want %q", key, src[key], want)
		}
	}
}

// TestSweepProfile rebuilds each point from its own profile's defaults.
func TestSweepProfile(t *testing.T) {
	t.Parallel()
	sc, err := Load("default", []string{"profile=v1.12,v1.33", "controller.workers=1,8"})
	if err != nil {
		t.Fatal(err)
	}
	if len(sc.Points) != 4 {
		t.Fatalf("%d points, want 4", len(sc.Points))
	}
	p := sc.Points[1] // last axis varies fastest
	if p.Params["profile"] != "v1.12" || p.Params["controller.workers"] != "8" {
		t.Errorf("point 1 params = %v", p.Params)
	}
	if p.Config.Rules.Lease || p.Config.Kubelet.StatusJitterFactor != 0 || p.Config.Controller.Workers != 8 {
		t.Errorf("v1.12 point: rules %+v jitter %v workers %d", p.Config.Rules, p.Config.Kubelet.StatusJitterFactor, p.Config.Controller.Workers)
	}
	// The file's grace (50s) applies on top of every profile.
	if p.Config.Controller.NodeMonitorGracePeriod != 50*time.Second {
		t.Errorf("grace = %v, want the file's 50s", p.Config.Controller.NodeMonitorGracePeriod)
	}
}

// TestSetValues covers TOML values, bare strings and distributions in --set.
func TestSetValues(t *testing.T) {
	t.Parallel()
	sc, err := Load("default", []string{
		`apiserver.write-latency={dist="gamma", alpha=2, beta=100}`,
		"informer.watch-delay=50ms",
		"apiserver.request-failure-probability=1e-3",
		`apiserver.incident=[]`,
	})
	if err != nil {
		t.Fatal(err)
	}
	c := sc.Base
	if c.APIServer.WriteLatency.Kind != model.Gamma || c.APIServer.WriteLatency.A != 2 ||
		c.Informer.WatchDelay.A != 0.05 || c.APIServer.RequestFailureProbability != 1e-3 || len(c.APIServer.Incidents) != 0 {
		t.Errorf("config: %+v %+v %v %v", c.APIServer.WriteLatency, c.Informer.WatchDelay, c.APIServer.RequestFailureProbability, c.APIServer.Incidents)
	}
	if _, err := Load("default", []string{"nokey"}); err == nil || !strings.Contains(err.Error(), "want key=value") {
		t.Errorf("--set without '=': %v", err)
	}
}

func TestIncidentDefaults(t *testing.T) {
	t.Parallel()
	sc, err := Load("default", []string{"apiserver.etcd-request-timeout=3s"})
	if err != nil {
		t.Fatal(err)
	}
	in := sc.Base.APIServer.Incidents[0]
	if in.FailAfter != 3*time.Second || in.Multiply != 1 || in.Effect != model.Unavailable {
		t.Errorf("incident = %+v, want fail-after = the effective etcd-request-timeout", in)
	}
}

func TestParseDuration(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]time.Duration{
		"10s": 10 * time.Second, "2d": 48 * time.Hour, "1d12h": 36 * time.Hour, "1.5d": 36 * time.Hour,
		"0": 0, "50us": 50 * time.Microsecond, "1h30m": 90 * time.Minute,
	} {
		if got, err := ParseDuration(in); err != nil || got != want {
			t.Errorf("ParseDuration(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "10", "-1s", "-1d", "d", "1e3d", "1d-5h", "NaNd", "5 s", "1x"} {
		if got, err := ParseDuration(in); err == nil {
			t.Errorf("ParseDuration(%q) = %v, want an error", in, got)
		}
	}
	for d, want := range map[time.Duration]string{
		48 * time.Hour: "2d", 36 * time.Hour: "1d12h", 5 * time.Minute: "5m", 90 * time.Minute: "1h30m", 0: "0s", 1500 * time.Millisecond: "1.5s",
	} {
		if got := FormatDuration(d); got != want {
			t.Errorf("FormatDuration(%v) = %q, want %q", d, got, want)
		}
	}
}

func TestSuggest(t *testing.T) {
	t.Parallel()
	known := []string{"nodeStatusUpdateFrequency", "nodeStatusReportFrequency", "status-jitter-factor"}
	for in, want := range map[string]string{
		"nodeStatusUpdateFrequncy":  "nodeStatusUpdateFrequency",
		"nodestatusupdatefrequency": "nodeStatusUpdateFrequency",
		"status-jitter":             "status-jitter-factor",
		"completely-different":      "",
	} {
		got := suggest(in, known)
		if (want == "" && got != "") || !strings.Contains(got, want) {
			t.Errorf("suggest(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestReportFrequencyDefaultsToUpdateFrequency pins
// SetDefaults_KubeletConfiguration: a scenario's [kubelet] table is a
// KubeletConfiguration, so setting nodeStatusUpdateFrequency alone makes
// nodeStatusReportFrequency default to it (v1.13+), per sweep point too.
func TestReportFrequencyDefaultsToUpdateFrequency(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	only := write("only.toml", "profile = \"v1.33\"\n[kubelet]\nnodeStatusUpdateFrequency = \"4s\"\n")
	both := write("both.toml", "profile = \"v1.33\"\n[kubelet]\nnodeStatusUpdateFrequency = \"4s\"\nnodeStatusReportFrequency = \"2m\"\n")
	neither := write("neither.toml", "profile = \"v1.16\"\n[cluster]\nnodes = 10\n")
	for _, tc := range []struct {
		name, file string
		sets       []string
		want       []time.Duration // per point
		source     string
	}{
		{"update only", only, nil, []time.Duration{4 * time.Second}, "defaulted from nodeStatusUpdateFrequency"},
		{"both set", both, nil, []time.Duration{2 * time.Minute}, "file " + both + ":4"},
		{"neither: the profile's default", neither, nil, []time.Duration{time.Minute}, "profile "},
		{"--set update", neither, []string{"kubelet.nodeStatusUpdateFrequency=7s"}, []time.Duration{7 * time.Second}, "defaulted from nodeStatusUpdateFrequency"},
		{"--set report over update", only, []string{"kubelet.nodeStatusReportFrequency=1m"}, []time.Duration{time.Minute}, "flag --set"},
		{"swept update", neither, []string{"kubelet.nodeStatusUpdateFrequency=5s,20s"}, []time.Duration{5 * time.Second, 20 * time.Second}, "profile "},
		{"v1.12 has no report frequency", neither, []string{"profile=v1.12", "kubelet.nodeStatusUpdateFrequency=5s"}, []time.Duration{time.Minute}, "profile "},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc, err := Load(tc.file, tc.sets)
			if err != nil {
				t.Fatal(err)
			}
			if len(sc.Points) != len(tc.want) {
				t.Fatalf("%d points, want %d", len(sc.Points), len(tc.want))
			}
			for i, p := range sc.Points {
				if got := p.Config.Kubelet.NodeStatusReportFrequency; got != tc.want[i] {
					t.Errorf("point %d: nodeStatusReportFrequency = %v, want %v", i, got, tc.want[i])
				}
			}
			for _, s := range sc.Settings {
				if s.Key == "kubelet.nodeStatusReportFrequency" && s.Source+" "+s.Pos != tc.source {
					t.Errorf("source = %q, want %q", s.Source+" "+s.Pos, tc.source)
				}
			}
		})
	}
}

// TestValidateNamesParams: every error model.Config.Validate returns is a
// *model.FieldError whose key is a parameter of this loader (a key spelled
// differently in the two packages would fail here), and the loader reports
// it under that key.
func TestValidateNamesParams(t *testing.T) {
	t.Parallel()
	c := &model.Config{APIServer: model.APIServerConfig{Incidents: []model.Incident{{FailAfter: -1, Effect: model.Slow, Multiply: -1}}}}
	err := c.Validate()
	j, ok := err.(interface{ Unwrap() []error })
	if !ok {
		t.Fatalf("Validate of a zero config: %v, want a join of field errors", err)
	}
	seen := map[string]bool{}
	for _, e := range j.Unwrap() {
		fe, ok := e.(*model.FieldError)
		if !ok {
			t.Errorf("%T is not a *model.FieldError: %v", e, e)
			continue
		}
		if paramIndex[fe.Key] == nil {
			t.Errorf("Validate names key %q, which the loader does not know", fe.Key)
		}
		if fe.Field != "" && !slices.Contains(incidentKeys, fe.Field) {
			t.Errorf("Validate names incident field %q, which the loader does not know", fe.Field)
		}
		seen[fe.Path()] = true
	}
	for _, want := range []string{"simulation.duration", "cluster.nodes", "controller.workers", "apiserver.incident[1].fail-after", "apiserver.incident[1]"} {
		if !seen[want] {
			t.Errorf("no error for %s; got %v", want, err)
		}
	}
	se := position(&model.FieldError{Key: model.KeyIncident, Index: 2, Field: model.IncidentEvery, Msg: "must be > 0"},
		[]assign{{key: model.KeyIncident, src: &source{label: "x.toml", text: "[[apiserver.incident]]\nevery = \"1s\"\n[[apiserver.incident]]\nevery = \"0s\"\n"}}}, &source{label: "x.toml"}, "")
	if se.Error() != "x.toml:4: apiserver.incident[2].every: must be > 0" {
		t.Errorf("positioned as %q", se)
	}
}

// TestEmpiricalReadOncePerSweep: every sweep point shares one copy of an
// empirical file's samples, so a 10,000-point sweep neither reads a file
// 10,000 times nor keeps 10,000 copies of it.
func TestEmpiricalReadOncePerSweep(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "lat.txt"), []byte("1ms\n2ms\n# a comment\n\n0.003\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	toml := filepath.Join(dir, "s.toml")
	if err := os.WriteFile(toml, []byte(`[apiserver]
write-latency = { dist = "empirical", file = "lat.txt" }
[sweep]
"controller.workers" = [1, 2, 8]
`), 0o644); err != nil {
		t.Fatal(err)
	}
	sc, err := Load(toml, nil)
	if err != nil {
		t.Fatal(err)
	}
	first := sc.Points[0].Config.APIServer.WriteLatency.Samples
	if !slices.Equal(first, []float64{0.001, 0.002, 0.003}) {
		t.Fatalf("samples %v", first)
	}
	for _, p := range sc.Points[1:] {
		if s := p.Config.APIServer.WriteLatency.Samples; &s[0] != &first[0] {
			t.Errorf("point %v has its own copy of the samples", p.Params)
		}
	}
}

// TestSweepDottedKeys: TOML reads an unquoted dotted key under [sweep], or
// a [sweep.controller] header, as nested tables; both sweep the same key
// as the quoted form (issue 19: they were silently ignored, one point ran).
func TestSweepDottedKeys(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	var got []string
	for i, text := range []string{
		"[sweep]\n\"controller.node-monitor-grace-period\" = [\"30s\", \"40s\"]\n\"apiserver.write-latency\" = [\"1ms\", { dist = \"exponential\", mean = \"2ms\" }]\n",
		"[sweep]\ncontroller.node-monitor-grace-period = [\"30s\", \"40s\"]\napiserver.write-latency = [\"1ms\", { dist = \"exponential\", mean = \"2ms\" }]\n",
		"[sweep.controller]\nnode-monitor-grace-period = [\"30s\", \"40s\"]\n[sweep.apiserver]\nwrite-latency = [\"1ms\", { dist = \"exponential\", mean = \"2ms\" }]\n",
	} {
		path := filepath.Join(dir, fmt.Sprintf("s%d.toml", i))
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		sc, err := Load(path, nil)
		if err != nil {
			t.Fatalf("%s: %v", text, err)
		}
		var b strings.Builder
		for _, p := range sc.Points {
			fmt.Fprintf(&b, "%v %v; ", p.Config.Controller.NodeMonitorGracePeriod, p.Config.APIServer.WriteLatency.Source)
		}
		got = append(got, b.String())
	}
	want := "30s 1ms; 30s exponential mean=2ms; 40s 1ms; 40s exponential mean=2ms; "
	for i, g := range got {
		if g != want {
			t.Errorf("form %d: points %q, want %q", i, g, want)
		}
	}
}

// TestWarningsPositioned: a warning names the key and line that set it;
// one every sweep point shares is listed once, others with their point.
func TestWarningsPositioned(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "w.toml")
	if err := os.WriteFile(path, []byte(`[controller]
node-monitor-grace-period = "8s"
[failures]
partition = { every = "20s", lasts = "1s" }
[sweep]
"controller.node-monitor-grace-period" = ["8s", "40s"]
`), 0o644); err != nil {
		t.Fatal(err)
	}
	sc, err := Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, w := range sc.Warnings {
		got = append(got, w.Error())
	}
	want := []string{
		path + `:6: sweep point controller.node-monitor-grace-period=8s: controller.node-monitor-grace-period: 8s is not longer than the heartbeat interval (10s, lease renewals): every gap between heartbeats outlasts it, so healthy nodes flap NotReady all the time`,
		path + `:4: sweep point controller.node-monitor-grace-period=40s: failures.partition.every: a mean of 20s is shorter than the grace period (40s): a node fails again before its failure can be detected`,
	}
	if !slices.Equal(got, want) {
		t.Errorf("warnings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	sc, err = Load(path, []string{"controller.node-monitor-grace-period=9s"})
	if err != nil {
		t.Fatal(err)
	}
	if len(sc.Warnings) != 1 || sc.Warnings[0].Error() != "--set: controller.node-monitor-grace-period: 9s is not longer than the heartbeat interval (10s, lease renewals): every gap between heartbeats outlasts it, so healthy nodes flap NotReady all the time" {
		t.Errorf("warnings with --set: %v", sc.Warnings)
	}
}

// TestBadSets runs every line of testdata/bad/sets.txt: each --set must
// fail with one *Error containing the text after "=>".
func TestBadSets(t *testing.T) {
	t.Parallel()
	cases := badSets(t, "testdata/bad/sets.txt")
	if len(cases) < 15 {
		t.Fatalf("%d cases in sets.txt", len(cases))
	}
	for _, c := range cases {
		_, err := Load("default", []string{c[0]})
		var se *Error
		if err == nil || !errors.As(err, &se) || !strings.Contains(err.Error(), c[1]) || strings.Contains(err.Error(), "\n") {
			t.Errorf("--set %s: %v; want one *Error containing %q", c[0], err, c[1])
		}
	}
}

// badSets reads the cases of a sets.txt file: {flag value, wanted text}.
func badSets(t *testing.T, path string) [][2]string {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out [][2]string
	for _, line := range strings.Split(string(data), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		set, want, ok := strings.Cut(line, " => ")
		if !ok {
			t.Fatalf("%s: %q has no ' => '", path, line)
		}
		out = append(out, [2]string{set, want})
	}
	return out
}
