package scenarios

import (
	"strconv"

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
		if derived && p.key == keyReportFrequency {
			s.Source, s.Pos = "defaulted", "from nodeStatusUpdateFrequency"
		}
		if a, ok := last[p.key]; ok {
			s.Source, s.Pos = "file", a.src.label
			if a.src.flag {
				s.Source = "flag"
			} else if line := a.src.line(p.key); line > 0 {
				s.Pos += ":" + strconv.Itoa(line)
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
