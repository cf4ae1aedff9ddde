package scenarios

import (
	"errors"
	"fmt"
	"io/fs"
	"path"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/BurntSushi/toml"

	"github.com/nodesim/nodesim/internal/readfile"
	"github.com/nodesim/nodesim/model"
)

// source is where assignments come from: a scenario file, a built-in, or
// the --set flags. It locates keys for error messages and resolves the
// files an empirical distribution names.
type source struct {
	label string // as shown in messages: the path the user gave, "default.toml", "--set"
	text  string // TOML text, for finding lines; empty for flags
	dir   string // directory empirical files are relative to
	fsys  fs.FS  // built-ins read their files from the embedded tree
	flag  bool

	// empirical caches the distributions read from files, so a sweep reads
	// and keeps each file once, not once per point.
	empirical map[string]model.Dist
}

func (s *source) line(key string) int {
	if s.text == "" {
		return 0
	}
	return findLine(s.text, key)
}

// maxEmpiricalFile bounds an empirical distribution's file: 64 MiB is
// several million samples, far more than a quantile needs.
const maxEmpiricalFile = 64 << 20

func (s *source) readFile(name string) ([]byte, error) {
	if s.fsys != nil {
		return fs.ReadFile(s.fsys, path.Join(s.dir, name))
	}
	if !filepath.IsAbs(name) {
		name = filepath.Join(s.dir, name)
	}
	return readfile.Regular(name, maxEmpiricalFile)
}

// assign is one key = value from a source; axis is one swept key.
type assign struct {
	key   string
	value any
	src   *source
	label string // a sweep value: the axis it came from, for messages
	at    string // and where the file writes that axis
}

type axis struct {
	key    string
	values []any
	src    *source
	at     string // where the file writes it, for its line: sweep."a.b" or sweep.a.b
}

// parseFile decodes src strictly: every key must be a known table, a
// known parameter, or inside a parameter's value (a distribution's
// fields, an incident's fields), checked by the parameter itself.
func parseFile(src *source) ([]assign, []axis, []namedPoint, error) {
	var tree map[string]any
	md, err := toml.Decode(src.text, &tree)
	if err != nil {
		var pe toml.ParseError
		if errors.As(err, &pe) {
			line := pe.Position.Line
			if st := pe.Position.Start; st >= 0 && st < len(src.text) {
				// NB: the decoder counts an offending newline as the next line.
				line = strings.Count(src.text[:st], "\n") + 1
			}
			msg := "TOML syntax: " + pe.Message
			if looksLikeYAML(src.text) {
				msg += " (this looks like YAML: to read a KubeletConfiguration or a static pod manifest, nodesim import " + src.label + ")"
			}
			return nil, nil, nil, &Error{File: src.label, Line: line, Msg: msg}
		}
		return nil, nil, nil, &Error{File: src.label, Msg: err.Error()}
	}
	// NB: decoding into a map marks every key decoded, so Undecoded() is
	// always empty here; walking Keys() against the parameter table is the
	// strict check, and keeps file order for deterministic errors.
	keys := md.Keys()
	if len(keys) == 0 {
		return nil, nil, nil, &Error{File: src.label, Msg: "no settings: the file is empty (`nodesim run` with no file runs the defaults)"}
	}
	var assigns []assign
	var axes []axis
	var points []namedPoint
	seen := map[string]bool{}
	for _, k := range keys {
		p := []string(k)
		dotted := strings.Join(p, ".")
		switch {
		case len(p) >= 2 && p[0] == "sweep" && p[1] == "point":
			// [[sweep.point]] tables: read whole the first time, once for
			// every element and the keys inside them
			if points == nil {
				if points, err = parsePoints(src, lookup(tree, p[:2])); err != nil {
					return nil, nil, nil, err
				}
			}
		case p[0] == "sweep" && len(p) > 1:
			key, ok, err := sweepKey(src, p)
			if err != nil {
				return nil, nil, nil, err
			}
			if !ok {
				continue // a table of swept keys, or inside a swept value
			}
			at := tomlPath(p)
			if _, tables := lookup(tree, p).([]map[string]any); tables && slices.ContainsFunc(axes, func(ax axis) bool { return ax.key == key }) {
				continue // [[sweep."a.b"]]: one key per table, one axis of tables (map values such as kubelet.evictionHard)
			}
			if slices.ContainsFunc(axes, func(ax axis) bool { return ax.key == key }) {
				return nil, nil, nil, src.locateAt(fmt.Sprintf("sweep.%q", key), at, errors.New("swept twice"))
			}
			ax, err := parseAxis(src, key, at, lookup(tree, p))
			if err != nil {
				return nil, nil, nil, err
			}
			axes = append(axes, ax)
		case underParam(p):
			// inside a value: the parameter checks it
		case paramIndex[dotted] != nil:
			if !seen[dotted] {
				seen[dotted] = true
				assigns = append(assigns, assign{key: dotted, value: lookup(tree, p), src: src})
			}
		case slices.Contains(tables, dotted):
			if _, ok := lookup(tree, p).(map[string]any); !ok {
				return nil, nil, nil, src.locate(dotted, fmt.Errorf("expected a table, got %s", describe(lookup(tree, p))))
			}
		default:
			return nil, nil, nil, unknownKey(src, p)
		}
	}
	return assigns, axes, points, nil
}

// sweepKey maps a key under [sweep] to the key it sweeps. TOML reads
// "controller.workers" = [...] as one key and controller.workers = [...]
// (or [sweep.controller] then workers = [...]) as nested tables: both
// sweep controller.workers. ok is false for a table on the way to a
// swept key and for keys inside a swept value (a distribution's fields).
func sweepKey(src *source, p []string) (key string, ok bool, err error) {
	for i := 2; i <= len(p); i++ {
		if k := strings.Join(p[1:i], "."); paramIndex[k] != nil {
			return k, i == len(p), nil
		}
	}
	k := strings.Join(p[1:], ".")
	if slices.Contains(tables, k) {
		return "", false, nil
	}
	return "", false, src.locateAt(fmt.Sprintf("sweep.%q", k), tomlPath(p), fmt.Errorf("no such key to sweep%s", suggest(k, Keys())))
}

// tomlPath writes a decoded key path as findLine reads it, quoting a part
// that holds a dot.
func tomlPath(p []string) string {
	parts := make([]string, len(p))
	for i, s := range p {
		parts[i] = s
		if strings.Contains(s, ".") {
			parts[i] = strconv.Quote(s)
		}
	}
	return strings.Join(parts, ".")
}

// parseAxis reads one [sweep] entry: "dotted.key" = [values...], written
// at at.
func parseAxis(src *source, key, at string, v any) (axis, error) {
	label := fmt.Sprintf("sweep.%q", key)
	p := paramIndex[key]
	if p == nil {
		return axis{}, src.locateAt(label, at, fmt.Errorf("no such key to sweep%s", suggest(key, Keys())))
	}
	if p.meta {
		return axis{}, src.locateAt(label, at, errors.New("cannot be swept"))
	}
	var vals []any
	switch x := v.(type) {
	case []any:
		vals = x
	case []map[string]any:
		for _, m := range x {
			vals = append(vals, m)
		}
	default:
		return axis{}, src.locateAt(label, at, fmt.Errorf("expected an array of values, got %s", describe(v)))
	}
	if len(vals) == 0 {
		return axis{}, src.locateAt(label, at, errors.New("needs at least one value"))
	}
	return axis{key: key, values: vals, src: src, at: at}, nil
}

// parseSets reads --set key=value flags. A value is TOML (1, 0.5,
// {dist = "exponential", mean = "1d"}) or else a bare string (30s, v1.31);
// comma-separated values make a sweep axis.
func parseSets(sets []string) ([]assign, []axis, error) {
	src := &source{label: "--set", flag: true}
	var assigns []assign
	var axes []axis
	for _, s := range sets {
		key, val, ok := strings.Cut(s, "=")
		key = strings.TrimSpace(key)
		if !ok || key == "" {
			return nil, nil, &Error{File: "--set", Msg: fmt.Sprintf("%q: want key=value, e.g. controller.node-monitor-grace-period=40s", s)}
		}
		p := paramIndex[key]
		if p == nil && slices.Contains(tables, key) {
			return nil, nil, &Error{File: "--set", Key: key, Msg: fmt.Sprintf("is a table; set one of its keys, such as %s", firstKeyOf(key))}
		}
		if p == nil {
			return nil, nil, unknownKey(src, strings.Split(key, "."))
		}
		if strings.TrimSpace(val) == "" {
			return nil, nil, &Error{File: "--set", Key: key, Msg: "needs a value after '='"}
		}
		vals := parseSetValue(strings.TrimSpace(val))
		for _, v := range vals {
			if v == "" {
				return nil, nil, &Error{File: "--set", Key: key, Msg: fmt.Sprintf("empty value in %q (a trailing comma?)", strings.TrimSpace(val))}
			}
		}
		if len(vals) == 1 {
			assigns = append(assigns, assign{key: key, value: vals[0], src: src})
			continue
		}
		if p.meta {
			return nil, nil, &Error{File: "--set", Key: key, Msg: "cannot be swept"}
		}
		axes = append(axes, axis{key: key, values: vals, src: src})
	}
	return assigns, axes, nil
}

// firstKeyOf is the first parameter key inside table.
func firstKeyOf(table string) string {
	for _, k := range Keys() {
		if strings.HasPrefix(k, table+".") {
			return k
		}
	}
	return table
}

func parseSetValue(v string) []any {
	if x, ok := tomlValue(v); ok {
		return []any{x}
	}
	parts := splitTopLevel(v)
	out := make([]any, len(parts))
	for i, p := range parts {
		p = strings.TrimSpace(p)
		if x, ok := tomlValue(p); ok {
			out[i] = x
		} else {
			out[i] = p
		}
	}
	return out
}

func tomlValue(s string) (any, bool) {
	if s == "" || strings.ContainsAny(s, "\r\n") {
		return nil, false
	}
	var m map[string]any
	if _, err := toml.Decode("v = "+s, &m); err != nil || len(m) != 1 {
		return nil, false
	}
	v, ok := m["v"]
	return v, ok
}

// splitTopLevel splits at commas outside quotes, brackets and braces.
func splitTopLevel(s string) []string {
	var out []string
	depth, quoted, start := 0, false, 0
	for i, r := range s {
		switch {
		case r == '"':
			quoted = !quoted
		case quoted:
		case r == '[' || r == '{':
			depth++
		case r == ']' || r == '}':
			depth--
		case r == ',' && depth == 0:
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

// underParam reports whether p lies inside a parameter's value.
func underParam(p []string) bool {
	for i := 1; i < len(p); i++ {
		if paramIndex[strings.Join(p[:i], ".")] != nil {
			return true
		}
	}
	return false
}

func lookup(tree map[string]any, p []string) any {
	var v any = tree
	for _, k := range p {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// unknownKey reports p with the nearest known key of the same table, or
// the table it belongs in when another table has it.
func unknownKey(src *source, p []string) error {
	parent := strings.Join(p[:len(p)-1], ".")
	if parent != "" && paramIndex[parent] == nil && !slices.Contains(tables, parent) {
		return unknownKey(src, p[:len(p)-1])
	}
	var siblings []string
	for _, k := range append(Keys(), tables...) {
		kp := strings.Split(k, ".")
		if len(kp) == len(p) && strings.Join(kp[:len(kp)-1], ".") == parent {
			siblings = append(siblings, kp[len(kp)-1])
		}
	}
	sort.Strings(siblings)
	name := p[len(p)-1]
	what := "unknown key"
	if parent == "" {
		what = "unknown key or table"
	} else {
		what += " in [" + parent + "]"
	}
	hint := suggest(name, siblings)
	if hint == "" {
		hint = elsewhere(name, parent)
	}
	return src.locate(strings.Join(p, "."), errors.New(what+hint))
}

// elsewhere names the table a key of another table belongs in, as
// "; it belongs in [kubelet]: kubelet.nodeStatusUpdateFrequency", or ""
// when no table has a key of that name (or one close to it).
func elsewhere(name, parent string) string {
	var full, last []string
	for _, k := range Keys() {
		if i := strings.LastIndexByte(k, '.'); i >= 0 && k[:i] != parent {
			full, last = append(full, k), append(last, k[i+1:])
		}
	}
	best := suggest(name, last)
	if best == "" {
		return ""
	}
	for i, l := range last {
		if best == fmt.Sprintf(" (did you mean %s?)", l) {
			table := full[i][:strings.LastIndexByte(full[i], '.')]
			return fmt.Sprintf("; %s belongs in [%s]: %s", l, table, full[i])
		}
	}
	return ""
}

// looksLikeYAML reports Kubernetes YAML: a kind or apiVersion key at the
// start of a line, which TOML would write with "=".
func looksLikeYAML(text string) bool {
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, "kind:") || strings.HasPrefix(l, "apiVersion:") {
			return true
		}
	}
	return false
}
