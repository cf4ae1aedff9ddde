package nodelifecycle

import (
	"fmt"
	"strings"
	"testing"
)

const sec = int64(1e9)

// synthetic is a one-node trace: passes every 5s on an exact grid until
// 200s, the node's status posts at the seconds in posts, its lease renewed
// at the seconds in leases (delivered at once), and nodesim's claimed
// transitions ("unknown@105", "ready@75") at those passes.
func synthetic(lease bool, posts, leases []int64, claims ...string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `{"nodesim_trace":1,"nodes":1,"zones":1,"lease":%v,"node_monitor_period_ns":%d,"node_monitor_grace_period_ns":%d,"node_startup_grace_period_ns":%d,"end_ns":%d}`+"\n",
		lease, 5*sec, 50*sec, 60*sec, 200*sec)
	for t := int64(5); t <= 200; t += 5 {
		for s := t - 5; s < t; s++ {
			for _, p := range posts {
				if p == s {
					fmt.Fprintf(&b, `{"k":"node","t":%d,"n":0,"hb":%d,"c":%d}`+"\n", s*sec, s, s*sec)
				}
			}
			for _, l := range leases {
				if l == s {
					fmt.Fprintf(&b, `{"k":"lease","t":%d,"n":0,"renew":%d,"c":%d}`+"\n", s*sec, s*sec, s*sec)
				}
			}
		}
		fmt.Fprintf(&b, `{"k":"pass","t":%d,"end":%d,"at":[0]}`+"\n", t*sec, t*sec)
		for _, c := range claims {
			kind, at, _ := strings.Cut(c, "@")
			if at == fmt.Sprint(t) {
				fmt.Fprintf(&b, `{"k":"%s","t":%d,"n":0,"done":%d}`+"\n", kind, t*sec, t*sec)
			}
		}
	}
	fmt.Fprintf(&b, `{"k":"end","t":%d}`+"\n", 200*sec)
	return b.String()
}

func every(from, to, step int64) []int64 {
	var s []int64
	for t := from; t <= to; t += step {
		s = append(s, t)
	}
	return s
}

// The harness reproduces rules checked against the real controller, and
// reports a claim that differs from it as a mismatch.
func TestHarnessComparesWithTheRealController(t *testing.T) {
	asProfiled(t)
	leases := every(4, 49, 5)
	for _, tc := range []struct {
		name           string
		lease          bool
		posts, leases  []int64
		claims         []string
		unknown, ready int
		mismatches     int
	}{
		// DESIGN §3: the last lease is seen at the pass at 50, so Unknown
		// comes at the first pass after 50+50s: 100 is not > 100.
		{"strict grace", true, []int64{1}, leases, []string{"unknown@105"}, 1, 0, 0},
		{"a pass early", true, []int64{1}, leases, []string{"unknown@100"}, 1, 0, 1},
		{"a pass late", true, []int64{1}, leases, []string{"unknown@110"}, 1, 0, 1},
		{"missed", true, []int64{1}, leases, nil, 1, 0, 1},
		// Never posted, no lease: Unknown at the first pass after
		// creation+60s; the first post (at 72, seen at 75) sets Ready=True
		// even without sets_ready; then silence again past 75+50s.
		{"startup grace", false, []int64{72}, nil, []string{"unknown@65", "ready@75", "unknown@130"}, 2, 1, 0},
		{"no recovery claimed", false, []int64{72}, nil, []string{"unknown@65"}, 1, 1, 1},
		// Renewing the lease without ever posting Ready: never Unknown.
		{"lease, never posted", true, nil, every(4, 199, 10), nil, 0, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := replay(strings.NewReader(synthetic(tc.lease, tc.posts, tc.leases, tc.claims...)))
			if err != nil {
				t.Fatal(err)
			}
			if res.unknown != tc.unknown || res.ready != tc.ready || res.mismatches != tc.mismatches {
				t.Errorf("compared %d unknown, %d ready, %d mismatches (%s); want %d, %d, %d",
					res.unknown, res.ready, res.mismatches, res.first, tc.unknown, tc.ready, tc.mismatches)
			}
		})
	}
}
