package scenarios

import (
	"sort"
	"strings"

	"github.com/nodesim/nodesim/model"
)

// Preset is a distribution from a published measurement, usable as
// { preset = "NAME" } wherever a distribution goes.
type Preset struct {
	Name   string
	What   string // what was measured, in a sentence
	Source string // where it was published
	Spec   string // the distribution, as a scenario writes it
}

// presets are published measurements only: each cites where its figures
// come from, and says what a histogram of a few quantiles leaves out.
var presets = []Preset{
	{
		Name: "gce-5000-lease-get",
		What: "Latency of GET leases (coordination.k8s.io) at the kube-apiserver in a 5,000-node cluster: " +
			"p50 32ms, p90 143ms, p99 1.664s. The shares between quantiles are spread linearly and the top 1% " +
			"sits at 1.664s (the histogram rule for the +Inf bucket): the tail beyond p99 was not published.",
		Source: "Kubernetes scalability tests, GCE 5,000-node runs (sig-scalability); figures as quoted in nodesim issue 16. " +
			"The investigation of this GET-lease latency, outside the 1s SLO at p99, is kubernetes/kubernetes#80209 " +
			"(\"Etcd get node-lease latency is higher than put latency and not within SLO limits\") and #82069.",
		Spec: `{ dist = "histogram", le = [0.032, 0.143, 1.664, inf], counts = [50, 90, 99, 100] }`,
	},
}

// Presets lists the presets by name.
func Presets() []Preset {
	out := append([]Preset(nil), presets...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// PresetByName finds a preset.
func PresetByName(name string) (Preset, bool) {
	for _, p := range presets {
		if p.Name == name {
			return p, true
		}
	}
	return Preset{}, false
}

func presetNames() []string {
	var names []string
	for _, p := range Presets() {
		names = append(names, p.Name)
	}
	return names
}

// presetDist reads { preset = "NAME" }.
func presetDist(key string, m map[string]any, in *source) (model.Dist, error) {
	for k := range m {
		if k != "preset" {
			return model.Dist{}, keyErrorf(key+"."+k, "a preset takes no other fields (write the distribution out to change it: nodesim scenarios show PRESET)")
		}
	}
	name, err := asString(m["preset"])
	if err != nil {
		return model.Dist{}, keyErrorf(key+".preset", "%v", err)
	}
	p, ok := PresetByName(name)
	if !ok {
		return model.Dist{}, keyErrorf(key+".preset", "unknown preset %q%s; one of %s (nodesim scenarios presets)", name, suggest(name, presetNames()), strings.Join(presetNames(), ", "))
	}
	v, ok := tomlValue(p.Spec)
	if !ok {
		panic("scenarios: preset " + p.Name + " does not parse")
	}
	d, err := parseDist(key, v, in)
	if err != nil {
		panic("scenarios: preset " + p.Name + ": " + err.Error())
	}
	d.Source = "preset " + p.Name + " (" + d.Source + ")"
	return d, nil
}
