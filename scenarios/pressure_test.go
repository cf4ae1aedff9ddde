package scenarios

import (
	"context"
	"testing"

	"github.com/nodesim/nodesim/model"
)

func runBuiltin(t *testing.T, name string, sets ...string) []model.Point {
	t.Helper()
	sc, err := Load(name, sets)
	if err != nil {
		t.Fatal(err)
	}
	var out []model.Point
	for _, p := range sc.Points {
		pt, err := model.RunPoint(context.Background(), p.Config, 2, nil)
		if err != nil {
			t.Fatal(err)
		}
		if pt.NodeConditions == nil {
			t.Fatalf("%s %v: no node_conditions", name, p.Params)
		}
		out = append(out, pt)
	}
	return out
}

// TestDiskPressureStory: at 92% full with the default thresholds the
// nodes sit in DiskPressure nearly all the time with a steady stream of
// kubelet evictions and a reclaim attempt every pass (about 8640 per
// node-day); evictionHard nodefs.available<5% alone ends it.
func TestDiskPressureStory(t *testing.T) {
	t.Parallel()
	pts := runBuiltin(t, "disk-pressure", "cluster.nodes=10", "simulation.duration=1d")
	loop, fixed := pts[0].NodeConditions, pts[1].NodeConditions
	nodeDays := pts[0].NodeDays
	if loop.DiskPressureTimeFraction < 0.9 || loop.DiskPressureTaintTimeFraction < 0.9 {
		t.Errorf("default thresholds: DiskPressure %v of the time (taint %v), want most of it", loop.DiskPressureTimeFraction, loop.DiskPressureTaintTimeFraction)
	}
	if loop.KubeletEvictionsPerNodeDay < 100 || float64(loop.ReclaimAttempts)/nodeDays < 8000 {
		t.Errorf("default thresholds: %v evictions and %v reclaim attempts per node-day, want a steady stream", loop.KubeletEvictionsPerNodeDay, float64(loop.ReclaimAttempts)/nodeDays)
	}
	if loop.PodsPendingSeconds <= 0 {
		t.Error("default thresholds: no pod Pending")
	}
	if fixed.KubeletEvictions != 0 || fixed.DiskPressureTimeFraction != 0 || fixed.ReclaimAttempts != 0 {
		t.Errorf("nodefs.available<5%%: %+v, want no pressure and no eviction", *fixed)
	}
}

// TestOutOfDiskUpgradeStory: after the v1.12→v1.13 upgrade a false
// NotReady leaves OutOfDisk Unknown for good; Node objects written by
// v1.13 kubelets keep nothing Unknown.
func TestOutOfDiskUpgradeStory(t *testing.T) {
	t.Parallel()
	pts := runBuiltin(t, "outofdisk-upgrade", "cluster.nodes=300", "simulation.duration=4d")
	up, fresh := pts[0], pts[1]
	stale := up.NodeConditions.StaleUnknownNodes
	if up.FalseNotReady.Events == 0 {
		t.Skip("no false NotReady in this run: nothing to show")
	}
	if stale == 0 || stale > up.FalseNotReady.Events || up.NodeConditions.StaleUnknownByCondition["OutOfDisk"] != stale {
		t.Errorf("upgrade: %d stale nodes (%v) after %d false NotReady, want OutOfDisk on every node that had one", stale, up.NodeConditions.StaleUnknownByCondition, up.FalseNotReady.Events)
	}
	if fresh.NodeConditions.StaleUnknownNodes != 0 {
		t.Errorf("no upgrade: %d stale nodes, want 0", fresh.NodeConditions.StaleUnknownNodes)
	}
}

// TestMemoryLeakStory: with generous requests a leak makes MemoryPressure
// flap and the kubelet evicts BestEffort pods, over and over; with tight
// requests it evicts the leaker, once per leak, and no BestEffort pod.
func TestMemoryLeakStory(t *testing.T) {
	t.Parallel()
	pts := runBuiltin(t, "memory-leak", "cluster.nodes=20")
	generous, tight := pts[0].NodeConditions, pts[1].NodeConditions
	nodeDays := pts[0].NodeDays
	if generous.MemoryPressureTimeFraction == nil || *generous.MemoryPressureTimeFraction <= 0 || float64(generous.PressureTransitionsPerNodeDay) < 10 {
		t.Errorf("4Gi requests: MemoryPressure %v of the time, %v flaps per node-day; want it to flap", generous.MemoryPressureTimeFraction, generous.PressureTransitionsPerNodeDay)
	}
	if be := *generous.KubeletEvictionsBestEffort; be < generous.KubeletEvictions*9/10 || float64(be)/nodeDays < 10 {
		t.Errorf("4Gi requests: %d of %d evictions BestEffort, want nearly all and many", be, generous.KubeletEvictions)
	}
	if *tight.KubeletEvictionsBestEffort != 0 || tight.KubeletEvictions == 0 || float64(tight.KubeletEvictions) > 2*nodeDays {
		t.Errorf("512Mi requests: %d evictions (%d BestEffort) over %v node-days, want about one per leak and no BestEffort", tight.KubeletEvictions, *tight.KubeletEvictionsBestEffort, nodeDays)
	}
	if tight.KubeletEvictionsBySignal["memory.available"] != tight.KubeletEvictions {
		t.Errorf("512Mi requests: evictions by signal %v, want all memory.available", tight.KubeletEvictionsBySignal)
	}
}
