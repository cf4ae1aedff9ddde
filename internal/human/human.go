// Package human formats figures for people: significant figures,
// intervals, percentages, durations, counts and rates. Every output that
// people read (the text summary, --format markdown, report.md, recommend,
// the charts' labels) formats through it, so one figure never reads two
// ways. It depends on nothing in nodesim, so model can use it too.
package human

import (
	"math"
	"strconv"
	"strings"
)

// Undefined stands for a figure that has no value (NaN, ±Inf).
const Undefined = "-"

// FigureDigits is how many significant figures a measured figure gets:
// its interval is wider than the third digit.
const FigureDigits = 2

// NodeDayDigits is the precision of a node-day total, the denominator
// of every rate.
const NodeDayDigits = 3

func defined(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

// Sig formats x rounded to n significant figures, without an exponent
// from 1e-4 to 1e6: Sig(1999, 3) = "2000", Sig(0.00653, 2) = "0.0065".
func Sig(x float64, n int) string {
	switch {
	case !defined(x):
		return Undefined
	case x == 0:
		return "0"
	case math.Abs(x) >= 1e6 || math.Abs(x) < 1e-4:
		return strconv.FormatFloat(x, 'e', n-1, 64)
	}
	mag := int(math.Floor(math.Log10(math.Abs(x))))
	dec := n - 1 - mag
	if dec <= 0 {
		p := math.Pow(10, float64(-dec))
		return strconv.FormatFloat(math.Round(x/p)*p, 'f', 0, 64)
	}
	s := strconv.FormatFloat(x, 'f', dec, 64)
	s = strings.TrimRight(s, "0")
	return strings.TrimSuffix(s, ".")
}

// Figure formats a measured figure (a rate, a mean) at FigureDigits.
func Figure(x float64) string { return Sig(x, FigureDigits) }

// NodeDays formats a node-day total: "2000", "14000".
func NodeDays(x float64) string { return Sig(x, NodeDayDigits) }

// Interval formats a 95% interval as "[lo, hi]", both bounds in the same
// notation: "[1.3e-05, 2.8e-03]", not "[1.3e-05, 0.0028]"; with more
// digits when FigureDigits would read both bounds alike (Digits).
func Interval(lo, hi float64) string {
	n := Digits(lo, hi)
	if tiny(lo) || tiny(hi) {
		return "[" + sci(lo, n) + ", " + sci(hi, n) + "]"
	}
	return "[" + Sig(lo, n) + ", " + Sig(hi, n) + "]"
}

// maxDigits bounds Digits: past it, the bounds are equal for people.
const maxDigits = 4

// Digits is how many significant figures an estimate with the 95%
// interval [lo, hi] gets: FigureDigits, or more while the last digit
// shown is coarser than the interval is wide, so a tight interval reads
// "[305, 306]", not "[300, 310]".
func Digits(lo, hi float64) int {
	top := math.Max(math.Abs(lo), math.Abs(hi))
	width := math.Abs(hi - lo)
	if !defined(top) || !defined(width) || top == 0 || width == 0 {
		return FigureDigits
	}
	mag := math.Floor(math.Log10(top))
	n := FigureDigits
	for n < maxDigits && math.Pow(10, mag-float64(n-1)) > width {
		n++
	}
	return n
}

// Estimate formats a figure with its 95% interval's precision (Digits).
func Estimate(x, lo, hi float64) string { return Sig(x, Digits(lo, hi)) }

func tiny(x float64) bool { return x != 0 && math.Abs(x) < 1e-4 }

func sci(x float64, n int) string {
	if !defined(x) {
		return Undefined
	}
	if x == 0 {
		return "0"
	}
	return strconv.FormatFloat(x, 'e', n-1, 64)
}

// Percent formats a fraction as a percentage: 0.006 → "0.6%".
func Percent(frac float64) string {
	if !defined(frac) {
		return Undefined
	}
	return Figure(100*frac) + "%"
}

// PercentInterval formats an interval of fractions: "[0.14%, 0.65%]".
func PercentInterval(lo, hi float64) string {
	return "[" + Percent(lo) + ", " + Percent(hi) + "]"
}

// Duration formats a span of s seconds: "430 ms", "43 s", "118 s",
// "5.2 min", "5.2 hours", "38 days", "2.1 years". From 100 s to 5 min it
// keeps whole seconds: grace periods and detection times are set and
// compared to the second, and "2 min" would hide 118 s against 122 s.
// Otherwise the unit is chosen after rounding, never "120 min".
func Duration(s float64) string {
	switch {
	case !defined(s):
		return Undefined
	case s == 0:
		return "0 s"
	case math.Abs(math.Round(s)) >= 100 && math.Abs(math.Round(s)) < 300:
		return strconv.FormatFloat(math.Round(s), 'f', 0, 64) + " s"
	}
	units := []struct {
		name       string
		per, below float64 // seconds per unit; the next unit from this many on
	}{{"ms", 1e-3, 1000}, {"s", 1, 100}, {"min", 60, 120}, {"hours", 3600, 48}, {"days", 86400, 730}}
	for _, u := range units {
		v := round(s/u.per, FigureDigits)
		if math.Abs(v) < u.below {
			return Figure(v) + " " + u.name
		}
	}
	return Figure(s/(365*86400)) + " years"
}

// Durations formats spans read side by side (a median and its p99) in
// one unit, the one Duration picks for the largest, so that a pair never
// reads "290 s median (5.1 min p99)". Spans three times apart or more keep
// their own units: "43 s median, 6 min p99".
func Durations(s ...float64) []string {
	out := make([]string, len(s))
	lo, hi := math.Inf(1), 0.0
	for _, x := range s {
		if defined(x) && x != 0 {
			lo, hi = math.Min(lo, math.Abs(x)), math.Max(hi, math.Abs(x))
		}
	}
	unit := Duration(hi)
	name := unit[strings.LastIndexByte(unit, ' ')+1:]
	per := map[string]float64{"ms": 1e-3, "s": 1, "min": 60, "hours": 3600, "days": 86400, "years": 365 * 86400}[name]
	whole := name == "s" && math.Round(hi) >= 100
	for i, x := range s {
		switch {
		case hi == 0 || hi >= 3*lo || !defined(x) || x == 0:
			out[i] = Duration(x)
		case whole:
			out[i] = strconv.FormatFloat(math.Round(x), 'f', 0, 64) + " s"
		default:
			out[i] = Figure(x/per) + " " + name
		}
	}
	return out
}

// JoinDurations is Durations joined by sep: "179 s / 194 s".
func JoinDurations(sep string, s ...float64) string { return strings.Join(Durations(s...), sep) }

// round rounds x to n significant figures.
func round(x float64, n int) float64 {
	if x == 0 || !defined(x) {
		return x
	}
	p := math.Pow(10, float64(n-1-int(math.Floor(math.Log10(math.Abs(x))))))
	return math.Round(x*p) / p
}

// Count formats a count, or a mean of counts over replications: "412",
// "412.5", "12360" (a mean of 100 or more has no decimals).
func Count(x float64) string {
	switch {
	case !defined(x):
		return Undefined
	case x == math.Trunc(x) || math.Abs(x) >= 100:
		return strconv.FormatFloat(x, 'f', 0, 64)
	}
	return strconv.FormatFloat(x, 'f', 1, 64)
}
