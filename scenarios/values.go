package scenarios

import (
	"errors"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

const day = 24 * time.Hour

// ParseDuration parses a Go duration string that may start with a number
// of days: "2d", "1d12h", "1.5d". Negative durations are rejected because
// no scenario key accepts one.
func ParseDuration(s string) (time.Duration, error) {
	if s == "" {
		return 0, errors.New("empty duration (want a Go duration such as \"10s\")")
	}
	var d time.Duration
	rest := s
	if i := strings.IndexByte(s, 'd'); i >= 0 {
		if strings.HasPrefix(s, "-") {
			return 0, fmt.Errorf("duration %q must not be negative", s)
		}
		if !dayRE.MatchString(s[:i]) {
			return 0, fmt.Errorf("invalid duration %q (want a Go duration such as \"10s\", \"5m\" or \"2d\")", s)
		}
		days, _ := strconv.ParseFloat(s[:i], 64)
		if days > 100*365 {
			return 0, outOfRange(s)
		}
		d = time.Duration(days * float64(day))
		rest = s[i+1:]
		if strings.HasPrefix(rest, "-") || strings.HasPrefix(rest, "+") {
			return 0, fmt.Errorf("invalid duration %q", s)
		}
	}
	if rest != "" {
		r, err := time.ParseDuration(rest)
		if err != nil {
			if f, nerr := strconv.ParseFloat(rest, 64); nerr == nil && f > 0 && !math.IsInf(f, 0) {
				return 0, fmt.Errorf("duration %q needs a unit, e.g. \"%ss\"", s, rest)
			}
			if goDurationRE.MatchString(rest) {
				return 0, outOfRange(s) // well formed: time.ParseDuration overflowed
			}
			return 0, fmt.Errorf("invalid duration %q (want a Go duration such as \"10s\", \"5m\" or \"2d\")", s)
		}
		if r > 0 && d+r < d {
			return 0, outOfRange(s)
		}
		d += r
	}
	if d < 0 || (d == 0 && strings.HasPrefix(s, "-")) {
		return 0, fmt.Errorf("duration %q must not be negative", s)
	}
	return d, nil
}

func outOfRange(s string) error {
	return fmt.Errorf("duration %q out of range: at most 100 years (36500d)", s)
}

// goDurationRE matches what time.ParseDuration accepts when it does not
// overflow.
var goDurationRE = regexp.MustCompile(`^[-+]?([0-9]*(\.[0-9]*)?(ns|us|µs|μs|ms|s|m|h))+$`)

// FormatDuration renders d the way a scenario would write it: whole days
// as "2d", and without Go's trailing zero units ("5m", not "5m0s").
func FormatDuration(d time.Duration) string {
	if d >= day && d%time.Minute == 0 {
		days, rest := d/day, d%day
		if rest == 0 {
			return strconv.FormatInt(int64(days), 10) + "d"
		}
		return strconv.FormatInt(int64(days), 10) + "d" + FormatDuration(rest)
	}
	s := strings.Replace(d.String(), "µs", "us", 1) // ASCII, as scenarios are typed
	if strings.HasSuffix(s, "m0s") {
		s = s[:len(s)-2]
	}
	if strings.HasSuffix(s, "h0m") {
		s = s[:len(s)-2]
	}
	return s
}

// asDuration reads a duration value; bare numbers are rejected because
// "10" could mean seconds or nanoseconds.
func asDuration(v any) (time.Duration, error) {
	switch x := v.(type) {
	case string:
		return ParseDuration(x)
	case int64:
		if x > 0 {
			return 0, fmt.Errorf("duration needs a unit: write \"%ds\" for seconds, not %d", x, x)
		}
	case float64:
		if x > 0 && !math.IsInf(x, 0) {
			return 0, fmt.Errorf("duration needs a unit: write \"%ss\" for seconds, not %s", formatFloat(x), formatFloat(x))
		}
	}
	return 0, fmt.Errorf("expected a duration string such as \"10s\", got %s", describe(v))
}

// asInt reads an integer value.
func asInt(v any) (int64, error) {
	if x, ok := v.(int64); ok {
		return x, nil
	}
	return 0, fmt.Errorf("expected an integer, got %s", describe(v))
}

// asFloat reads a number; integers are accepted for convenience.
func asFloat(v any) (float64, error) {
	switch x := v.(type) {
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return 0, fmt.Errorf("expected a finite number, got %v", x)
		}
		return x, nil
	case int64:
		return float64(x), nil
	}
	return 0, fmt.Errorf("expected a number, got %s", describe(v))
}

// asBool reads a boolean.
func asBool(v any) (bool, error) {
	if x, ok := v.(bool); ok {
		return x, nil
	}
	return false, fmt.Errorf("expected true or false, got %s", describe(v))
}

func asString(v any) (string, error) {
	if x, ok := v.(string); ok {
		return x, nil
	}
	return "", fmt.Errorf("expected a string, got %s", describe(v))
}

func asTable(v any) (map[string]any, error) {
	if x, ok := v.(map[string]any); ok {
		return x, nil
	}
	return nil, fmt.Errorf("expected a table, got %s", describe(v))
}

// asTables reads an array of tables, from [[x]] headers or an inline array.
func asTables(v any) ([]map[string]any, error) {
	switch x := v.(type) {
	case []map[string]any:
		return x, nil
	case []any:
		out := make([]map[string]any, len(x))
		for i, e := range x {
			m, ok := e.(map[string]any)
			if !ok {
				return nil, fmt.Errorf("element %d: expected a table, got %s", i+1, describe(e))
			}
			out[i] = m
		}
		return out, nil
	}
	return nil, fmt.Errorf("expected an array of tables, got %s", describe(v))
}

// describe names a decoded TOML value's type, with the value when short.
func describe(v any) string {
	switch x := v.(type) {
	case string:
		return fmt.Sprintf("string %q", x)
	case int64:
		return fmt.Sprintf("integer %d", x)
	case float64:
		return fmt.Sprintf("float %v", x)
	case bool:
		return fmt.Sprintf("boolean %v", x)
	case map[string]any:
		return "a table"
	case []any, []map[string]any:
		return "an array"
	case nil:
		return "nothing"
	}
	return fmt.Sprintf("a %T", v)
}

// render prints a decoded TOML value compactly and deterministically,
// for sweep parameters: strings bare, tables with sorted keys.
func render(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + "=" + renderQuoted(x[k])
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = renderQuoted(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case []map[string]any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = render(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case float64:
		return formatFloat(x)
	}
	return fmt.Sprint(v)
}

func renderQuoted(v any) string {
	if s, ok := v.(string); ok {
		return strconv.Quote(s)
	}
	return render(v)
}

func formatFloat(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }

var dayRE = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?$`)
