package recommend

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/nodesim/nodesim/cmd/nodesim/internal/summary"
	"github.com/nodesim/nodesim/internal/human"
	"github.com/nodesim/nodesim/model"
)

// JSON writes the answer as indented JSON.
func JSON(w io.Writer, a *Answer) error {
	b, err := json.MarshalIndent(a, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// Text writes the paragraph a reviewer pastes, then the evidence: each
// value tried and, for a grid, the frontier.
func Text(w io.Writer, a *Answer) error {
	var b strings.Builder
	b.WriteString(Paragraph(a, &a.Search) + "\n\n")
	if len(a.Frontier) > 0 {
		b.WriteString("frontier:\n")
		rows := [][]string{append(append([]string(nil), shortKeys(a.GridKeys)...), shortKey(a.Key), "rate upper bound", "detect p50", "p99")}
		for _, s := range a.Frontier {
			var row []string
			for _, k := range a.GridKeys {
				row = append(row, s.Grid[k])
			}
			rec, up := "none", "-"
			if s.Recommended != nil {
				rec, up = *s.Recommended, human.Figure(float64(s.UpperBound))
			}
			p50, p99 := detectionCells(s.Detection)
			rows = append(rows, append(row, rec, up, p50, p99))
		}
		summary.Table(&b, rows)
		b.WriteString("\n")
	}
	b.WriteString("values tried")
	if len(a.Frontier) > 0 {
		b.WriteString(" (at " + gridLabel(a.Search.Grid) + ")")
	}
	b.WriteString(":\n")
	rows := [][]string{{shortKey(a.Key), "verdict", "false NR/node-day", "95% CI", "method", "node-days", "tolerates"}}
	for _, c := range a.Points {
		rows = append(rows, []string{c.Value, string(c.Verdict), human.Estimate(float64(c.RatePerNodeDay), float64(c.RateCI95.Lo), float64(c.RateCI95.Hi)), ci(c.RateCI95), c.Method,
			human.NodeDays(float64(c.WorkNodeDays)), toleranceCell(c.OutageTolerance)})
	}
	summary.Table(&b, rows)
	_, err := io.WriteString(w, b.String())
	return err
}

// Paragraph is the answer in words, for one search.
func Paragraph(a *Answer, s *Search) string {
	key := shortKey(a.Key)
	conf := strconv.FormatFloat(100*a.Confidence, 'g', -1, 64) + "% confidence"
	budget := budgetWords(a)
	end := "smallest"
	if a.Prefer == "largest" {
		end = "largest"
	}
	var out []string
	if len(s.Grid) > 0 {
		out = append(out, "With "+gridLabel(s.Grid)+",")
	}
	switch s.Found {
	case "none":
		worst := s.Points[len(s.Points)-1]
		if a.Prefer == "largest" {
			worst = s.Points[0]
		}
		out = append(out, fmt.Sprintf("no value of %s from %s to %s has %s (%s): even %s has up to %s per node-day; widen the range or the budget.",
			key, a.Min, a.Max, budget, conf, worst.Value, human.Figure(float64(worst.UpperBound))))
	default:
		rec := *s.Recommended
		bound := rateWords(s.UpperBound) + " per node-day"
		if a.BudgetPer == "cluster-day" {
			bound = rateWords(s.UpperBound*model.Num(a.Budget/s.BudgetPerNodeDay)) + " per cluster-day"
		}
		what := fmt.Sprintf("%s = %s is the %s value with %s (%s: at most %s)", key, rec, end, budget, conf, bound)
		if s.Found == "whole-range" {
			what = fmt.Sprintf("%s = %s, the %s value searched, already has %s (%s: at most %s); %s values were not searched",
				key, rec, end, budget, conf, bound, map[string]string{"smallest": "smaller", "largest": "larger"}[end])
		}
		out = append(out, what+";", detectionWords(s.Detection, s.Baseline, rec)+evictionWords(s.Eviction)+".")
		if st := s.Step; st != nil && st.To != st.From {
			out = append(out, fmt.Sprintf("Every value from %s to %s behaves the same: alarms wait for the first monitor pass (every %s) after the grace period.",
				st.From, st.To, human.Duration(st.PeriodS)))
		}
	}
	if bl := s.Baseline; bl != nil {
		out = append(out, fmt.Sprintf("Today's %s: %s false NotReady per node-day %s, %s the budget.", bl.Value, human.Estimate(float64(bl.RatePerNodeDay), float64(bl.RateCI95.Lo), float64(bl.RateCI95.Hi)), ci(bl.RateCI95),
			map[verdict]string{below: "under", above: "over", undecided: "not clearly under"}[bl.Verdict]))
	}
	if s.Recommended != nil {
		if t := toleranceWords(s.Points, *s.Recommended); t != "" {
			out = append(out, "At "+*s.Recommended+" "+t+".")
		}
	}
	grid := ""
	if len(a.Frontier) > 0 {
		grid = fmt.Sprintf(" at each of %d grid points", len(a.Frontier))
	}
	out = append(out, fmt.Sprintf("Searched %s to %s at %s resolution: %d values%s, %s node-days simulated in all.", a.Min, a.Max, a.Resolution, len(s.Points), grid,
		human.NodeDays(float64(a.WorkNodeDays))))
	return strings.Join(out, " ")
}

// budgetWords: "fewer than 1 false NotReady per 1000 node-days".
func budgetWords(a *Answer) string {
	unit := a.BudgetPer
	if a.Budget >= 1 {
		return "fewer than " + human.Sig(a.Budget, 3) + " false NotReady per " + unit
	}
	n := 1 / a.Budget
	var per string
	switch {
	case n >= 1e12:
		per = strconv.FormatFloat(n, 'e', 1, 64)
	case n >= 1e9:
		per = human.Sig(n/1e9, 3) + " billion"
	case n >= 1e6:
		per = human.Sig(n/1e6, 3) + " million"
	default:
		per = human.Sig(n, 3)
	}
	return "fewer than 1 false NotReady per " + per + " " + unit + "s"
}

// rateWords and ci are a rate and its interval, as every output has them.
func rateWords(r model.Num) string { return human.Figure(float64(r)) }

func ci(iv model.Interval) string { return human.Interval(float64(iv.Lo), float64(iv.Hi)) }

// detectionWords: "it detects crashes in 53 s median, 55 s p99, 5 s
// slower than today's 50s".
func detectionWords(d *Detection, bl *Baseline, rec string) string {
	if d == nil || d.Detected == 0 {
		return "detection was not measured (no crash detected)"
	}
	both := human.Durations(float64(d.P50S), float64(d.P99S))
	out := "it detects crashes in " + both[0] + " median, " + both[1] + " p99"
	if d.CrashesInjected {
		out += " (crashes injected to measure it)"
	}
	if bl == nil || bl.Value == rec || bl.Detection == nil || bl.Detection.Detected == 0 {
		return out
	}
	diff := float64(d.P50S - bl.Detection.P50S)
	today := "today's " + bl.Value + " (" + human.Duration(float64(bl.Detection.P50S)) + " median)"
	switch {
	case math.Abs(diff) < 0.5:
		return out + ", as fast as " + today
	case diff < 0:
		return out + ", " + human.Duration(-diff) + " faster than " + today
	}
	return out + ", " + human.Duration(diff) + " slower than " + today
}

// evictionWords: "; its pods are evicted 5.8 min after a crash median
// (6 min p99)".
func evictionWords(e *Eviction) string {
	if e == nil {
		return ""
	}
	both := human.Durations(float64(e.EvictedP50S), float64(e.EvictedP99S))
	return "; a crashed node's pods are evicted in " + both[0] + " median (" + both[1] + " p99)"
}

func detectionCells(d *Detection) (string, string) {
	if d == nil || d.Detected == 0 {
		return "-", "-"
	}
	return human.Duration(float64(d.P50S)), human.Duration(float64(d.P99S))
}

func toleranceCell(ts []Tolerance) string {
	var parts []string
	for _, t := range ts {
		parts = append(parts, t.Effect+" "+toleranceSpan(t))
	}
	if len(parts) == 0 {
		return "-"
	}
	return strings.Join(parts, ", ")
}

func toleranceSpan(t Tolerance) string {
	switch {
	case !t.LongestS.Defined():
		return "-"
	case t.AtLeast:
		return "≥" + human.Duration(float64(t.LongestS))
	case t.LongestS == 0:
		return "none"
	}
	return human.Duration(float64(t.LongestS))
}

// toleranceWords: "it absorbs an etcd outage of up to 45 s and a watch
// stall of up to 38 s without a false NotReady".
func toleranceWords(points []Candidate, value string) string {
	for _, c := range points {
		if c.Value != value {
			continue
		}
		var parts []string
		for _, t := range c.OutageTolerance {
			if !t.LongestS.Defined() || t.LongestS == 0 {
				continue
			}
			up := "up to "
			if t.AtLeast {
				up = "at least "
			}
			parts = append(parts, article(t.Incident)+" of "+up+human.Duration(float64(t.LongestS)))
		}
		if len(parts) == 0 {
			return ""
		}
		return "it absorbs " + joinAnd(parts) + " without a false NotReady"
	}
	return ""
}

// article prefixes "a" or "an": "an etcd outage", "a watch stall".
func article(s string) string {
	if s != "" && strings.ContainsRune("aeiouAEIOU", rune(s[0])) {
		return "an " + s
	}
	return "a " + s
}

func joinAnd(parts []string) string {
	if len(parts) < 2 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

func shortKey(k string) string {
	if i := strings.LastIndexByte(k, '.'); i >= 0 {
		return k[i+1:]
	}
	return k
}

func shortKeys(ks []string) []string {
	out := make([]string, len(ks))
	for i, k := range ks {
		out[i] = shortKey(k)
	}
	return out
}

func gridLabel(g map[string]string) string {
	var parts []string
	for k, v := range g {
		parts = append(parts, shortKey(k)+" = "+v)
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}
