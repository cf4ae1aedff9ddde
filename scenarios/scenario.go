// Package scenarios loads nodesim scenarios: a TOML file (or a built-in)
// decoded strictly onto a profile's upstream defaults, --set flags on top,
// and a sweep grid expanded into one validated model.Config per point.
//
//	sc, err := scenarios.Load("grace-sweep", []string{"cluster.nodes=500"})
//	for _, p := range sc.Points {
//		pt, err := model.RunPoint(ctx, p.Config, workers, nil)
//		pt.Params = p.Params
//	}
//
// Precedence is profile defaults ← file ← --set; every point of a sweep
// keeps the same seed, so points differ only by their parameters (common
// random numbers).
package scenarios

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/nodesim/nodesim/internal/readfile"
	"github.com/nodesim/nodesim/model"
)

// Scenario is a loaded scenario: its base configuration, its sweep and
// the configuration of every point.
type Scenario struct {
	Name        string
	Description string
	Origin      string // "built-in" or the file path as given
	Profile     string // of the base configuration
	Base        *model.Config
	Axes        []Axis       // the named points' names first (key "name"), then the grid
	Named       []NamedPoint // the [[sweep.point]] tables, in file order
	Points      []Point      // one per sweep point; one point when not sweeping
	Settings    []Setting    // every key of the base configuration, in Keys() order

	// Warnings are settings that are legal but almost certainly a mistake
	// (model.Config.Warnings), positioned like errors; check and run print
	// them.
	Warnings []*Error
}

// Axis is one swept key with its values as written.
type Axis struct {
	Key    string   `json:"key"`
	Values []string `json:"values"`
	Source string   `json:"source"` // "file" or "flag"
}

// Point is one sweep point: its configuration, every key its sweep,
// named point or --set flags set (→ value, plus "name" for a named
// point), and how messages name it ("Fast, controller.workers=8").
type Point struct {
	Config *model.Config
	Params map[string]string
	Label  string
}

// Setting is the effective value of one key and where it came from.
type Setting struct {
	Key     string
	Value   string
	Default string      // the profile's value
	Source  string      // "profile", "file", "flag", or "defaulted" (derived from another key, as upstream defaults it)
	Pos     string      // "my.toml:12", "--set", or "" for profile defaults
	Note    string      // the comment on the key's line in the file, if any
	Dist    *model.Dist // distribution keys: the effective distribution, nil when off
}

// maxPoints bounds a sweep grid; more is almost surely a typo.
const maxPoints = 10000

// maxScenarioFile bounds a scenario file: the built-ins are 2 KB.
const maxScenarioFile = 1 << 20

// Load reads a built-in scenario by name or a TOML file by path, applies
// the --set flags and expands the sweep. Every error it returns is bad
// input: an *Error, or several joined.
func Load(nameOrPath string, sets []string) (*Scenario, error) {
	t, err := Open(nameOrPath)
	if err != nil {
		return nil, err
	}
	return t.Load(sets)
}

// Text is a scenario's TOML text with where it came from, so an edited
// copy (nodesim calibrate, nodesim import) loads as the original would.
type Text struct {
	src  *source
	name string
}

// Open reads a built-in scenario by name or a TOML file by path.
func Open(nameOrPath string) (*Text, error) {
	src, name, err := open(nameOrPath)
	if err != nil {
		return nil, err
	}
	return &Text{src: src, name: name}, nil
}

// String is the TOML text.
func (t *Text) String() string { return t.src.text }

// Label is the file as named in messages: the path, or NAME.toml for a built-in.
func (t *Text) Label() string { return t.src.label }

// Load applies the --set flags and expands the sweep, as Load does.
func (t *Text) Load(sets []string) (*Scenario, error) {
	src, name := t.src, t.name
	assigns, axes, named, err := parseFile(src)
	if err != nil {
		return nil, err
	}
	flagAssigns, flagAxes, err := parseSets(sets)
	if err != nil {
		return nil, err
	}
	assigns, axes = merge(assigns, axes, flagAssigns, flagAxes)
	if err := checkPointsAgainstAxes(named, axes); err != nil {
		return nil, err
	}
	profile, err := resolveProfile(assigns)
	if err != nil {
		return nil, err
	}
	base, err := build(profile, assigns, nil, src)
	if err == nil {
		err = validate(base, assigns, src, "")
	}
	if err != nil {
		return nil, err
	}
	if base.Name == "" {
		base.Name = name
	}
	sc := &Scenario{Name: base.Name, Description: base.Description, Origin: src.origin(), Profile: profile, Base: base}
	if sc.Settings, err = settings(base, assigns); err != nil {
		return nil, err
	}
	var warnings [][]*Error
	if sc.Points, warnings, err = expand(assigns, axes, named, src); err != nil {
		return nil, err
	}
	sc.Warnings = mergeWarnings(sc.Points, warnings)
	if sc.Named = describeNamed(named); len(named) > 0 {
		a := Axis{Key: nameKey, Source: "file"}
		for _, p := range named {
			a.Values = append(a.Values, p.name)
		}
		sc.Axes = append(sc.Axes, a)
	}
	for _, ax := range axes {
		a := Axis{Key: ax.key, Source: "file"}
		if ax.src.flag {
			a.Source = "flag"
		}
		for _, v := range ax.values {
			a.Values = append(a.Values, render(v))
		}
		sc.Axes = append(sc.Axes, a)
	}
	for _, p := range sc.Points {
		p.Config.Name, p.Config.Description = base.Name, base.Description
	}
	return sc, nil
}

// open resolves a built-in name or a file path.
func open(nameOrPath string) (*source, string, error) {
	if nameOrPath == "" {
		nameOrPath = "default"
	}
	isPath := strings.ContainsAny(nameOrPath, `/\`) || strings.HasSuffix(nameOrPath, ".toml")
	if !isPath {
		if text, ok := BuiltinSource(nameOrPath); ok {
			return &source{label: nameOrPath + ".toml", text: string(text), dir: builtinDir, fsys: builtinFS}, nameOrPath, nil
		}
		if _, err := os.Stat(nameOrPath); err != nil {
			return nil, "", &Error{Msg: fmt.Sprintf("unknown scenario %q: not a built-in (%s; see `nodesim scenarios`) and no such file", nameOrPath, strings.Join(BuiltinNames(), ", "))}
		}
	}
	data, err := readfile.Regular(nameOrPath, maxScenarioFile)
	if err != nil {
		return nil, "", &Error{File: nameOrPath, Msg: fmt.Sprintf("cannot read scenario: %v", err)}
	}
	name := strings.TrimSuffix(filepath.Base(nameOrPath), filepath.Ext(nameOrPath))
	return &source{label: nameOrPath, text: string(data), dir: filepath.Dir(nameOrPath)}, name, nil
}

func (s *source) origin() string {
	if s.fsys != nil {
		return "built-in"
	}
	return s.label
}

// merge layers flags over the file: a flag value for a swept key ends the
// file's sweep of it, and a flag sweep replaces the file's in place.
func merge(fileAssigns []assign, fileAxes []axis, flagAssigns []assign, flagAxes []axis) ([]assign, []axis) {
	set := map[string]bool{}
	for _, a := range flagAssigns {
		set[a.key] = true
	}
	var axes []axis
	for _, ax := range fileAxes {
		if !set[ax.key] {
			axes = append(axes, ax)
		}
	}
	for _, fx := range flagAxes {
		replaced := false
		for i := range axes {
			if axes[i].key == fx.key {
				axes[i], replaced = fx, true
			}
		}
		if !replaced {
			axes = append(axes, fx)
		}
	}
	return append(fileAssigns, flagAssigns...), axes
}

// resolveProfile returns the last profile assigned, or the newest.
func resolveProfile(assigns []assign) (string, error) {
	profile := model.DefaultProfile
	for _, a := range assigns {
		if a.key != "profile" {
			continue
		}
		if err := setProfile(nil, a.value, a.src); err != nil {
			return "", a.src.locate(a.key, err)
		}
		profile = a.value.(string)
	}
	return profile, nil
}

// reportDefaulted reports whether assigns set the kubelet's
// nodeStatusUpdateFrequency but not its nodeStatusReportFrequency: a
// scenario's [kubelet] table (and --set over it) is a KubeletConfiguration,
// so the report frequency then defaults to the update frequency.
func reportDefaulted(c *model.Config, assigns []assign) bool {
	update, report := false, false
	for _, a := range assigns {
		update = update || a.key == keyUpdateFrequency
		report = report || a.key == keyReportFrequency
	}
	return update && !report && c.Rules.ReportFrequency
}

const (
	keyUpdateFrequency = "kubelet.nodeStatusUpdateFrequency"
	keyReportFrequency = "kubelet.nodeStatusReportFrequency"
)

// build applies assigns, then a sweep point's values, on profile's defaults.
func build(profile string, assigns, point []assign, file *source) (*model.Config, error) {
	c, err := model.Default(profile)
	if err != nil {
		return nil, err // profiles are checked before build
	}
	for _, a := range append(append([]assign(nil), assigns...), point...) {
		if a.key == "profile" {
			continue
		}
		if err := paramIndex[a.key].set(c, a.value, a.src); err != nil {
			return nil, a.locate(err)
		}
	}
	resolveIncidents(c)
	if reportDefaulted(c, append(append([]assign(nil), assigns...), point...)) {
		c.ReportFrequencyFromUpdate()
	}
	if key, msg := checkFailures(c); key != "" {
		src, process := file, key[:strings.LastIndex(key, ".")]
		for _, a := range append(assigns, point...) {
			if strings.HasPrefix(a.key, process) {
				src = a.src
			}
		}
		return nil, src.locate(key, errors.New(msg))
	}
	return c, nil
}
