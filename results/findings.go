package results

import (
	"math"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/nodesim/nodesim/internal/human"
	"github.com/nodesim/nodesim/model"
)

// Findings are the key findings of a run. With a baseline point they are
// stated against it: the baseline's reading first, then one finding per
// decision (one swept key moved down, or up, from its baseline value, the
// other keys at theirs), each option against the baseline: "Lowering `g`
// from 40s: to 20s, 160× more false NotReady (23 a day instead of 1 a
// week), crashes detected 20 s sooner". Without one, a reading per point.
// axes are the swept keys (res.Sweep, or what the points vary in).
func Findings(res *model.Results, axes []model.SweepAxis) []string {
	kinds := FailureKinds(res)
	base := BaselinePoint(res)
	if base == nil {
		var out []string
		for i := range res.Points {
			p := &res.Points[i]
			where := "At the scenario's parameters"
			if l := Label(p, axes); l != "" {
				where = "At " + l
			}
			out = append(out, where+": "+Sentence(p, kinds)+".")
		}
		return out
	}
	out := []string{"Baseline " + Label(base, axes) + ": " + Sentence(base, kinds) + "."}
	for _, ax := range axes {
		order := valueOrder(ax)
		bx := order[base.Params[ax.Key]]
		var lower, higher []*model.Point
		for i := range res.Points {
			p := &res.Points[i]
			if !othersEqual(p, base, ax.Key) || p.Params[ax.Key] == base.Params[ax.Key] {
				continue
			}
			if order[p.Params[ax.Key]] < bx {
				lower = append(lower, p)
			} else {
				higher = append(higher, p)
			}
		}
		at := func(p *model.Point) float64 { return order[p.Params[ax.Key]] }
		sort.SliceStable(lower, func(i, j int) bool { return at(lower[i]) > at(lower[j]) }) // nearest the baseline first
		sort.SliceStable(higher, func(i, j int) bool { return at(higher[i]) < at(higher[j]) })
		verbs := [2]string{"Lowering", "Raising"}
		if !numeric(ax) {
			verbs = [2]string{"Changing", "Changing"}
		}
		for i, ps := range [][]*model.Point{lower, higher} {
			if len(ps) == 0 {
				continue
			}
			out = append(out, verbs[i]+" `"+ax.Key+"` from "+base.Params[ax.Key]+": "+options(ps, base, ax.Key, kinds)+".")
		}
	}
	return out
}

// options states each option against the baseline, in order; options
// whose false NotReady read the same share one statement: "to 60s or
// 90s, no false NotReady seen either; crashes detected 10 s, 40 s later".
func options(ps []*model.Point, base *model.Point, key, kinds string) string {
	var out []string
	for i := 0; i < len(ps); {
		fnr := versusFalse(ps[i], base, key)
		j := i + 1
		for j < len(ps) && versusFalse(ps[j], base, key) == fnr {
			j++
		}
		var vals, det []string
		for _, p := range ps[i:j] {
			vals = append(vals, p.Params[key])
			if d := versusDetection(p, base, kinds); d != "" {
				det = append(det, d)
			}
		}
		s := "to " + joinOr(vals) + ", " + fnr
		if len(det) > 0 {
			s += ", " + joinDetection(det)
		}
		out = append(out, s)
		i = j
	}
	return strings.Join(out, "; ")
}

// joinDetection says several options' detection at once when they move
// the same way: "crashes detected 10 s and 40 s later".
func joinDetection(det []string) string {
	lead, spans, way := "", []string(nil), ""
	for _, d := range det {
		i, j := strings.Index(d, " detected "), strings.LastIndexByte(d, ' ')
		if i < 0 || j <= i+len(" detected ") || (lead != "" && (d[:i] != lead || d[j:] != way)) {
			return strings.Join(det, ", ")
		}
		lead, way = d[:i], d[j:]
		spans = append(spans, d[i+len(" detected "):j])
	}
	if len(spans) < 2 {
		return strings.Join(det, ", ")
	}
	return lead + " detected " + strings.Join(spans[:len(spans)-1], ", ") + " and " + spans[len(spans)-1] + way
}

func joinOr(vs []string) string {
	if len(vs) < 2 {
		return strings.Join(vs, "")
	}
	return strings.Join(vs[:len(vs)-1], ", ") + " or " + vs[len(vs)-1]
}

// BaselinePoint is the point res.Baseline names, or nil.
func BaselinePoint(res *model.Results) *model.Point {
	if len(res.Baseline) == 0 {
		return nil
	}
	for i, p := range res.Points {
		match := len(p.Params) == len(res.Baseline)
		for k, v := range res.Baseline {
			match = match && p.Params[k] == v
		}
		if match {
			return &res.Points[i]
		}
	}
	return nil
}

// Label names a point by its swept values: "k=v, k2=v2"; a named point
// by its name.
func Label(p *model.Point, axes []model.SweepAxis) string {
	var parts []string
	for _, ax := range axes {
		if v, ok := p.Params[ax.Key]; ok {
			if ax.Key == "name" {
				parts = append(parts, v)
			} else {
				parts = append(parts, ax.Key+"="+v)
			}
		}
	}
	return strings.Join(parts, ", ")
}

// Versus states p against the baseline b, which differ in key: false NotReady as a ratio and
// as a count a cluster sees, then detection: "160× more false NotReady
// (23 a day instead of 1 a week), crashes detected 20 s sooner".
func Versus(p, b *model.Point, key, failures string) string {
	s := versusFalse(p, b, key)
	if d := versusDetection(p, b, failures); d != "" {
		s += ", " + d
	}
	return s
}

// versusFalse is p's false NotReady against b's.
func versusFalse(p, b *model.Point, key string) string {
	fp, fb := &p.FalseNotReady, &b.FalseNotReady
	switch pz, bz := fp.Bounded(), fb.Bounded(); {
	case p.RatesNotApplicable || b.RatesNotApplicable:
		return "per-day rates not applicable"
	case pz && bz:
		return "no false NotReady seen either"
	case pz:
		return "no false NotReady seen (" + clusterBound(p) + ") instead of " + human.PerDay(float64(fb.PerClusterDay), "")
	case bz:
		return human.PerDay(float64(fp.PerClusterDay), "false NotReady") + " where " + b.Params[key] + " had none"
	}
	r := float64(fp.RatePerNodeDay / fb.RatePerNodeDay)
	now, was := human.PerDay(float64(fp.PerClusterDay), ""), human.PerDay(float64(fb.PerClusterDay), "")
	switch {
	case r >= 1.05:
		return human.Times(r) + " more false NotReady (" + now + " instead of " + was + ")"
	case r <= 1/1.05:
		return human.Times(1/r) + " fewer false NotReady (" + now + " instead of " + was + ")"
	}
	return "as many false NotReady (" + now + ")"
}

// versusDetection is p's detection against b's: "crashes detected 20 s
// sooner"; "" when either detected nothing.
func versusDetection(p, b *model.Point, failures string) string {
	what := strings.TrimPrefix(failures, "real ")
	dp, db := &p.Detection, &b.Detection
	if dp.Detected == 0 || db.Detected == 0 || !dp.P50S.Defined() || !db.P50S.Defined() {
		return ""
	}
	d := float64(dp.P50S - db.P50S)
	switch {
	case math.Abs(d) < 0.5:
		return what + " detected as fast"
	case d < 0:
		return what + " detected " + human.Duration(-d) + " sooner"
	}
	return what + " detected " + human.Duration(d) + " later"
}

// clusterBound is a point's bound when it saw no false NotReady, per
// cluster-day: "at most 1.8 per cluster-day, 95%".
func clusterBound(p *model.Point) string {
	hi := float64(p.FalseNotReady.RatePerNodeDayCI95.Hi)
	if n := clusterNodes(p); n > 0 {
		return human.AtMost(hi*float64(n), "cluster-day")
	}
	return human.AtMost(hi, "node-day")
}

// clusterNodes is the point's cluster size, from its zones.
func clusterNodes(p *model.Point) int {
	n := 0
	for _, z := range p.Zones {
		n += z.Nodes
	}
	return n
}

// othersEqual reports whether p and q differ at most in key.
func othersEqual(p, q *model.Point, key string) bool {
	for k, v := range q.Params {
		if k != key && p.Params[k] != v {
			return false
		}
	}
	return true
}

// valueOrder places an axis's values: their number (a duration in
// seconds) when every value is one, else their position in the sweep.
func valueOrder(ax model.SweepAxis) map[string]float64 {
	at := map[string]float64{}
	num := numeric(ax)
	for i, v := range ax.Values {
		at[v] = float64(i)
		if x, ok := parseNumber(v); ok && num {
			at[v] = x
		}
	}
	return at
}

func numeric(ax model.SweepAxis) bool {
	for _, v := range ax.Values {
		if _, ok := parseNumber(v); !ok {
			return false
		}
	}
	return len(ax.Values) > 0
}

// parseNumber reads a sweep value as seconds (a duration) or a number.
func parseNumber(v string) (float64, bool) {
	if d, err := time.ParseDuration(v); err == nil {
		return d.Seconds(), true
	}
	x, err := strconv.ParseFloat(v, 64)
	return x, err == nil
}
