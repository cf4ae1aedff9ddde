package nodelifecycle

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/nodesim/nodesim/conformance/trace"
)

// result is one trace's comparison.
type result struct {
	name, profile   string
	nodes, passes   int
	hours           float64
	unknown, ready  int // compared: each node up to its first divergence
	mismatches      int // nodes that diverge
	first           string
	divergences     []string
	failed, late    int
	refused         int
	startup         int
	partial, master int
}

// compare walks each node's transitions, nodesim's against the real
// controller's, up to the first that differs: after it the trace is open
// loop (nodesim's kubelet reacted to its own controller).
func (r *replayer) compare() *result {
	res := &result{profile: r.hdr.Profile, nodes: r.hdr.Nodes, passes: r.passes,
		hours: dur(r.hdr.End).Hours(), failed: r.failed, late: r.late, refused: r.refused,
		startup: r.startup, partial: r.partial, master: r.master}
	firstAt := int64(-1)
	for i := range r.sim {
		s, g := r.sim[i], r.real[i]
		k := 0
		for k < len(s) && k < len(g) && s[k].kind == g[k].kind && s[k].t == g[k].t {
			res.count(s[k].kind)
			k++
		}
		if k == len(s) && k == len(g) {
			continue
		}
		res.mismatches++
		if k < len(s) && s[k].kind == trace.Unknown || k < len(g) && g[k].kind == trace.Unknown {
			res.unknown++
		} else {
			res.ready++
		}
		if *events == nodeName(i) {
			fmt.Printf("%s %s:\n  nodesim %s\n  real    %s\n", r.hdr.Scenario, nodeName(i), list(s), list(g))
		}
		d := fmt.Sprintf("%s: nodesim %s, real %s", nodeName(i), describe(s, k), describe(g, k))
		res.divergences = append(res.divergences, d)
		if t := divergenceAt(s, g, k); firstAt < 0 || t < firstAt {
			firstAt, res.first = t, d
		}
	}
	return res
}

func (res *result) count(k trace.Kind) {
	if k == trace.Unknown {
		res.unknown++
	} else {
		res.ready++
	}
}

func divergenceAt(s, g []event, k int) int64 {
	switch {
	case k == len(s):
		return g[k].t
	case k == len(g):
		return s[k].t
	}
	return min(s[k].t, g[k].t)
}

func list(es []event) string {
	var b strings.Builder
	for _, e := range es {
		fmt.Fprintf(&b, " %s@%v", e.kind, dur(e.t))
	}
	return b.String()
}

func describe(es []event, k int) string {
	if k == len(es) {
		return "nothing more"
	}
	return fmt.Sprintf("%s at %v", es[k].kind, dur(es[k].t))
}

// printTable writes one row per trace and returns the totals.
func printTable(w io.Writer, rs []*result) result {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "trace\tprofile\tnodes\thours\tpasses\tunknown\tready\tmismatches\tstartup\tpartial\tmaster\tfailed writes\t409\tlate\t")
	var total result
	var firsts []string
	for _, r := range rs {
		if r == nil {
			continue
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%.1f\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t\n", r.name, r.profile, r.nodes, r.hours, r.passes,
			r.unknown, r.ready, r.mismatches, r.startup, r.partial, r.master, r.failed, r.refused, r.late)
		total.nodes += r.nodes
		total.passes += r.passes
		total.hours += r.hours
		total.unknown += r.unknown
		total.ready += r.ready
		total.mismatches += r.mismatches
		total.failed += r.failed
		total.late += r.late
		total.refused += r.refused
		total.startup += r.startup
		total.partial += r.partial
		total.master += r.master
		if r.first != "" {
			firsts = append(firsts, r.name+": first divergence "+r.first)
		}
		if *all {
			for _, d := range r.divergences {
				firsts = append(firsts, r.name+": "+d)
			}
		}
	}
	fmt.Fprintf(tw, "total\t\t%d\t%.1f\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t\n", total.nodes, total.hours, total.passes,
		total.unknown, total.ready, total.mismatches, total.startup, total.partial, total.master, total.failed, total.refused, total.late)
	tw.Flush()
	for _, f := range firsts {
		fmt.Fprintln(w, f)
	}
	return total
}
