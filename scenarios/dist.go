package scenarios

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/nodesim/nodesim/model"
)

// distField is one parameter of a distribution family: a duration (D)
// or a plain number (F).
type distField struct {
	name     string
	duration bool
}

// distFields lists each family's parameters in the order of DESIGN §4;
// the first two map to model.Dist A and B in seconds.
var distFields = map[model.DistKind][]distField{
	model.Constant:    {{"value", true}},
	model.Uniform:     {{"min", true}, {"max", true}},
	model.Exponential: {{"mean", true}},
	model.LogNormal:   {{"median", true}, {"p99", true}},
	model.Normal:      {{"mean", true}, {"stddev", true}},
	model.Gamma:       {{"alpha", false}, {"beta", false}},
	model.Weibull:     {{"k", false}, {"lambda", true}},
	model.Pareto:      {{"xm", true}, {"alpha", false}},
	model.Empirical:   {{"file", false}},
	model.Mixture:     {{"components", false}},
	model.Histogram:   {{"le", false}, {"counts", false}},
}

// parseDist reads a distribution: a bare duration string (constant) or an
// inline table {dist = "...", ...}. Errors name key or one of its fields.
func parseDist(key string, v any, in *source) (model.Dist, error) {
	if s, ok := v.(string); ok {
		d, err := ParseDuration(s)
		if err != nil {
			return model.Dist{}, keyErrorf(key, "%v", err)
		}
		c := model.Const(d)
		c.Source = FormatDuration(d)
		return c, nil
	}
	m, ok := v.(map[string]any)
	if !ok {
		return model.Dist{}, keyErrorf(key, "expected a distribution (a duration string or a table such as {dist = \"exponential\", mean = \"1d\"}), got %s", describe(v))
	}
	if _, ok := m["preset"]; ok {
		return presetDist(key, m, in)
	}
	name, ok := m["dist"].(string)
	if !ok {
		return model.Dist{}, keyErrorf(key+".dist", "missing or not a string; one of %s", strings.Join(model.DistNames(), ", "))
	}
	kind, ok := model.ParseDistKind(name)
	if !ok {
		return model.Dist{}, keyErrorf(key+".dist", "unknown distribution %q%s; one of %s", name, suggest(name, model.DistNames()), strings.Join(model.DistNames(), ", "))
	}
	params := distFields[kind]
	if err := checkDistKeys(key, kind, m, params); err != nil {
		return model.Dist{}, err
	}
	d, err := buildDist(key, kind, m, params, in)
	if err != nil {
		return model.Dist{}, err
	}
	if err := d.Validate(); err != nil {
		return model.Dist{}, keyErrorf(key, "%v", err)
	}
	return d, nil
}

func checkDistKeys(key string, kind model.DistKind, m map[string]any, params []distField) error {
	known := []string{"dist"}
	for _, p := range params {
		known = append(known, p.name)
	}
	var unknown []string
	for k := range m {
		if !slices.Contains(known, k) {
			unknown = append(unknown, k)
		}
	}
	sort.Strings(unknown)
	if len(unknown) > 0 {
		k := unknown[0]
		return keyErrorf(key+"."+k, "unknown field of a %s distribution%s; it takes %s", kind, suggest(k, known[1:]), strings.Join(known[1:], ", "))
	}
	for _, p := range params {
		if _, ok := m[p.name]; !ok {
			return keyErrorf(key, "a %s distribution needs %s", kind, p.name)
		}
	}
	return nil
}

func buildDist(key string, kind model.DistKind, m map[string]any, params []distField, in *source) (model.Dist, error) {
	switch kind {
	case model.Empirical:
		return empirical(key, m["file"], in)
	case model.Mixture:
		return mixture(key, m["components"], in)
	case model.Histogram:
		return histogram(key, m["le"], m["counts"])
	}
	var vals [2]float64
	var src []string
	for i, p := range params {
		v := m[p.name]
		if p.duration {
			d, err := asDuration(v)
			if err != nil {
				return model.Dist{}, keyErrorf(key+"."+p.name, "%v", err)
			}
			vals[i] = d.Seconds()
			src = append(src, p.name+"="+FormatDuration(d))
			continue
		}
		f, err := asFloat(v)
		if err != nil {
			return model.Dist{}, keyErrorf(key+"."+p.name, "%v", err)
		}
		vals[i] = f
		src = append(src, p.name+"="+formatFloat(f))
	}
	d := model.Dist{Kind: kind, A: vals[0], B: vals[1]}
	if kind == model.LogNormal {
		median := time.Duration(vals[0] * 1e9)
		p99 := time.Duration(vals[1] * 1e9)
		var err error
		if d, err = model.LogNormalMedianP99(median, p99); err != nil {
			return model.Dist{}, keyErrorf(key, "lognormal %v", err)
		}
	}
	d.Source = kind.String() + " " + strings.Join(src, " ")
	return d, nil
}

// empirical reads one sample per line (a Go duration or seconds); blank
// lines and # comments are skipped. Each file is read once per source.
func empirical(key string, v any, in *source) (model.Dist, error) {
	name, err := asString(v)
	if err != nil {
		return model.Dist{}, keyErrorf(key+".file", "%v", err)
	}
	if d, ok := in.empirical[name]; ok {
		return d, nil
	}
	data, err := in.readFile(name)
	if err != nil {
		return model.Dist{}, keyErrorf(key+".file", "%s: %v", name, err)
	}
	var samples []float64
	for n, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(stripComment(line))
		if line == "" {
			continue
		}
		if len(line) > maxSampleLine {
			return model.Dist{}, keyErrorf(key+".file", "%s:%d: a line of %d bytes; want one sample per line, such as 12ms or 0.012", name, n+1, len(line))
		}
		s, err := sampleSeconds(line)
		if err != nil {
			return model.Dist{}, keyErrorf(key+".file", "%s:%d: %v", name, n+1, err)
		}
		samples = append(samples, s)
	}
	d, err := model.NewEmpirical(samples)
	if err != nil {
		return model.Dist{}, keyErrorf(key+".file", "%s: %v", name, err)
	}
	d.Source = fmt.Sprintf("empirical file=%s (%d samples)", name, len(samples))
	if in.empirical == nil {
		in.empirical = map[string]model.Dist{}
	}
	in.empirical[name] = d
	return d, nil
}

// maxSampleLine bounds a sample's line, so an error never quotes a
// megabyte: no duration or number needs 64 characters.
const maxSampleLine = 64

func sampleSeconds(s string) (float64, error) {
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		if !(f >= 0) || f > 1e9 {
			return 0, fmt.Errorf("sample %q is not a non-negative number of seconds", s)
		}
		return f, nil
	}
	d, err := ParseDuration(s)
	if err != nil {
		return 0, err
	}
	return d.Seconds(), nil
}

// mixture reads components = [{weight = F, dist = ..., ...}, ...].
func mixture(key string, v any, in *source) (model.Dist, error) {
	comps, err := asTables(v)
	if err != nil {
		return model.Dist{}, keyErrorf(key+".components", "%v", err)
	}
	parts := make([]model.Dist, len(comps))
	weights := make([]float64, len(comps))
	src := make([]string, len(comps))
	for i, c := range comps {
		ck := fmt.Sprintf("%s.components[%d]", key, i+1)
		w, ok := c["weight"]
		if !ok {
			return model.Dist{}, keyErrorf(ck, "needs a weight")
		}
		if weights[i], err = asFloat(w); err != nil {
			return model.Dist{}, keyErrorf(ck+".weight", "%v", err)
		}
		if !(weights[i] > 0) {
			return model.Dist{}, keyErrorf(ck+".weight", "must be > 0, got %v", weights[i])
		}
		rest := make(map[string]any, len(c))
		for k, x := range c {
			if k != "weight" {
				rest[k] = x
			}
		}
		if parts[i], err = parseDist(ck, rest, in); err != nil {
			return model.Dist{}, err
		}
		src[i] = formatFloat(weights[i]) + ": " + parts[i].Source
	}
	d, err := model.NewMixture(parts, weights)
	if err != nil {
		return model.Dist{}, keyErrorf(key, "%v", err)
	}
	d.Source = "mixture(" + strings.Join(src, "; ") + ")"
	return d, nil
}

// formatDist renders a distribution for `nodesim check`: its Source when
// the loader or the profile set one.
func formatDist(d model.Dist) string {
	if d.Source != "" {
		return d.Source
	}
	if d.Kind == model.Constant {
		return FormatDuration(time.Duration(d.A * 1e9))
	}
	return fmt.Sprintf("%s A=%s B=%s", d.Kind, formatFloat(d.A), formatFloat(d.B))
}
