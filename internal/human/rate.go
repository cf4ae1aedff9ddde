package human

import "math"

// PerDay says r events a day the way people count them: "23 false
// NotReady a day", "1 false NotReady a week", "1 false NotReady every 3
// months"; with noun "", "23 a day". A rate of zero or undefined is
// "none".
func PerDay(r float64, noun string) string {
	one := "1 "
	if noun != "" {
		noun += " "
	}
	switch {
	case !defined(r) || r <= 0:
		return "none"
	case r >= 1:
		return Figure(r) + " " + noun + "a day"
	}
	days := 1 / r
	for _, u := range []struct {
		name string
		days float64
	}{{"year", 365}, {"month", 30}, {"week", 7}, {"day", 1}} {
		if days >= u.days {
			k := days / u.days
			if math.Abs(k-1) < 0.15 {
				return one + noun + "a " + u.name
			}
			return one + noun + "every " + Figure(k) + " " + u.name + "s"
		}
	}
	return Figure(r) + " " + noun + "a day"
}

// AtMost is the bound that stands for a figure when nothing was seen:
// "at most 0.0018 per node-day, 95%".
func AtMost(hi float64, per string) string {
	return "at most " + Figure(hi) + " per " + per + ", 95%"
}

// ZeroEvents is a count of zero with the bound it implies, for a figure
// that must not read as a plain zero: "0 (at most 0.0018 per node-day, 95%)".
func ZeroEvents(hi float64, per string) string {
	return "0 (" + AtMost(hi, per) + ")"
}

// Times is a ratio: "160×".
func Times(r float64) string { return Figure(r) + "×" }
