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
	var parts, pressure []string
	held := func(name string, f, taint model.Num) {
		pressure = append(pressure, fmt.Sprintf("%s %s of node-time (tainted %s)", name, percent(f), percent(taint)))
	}
	if c.DiskPressureTimeFraction.Defined() {
		held("DiskPressure", c.DiskPressureTimeFraction, c.DiskPressureTaintTimeFraction)
	}
	if c.MemoryPressureTimeFraction != nil {
		held("MemoryPressure", *c.MemoryPressureTimeFraction, *c.MemoryPressureTaintTimeFraction)
	}
	if c.PIDPressureTimeFraction != nil {
		held("PIDPressure", *c.PIDPressureTimeFraction, *c.PIDPressureTaintTimeFraction)
	}
	if len(pressure) > 0 {
		evictions := fmt.Sprintf("%d kubelet evictions (%s per node-day", c.KubeletEvictions, num(c.KubeletEvictionsPerNodeDay))
		if c.KubeletEvictionsBestEffort != nil {
			evictions += fmt.Sprintf(", %d of BestEffort pods", *c.KubeletEvictionsBestEffort)
		}
		parts = append(parts,
			fmt.Sprintf("%s, %s flaps per node-day", strings.Join(pressure, ", "), num(c.PressureTransitionsPerNodeDay)),
			fmt.Sprintf("%s), %d reclaim attempts, %s pod-s Pending", evictions, c.ReclaimAttempts, num(c.PodsPendingSeconds)))
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
