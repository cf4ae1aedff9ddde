package scenarios

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/nodesim/nodesim/model"
)

// settings lists every key of base with its profile default and source.
func settings(base *model.Config, assigns []assign) ([]Setting, error) {
	def, err := model.Default(base.Profile)
	if err != nil {
		return nil, err
	}
	last := map[string]assign{}
	for _, a := range assigns {
		last[a.key] = a
	}
	derived := reportDefaulted(base, assigns)
	out := make([]Setting, len(params))
	for i, p := range params {
		s := Setting{Key: p.key, Value: p.get(base), Default: p.get(def), Source: "profile"}
		if p.dist != nil {
			s.Dist = p.dist(base)
		}
		if derived && p.key == keyReportFrequency {
			s.Source, s.Pos = "defaulted", "from nodeStatusUpdateFrequency"
		}
		if a, ok := last[p.key]; ok {
			s.Source, s.Pos = "file", a.src.label
			if a.src.flag {
				s.Source = "flag"
			} else if line := a.src.line(p.key); line > 0 {
				s.Pos += ":" + strconv.Itoa(line)
				s.Note = lineComment(a.src.text, line)
			}
		}
		out[i] = s
	}
	return out, nil
}

// Changed lists the effective parameters that differ from the profile's
// defaults, for model.Results.Changed.
func (s *Scenario) Changed() []model.ParamChange {
	var out []model.ParamChange
	for _, st := range s.Settings {
		if paramIndex[st.Key].meta || st.Key == "profile" || st.Value == st.Default {
			continue
		}
		out = append(out, model.ParamChange{Key: st.Key, Value: st.Value, Default: st.Default, Source: st.Source})
	}
	return out
}

// SweepAxes returns the axes for model.Results.Sweep.
func (s *Scenario) SweepAxes() []model.SweepAxis {
	var out []model.SweepAxis
	for _, a := range s.Axes {
		out = append(out, model.SweepAxis{Key: a.Key, Values: a.Values})
	}
	return out
}

// NamedPoints returns the named points for model.Results.Named.
func (s *Scenario) NamedPoints() []model.NamedPoint {
	var out []model.NamedPoint
	for _, p := range s.Named {
		out = append(out, model.NamedPoint{Name: p.Name, Description: p.Description})
	}
	return out
}

// lineComment returns the trailing # comment of a 1-based line, trimmed.
func lineComment(text string, line int) string {
	lines := strings.Split(text, "\n")
	if line < 1 || line > len(lines) {
		return ""
	}
	l := lines[line-1]
	code := stripComment(l)
	if len(code) == len(l) || strings.TrimSpace(code) == "" {
		return ""
	}
	return strings.TrimSpace(strings.TrimPrefix(l[len(code):], "#"))
}

// Parameter is one effective parameter for `nodesim check --format json`:
// DESIGN §8's {key, value, source, p50_s, p99_s} plus where and the
// profile's value. P50S and P99S are set for every distribution (the
// quantiles it samples from, in seconds) and null otherwise.
type Parameter struct {
	Key      string   `json:"key"`
	Value    string   `json:"value"`
	Source   string   `json:"source"`
	Position string   `json:"position,omitempty"`
	Default  string   `json:"default"`
	Note     string   `json:"note,omitempty"`
	P50S     *float64 `json:"p50_s"`
	P99S     *float64 `json:"p99_s"`
}

// Parameters lists every effective parameter, each incident's
// distributions as apiserver.incident[N].every and .lasts after the
// incident itself.
func (s *Scenario) Parameters() []Parameter {
	var out []Parameter
	for _, st := range s.Settings {
		if st.Key == "name" || st.Key == "description" {
			continue // the document's own fields
		}
		p := Parameter{Key: st.Key, Value: st.Value, Source: st.Source, Position: st.Pos, Default: st.Default, Note: st.Note}
		if st.Dist != nil {
			p.P50S, p.P99S = quantiles(st.Dist)
		}
		out = append(out, p)
		if st.Key != "apiserver.incident" {
			continue
		}
		for i, in := range s.Base.APIServer.Incidents {
			for _, f := range []struct {
				name string
				d    model.Dist
			}{{"every", in.Every}, {"lasts", in.Lasts}} {
				q := Parameter{Key: fmt.Sprintf("apiserver.incident[%d].%s", i+1, f.name), Value: formatDist(f.d), Source: st.Source, Position: st.Pos}
				q.P50S, q.P99S = quantiles(&f.d)
				out = append(out, q)
			}
		}
	}
	return out
}

func quantiles(d *model.Dist) (p50, p99 *float64) {
	q := func(p float64) *float64 {
		x := d.Quantile(p)
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil // JSON has no NaN: null means undefined
		}
		return &x
	}
	return q(0.5), q(0.99)
}
