package kubeconfig

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func readText(t *testing.T, name, text string) (*Found, error) {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return Read([]string{path})
}

const kc = "apiVersion: kubelet.config.k8s.io/v1beta1\nkind: KubeletConfiguration\n"

// TestKubeletDefaulting pins SetDefaults_KubeletConfiguration for the
// three modelled fields (pkg/kubelet/apis/config/v1beta1/defaults.go),
// including its rule that a zero value counts as unset.
func TestKubeletDefaulting(t *testing.T) {
	for _, tc := range []struct {
		body           string
		update, report time.Duration
		lease          int32
		from           string
	}{
		{"", 10 * time.Second, 5 * time.Minute, 40, "default"},
		{"nodeStatusUpdateFrequency: 20s\n", 20 * time.Second, 20 * time.Second, 40, "update"},
		{"nodeStatusReportFrequency: 1m\n", 10 * time.Second, time.Minute, 40, "set"},
		{"nodeStatusUpdateFrequency: 4s\nnodeStatusReportFrequency: 2m\nnodeLeaseDurationSeconds: 20\n", 4 * time.Second, 2 * time.Minute, 20, "set"},
		{"nodeStatusUpdateFrequency: 0s\n", 10 * time.Second, 5 * time.Minute, 40, "default"},
		{"nodeStatusUpdateFrequency: 20s\nnodeStatusReportFrequency: 0s\nnodeLeaseDurationSeconds: 0\n", 20 * time.Second, 20 * time.Second, 40, "update"},
		{"nodeStatusUpdateFrequency: \"1m30s\"\n", 90 * time.Second, 90 * time.Second, 40, "update"},
	} {
		f, err := readText(t, "k.yaml", kc+tc.body)
		if err != nil {
			t.Fatalf("%q: %v", tc.body, err)
		}
		u, r, l, from := f.Kubelet.Effective(5 * time.Minute)
		if u != tc.update || r != tc.report || l != tc.lease || from != tc.from {
			t.Errorf("%q: update %v report %v lease %d (%s); want %v %v %d (%s)", tc.body, u, r, l, from, tc.update, tc.report, tc.lease, tc.from)
		}
	}
}

func TestKubeletDecoding(t *testing.T) {
	for _, tc := range []struct{ body, want string }{
		{"nodeStatusUpdateFrequency: 10\n", "k.yaml:3: nodeStatusUpdateFrequency: want a duration string"},
		{"nodeStatusUpdateFrequency: ten\n", "k.yaml:3: nodeStatusUpdateFrequency: time: invalid duration"},
		{"nodeLeaseDurationSeconds: \"40\"\n", "k.yaml:3: nodeLeaseDurationSeconds: want an integer"},
		{"nodeLeaseDurationSeconds: 3000000000\n", "k.yaml:3: nodeLeaseDurationSeconds: want an integer"},
		{"nodeStatusUpdateFrequency: 10s\nnodeStatusUpdateFrequency: 20s\n", "k.yaml:4: YAML: "},
	} {
		_, err := readText(t, "k.yaml", kc+tc.body)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: %v, want %q", tc.body, err, tc.want)
		}
	}
	if _, err := readText(t, "k.yaml", "apiVersion: kubelet.config.k8s.io/v1alpha1\nkind: KubeletConfiguration\n"); err == nil || !strings.Contains(err.Error(), "k.yaml:1: KubeletConfiguration apiVersion") {
		t.Errorf("old apiVersion: %v", err)
	}
	// Names match exactly, as apimachinery's decoder does: a case typo is
	// an unknown field with a warning, not the modelled field.
	f, err := readText(t, "k.yaml", kc+"nodestatusupdatefrequency: 20s\nmaxPods: 100\n")
	if err != nil {
		t.Fatal(err)
	}
	if f.Kubelet.NodeStatusUpdateFrequency != nil || len(f.Warnings) != 1 || !strings.Contains(f.Warnings[0], "did you mean nodeStatusUpdateFrequency?") {
		t.Errorf("case typo: %+v %v", f.Kubelet, f.Warnings)
	}
	if len(f.NotModelled) != 1 || !strings.HasSuffix(f.NotModelled[0], ": maxPods") {
		t.Errorf("not modelled: %v", f.NotModelled)
	}
}

func TestFlagForms(t *testing.T) {
	pod := `apiVersion: v1
kind: Pod
spec:
  containers:
  - name: kcm
    image: registry.k8s.io/kube-controller-manager:v1.31.2
    command: ["kube-controller-manager", "--node-monitor-period", "3s", "--leader-elect", "--node-monitor-grace-period=30s"]
    args:
    - --node-monitor-grace-period=35s
`
	f, err := readText(t, "kcm.yaml", pod)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, fl := range f.Flags {
		got[fl.Name] = fl.Value // the last wins, as in pflag
	}
	if got["node-monitor-period"] != "3s" || got["node-monitor-grace-period"] != "35s" || len(f.Images) != 1 || f.Images[0].Minor != 31 {
		t.Errorf("flags %v images %+v", got, f.Images)
	}
	if len(f.NotModelled) != 1 || !strings.HasSuffix(f.NotModelled[0], ": --leader-elect") {
		t.Errorf("not modelled %v", f.NotModelled)
	}
}

func TestWords(t *testing.T) {
	toks, err := words("f", "# comment\nkube-apiserver \\\n  --a=1 --b \"two words\" # trailing\nX_ARGS='--c=3 --d'\n")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, tk := range toks {
		got = append(got, tk.s)
	}
	if strings.Join(got, "|") != "kube-apiserver|--a=1|--b|two words|--c=3|--d" || toks[1].line != 3 || toks[4].line != 4 {
		t.Errorf("%q %+v", got, toks)
	}
	if _, err := words("f", "--a=\"open\n"); err == nil || !strings.Contains(err.Error(), "f:1: unterminated") {
		t.Errorf("%v", err)
	}
}

func TestNotConfiguration(t *testing.T) {
	if _, err := readText(t, "x.txt", "hello world\n"); err == nil || !strings.Contains(err.Error(), "not a flags file nodesim can read") {
		t.Errorf("%v", err)
	}
	if _, err := readText(t, "cm.yaml", "apiVersion: v1\nkind: ConfigMap\n"); err == nil || !strings.Contains(err.Error(), `cm.yaml:1: kind "ConfigMap"`) {
		t.Errorf("%v", err)
	}
	if _, err := readText(t, "two.yaml", kc+"---\n"+kc); err == nil || !strings.Contains(err.Error(), "two.yaml:4: a second KubeletConfiguration") {
		t.Errorf("%v", err)
	}
}
