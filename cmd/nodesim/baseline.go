package main

import (
	"maps"
	"strconv"
	"strings"

	"github.com/nodesim/nodesim/scenarios"
)

// baselinePoint resolves --baseline to the swept values of one point: a
// value of the only swept key, or key=value pairs naming every swept key.
// Without the flag it is the scenario's own values, when they are a
// point of the sweep, and none otherwise.
func baselinePoint(sc *scenarios.Scenario, flag string, given bool) (map[string]string, error) {
	if len(sc.Axes) == 0 {
		if given {
			return nil, badInputf("--baseline %s: the run sweeps nothing, so there is nothing to compare with", flag)
		}
		return nil, nil
	}
	want := map[string]string{}
	if !given {
		for _, ax := range sc.Axes {
			for _, s := range sc.Settings {
				if s.Key == ax.Key {
					want[ax.Key] = s.Value
				}
			}
		}
	} else if !strings.Contains(flag, "=") && len(sc.Axes) == 1 {
		want[sc.Axes[0].Key] = flag
	} else {
		for _, kv := range strings.Split(flag, ",") {
			k, v, ok := strings.Cut(kv, "=")
			if !ok {
				return nil, badInputf("--baseline %s: want a value of %s, or key=value,... for every swept key", flag, sc.Axes[0].Key)
			}
			want[strings.TrimSpace(k)] = strings.TrimSpace(v)
		}
	}
	for _, p := range sc.Points {
		if maps.EqualFunc(p.Params, want, sameValue) {
			return p.Params, nil
		}
	}
	if !given {
		return nil, nil
	}
	var vals []string
	for _, ax := range sc.Axes {
		vals = append(vals, ax.Key+" = "+strings.Join(ax.Values, ", "))
	}
	return nil, badInputf("--baseline %s: not a point of the sweep (%s)", flag, strings.Join(vals, "; "))
}

// sameValue compares values as written: "1m" is "60s", "1e3" is "1000".
func sameValue(a, b string) bool {
	if a == b {
		return true
	}
	if x, err := scenarios.ParseDuration(a); err == nil {
		y, err := scenarios.ParseDuration(b)
		return err == nil && x == y
	}
	x, err1 := strconv.ParseFloat(a, 64)
	y, err2 := strconv.ParseFloat(b, 64)
	return err1 == nil && err2 == nil && x == y
}
