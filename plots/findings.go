package plots

import (
	"fmt"
	"math"
	"sort"

	"github.com/nodesim/nodesim/model"
)

// findings are report.md's key findings. With a baseline point they are
// stated against it: the baseline first, then one bullet per decision
// (one swept key moved down, or up, from its baseline value, the other
// keys at theirs). Without one, a bullet per point.
func findings(res *model.Results, axes []model.SweepAxis) []string {
	base := baselinePoint(res)
	if base == nil {
		var out []string
		for _, p := range res.Points {
			out = append(out, finding(p, axes))
		}
		return out
	}
	out := []string{"Baseline " + finding(*base, axes)[len("At "):]}
	for _, ax := range axes {
		xa := newXAxis(ax)
		bx, _ := xa.at(base.Params[ax.Key])
		var lower, higher []model.Point
		for _, p := range res.Points {
			if !othersEqual(p, *base, ax.Key) || p.Params[ax.Key] == base.Params[ax.Key] {
				continue
			}
			if x, _ := xa.at(p.Params[ax.Key]); x < bx {
				lower = append(lower, p)
			} else {
				higher = append(higher, p)
			}
		}
		byX := func(ps []model.Point, desc bool) {
			sort.SliceStable(ps, func(i, j int) bool {
				xi, _ := xa.at(ps[i].Params[ax.Key])
				xj, _ := xa.at(ps[j].Params[ax.Key])
				return (xi > xj) == desc && xi != xj
			})
		}
		verbs := [2]string{"Lowering", "Raising"}
		if !xa.numeric {
			verbs = [2]string{"Changing", "Changing"}
		}
		byX(lower, true) // nearest the baseline first
		byX(higher, false)
		for i, ps := range [][]model.Point{lower, higher} {
			if len(ps) == 0 {
				continue
			}
			s := fmt.Sprintf("%s `%s` from %s (%s):", verbs[i], ax.Key, base.Params[ax.Key], rateState(base))
			for j, p := range ps {
				if j > 0 {
					s += ";"
				}
				s += " to " + p.Params[ax.Key] + ", " + versus(p, *base)
			}
			out = append(out, s+".")
		}
	}
	return out
}

// baselinePoint is the point res.Baseline names, or nil.
func baselinePoint(res *model.Results) *model.Point {
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

// othersEqual reports whether p and q differ at most in key.
func othersEqual(p, q model.Point, key string) bool {
	for k, v := range q.Params {
		if k != key && p.Params[k] != v {
			return false
		}
	}
	return true
}

// versus states p against the baseline b: false NotReady as a ratio and
// in a cluster's days, then detection.
func versus(p, b model.Point) string {
	fp, fb := p.FalseNotReady, b.FalseNotReady
	var s string
	switch pz, bz := fp.Bounded(), fb.Bounded(); {
	case pz && bz:
		s = "none seen either"
	case pz || bz:
		s = rateState(&p)
	default:
		r := float64(fp.RatePerNodeDay / fb.RatePerNodeDay)
		switch {
		case r >= 1.05:
			s = fmtSig(r, 2) + "× more false NotReady"
		case r <= 1/1.05:
			s = fmtSig(1/r, 2) + "× fewer false NotReady"
		default:
			s = "as many false NotReady"
		}
		s += " (" + perCluster(fp.PerClusterDay) + " instead of " + perCluster(fb.PerClusterDay) + " across the cluster)"
	}
	dp, db := p.Detection, b.Detection
	if def(dp.P50S) && def(db.P50S) {
		d := float64(dp.P50S - db.P50S)
		switch {
		case math.Abs(d) < 0.5:
			s += ", crashes detected as fast"
		case d < 0:
			s += ", crashes detected " + fmtSig(-d, 2) + " s sooner"
		default:
			s += ", crashes detected " + fmtSig(d, 2) + " s later"
		}
	}
	return s
}

// rateState is a point's false NotReady on their own: "none seen, under
// 0.0018 per node-day" or "0.003 per node-day, 3 a day across the cluster".
func rateState(p *model.Point) string {
	f := p.FalseNotReady
	if f.Bounded() {
		return "no false NotReady seen, under " + fmtSig(float64(f.RatePerNodeDayCI95.Hi), 2) + " per node-day"
	}
	return fmtSig(float64(f.RatePerNodeDay), 2) + " false NotReady per node-day, " + perCluster(f.PerClusterDay) + " across the cluster"
}

// perCluster says a rate per cluster-day the way people count: "23 a
// day", "1 a week", "1 every 3 months".
func perCluster(n model.Num) string {
	r := float64(n)
	switch {
	case !def(n) || r <= 0:
		return "none"
	case r >= 1:
		return fmtSig(r, 2) + " a day"
	}
	days := 1 / r
	for _, u := range []struct {
		name string
		days float64
	}{{"year", 365}, {"month", 30}, {"week", 7}, {"day", 1}} {
		if days >= u.days {
			k := days / u.days
			if math.Abs(k-1) < 0.15 {
				return "1 a " + u.name
			}
			return "1 every " + fmtSig(k, 2) + " " + u.name + "s"
		}
	}
	return fmtSig(r, 2) + " a day"
}
