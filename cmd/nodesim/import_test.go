package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const imp = "testdata/import/"

// TestImportGolden pins import's scenario and messages on real-shaped
// configuration files and on bad input.
func TestImportGolden(t *testing.T) {
	for _, tc := range []struct {
		name   string
		args   []string
		status int
	}{
		{"import-kubelet-kcm", []string{"import", imp + "kubelet-config.yaml", imp + "kube-controller-manager.yaml"}, 0},
		{"import-apiserver-etcd", []string{"import", imp + "kube-apiserver.yaml"}, 0},
		{"import-flags", []string{"import", imp + "kube-controller-manager.flags", imp + "kubeadm-flags.env", "--scenario", "grace-sweep"}, 0},
		{"import-kubelet-flag-over-file", []string{"import", imp + "kubelet-report.yaml", imp + "kubeadm-flags.env"}, 0},
		{"bad-import-yaml", []string{"import", imp + "bad-yaml.yaml"}, 2},
		{"bad-import-duration", []string{"import", imp + "bad-duration.yaml"}, 2},
		{"bad-import-two-kubelets", []string{"import", imp + "kubelet-config.yaml", imp + "kubelet-report.yaml"}, 2},
		{"bad-import-flag", []string{"import", imp + "bad-flag.yaml"}, 2},
		{"bad-import-kind", []string{"import", imp + "deployment.yaml"}, 2},
		{"bad-import-missing", []string{"import", imp + "no-such.yaml"}, 2},
		{"bad-run-yaml", []string{"run", imp + "kubelet-config.yaml"}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			stdout, stderr, status := cli(t, tc.args...)
			if status != tc.status {
				t.Errorf("exit status %d, want %d; stderr:\n%s", status, tc.status, stderr)
			}
			golden(t, tc.name, "stdout", stdout)
			golden(t, tc.name, "stderr", stderr)
		})
	}
}

// TestImportRoundTrip: `nodesim import kubelet-config.yaml
// kube-controller-manager.yaml > mine.toml` runs, and check shows the
// imported values and the defaulting.
func TestImportRoundTrip(t *testing.T) {
	stdout, stderr, status := cli(t, "import", imp+"kubelet-config.yaml", imp+"kube-controller-manager.yaml")
	if status != 0 {
		t.Fatalf("import: %d %s", status, stderr)
	}
	mine := filepath.Join(t.TempDir(), "mine.toml")
	if err := os.WriteFile(mine, []byte(stdout), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, stderr, status := cli(t, append([]string{"run", mine}, small...)...); status != 0 {
		t.Fatalf("run: %d %s", status, stderr)
	}
	out, _, _ := cli(t, "check", mine, "--format", "json")
	var doc struct {
		Profile    string
		Parameters []struct{ Key, Value, Source, Note string }
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	want := map[string][2]string{
		"kubelet.nodeStatusUpdateFrequency":    {"20s", "kubelet-config.yaml:21 nodeStatusUpdateFrequency"},
		"kubelet.nodeStatusReportFrequency":    {"20s", "defaulted from nodeStatusUpdateFrequency (SetDefaults_KubeletConfiguration: testdata/import/kubelet-config.yaml sets no nodeStatusReportFrequency)"},
		"kubelet.nodeLeaseDurationSeconds":     {"60", "kubelet-config.yaml:22 nodeLeaseDurationSeconds"},
		"controller.node-monitor-grace-period": {"40s", "kube-controller-manager.yaml:18 --node-monitor-grace-period=40s"},
		"controller.node-monitor-period":       {"4s", "kube-controller-manager.yaml:19 --node-monitor-period=4s"},
		"controller.node-eviction-rate":        {"0.05", "kube-controller-manager.yaml:21 --node-eviction-rate=0.05"},
	}
	for _, p := range doc.Parameters {
		w, ok := want[p.Key]
		if !ok {
			continue
		}
		delete(want, p.Key)
		if p.Value != w[0] || p.Source != "file" || !strings.Contains(p.Note, w[1]) {
			t.Errorf("%s = %q (%s, %q), want %q from %q", p.Key, p.Value, p.Source, p.Note, w[0], w[1])
		}
	}
	if len(want) > 0 || doc.Profile != "v1.33" {
		t.Errorf("missing %v; profile %s", want, doc.Profile)
	}
}

// TestImportWarnsOfNamedPoints: a value imported into a scenario whose
// named points set the same key is replaced at those points; say so.
func TestImportWarnsOfNamedPoints(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "kubelet.yaml")
	if err := os.WriteFile(path, []byte("apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\nnodeStatusUpdateFrequency: 7s\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	_, stderr, status := cli(t, "import", path, "--scenario", "recipes")
	if want := `the recipes scenario's point "kubespray fast" sets kubelet.nodeStatusUpdateFrequency (recipes.toml:`; status != 0 || !strings.Contains(stderr, want) {
		t.Errorf("status %d, stderr %q; want 0 and %q", status, stderr, want)
	}
}
