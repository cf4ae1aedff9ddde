package validate

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	"sigs.k8s.io/yaml"

	"github.com/nodesim/nodesim/scenarios"
)

// decode reads ../name strictly into obj: an unknown or misspelt field,
// or a value of the wrong type, is an error, as kubectl apply
// --validate=strict makes it.
func decode(t *testing.T, name string, obj any, apiVersion, kind string) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", name))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.UnmarshalStrict(data, obj); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	var tm struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
	}
	if err := yaml.Unmarshal(data, &tm); err != nil {
		t.Fatal(err)
	}
	if tm.APIVersion != apiVersion || tm.Kind != kind {
		t.Fatalf("%s: %s %s, want %s %s", name, tm.APIVersion, tm.Kind, apiVersion, kind)
	}
}

type manifests struct {
	scenario corev1.ConfigMap
	volume   corev1.PersistentVolumeClaim
	shards   batchv1.Job
	merge    batchv1.Job
	reader   corev1.Pod
}

func load(t *testing.T) *manifests {
	t.Helper()
	var m manifests
	decode(t, "configmap.yaml", &m.scenario, "v1", "ConfigMap")
	decode(t, "volume.yaml", &m.volume, "v1", "PersistentVolumeClaim")
	decode(t, "job-shards.yaml", &m.shards, "batch/v1", "Job")
	decode(t, "job-merge.yaml", &m.merge, "batch/v1", "Job")
	decode(t, "results-reader.yaml", &m.reader, "v1", "Pod")
	return &m
}

// container is the pod's only container, named nodesim.
func container(t *testing.T, job *batchv1.Job) *corev1.Container {
	t.Helper()
	cs := job.Spec.Template.Spec.Containers
	if len(cs) != 1 || cs[0].Name != "nodesim" {
		t.Fatalf("%s: want one container named nodesim, got %d", job.Name, len(cs))
	}
	return &cs[0]
}

// flag is the value after name in args.
func flag(t *testing.T, args []string, name string) string {
	t.Helper()
	i := slices.Index(args, name)
	if i < 0 || i+1 >= len(args) {
		t.Fatalf("args %q have no %s", args, name)
	}
	return args[i+1]
}

// mountOf is the mount path of the volume that claims claim or maps
// configMap, in job's pod.
func mountOf(t *testing.T, job *batchv1.Job, match func(corev1.Volume) bool) corev1.VolumeMount {
	t.Helper()
	for _, v := range job.Spec.Template.Spec.Volumes {
		if !match(v) {
			continue
		}
		for _, vm := range container(t, job).VolumeMounts {
			if vm.Name == v.Name {
				return vm
			}
		}
		t.Fatalf("%s: volume %s is not mounted", job.Name, v.Name)
	}
	t.Fatalf("%s: no such volume", job.Name)
	return corev1.VolumeMount{}
}

func claims(name string) func(corev1.Volume) bool {
	return func(v corev1.Volume) bool {
		return v.PersistentVolumeClaim != nil && v.PersistentVolumeClaim.ClaimName == name
	}
}

// under reports whether path lies in the mount.
func under(path string, vm corev1.VolumeMount) bool {
	return path == vm.MountPath || strings.HasPrefix(path, strings.TrimSuffix(vm.MountPath, "/")+"/")
}

func TestShardsJob(t *testing.T) {
	m := load(t)
	spec := &m.shards.Spec
	if spec.CompletionMode == nil || *spec.CompletionMode != batchv1.IndexedCompletion {
		t.Fatalf("completionMode %v, want Indexed: each pod needs its index", spec.CompletionMode)
	}
	if spec.Completions == nil || spec.Parallelism == nil || *spec.Parallelism < 1 || *spec.Parallelism > *spec.Completions {
		t.Fatalf("completions %v, parallelism %v: want N completions and 1 to N in parallel", spec.Completions, spec.Parallelism)
	}
	n := int(*spec.Completions)
	pod := &spec.Template.Spec
	if pod.RestartPolicy != corev1.RestartPolicyNever {
		t.Errorf("restartPolicy %q, want Never (backoffLimitPerIndex and podFailurePolicy need it)", pod.RestartPolicy)
	}
	if spec.BackoffLimitPerIndex == nil {
		t.Error("no backoffLimitPerIndex: one failing shard would use up the retries of all")
	}
	c := container(t, &m.shards)
	if c.Args[0] != "run" {
		t.Fatalf("args %q: want nodesim run", c.Args)
	}
	shard := flag(t, c.Args, "--shard")
	if want := "$(JOB_COMPLETION_INDEX)/" + strconv.Itoa(n); shard != want {
		t.Errorf("--shard %s, want %s (N = completions)", shard, want)
	}
	i := slices.IndexFunc(c.Env, func(e corev1.EnvVar) bool { return e.Name == "JOB_COMPLETION_INDEX" })
	index := []string{ // where the Job controller puts a pod's index
		"metadata.annotations['" + batchv1.JobCompletionIndexAnnotation + "']",
		"metadata.labels['" + batchv1.JobCompletionIndexAnnotation + "']",
	}
	if i < 0 || c.Env[i].ValueFrom == nil || c.Env[i].ValueFrom.FieldRef == nil || !slices.Contains(index, c.Env[i].ValueFrom.FieldRef.FieldPath) {
		t.Error("JOB_COMPLETION_INDEX is not declared from the pod's completion index: $(JOB_COMPLETION_INDEX) in args expands only from the container's env")
	}
	if p := spec.PodFailurePolicy; p == nil || !slices.ContainsFunc(p.Rules, func(r batchv1.PodFailurePolicyRule) bool {
		return r.Action == batchv1.PodFailurePolicyActionFailIndex && r.OnExitCodes != nil && slices.Contains(r.OnExitCodes.Values, 2)
	}) {
		t.Error("exit status 2 (bad input) does not fail its index at once: retrying it cannot help")
	}

	results := mountOf(t, &m.shards, claims(m.volume.Name))
	if results.ReadOnly || !under(flag(t, c.Args, "--out"), results) {
		t.Errorf("--out %s is not on the writable results volume (%s)", flag(t, c.Args, "--out"), results.MountPath)
	}
	scenario := mountOf(t, &m.shards, func(v corev1.Volume) bool {
		return v.ConfigMap != nil && v.ConfigMap.Name == m.scenario.Name
	})
	if want := filepath.Join(scenario.MountPath, "scenario.toml"); c.Args[1] != want {
		t.Errorf("scenario %s, want the ConfigMap's %s", c.Args[1], want)
	}
	if !slices.Contains(m.volume.Spec.AccessModes, corev1.ReadWriteMany) {
		t.Errorf("%s: access modes %v: every shard pod mounts it at once, so ReadWriteMany", m.volume.Name, m.volume.Spec.AccessModes)
	}
}

func TestMergeJob(t *testing.T) {
	m := load(t)
	shards, merge := container(t, &m.shards), container(t, &m.merge)
	if merge.Args[0] != "merge" || merge.Args[1] != flag(t, shards.Args, "--out") {
		t.Errorf("merge args %q: want merge of the shards' --out %s", merge.Args, flag(t, shards.Args, "--out"))
	}
	if merge.Image != shards.Image {
		t.Errorf("merge image %s, shards %s: merge refuses partials of another nodesim", merge.Image, shards.Image)
	}
	arch := func(j *batchv1.Job) string { return j.Spec.Template.Spec.NodeSelector[corev1.LabelArchStable] }
	if arch(&m.shards) == "" || arch(&m.merge) != arch(&m.shards) {
		t.Errorf("architectures: shards %q, merge %q: want one, pinned (floating point may differ between them)", arch(&m.shards), arch(&m.merge))
	}
	if m.merge.Spec.Template.Spec.RestartPolicy != corev1.RestartPolicyNever {
		t.Errorf("restartPolicy %q, want Never: a merge that names missing shards fails the same way again", m.merge.Spec.Template.Spec.RestartPolicy)
	}
	results := mountOf(t, &m.merge, claims(m.volume.Name))
	for _, p := range []string{merge.Args[1], flag(t, merge.Args, "--out")} {
		if !under(p, results) {
			t.Errorf("%s is not on the results volume (%s)", p, results.MountPath)
		}
	}
	if results.ReadOnly {
		t.Error("the merge writes its --out on the results volume, mounted read-only")
	}
}

// The reader mounts the results volume where the merge wrote them.
func TestResultsReader(t *testing.T) {
	m := load(t)
	merge := container(t, &m.merge)
	pod := &m.reader.Spec
	for _, v := range pod.Volumes {
		if !claims(m.volume.Name)(v) {
			continue
		}
		for _, vm := range pod.Containers[0].VolumeMounts {
			if vm.Name == v.Name && under(flag(t, merge.Args, "--out"), vm) {
				return
			}
		}
	}
	t.Errorf("%s does not mount the merge's --out %s", m.reader.Name, flag(t, merge.Args, "--out"))
}

// Every manifest in the folder is one this test decodes.
func TestEveryManifestChecked(t *testing.T) {
	found, err := filepath.Glob("../*.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range found {
		names = append(names, filepath.Base(f))
	}
	want := []string{"configmap.yaml", "job-merge.yaml", "job-shards.yaml", "results-reader.yaml", "volume.yaml"}
	if !slices.Equal(names, want) {
		t.Errorf("manifests %v, checked %v: add the new one to load", names, want)
	}
}

// The ConfigMap's scenario is one nodesim loads: a typo in it would
// fail every shard.
func TestScenarioConfigMap(t *testing.T) {
	m := load(t)
	text, ok := m.scenario.Data["scenario.toml"]
	if !ok || len(m.scenario.Data) != 1 {
		t.Fatalf("ConfigMap data keys %v, want scenario.toml only", keys(m.scenario.Data))
	}
	path := filepath.Join(t.TempDir(), "scenario.toml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	sc, err := scenarios.Load(path, nil)
	if err != nil {
		t.Fatalf("the ConfigMap's scenario does not load: %v", err)
	}
	if len(sc.Points) < 2 {
		t.Errorf("%d points: the example should sweep, so shards have points to share", len(sc.Points))
	}
}

func keys(m map[string]string) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

// The image builds with the Go release nodesim's go.mod asks for.
func TestDockerfileGoVersion(t *testing.T) {
	gomod, err := os.ReadFile("../../../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	docker, err := os.ReadFile("../../../Dockerfile")
	if err != nil {
		t.Fatal(err)
	}
	want := regexp.MustCompile(`(?m)^go (\d+\.\d+)`).FindSubmatch(gomod)
	got := regexp.MustCompile(`(?m)^FROM golang:(\d+\.\d+)\S* AS build`).FindSubmatch(docker)
	if want == nil || got == nil {
		t.Fatal("no go directive in go.mod, or no FROM golang:X.Y AS build in the Dockerfile")
	}
	if string(got[1]) != string(want[1]) {
		t.Errorf("Dockerfile builds with golang:%s, go.mod wants go %s", got[1], want[1])
	}
}
