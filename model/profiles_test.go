package model

import (
	"strconv"
	"testing"
	"time"
)

// TestEveryMinorReleaseIsAProfile: v1.12 … v1.37 all load, the newest is
// the default, and the table's boundaries are in order with a source each.
func TestEveryMinorReleaseIsAProfile(t *testing.T) {
	for m := oldestMinor; m <= newestMinor; m++ {
		p := "v1." + strconv.Itoa(m)
		c, err := Default(p)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		if err := c.Validate(); err != nil {
			t.Errorf("%s: %v", p, err)
		}
	}
	if DefaultProfile != Profiles[len(Profiles)-1] {
		t.Errorf("default %s is not the newest %s", DefaultProfile, Profiles[len(Profiles)-1])
	}
	for _, bad := range []string{"v1.11", "v1.38", "1.28", "v1.28.1", ""} {
		if _, err := Default(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	prev := oldestMinor
	for _, ch := range changes {
		if ch.minor < prev || ch.minor <= oldestMinor || ch.minor > newestMinor || ch.source == "" || ch.what == "" {
			t.Errorf("change at v1.%d (after v1.%d) out of order or undocumented: %+v", ch.minor, prev, ch)
		}
		prev = ch.minor
	}
}

// TestProfileBoundaries pins each release boundary on both sides.
func TestProfileBoundaries(t *testing.T) {
	type view struct {
		lease, report bool
		reportFreq    time.Duration
		renew         time.Duration // at nodeLeaseDurationSeconds = 20
		renewJitter   float64
		statusJitter  float64
		fromInformer  bool
		workers       int
		grace         time.Duration
	}
	get := func(p string) view {
		c := must(Default(p))
		c.Kubelet.NodeLeaseDurationSeconds = 20
		return view{c.Rules.Lease, c.Rules.ReportFrequency, c.Kubelet.NodeStatusReportFrequency, c.RenewInterval(),
			c.Kubelet.RenewJitterFactor, c.Kubelet.StatusJitterFactor, c.Rules.StatusFromInformer, c.Controller.Workers, c.Controller.NodeMonitorGracePeriod}
	}
	s := time.Second
	for _, tc := range []struct {
		p    string
		want view
	}{
		{"v1.12", view{false, false, time.Minute, 10 * s, 0, 0, false, 1, 40 * s}},
		{"v1.13", view{false, true, time.Minute, 10 * s, 0, 0, false, 1, 40 * s}},      // NodeLease alpha, off
		{"v1.14", view{true, true, time.Minute, 10 * s, 0, 0, false, 1, 40 * s}},       // renew hard-coded 10s (#80172)
		{"v1.15", view{true, true, time.Minute, 10 * s, 0, 0, false, 1, 40 * s}},       // still 10s at v1.15.0
		{"v1.16", view{true, true, time.Minute, 5 * s, 0, 0, false, 1, 40 * s}},        // 0.25 × 20s
		{"v1.17", view{true, true, 5 * time.Minute, 5 * s, 0, 0, false, 1, 40 * s}},    // report 5m
		{"v1.21", view{true, true, 5 * time.Minute, 5 * s, 0, 0, false, 1, 40 * s}},    // jitter only in later v1.21.x
		{"v1.22", view{true, true, 5 * time.Minute, 5 * s, 0.04, 0, false, 1, 40 * s}}, // renew jitter
		{"v1.23", view{true, true, 5 * time.Minute, 5 * s, 0.04, 0.04, false, 1, 40 * s}},
		{"v1.26", view{true, true, 5 * time.Minute, 5 * s, 0.04, 0.04, false, 1, 40 * s}},
		{"v1.27", view{true, true, 5 * time.Minute, 5 * s, 0.04, 0.04, false, 8, 40 * s}},
		{"v1.31", view{true, true, 5 * time.Minute, 5 * s, 0.04, 0.04, true, 8, 40 * s}},
		{"v1.32", view{true, true, 5 * time.Minute, 5 * s, 0.04, 0.04, true, 8, 50 * s}},
		{"v1.37", view{true, true, 5 * time.Minute, 5 * s, 0.04, 0.04, true, 8, 50 * s}},
	} {
		if got := get(tc.p); got != tc.want {
			t.Errorf("%s:\n got %+v\nwant %+v", tc.p, got, tc.want)
		}
	}
}

// TestProfileRuleBoundaries pins the boolean rules at their first release.
func TestProfileRuleBoundaries(t *testing.T) {
	for _, tc := range []struct {
		name  string
		rule  func(r Rules) bool
		first int
	}{
		{"ReportFrequency", func(r Rules) bool { return r.ReportFrequency }, 13},
		{"TaintBasedEvictions", func(r Rules) bool { return r.TaintBasedEvictions }, 13},
		{"Lease", func(r Rules) bool { return r.Lease }, 14},
		{"RenewFraction", func(r Rules) bool { return r.RenewFraction }, 16},
		{"TaintOnCurrentCondition", func(r Rules) bool { return r.TaintOnCurrentCondition }, 27},
		{"StatusFromInformer", func(r Rules) bool { return r.StatusFromInformer }, 31},
		{"ReportDelay", func(r Rules) bool { return r.ReportDelay }, 34},
		{"LeaseCircuitBreaker", func(r Rules) bool { return r.LeaseCircuitBreaker }, 37},
	} {
		for m := oldestMinor; m <= newestMinor; m++ {
			c := must(Default("v1." + strconv.Itoa(m)))
			if got := tc.rule(c.Rules); got != (m >= tc.first) {
				t.Errorf("%s at v1.%d = %v, want on from v1.%d", tc.name, m, got, tc.first)
			}
		}
	}
	for m, want := range map[int]LeaseSync{13: LeaseGetFirst, 15: LeaseGetFirst, 16: LeaseSingleOptimistic, 17: LeaseSingleOptimistic, 18: LeaseRetryOptimistic, 37: LeaseRetryOptimistic} {
		if got := must(Default("v1." + strconv.Itoa(m))).Rules.LeaseSync; got != want {
			t.Errorf("LeaseSync at v1.%d = %v, want %v", m, got, want)
		}
	}
}
