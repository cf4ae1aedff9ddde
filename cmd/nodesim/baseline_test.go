package main

import (
	"strings"
	"testing"

	"github.com/nodesim/nodesim/scenarios"
)

// TestBaselinePoint: the default is the scenario's own value when swept
// (grace-sweep's profile default 50s, written as the sweep writes it);
// --baseline takes a value or key=value pairs; anything that is not a
// point is bad input naming the flag.
func TestBaselinePoint(t *testing.T) {
	t.Parallel()
	load := func(name string, sets ...string) *scenarios.Scenario {
		sc, err := scenarios.Load(name, sets)
		if err != nil {
			t.Fatal(err)
		}
		return sc
	}
	grace := load("grace-sweep")
	for _, tc := range []struct {
		sc    *scenarios.Scenario
		flag  string
		given bool
		want  string // "" for none; "!" for an error
	}{
		{grace, "", false, "50s"},
		{load("legacy-slow-status"), "", false, "40s"},
		{grace, "90s", true, "90s"},
		{grace, "1m", true, "60s"},
		{grace, "controller.node-monitor-grace-period=20s", true, "20s"},
		{grace, "45s", true, "!"},
		{grace, "x=1", true, "!"},
		{load("default"), "50s", true, "!"},
		{load("default"), "", false, ""},
		{load("grace-sweep", "controller.node-monitor-grace-period=20s,30s"), "", false, ""},
	} {
		got, err := baselinePoint(tc.sc, tc.flag, tc.given)
		switch {
		case tc.want == "!":
			if err == nil || !isBadInput(err) || !strings.HasPrefix(err.Error(), "--baseline ") {
				t.Errorf("%s --baseline %q: err %v, want bad input naming --baseline", tc.sc.Name, tc.flag, err)
			}
		case err != nil:
			t.Errorf("%s --baseline %q: %v", tc.sc.Name, tc.flag, err)
		case got["controller.node-monitor-grace-period"] != tc.want:
			t.Errorf("%s --baseline %q: %v, want %q", tc.sc.Name, tc.flag, got, tc.want)
		}
	}
}
