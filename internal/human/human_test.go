package human

import (
	"math"
	"strings"
	"testing"
)

// Sig rounds to significant figures, integer digits included, and
// switches to an exponent outside everyday magnitudes.
func TestSig(t *testing.T) {
	for _, tc := range []struct {
		x    float64
		n    int
		want string
	}{
		{0.021345, 2, "0.021"}, {47.6, 2, "48"}, {1234, 2, "1200"}, {1999, 3, "2000"}, {0, 2, "0"},
		{0.00074, 2, "0.00074"}, {3e-7, 2, "3.0e-07"}, {5, 2, "5"}, {0.5, 2, "0.5"}, {-0.0065, 2, "-0.0065"},
		{2.5e6, 2, "2.5e+06"}, {math.NaN(), 2, Undefined}, {math.Inf(1), 3, Undefined},
	} {
		if got := Sig(tc.x, tc.n); got != tc.want {
			t.Errorf("Sig(%v, %d) = %q, want %q", tc.x, tc.n, got, tc.want)
		}
	}
}

// An interval's bounds share one notation, so a tiny bound does not put
// the other in a different one.
func TestInterval(t *testing.T) {
	for _, tc := range []struct {
		lo, hi float64
		want   string
	}{
		{0.0011, 0.00653, "[0.0011, 0.0065]"}, {1.27e-5, 2.79e-3, "[1.3e-05, 2.8e-03]"}, {0, 0.00185, "[0, 0.0019]"},
		{math.NaN(), 1, "[" + Undefined + ", 1]"}, {305.2, 306.4, "[305, 306]"}, {9.58e-6, 1.01e-5, "[9.58e-06, 1.01e-05]"}, {9.58e-6, 9.61e-6, "[9.58e-06, 9.61e-06]"},
		{0.5, 0.5, "[0.5, 0.5]"},
	} {
		if got := Interval(tc.lo, tc.hi); got != tc.want {
			t.Errorf("Interval(%v, %v) = %q, want %q", tc.lo, tc.hi, got, tc.want)
		}
	}
}

// An estimate gets its interval's precision.
func TestEstimate(t *testing.T) {
	if got := Estimate(305.7, 305.2, 306.4); got != "306" {
		t.Errorf("Estimate(305.7, [305.2, 306.4]) = %q", got)
	}
	if got := Estimate(0.0065347, 0.0011, 0.0123); got != "0.0065" {
		t.Errorf("Estimate with a wide interval = %q, want 2 figures", got)
	}
}

func TestDuration(t *testing.T) {
	for s, want := range map[float64]string{
		0: "0 s", 0.43: "430 ms", 43: "43 s", 118: "118 s", 121: "121 s", 119.4: "119 s", 114: "114 s", 99.4: "99 s", 99.6: "100 s", 299.4: "299 s", 299.6: "5 min", 318: "5.3 min", 150: "150 s", 0.9996: "1 s", 5.2 * 3600: "5.2 hours", 38 * 86400: "38 days",
		2.1 * 365 * 86400: "2.1 years", math.NaN(): Undefined,
	} {
		if got := Duration(s); got != want {
			t.Errorf("Duration(%v) = %q, want %q", s, got, want)
		}
	}
}

func TestDurations(t *testing.T) {
	for _, tc := range []struct {
		in   []float64
		want string
	}{
		{[]float64{290, 306}, "4.8 min, 5.1 min"},
		{[]float64{179, 194}, "179 s, 194 s"},
		{[]float64{41, 59}, "41 s, 59 s"},
		{[]float64{95, 122}, "95 s, 122 s"},
		{[]float64{43, 360}, "43 s, 6 min"},
		{[]float64{0.4, 0.9}, "400 ms, 900 ms"},
		{[]float64{math.NaN(), 12}, Undefined + ", 12 s"},
	} {
		if got := strings.Join(Durations(tc.in...), ", "); got != tc.want {
			t.Errorf("Durations(%v) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestCount(t *testing.T) {
	for x, want := range map[float64]string{412: "412", 412.5: "412", 12.25: "12.2", 3: "3", math.NaN(): Undefined} {
		if got := Count(x); got != want {
			t.Errorf("Count(%v) = %q, want %q", x, got, want)
		}
	}
}

// PerDay counts the way people do, in the largest unit that fits, and
// calls a rate within 15% of one per unit "1 a <unit>".
func TestPerDay(t *testing.T) {
	for _, tc := range []struct {
		r          float64
		noun, want string
	}{
		{23, "", "23 a day"}, {1.0 / 7, "", "1 a week"}, {0.5, "false NotReady", "1 false NotReady every 2 days"},
		{1.0 / 90, "", "1 every 3 months"}, {1.0 / 400, "", "1 a year"}, {0, "", "none"}, {math.NaN(), "", "none"},
		{3, "false NotReady", "3 false NotReady a day"},
	} {
		if got := PerDay(tc.r, tc.noun); got != tc.want {
			t.Errorf("PerDay(%v, %q) = %q, want %q", tc.r, tc.noun, got, tc.want)
		}
	}
}

func TestZeroEvents(t *testing.T) {
	if got, want := ZeroEvents(0.00185, "node-day"), "0 (at most 0.0019 per node-day, 95%)"; got != want {
		t.Errorf("ZeroEvents = %q, want %q", got, want)
	}
}
