package scenarios

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/nodesim/nodesim/model"
)

// histogram reads {dist = "histogram", le = [...], counts = [...]}: upper
// bounds in seconds and cumulative counts, as Prometheus stores them. A
// bound may be TOML's inf or the label text "+Inf".
func histogram(key string, le, counts any) (model.Dist, error) {
	bounds, err := numbers(key+".le", le, true)
	if err != nil {
		return model.Dist{}, err
	}
	cum, err := numbers(key+".counts", counts, false)
	if err != nil {
		return model.Dist{}, err
	}
	d, err := model.NewHistogram(bounds, cum)
	if err != nil {
		return model.Dist{}, keyErrorf(key, "%v", err)
	}
	d.Source = histogramSource(d.Buckets)
	return d, nil
}

// numbers reads an array of numbers; with bounds, "+Inf" and numeric
// strings (Prometheus le label values) are accepted too.
func numbers(key string, v any, bounds bool) ([]float64, error) {
	arr, ok := v.([]any)
	if !ok {
		return nil, keyErrorf(key, "expected an array of numbers, got %s", describe(v))
	}
	out := make([]float64, len(arr))
	for i, e := range arr {
		if s, ok := e.(string); ok && bounds {
			f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
			if err != nil {
				return nil, keyErrorf(key, "element %d: %q is not a number of seconds", i+1, s)
			}
			out[i] = f
			continue
		}
		f, ok := asNumber(e)
		if !ok || (math.IsInf(f, 0) && !bounds) {
			return nil, keyErrorf(key, "element %d: expected a number, got %s", i+1, describe(e))
		}
		out[i] = f
	}
	return out, nil
}

func asNumber(v any) (float64, bool) {
	switch x := v.(type) {
	case int64:
		return float64(x), true
	case float64:
		return x, !math.IsNaN(x)
	}
	return 0, false
}

// histogramSource describes a histogram for `nodesim check`.
func histogramSource(h *model.Buckets) string {
	return fmt.Sprintf("histogram %d buckets, %s observations, p50=%s p99=%s", len(h.Bounds()), formatCount(h.Total()),
		formatSeconds(h.Quantile(0.5)), formatSeconds(h.Quantile(0.99)))
}

// formatCount prints a count: whole numbers in full, rates as %g.
func formatCount(c float64) string {
	if c == math.Trunc(c) && c < 1e15 {
		return strconv.FormatFloat(c, 'f', 0, 64)
	}
	return strconv.FormatFloat(c, 'g', 6, 64)
}

// formatSeconds prints seconds as a short duration: 3 significant digits.
func formatSeconds(s float64) string {
	if math.IsNaN(s) || math.IsInf(s, 0) {
		return formatFloat(s)
	}
	d := time.Duration(s * 1e9)
	switch {
	case d == 0:
		return "0s"
	case d < time.Microsecond:
		return d.String()
	}
	for _, u := range []time.Duration{time.Hour, time.Minute, time.Second, time.Millisecond, time.Microsecond} {
		if d >= u {
			v := strconv.FormatFloat(float64(d)/float64(u), 'g', 3, 64)
			if strings.Contains(v, "e") {
				v = strconv.FormatFloat(float64(d)/float64(u), 'f', 0, 64)
			}
			return v + map[time.Duration]string{time.Hour: "h", time.Minute: "m", time.Second: "s", time.Millisecond: "ms", time.Microsecond: "us"}[u]
		}
	}
	return d.String()
}
