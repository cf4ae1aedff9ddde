package summary

import (
	"fmt"
	"io"
	"strings"

	"github.com/nodesim/nodesim/model"
)

// textConditions writes the node_conditions block, one line per point
// that has it (a scenario with [disk] or an upgrade's conditions).
func textConditions(w io.Writer, res *model.Results) {
	first := true
	for i := range res.Points {
		p := &res.Points[i]
		if p.NodeConditions == nil {
			continue
		}
		if first {
			fmt.Fprintln(w, "\nnode conditions:")
			first = false
		}
		label := paramsLabel(res, p)
		if label == "" {
			label = "all nodes"
		}
		fmt.Fprintf(w, "  %s: %s.\n", label, ConditionsSentence(p.NodeConditions))
	}
}

// ConditionsSentence says what the node conditions came to.
func ConditionsSentence(c *model.NodeConditions) string {
	var parts []string
	if c.DiskPressureTimeFraction.Defined() {
		parts = append(parts,
			fmt.Sprintf("DiskPressure %s of node-time (tainted %s), %s flaps per node-day", percent(c.DiskPressureTimeFraction), percent(c.DiskPressureTaintTimeFraction), num(c.PressureTransitionsPerNodeDay)),
			fmt.Sprintf("%d kubelet evictions (%s per node-day), %d reclaim attempts, %s pod-s Pending", c.KubeletEvictions, num(c.KubeletEvictionsPerNodeDay), c.ReclaimAttempts, num(c.PodsPendingSeconds)))
	}
	stale := fmt.Sprintf("%d nodes with a condition stuck at Unknown", c.StaleUnknownNodes)
	if len(c.StaleUnknownByCondition) > 0 {
		var by []string
		for _, k := range sortedKeys(stringify(c.StaleUnknownByCondition)) {
			by = append(by, fmt.Sprintf("%s %d", k, c.StaleUnknownByCondition[k]))
		}
		stale += " (" + strings.Join(by, ", ") + ")"
	}
	return strings.Join(append(parts, stale), "; ")
}
