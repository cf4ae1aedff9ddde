package main

import (
	"maps"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nodesim/nodesim/model"
	"github.com/nodesim/nodesim/scenarios"
)

// Flags choosing the timeline chart's point and replication.
const (
	timelinePointFlag = "timeline-point"
	timelineRepFlag   = "timeline-replication"
)

func addTimelinePointFlag(cmd *cobra.Command, v *string) {
	cmd.Flags().StringVar(v, timelinePointFlag, "", "chart the timeline of the sweep point `POINT`: a named point or a value of the swept key, or key=value,... (default: the first point)")
}

// timelineRun checks --timeline-point and --timeline-replication against
// the scenario, sets the replication on every point's configuration and
// returns the chosen point's params (nil: the first point).
func timelineRun(cmd *cobra.Command, sc *scenarios.Scenario, point string, rep int) (map[string]string, error) {
	if cmd.Flags().Changed(timelineRepFlag) {
		reps := sc.Points[0].Config.Simulation.Replications
		if rep < 0 || rep >= reps {
			return nil, badInputf("--%s must be in [0, %d) (simulation.replications = %d), got %d", timelineRepFlag, reps, reps, rep)
		}
		for _, p := range sc.Points {
			p.Config.Simulation.TimelineReplication = rep
		}
	}
	if !cmd.Flags().Changed(timelinePointFlag) {
		return nil, nil
	}
	axes := make([]model.SweepAxis, len(sc.Axes))
	for i, a := range sc.Axes {
		axes[i] = model.SweepAxis{Key: a.Key, Values: a.Values}
	}
	params := make([]map[string]string, len(sc.Points))
	for i, p := range sc.Points {
		params[i] = p.Params
	}
	return pickPoint(timelinePointFlag, point, axes, params)
}

// pickPoint resolves a --FLAG naming one sweep point: a value of the
// only swept key (a named point's name), or key=value pairs naming every
// swept key, compared as written ("1m" is "60s").
func pickPoint(flag, point string, axes []model.SweepAxis, params []map[string]string) (map[string]string, error) {
	if len(axes) == 0 {
		return nil, badInputf("--%s %s: the run sweeps nothing, so it has one point", flag, point)
	}
	want := map[string]string{}
	if !strings.Contains(point, "=") && len(axes) == 1 {
		want[axes[0].Key] = point
	} else {
		for _, kv := range strings.Split(point, ",") {
			k, v, ok := strings.Cut(kv, "=")
			if !ok {
				return nil, badInputf("--%s %s: want a value of %s, or key=value,... for every swept key", flag, point, axes[0].Key)
			}
			want[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	for _, p := range params {
		swept := map[string]string{}
		for _, ax := range axes {
			swept[ax.Key] = p[ax.Key]
		}
		if maps.EqualFunc(swept, want, sameValue) {
			return p, nil
		}
	}
	var vals []string
	for _, ax := range axes {
		vals = append(vals, ax.Key+" = "+strings.Join(ax.Values, ", "))
	}
	return nil, badInputf("--%s %s: not a point of the sweep (%s)", flag, point, strings.Join(vals, "; "))
}
