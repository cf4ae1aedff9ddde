package plots

import (
	"bytes"
	"fmt"
	"sort"
	"strings"

	"github.com/nodesim/nodesim/internal/human"
	"github.com/nodesim/nodesim/model"
)

// conditionsSection writes report.md's node-conditions section: the
// kubelets' pressure conditions, their taints and evictions, and the
// conditions stuck at Unknown, one row per point. Nothing when no point
// has node_conditions (no [disk], [memory], [pids] or upgrade).
func conditionsSection(b *bytes.Buffer, res *model.Results, axes []model.SweepAxis) {
	var disk, memory, pids, evicts bool
	for _, p := range res.Points {
		if c := p.NodeConditions; c != nil {
			disk = disk || c.DiskPressureTimeFraction.Defined()
			memory = memory || c.MemoryPressureTimeFraction != nil
			pids = pids || c.PIDPressureTimeFraction != nil
			evicts = evicts || c.PressureTransitionsPerNodeDay.Defined()
		}
	}
	if !disk && !memory && !pids && !hasConditions(res) {
		return
	}
	b.WriteString("## Node conditions\n\n")
	if evicts {
		b.WriteString("Pressure conditions as the kubelets' eviction managers post them, with the share of node-time " +
			"the Node carried the matching NoSchedule taint (the controller adds it when its informer sees the condition). " +
			"Replacements of evicted pods wait Pending while the node has a pressure taint, and the kubelet admits them " +
			"only if its own conditions allow (under MemoryPressure alone, every pod but a BestEffort one).\n\n")
	}
	var head []string
	if len(axes) > 0 {
		head = append(head, "point")
	}
	type col struct {
		on   bool
		name string
		f    func(c *model.NodeConditions) string
	}
	held := func(f, taint model.Num) string { return pct(f) + " (tainted " + pct(taint) + ")" }
	cols := []col{
		{disk, "DiskPressure", func(c *model.NodeConditions) string {
			return held(c.DiskPressureTimeFraction, c.DiskPressureTaintTimeFraction)
		}},
		{memory, "MemoryPressure", func(c *model.NodeConditions) string {
			if c.MemoryPressureTimeFraction == nil {
				return human.Undefined
			}
			return held(*c.MemoryPressureTimeFraction, *c.MemoryPressureTaintTimeFraction)
		}},
		{pids, "PIDPressure", func(c *model.NodeConditions) string {
			if c.PIDPressureTimeFraction == nil {
				return human.Undefined
			}
			return held(*c.PIDPressureTimeFraction, *c.PIDPressureTaintTimeFraction)
		}},
		{evicts, "flaps /node-day", func(c *model.NodeConditions) string { return num(c.PressureTransitionsPerNodeDay) }},
		{evicts, "kubelet evictions (/node-day)", func(c *model.NodeConditions) string {
			return fmt.Sprintf("%d (%s)", c.KubeletEvictions, num(c.KubeletEvictionsPerNodeDay))
		}},
		{evicts, "by signal", func(c *model.NodeConditions) string { return countsCell(c.KubeletEvictionsBySignal) }},
		{memory, "of BestEffort pods", func(c *model.NodeConditions) string {
			if c.KubeletEvictionsBestEffort == nil {
				return human.Undefined
			}
			return fmt.Sprint(*c.KubeletEvictionsBestEffort)
		}},
		{evicts, "reclaim attempts", func(c *model.NodeConditions) string { return fmt.Sprint(c.ReclaimAttempts) }},
		{evicts, "pod-s Pending", func(c *model.NodeConditions) string { return num(c.PodsPendingSeconds) }},
		{true, "stuck at Unknown", func(c *model.NodeConditions) string {
			s := fmt.Sprint(c.StaleUnknownNodes)
			if len(c.StaleUnknownByCondition) > 0 {
				s += " (" + countsCell(c.StaleUnknownByCondition) + ")"
			}
			return s
		}},
	}
	for _, c := range cols {
		if c.on {
			head = append(head, c.name)
		}
	}
	fmt.Fprintf(b, "| %s |\n|%s\n", strings.Join(head, " | "), strings.Repeat("---|", len(head)))
	for _, p := range res.Points {
		if p.NodeConditions == nil {
			continue
		}
		var row []string
		if len(axes) > 0 {
			row = append(row, cell(paramLabel(p, axes)))
		}
		for _, c := range cols {
			if c.on {
				row = append(row, c.f(p.NodeConditions))
			}
		}
		fmt.Fprintf(b, "| %s |\n", strings.Join(row, " | "))
	}
	b.WriteString("\n")
}

func hasConditions(res *model.Results) bool {
	for _, p := range res.Points {
		if p.NodeConditions != nil {
			return true
		}
	}
	return false
}

// countsCell writes a map of counts as "a 3, b 1", keys sorted; human.Undefined when empty.
func countsCell(m map[string]int64) string {
	if len(m) == 0 {
		return human.Undefined
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s %d", k, m[k])
	}
	return strings.Join(parts, ", ")
}
