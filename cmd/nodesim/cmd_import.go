package main

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/nodesim/nodesim/cmd/nodesim/internal/kubeconfig"
	"github.com/nodesim/nodesim/model"
	"github.com/nodesim/nodesim/scenarios"
)

const importTag = "import:"

func newImportCmd() *cobra.Command {
	var base string
	cmd := &cobra.Command{
		Use:   "import FILE...",
		Short: "Print a scenario with the settings of your cluster's configuration files",
		Long: `Import reads a cluster's own configuration and prints a complete scenario:
--scenario (default: the built-in default) with every value nodesim models
set from the files, each with its source as a comment. It reads

  - a KubeletConfiguration (the kubelet's --config file), with upstream's
    defaulting: nodeStatusReportFrequency follows nodeStatusUpdateFrequency
    when only that is set, and unset fields take the kubelet's defaults;
  - static Pod manifests of kube-controller-manager, kube-apiserver and etcd
    (their command and args; the image tag picks the profile);
  - flags files: one component's flags, --flag=value or --flag value, with an
    optional command name or NAME="..." wrapper (kubeadm-flags.env).

Fields and flags nodesim does not model are listed once in the scenario's
header, not rejected.`,
		Example: `  nodesim import /var/lib/kubelet/config.yaml /etc/kubernetes/manifests/kube-controller-manager.yaml > mine.toml
  nodesim check mine.toml
  nodesim import kubelet-config.yaml --scenario grace-sweep > sweep.toml`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return badInputf("%s needs at least one file (see '%s --help')", cmd.CommandPath(), cmd.CommandPath())
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			return runImport(cmd.OutOrStdout(), cmd.ErrOrStderr(), base, args)
		},
	}
	cmd.Flags().StringVar(&base, "scenario", "default", "the scenario to import into: a built-in `NAME` or a TOML FILE")
	_ = cmd.RegisterFlagCompletionFunc("scenario", completeScenario)
	return cmd
}

func runImport(stdout, stderr io.Writer, base string, paths []string) error {
	found, err := kubeconfig.Read(paths)
	if err != nil {
		return badInput(err)
	}
	text, sc, err := openBase(base)
	if err != nil {
		return err
	}
	im := &importer{sc: sc, profile: sc.Profile, warnings: found.Warnings}
	im.pickProfile(found.Images)
	if im.defaults, err = model.Default(im.profile); err != nil {
		return err
	}
	if found.Kubelet != nil {
		im.kubelet(found.Kubelet, found.Flags)
	}
	if err := im.flags(found.Flags, found.Kubelet == nil); err != nil {
		return badInput(err)
	}
	if len(im.edits) == 0 {
		return badInputf("%s: nothing nodesim models (see 'nodesim import --help')", strings.Join(paths, ", "))
	}
	for _, ax := range sc.Axes {
		for _, e := range im.edits {
			if ax.Key == e.Key {
				im.warn("the %s scenario sweeps %s: its sweep replaces the imported value (%s) at every point", sc.Name, ax.Key, e.Value)
			}
		}
	}
	for _, np := range sc.Named {
		for _, st := range np.Settings {
			for _, e := range im.edits {
				if st.Key == e.Key {
					im.warn("the %s scenario's point %q sets %s (%s): it replaces the imported value (%s) there", sc.Name, np.Name, st.Key, st.Pos, e.Value)
				}
			}
		}
	}
	orig := strings.TrimSuffix(sc.Name, "-imported")
	header := []string{}
	if len(found.NotModelled) > 0 {
		header = append(header, "not modelled, so not simulated:")
		for _, n := range found.NotModelled {
			header = append(header, "  "+n)
		}
	}
	im.edits = append(im.edits,
		scenarios.Edit{Key: "name", Value: strconv.Quote(orig + "-imported"), Comment: header, Tag: importTag},
		scenarios.Edit{Key: "description", Value: strconv.Quote(fmt.Sprintf("The %s scenario with the settings of %s (nodesim import).", orig, strings.Join(paths, ", ")))})
	out, err := text.Edit(im.edits)
	if err != nil {
		return badInput(err)
	}
	for _, w := range im.warnings {
		fmt.Fprintf(stderr, "nodesim: warning: %s\n", w)
	}
	if len(found.NotModelled) > 0 {
		fmt.Fprintln(stderr, "nodesim: settings nodesim does not model are listed at the top of the scenario")
	}
	_, err = io.WriteString(stdout, out.String())
	return err
}

// importer turns what the files set into scenario edits.
type importer struct {
	sc       *scenarios.Scenario
	profile  string
	defaults *model.Config
	edits    []scenarios.Edit
	warnings []string
}

func (im *importer) warn(format string, a ...any) {
	im.warnings = append(im.warnings, fmt.Sprintf(format, a...))
}

func (im *importer) set(key, value, source string) {
	im.edits = append(im.edits, scenarios.Edit{Key: key, Value: value, Trail: source})
}

// pickProfile takes the release of kube-controller-manager's image (the
// controller's rules matter most), else of any component's.
func (im *importer) pickProfile(images []kubeconfig.Image) {
	if len(images) == 0 {
		return
	}
	img := images[0]
	for _, i := range images {
		if i.Component == "kube-controller-manager" {
			img = i
			break
		}
	}
	for _, i := range images {
		if i.Minor != img.Minor {
			im.warn("%s:%d: %s runs v1.%d but %s runs v1.%d: the profile follows %s", i.File, i.Line, i.Component, i.Minor, img.Component, img.Minor, img.Component)
		}
	}
	profile, exact := profileFor(img.Minor)
	note := fmt.Sprintf("%s image %s (%s:%d)", img.Component, img.Ref, img.File, img.Line)
	if !exact {
		note += fmt.Sprintf("; nodesim has no v1.%d profile, %s is the nearest before it", img.Minor, profile)
		im.warn("nodesim has no v1.%d profile: using %s, the newest before it (profiles: %s)", img.Minor, profile, strings.Join(model.Profiles, ", "))
	}
	im.profile = profile
	im.set("profile", strconv.Quote(profile), note)
}

// profileFor maps a minor release to its profile, or the newest before it.
func profileFor(minor int) (string, bool) {
	best := model.Profiles[0]
	for _, p := range model.Profiles {
		var m int
		if _, err := fmt.Sscanf(p, "v1.%d", &m); err == nil && m <= minor {
			best = p
			if m == minor {
				return p, true
			}
		}
	}
	return best, false
}

// kubelet writes the three modelled fields as the kubelet ends up with
// them; a --node-status-update-frequency flag overrides the file's value
// after defaulting, as kubelet flags do.
func (im *importer) kubelet(k *kubeconfig.Kubelet, flags []kubeconfig.Flag) {
	update, report, lease, from := k.Effective(im.defaults.Kubelet.NodeStatusReportFrequency)
	src := func(line int, field string) string { return fmt.Sprintf("%s:%d %s", k.File, line, field) }
	unset := func(field string) string {
		return fmt.Sprintf("KubeletConfiguration default: %s sets no %s", k.File, field)
	}
	updateSrc := unset("nodeStatusUpdateFrequency")
	if f := k.NodeStatusUpdateFrequency; f != nil {
		updateSrc = src(f.Line, "nodeStatusUpdateFrequency")
	}
	var reportSrc string
	switch from {
	case "set":
		reportSrc = src(k.NodeStatusReportFrequency.Line, "nodeStatusReportFrequency")
	case "update":
		reportSrc = fmt.Sprintf("defaulted from nodeStatusUpdateFrequency (SetDefaults_KubeletConfiguration: %s sets no nodeStatusReportFrequency)", k.File)
	default:
		reportSrc = fmt.Sprintf("KubeletConfiguration default for %s: %s sets neither frequency", im.profile, k.File)
	}
	leaseSrc := unset("nodeLeaseDurationSeconds")
	if f := k.NodeLeaseDurationSeconds; f != nil {
		leaseSrc = src(f.Line, "nodeLeaseDurationSeconds")
	}
	for _, fl := range flags {
		if fl.Component == "kubelet" && fl.Name == "node-status-update-frequency" {
			if d, err := time.ParseDuration(fl.Value); err == nil {
				update, updateSrc = d, fmt.Sprintf("%s:%d --node-status-update-frequency=%s (a flag overrides the config file)", fl.File, fl.Line, fl.Value)
			}
		}
	}
	im.set("kubelet.nodeStatusUpdateFrequency", strconv.Quote(scenarios.FormatDuration(update)), updateSrc)
	im.set("kubelet.nodeStatusReportFrequency", strconv.Quote(scenarios.FormatDuration(report)), reportSrc)
	im.set("kubelet.nodeLeaseDurationSeconds", strconv.Itoa(int(lease)), leaseSrc)
}

// flagKeys maps each modelled flag to its scenario key and value type.
var flagKeys = map[string]struct {
	key  string
	kind string // duration, float32, int32, int64, election (etcd ms)
}{
	"node-monitor-period":                    {"controller.node-monitor-period", "duration"},
	"node-monitor-grace-period":              {"controller.node-monitor-grace-period", "duration"},
	"node-startup-grace-period":              {"controller.node-startup-grace-period", "duration"},
	"node-eviction-rate":                     {"controller.node-eviction-rate", "float32"},
	"secondary-node-eviction-rate":           {"controller.secondary-node-eviction-rate", "float32"},
	"large-cluster-size-threshold":           {"controller.large-cluster-size-threshold", "int32"},
	"unhealthy-zone-threshold":               {"controller.unhealthy-zone-threshold", "float32"},
	"default-unreachable-toleration-seconds": {"apiserver.default-unreachable-toleration-seconds", "int64"},
	"election-timeout":                       {"apiserver.etcd-request-timeout", "election"},
	"node-status-update-frequency":           {"kubelet.nodeStatusUpdateFrequency", "duration"},
}

// flags writes each modelled flag (the last of each name wins, as in
// pflag) and resets the keys of an imported component that the flags
// leave unset but the base scenario overrides, to that component's default.
func (im *importer) flags(flags []kubeconfig.Flag, noKubeletConfig bool) error {
	last := map[string]kubeconfig.Flag{}
	var order []string
	components := map[string]string{}
	for _, f := range flags {
		if _, ok := last[f.Name]; !ok {
			order = append(order, f.Name)
		}
		last[f.Name] = f
		components[f.Component] = f.File
	}
	for _, name := range order {
		f := last[name]
		if f.Component == "kubelet" && !noKubeletConfig {
			continue // applied over the KubeletConfiguration
		}
		fk := flagKeys[name]
		value, err := flagValue(fk.kind, f.Value)
		if err != nil {
			return &kubeconfig.Error{File: f.File, Line: f.Line, Msg: fmt.Sprintf("--%s=%s: %v", name, f.Value, err)}
		}
		src := fmt.Sprintf("%s:%d --%s=%s", f.File, f.Line, name, f.Value)
		if fk.kind == "election" {
			src = fmt.Sprintf("5s + 2 × --election-timeout (%s:%d --election-timeout=%s ms)", f.File, f.Line, f.Value)
		}
		im.set(fk.key, value, src)
		if f.Component == "kubelet" {
			// The flag path leaves nodeStatusReportFrequency at its default.
			d := im.defaults.Kubelet.NodeStatusReportFrequency
			im.set("kubelet.nodeStatusReportFrequency", strconv.Quote(scenarios.FormatDuration(d)),
				fmt.Sprintf("default for %s: the --node-status-update-frequency flag does not move it (no KubeletConfiguration given)", im.profile))
		}
	}
	for comp, file := range components {
		for _, name := range kubeconfig.ModelledFlags(comp) {
			if _, ok := last[name]; ok || comp == "kubelet" || comp == "etcd" {
				continue
			}
			key := flagKeys[name].key
			def := defaultValue(im.defaults, key)
			if cur := settingValue(im.sc, key); cur != def.shown {
				im.set(key, def.toml, fmt.Sprintf("%s default for %s: %s does not set --%s", comp, im.profile, file, name))
			}
		}
	}
	return nil
}

// flagValue parses a flag as its upstream type and renders it as TOML.
func flagValue(kind, v string) (string, error) {
	switch kind {
	case "duration":
		d, err := time.ParseDuration(v)
		if err != nil {
			return "", err
		}
		return strconv.Quote(scenarios.FormatDuration(d)), nil
	case "float32":
		f, err := strconv.ParseFloat(v, 32)
		if err != nil {
			return "", fmt.Errorf("not a number")
		}
		return strconv.FormatFloat(f, 'g', -1, 32), nil
	case "int32", "int64":
		bits := 32
		if kind == "int64" {
			bits = 64
		}
		n, err := strconv.ParseInt(v, 0, bits)
		if err != nil {
			return "", fmt.Errorf("not an integer (int%d)", bits)
		}
		return strconv.FormatInt(n, 10), nil
	case "election":
		ms, err := strconv.ParseUint(v, 0, 32)
		if err != nil {
			return "", fmt.Errorf("not a whole number of milliseconds")
		}
		return strconv.Quote(scenarios.FormatDuration(5*time.Second + 2*time.Duration(ms)*time.Millisecond)), nil
	}
	return "", fmt.Errorf("unknown flag type %s", kind)
}

type shown struct{ toml, shown string }

// defaultValue is the profile's value of a flag key, as TOML and as check shows it.
func defaultValue(c *model.Config, key string) shown {
	ct := c.Controller
	switch key {
	case "controller.node-monitor-period":
		return durationShown(ct.NodeMonitorPeriod)
	case "controller.node-monitor-grace-period":
		return durationShown(ct.NodeMonitorGracePeriod)
	case "controller.node-startup-grace-period":
		return durationShown(ct.NodeStartupGracePeriod)
	case "controller.node-eviction-rate":
		return floatShown(ct.NodeEvictionRate)
	case "controller.secondary-node-eviction-rate":
		return floatShown(ct.SecondaryNodeEvictionRate)
	case "controller.unhealthy-zone-threshold":
		return floatShown(ct.UnhealthyZoneThreshold)
	case "controller.large-cluster-size-threshold":
		return shown{strconv.Itoa(ct.LargeClusterSizeThreshold), strconv.Itoa(ct.LargeClusterSizeThreshold)}
	case "apiserver.default-unreachable-toleration-seconds":
		s := strconv.FormatInt(c.APIServer.DefaultUnreachableTolerationSeconds, 10)
		return shown{s, s}
	}
	panic("nodesim: no default for " + key)
}

func durationShown(d time.Duration) shown {
	s := scenarios.FormatDuration(d)
	return shown{strconv.Quote(s), s}
}

func floatShown(f float64) shown {
	s := strconv.FormatFloat(f, 'g', -1, 64)
	return shown{s, s}
}
