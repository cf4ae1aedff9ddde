package model

import (
	"testing"
	"time"

	"github.com/nodesim/nodesim/sim"
)

// Each test pins one rule of pkg/kubelet/eviction (eviction_manager.go
// synchronize, helpers.go thresholdsMet, nodeConditionsObservedSince,
// thresholdsMetGracePeriod, rankDiskPressureFunc) on the pure state
// machine, one pass at a time.

const gi = float64(1 << 30)

// nodefsObs observes a 100Gi shared filesystem with avail bytes free.
func nodefsObs(avail float64) *observations {
	var o observations
	for _, s := range []Signal{SignalNodeFsAvailable, SignalImageFsAvailable} {
		o.available[s], o.capacity[s], o.has[s] = avail, 100*gi, true
	}
	return &o
}

// signalCase is one signal the threshold rules are pinned for: each rule
// holds for memory.available and pid.available as for nodefs.available.
// Every case has a capacity of 100 "Gi" (bytes, or PIDs), so the tests'
// figures mean the same percentages.
type signalCase struct {
	signal string
	cond   uint8
	obs    func(avail float64) *observations
}

func oneSignalObs(s Signal) func(float64) *observations {
	return func(avail float64) *observations {
		var o observations
		o.available[s], o.capacity[s], o.has[s] = avail, 100*gi, true
		return &o
	}
}

var signalCases = []signalCase{
	{"nodefs.available", condDiskPressure, nodefsObs},
	{"memory.available", condMemoryPressure, oneSignalObs(SignalMemoryAvailable)},
	{"pid.available", condPIDPressure, oneSignalObs(SignalPIDAvailable)},
}

// forEachSignal runs a rule's test once per signal.
func forEachSignal(t *testing.T, f func(t *testing.T, c signalCase)) {
	for _, c := range signalCases {
		t.Run(c.signal, func(t *testing.T) { f(t, c) })
	}
}

func mustThresholds(t *testing.T, e EvictionConfig) []Threshold {
	t.Helper()
	th, err := e.Thresholds()
	if err != nil {
		t.Fatal(err)
	}
	return th
}

// TestHardThresholdImmediate: a hard threshold (nodefs.available<10%)
// sets DiskPressure and drives eviction in the first pass that observes
// it, and is strict: exactly 10% available is not met.
func TestHardThresholdImmediate(t *testing.T) {
	forEachSignal(t, func(t *testing.T, c signalCase) {
		e := EvictionConfig{EvictionHard: map[string]string{c.signal: "10%"}, EvictionPressureTransitionPeriod: 5 * time.Minute}
		m := newEvictionManager(mustThresholds(t, e), sec(300))
		if pick := m.synchronize(sec(0), c.obs(10*gi)); pick != -1 || m.conditions != 0 {
			t.Fatalf("10%% available: pick %d conditions %b, want no threshold met (strict <)", pick, m.conditions)
		}
		if pick := m.synchronize(sec(10), c.obs(9.99*gi)); pick != 0 || m.conditions != c.cond {
			t.Fatalf("9.99%% available: pick %d conditions %b, want threshold 0 and DiskPressure at once", pick, m.conditions)
		}
	})
}

// TestSoftThresholdAfterGrace: a soft threshold sets DiskPressure as soon
// as it is observed, but drives eviction only once it has been observed
// for its grace period (now - firstObservedAt >= grace); a pass that no
// longer observes it restarts the grace.
func TestSoftThresholdAfterGrace(t *testing.T) {
	forEachSignal(t, func(t *testing.T, c signalCase) {
		e := EvictionConfig{
			EvictionSoft:                     map[string]string{c.signal: "15%"},
			EvictionSoftGracePeriod:          map[string]string{c.signal: "1m30s"},
			EvictionPressureTransitionPeriod: 5 * time.Minute,
		}
		m := newEvictionManager(mustThresholds(t, e), sec(300))
		for _, s := range []float64{0, 10, 80} {
			if pick := m.synchronize(sec(s), c.obs(14*gi)); pick != -1 || m.conditions != c.cond {
				t.Fatalf("t=%vs: pick %d conditions %b, want DiskPressure and no eviction before the 90s grace", s, pick, m.conditions)
			}
		}
		if pick := m.synchronize(sec(90), c.obs(14*gi)); pick != 0 {
			t.Fatalf("t=90s: pick %d, want the soft threshold after exactly its grace (>=)", pick)
		}
		m.synchronize(sec(100), c.obs(16*gi)) // cleared: grace restarts
		if pick := m.synchronize(sec(110), c.obs(14*gi)); pick != -1 {
			t.Fatalf("t=110s: pick %d, want the grace to restart after a pass without the threshold", pick)
		}
		if _, err := (&EvictionConfig{EvictionSoft: map[string]string{c.signal: "15%"}}).Thresholds(); err == nil {
			t.Fatal("a soft threshold without a grace period must be rejected, as ParseThresholdConfig does")
		}
	})
}

// TestTransitionPeriodHoldsCondition: DiskPressure stays True until
// evictionPressureTransitionPeriod has passed since the last pass that
// observed the threshold (now - lastObservedAt < period).
func TestTransitionPeriodHoldsCondition(t *testing.T) {
	forEachSignal(t, func(t *testing.T, c signalCase) {
		e := EvictionConfig{EvictionHard: map[string]string{c.signal: "10%"}}
		m := newEvictionManager(mustThresholds(t, e), sec(300))
		m.synchronize(sec(0), c.obs(5*gi))
		for _, s := range []float64{1, 150, 299.999} {
			if m.synchronize(sec(s), c.obs(50*gi)); m.conditions != c.cond {
				t.Fatalf("t=%vs after the last observation: conditions %b, want DiskPressure held", s, m.conditions)
			}
		}
		if m.synchronize(sec(300), c.obs(50*gi)); m.conditions != 0 {
			t.Fatalf("t=300s: conditions %b, want DiskPressure False once the period has passed", m.conditions)
		}
	})
}

// TestMinimumReclaim: once a threshold drove eviction it stays met until
// available exceeds threshold + evictionMinimumReclaim, and node-level
// reclaim counts as enough only past that mark too.
func TestMinimumReclaim(t *testing.T) {
	forEachSignal(t, func(t *testing.T, c signalCase) {
		e := EvictionConfig{
			EvictionHard:           map[string]string{c.signal: "10%"},
			EvictionMinimumReclaim: map[string]string{c.signal: "2Gi"},
		}
		m := newEvictionManager(mustThresholds(t, e), sec(300))
		if pick := m.synchronize(sec(0), c.obs(9*gi)); pick != 0 {
			t.Fatalf("pick %d, want the hard threshold", pick)
		}
		if m.resolvedAfterReclaim(c.obs(11 * gi)) {
			t.Fatal("11Gi available after reclaim: want unresolved (needs more than 10Gi + 2Gi)")
		}
		if pick := m.synchronize(sec(10), c.obs(11*gi)); pick != 0 {
			t.Fatalf("11Gi available: pick %d, want the threshold still met (thresholdsNotYetResolved)", pick)
		}
		if !m.resolvedAfterReclaim(c.obs(12.5 * gi)) {
			t.Fatal("12.5Gi available after reclaim: want resolved")
		}
		if pick := m.synchronize(sec(20), c.obs(12.5*gi)); pick != -1 {
			t.Fatalf("12.5Gi available: pick %d, want resolved", pick)
		}
		// A threshold newly met is not held to its minimum reclaim.
		if pick := m.synchronize(sec(30), c.obs(11*gi)); pick != -1 {
			t.Fatalf("11Gi available, not met before: pick %d, want none", pick)
		}
	})
}

// TestImageGCThresholds: image garbage collection starts at
// usagePercent >= imageGCHighThresholdPercent (integer percent) and frees
// unused images down to imageGCLowThresholdPercent, oldest first, never an
// image in use or younger than imageMinimumGCAge.
func TestImageGCThresholds(t *testing.T) {
	dp := diskParams{capacity: 100 * gi, image: gi, highPercent: 85, lowPercent: 80}
	mk := func(used float64) diskNode {
		d := diskNode{unused: 10 * gi, pods: []diskPod{{start: sim.Never, cached: true, pulledAt: longAgo, unusedAt: sec(5)}}}
		dp.base = used - 11*gi
		return d
	}
	d := mk(84 * gi)
	d.imageGC(&dp, sec(600))
	if d.unused != 10*gi {
		t.Fatalf("84%% used: freed %v bytes, want none below the high threshold", 10*gi-d.unused)
	}
	// 84.9% used is 15.1% available, truncated to 15: usagePercent 85.
	d = mk(84.9 * gi)
	d.imageGC(&dp, sec(600))
	if got := d.used(&dp, sec(600)); got > 80*gi+1 || got < 80*gi-1 {
		t.Fatalf("84.9%% used: used %vGi after GC, want 80Gi (integer usagePercent rounds 84.9 up to 85)", got/gi)
	}
	d = mk(85 * gi)
	d.imageGC(&dp, sec(600))
	if got := d.used(&dp, sec(600)); got != 80*gi || !d.pods[0].cached {
		t.Fatalf("85%% used: used %vGi after GC (pod image cached %v), want 80Gi from the unused pool first", got/gi, d.pods[0].cached)
	}
	d = mk(92 * gi)
	d.imageGC(&dp, sec(600))
	if d.unused != 0 || d.pods[0].cached {
		t.Fatalf("92%% used: unused %v, pod image cached %v; want both freed (toFree 12Gi > 11Gi unused)", d.unused, d.pods[0].cached)
	}
	d = mk(92 * gi)
	d.pods[0].pulledAt = sec(500)
	d.imageGC(&dp, sec(600))
	if !d.pods[0].cached {
		t.Fatal("an image first detected 100s ago was deleted: want imageMinimumGCAge (2m) to protect it")
	}
}

// TestDiskPressureRanking: rankDiskPressureFunc evicts a pod over its
// ephemeral-storage request first, then the lower priority, then the one
// using more above its request.
func TestDiskPressureRanking(t *testing.T) {
	cases := []struct {
		a, b rankedPod
		want bool
	}{
		{rankedPod{exceeds: true, priority: 100, over: 1}, rankedPod{exceeds: false, priority: 0, over: 100}, true},
		{rankedPod{exceeds: true, priority: 0, over: 1}, rankedPod{exceeds: true, priority: 100, over: 100}, true},
		{rankedPod{exceeds: true, priority: 0, over: 5}, rankedPod{exceeds: true, priority: 0, over: 9}, false},
	}
	for i, c := range cases {
		if got := evictsBefore(c.a, c.b); got != c.want {
			t.Errorf("case %d: evictsBefore = %v, want %v", i, got, c.want)
		}
	}
}

// TestThresholdConfigErrors: bad maps name their key.
func TestThresholdConfigErrors(t *testing.T) {
	for _, c := range []struct {
		e   EvictionConfig
		key string
	}{
		{EvictionConfig{EvictionHard: map[string]string{"nodefs.avail": "10%"}}, KeyEvictionHard},
		{EvictionConfig{EvictionHard: map[string]string{"nodefs.available": "110%"}}, KeyEvictionHard},
		{EvictionConfig{EvictionSoftGracePeriod: map[string]string{"nodefs.available": "1m"}}, KeyEvictionSoftGracePeriod},
		{EvictionConfig{EvictionMinimumReclaim: map[string]string{"nodefs.available": "lots"}, EvictionHard: map[string]string{"nodefs.available": "10%"}}, KeyEvictionMinimumReclaim},
	} {
		_, err := c.e.Thresholds()
		fe, ok := err.(*FieldError)
		if !ok || fe.Key != c.key {
			t.Errorf("%+v: error %v, want one naming %s", c.e, err, c.key)
		}
	}
}
