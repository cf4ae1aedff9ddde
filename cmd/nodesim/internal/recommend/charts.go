package recommend

import (
	"math"
	"strconv"

	"github.com/nodesim/nodesim/plots"
	"github.com/nodesim/nodesim/scenarios"
)

// Charts draws the outage-tolerance chart of the answer's search, or
// nothing when tolerance was not searched.
func Charts(a *Answer) ([]plots.File, error) {
	s := &a.Search
	var series []plots.ToleranceSeries
	index := map[string]int{}
	for _, c := range s.Points {
		x := valueX(c.Value)
		for _, t := range c.OutageTolerance {
			i, ok := index[t.Incident]
			if !ok {
				i = len(series)
				index[t.Incident] = i
				label := t.Incident
				if label != t.Effect {
					label += " (" + t.Effect + ")"
				}
				series = append(series, plots.ToleranceSeries{Label: label})
			}
			series[i].X = append(series[i].X, x)
			series[i].LongestS = append(series[i].LongestS, float64(t.LongestS))
			series[i].AtLeast = append(series[i].AtLeast, t.AtLeast)
		}
	}
	if len(series) == 0 || !anyDefined(series) {
		return nil, nil
	}
	rec, today := math.NaN(), math.NaN()
	if s.Recommended != nil {
		rec = valueX(*s.Recommended)
	}
	if s.Baseline != nil {
		today = valueX(s.Baseline.Value)
	}
	xlabel := a.Key
	if _, err := scenarios.ParseDuration(a.Min); err == nil {
		xlabel += " (s)"
	}
	title := "Outage tolerance: " + a.Scenario + ", " + strconv.Itoa(a.nodes) + " nodes"
	return plots.ToleranceChart(title, xlabel, series, rec, today)
}

func anyDefined(series []plots.ToleranceSeries) bool {
	for _, s := range series {
		for _, y := range s.LongestS {
			if !math.IsNaN(y) {
				return true
			}
		}
	}
	return false
}

// valueX is a value's position: seconds for durations, else the number.
func valueX(v string) float64 {
	if d, err := scenarios.ParseDuration(v); err == nil {
		return d.Seconds()
	}
	x, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return math.NaN()
	}
	return x
}
