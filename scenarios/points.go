package scenarios

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// NamedPoint is one [[sweep.point]] table: a name, an optional
// description (a recipe's source) and the keys it sets, in key order.
type NamedPoint struct {
	Name        string         `json:"name"`
	Description string         `json:"description"`
	Settings    []PointSetting `json:"settings"`
}

// PointSetting is one key a named point sets, with where.
type PointSetting struct {
	Key   string `json:"key"`
	Value string `json:"value"`
	Pos   string `json:"position"` // "my.toml:12"
}

// namedPoint is a parsed [[sweep.point]]: its assignments carry the
// point's label for messages.
type namedPoint struct {
	name, description string
	assigns           []assign
}

// nameKey is the params key (and sweep axis) of a named point's name:
// "name" is the scenario's own name elsewhere, never a swept key.
const nameKey = "name"

// parsePoints reads the [[sweep.point]] tables at v. Each needs a
// unique string name; every other key is a scenario key spelled as at
// the top level (dotted or as sub-tables), or description.
func parsePoints(src *source, v any) ([]namedPoint, error) {
	tables, err := asTables(v)
	if err != nil {
		return nil, src.locate("sweep.point", fmt.Errorf("%v: write [[sweep.point]] tables, each with a name", err))
	}
	if len(tables) == 0 {
		return nil, src.locate("sweep.point", errors.New("needs at least one [[sweep.point]] table"))
	}
	var out []namedPoint
	seen := map[string]int{}
	for i, t := range tables {
		at := fmt.Sprintf("sweep.point[%d]", i+1)
		p := namedPoint{}
		name, ok := t["name"]
		if !ok {
			return nil, src.locateAt(at, at, errors.New("has no name: every [[sweep.point]] needs name = \"...\", which labels its results"))
		}
		s, ok := name.(string)
		if !ok || strings.TrimSpace(s) == "" {
			return nil, src.locateAt(at+".name", at+".name", fmt.Errorf("expected a non-empty string, got %s", describe(name)))
		}
		if j, dup := seen[s]; dup {
			return nil, src.locateAt(at+".name", at+".name", fmt.Errorf("%q is also the name of sweep.point[%d]; names label results and must differ", s, j))
		}
		seen[s], p.name = i+1, s
		if d, ok := t["description"]; ok {
			if p.description, ok = d.(string); !ok {
				return nil, src.locateAt(at+".description", at+".description", fmt.Errorf("expected a string, got %s", describe(d)))
			}
		}
		if err := pointAssigns(src, at, nil, t, &p); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// pointAssigns walks table t of point p, at path prefix within it, in
// sorted key order so that errors and params are deterministic.
func pointAssigns(src *source, at string, prefix []string, t map[string]any, p *namedPoint) error {
	keys := make([]string, 0, len(t))
	for k := range t {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		path := append(slices.Clone(prefix), k)
		dotted := strings.Join(path, ".")
		label := at + "." + tomlPath(path)
		switch {
		case len(path) == 1 && (k == "name" || k == "description"):
			// the point's own fields, read by parsePoints
		case paramIndex[dotted] != nil && !paramIndex[dotted].meta:
			p.assigns = append(p.assigns, assign{key: dotted, value: t[k], src: src, label: label, at: label})
		case slices.Contains(tables, dotted) && dotted != "sweep":
			m, ok := t[k].(map[string]any)
			if !ok {
				return src.locateAt(label, label, fmt.Errorf("expected a table, got %s", describe(t[k])))
			}
			if err := pointAssigns(src, at, path, m, p); err != nil {
				return err
			}
		case dotted == "sweep":
			return src.locateAt(label, leafLabel(at, path, t[k]), errors.New("a point cannot sweep: write the grid in [sweep], beside the points (each point runs at every grid point)"))
		default:
			e := unknownKey(src, path).(*Error)
			e.Key, e.Line = at+"."+e.Key, src.line(leafLabel(at, path, t[k]))
			return e
		}
	}
	return nil
}

// checkPointsAgainstAxes rejects a point setting a key the file's grid
// sweeps: the grid would overwrite it at every point.
func checkPointsAgainstAxes(points []namedPoint, axes []axis) error {
	for _, p := range points {
		for _, a := range p.assigns {
			for _, ax := range axes {
				if ax.key == a.key && !ax.src.flag {
					return a.src.locateAt(a.label, a.at, fmt.Errorf("also swept by %s; a key is set either by the points or by the grid", ax.label()))
				}
			}
		}
	}
	return nil
}

// describeNamed describes the points for check and results.
func describeNamed(points []namedPoint) []NamedPoint {
	var out []NamedPoint
	for _, p := range points {
		np := NamedPoint{Name: p.name, Description: strings.Join(strings.Fields(p.description), " ")}
		for _, a := range p.assigns {
			pos := a.src.label
			if l := a.src.line(a.at); l > 0 {
				pos = fmt.Sprintf("%s:%d", pos, l)
			}
			np.Settings = append(np.Settings, PointSetting{Key: a.key, Value: render(a.value), Pos: pos})
		}
		sort.SliceStable(np.Settings, func(i, j int) bool { return lineOf(np.Settings[i].Pos) < lineOf(np.Settings[j].Pos) })
		out = append(out, np)
	}
	return out
}

// lineOf is the line of a "file:line" position, 0 when it has none.
func lineOf(pos string) int {
	n, _ := strconv.Atoi(pos[strings.LastIndexByte(pos, ':')+1:])
	return n
}

// leafLabel is the path of the first key under v (v itself when it is no
// table), for the line of a table written as dotted keys.
func leafLabel(at string, path []string, v any) string {
	for {
		m, ok := v.(map[string]any)
		if !ok || len(m) == 0 {
			return at + "." + tomlPath(path)
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		path, v = append(path, keys[0]), m[keys[0]]
	}
}
