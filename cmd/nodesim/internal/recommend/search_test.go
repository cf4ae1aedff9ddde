package recommend

import (
	"context"
	"math"
	"testing"

	"github.com/nodesim/nodesim/model"
	"github.com/nodesim/nodesim/scenarios"
	"github.com/nodesim/nodesim/sim"
)

// TestFirstPassing: on every monotone pass pattern the bisection finds the
// first passing index, asks each index at most once and needs at most
// log2(n)+2 evaluations.
func TestFirstPassing(t *testing.T) {
	for n := 1; n <= 40; n++ {
		for want := -1; want < n; want++ {
			asked := map[int]bool{}
			got, err := firstPassing(context.Background(), n, func(_ context.Context, i int) (bool, error) {
				if asked[i] {
					t.Fatalf("n=%d: index %d asked twice", n, i)
				}
				asked[i] = true
				return want >= 0 && i >= want, nil
			})
			if err != nil || got != want {
				t.Fatalf("n=%d, first passing %d: got %d, %v", n, want, got, err)
			}
			if limit := int(math.Ceil(math.Log2(float64(n)))) + 2; len(asked) > limit {
				t.Errorf("n=%d: %d evaluations, want at most %d", n, len(asked), limit)
			}
		}
	}
}

func TestGrid(t *testing.T) {
	for _, tc := range []struct {
		min, max, res float64
		n             int
		last          float64
	}{{20, 120, 1, 101, 120}, {20, 120, 7, 16, 120}, {5, 5, 1, 1, 5}, {0.1, 0.3, 0.1, 3, 0.3}} {
		g := grid(tc.min, tc.max, tc.res)
		if len(g) != tc.n || g[0] != tc.min || math.Abs(g[len(g)-1]-tc.last) > 1e-12 {
			t.Errorf("grid(%v, %v, %v) = %v, want %d values from %v to %v", tc.min, tc.max, tc.res, g, tc.n, tc.min, tc.last)
		}
	}
}

// TestStep: a grace g is equivalent to every value up to the next
// multiple of the monitor period (passes at p·k, marked when now > probe+g).
func TestStep(t *testing.T) {
	k := Key{Name: model.KeyNodeMonitorGracePeriod, Kind: scenarios.KindDuration, Res: 1}
	cfg := &model.Config{}
	cfg.Controller.NodeMonitorPeriod = 5e9
	for _, tc := range []struct {
		x        float64
		from, to string
	}{{51, "51s", "55s"}, {46, "46s", "50s"}, {50, "50s", "50s"}} {
		s := step(k, cfg, tc.x)
		if tc.from == tc.to {
			if s != nil {
				t.Errorf("step(%v) = %+v, want none: the value ends a step", tc.x, s)
			}
			continue
		}
		if s == nil || s.From != tc.from || s.To != tc.to || s.PeriodS != 5 {
			t.Errorf("step(%v) = %+v, want %s to %s", tc.x, s, tc.from, tc.to)
		}
	}
	if s := step(Key{Name: model.KeyNodeMonitorGracePeriod, Kind: scenarios.KindDuration, Res: 5}, cfg, 50); s != nil {
		t.Errorf("a resolution of the period has no step inside it, got %+v", s)
	}
}

// TestBounds: at 95% the model's own interval; a crude zero uses the
// exact Poisson bound at any confidence; otherwise the half-width scales
// with the normal quantile.
func TestBounds(t *testing.T) {
	f := &model.FalseNotReady{RatePerNodeDay: 2, RatePerNodeDayCI95: model.Interval{Lo: 1, Hi: 3}, Events: 40}
	if hi := upperBound(f, 20, 0.95); hi != 3 {
		t.Errorf("95%% upper bound %v, want the model's 3", hi)
	}
	if hi, want := upperBound(f, 20, 0.99), 2+2.5758293035489/1.959963984540054; math.Abs(hi-want) > 1e-9 {
		t.Errorf("99%% upper bound %v, want %v", hi, want)
	}
	if lo := lowerBound(f, 0.5); math.Abs(lo-(2-0.6744897501960817/1.959963984540054)) > 1e-9 {
		t.Errorf("50%% lower bound %v", lo)
	}
	zero := &model.FalseNotReady{RatePerNodeDayCI95: model.Interval{Hi: 3.6889 / 100}}
	_, h := sim.PoissonCI(0, 0.99)
	if hi := upperBound(zero, 100, 0.99); math.Abs(hi-h/100) > 1e-12 {
		t.Errorf("99%% bound on no events in 100 node-days: %v, want %v", hi, h/100)
	}
	for _, tc := range []struct {
		lo, hi float64
		want   verdict
	}{{0, 0.5, below}, {2, 3, above}, {0.5, 2, undecided}, {0, 1, undecided}} {
		if got := decide(tc.lo, tc.hi, 1); got != tc.want {
			t.Errorf("decide(%v, %v, 1) = %s, want %s", tc.lo, tc.hi, got, tc.want)
		}
	}
}

func TestBudgetWords(t *testing.T) {
	for _, tc := range []struct {
		budget float64
		per    string
		want   string
	}{
		{1e-3, "node-day", "fewer than 1 false NotReady per 1000 node-days"},
		{1e-7, "node-day", "fewer than 1 false NotReady per 10 million node-days"},
		{0.1, "cluster-day", "fewer than 1 false NotReady per 10 cluster-days"},
		{2, "node-day", "fewer than 2 false NotReady per node-day"},
	} {
		if got := budgetWords(&Answer{Budget: tc.budget, BudgetPer: tc.per}); got != tc.want {
			t.Errorf("budgetWords(%v %s) = %q, want %q", tc.budget, tc.per, got, tc.want)
		}
	}
}
