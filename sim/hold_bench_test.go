package sim

import (
	"container/heap"
	"math/rand/v2"
	"testing"
)

// The hold model: N events pending; pop the earliest and push one at its
// time plus a random increment. It measures queue cost alone.

func benchHoldEngine(b *testing.B, n int) {
	e := NewEngine()
	r := rand.New(rand.NewPCG(1, 2))
	var k Kind
	k = e.Register("hold", func(ev Event) {
		e.At(ev.At+Time(r.Uint64N(1_000_000)), k, ev.Node, 0)
	})
	for i := 0; i < n; i++ {
		e.At(Time(r.Uint64N(1_000_000)), k, int32(i), 0)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ev, _ := e.q.popUntil(Never)
		e.now = ev.At
		e.handlers[ev.Kind](ev)
	}
}

type boxed struct {
	at   int64
	seq  uint64
	node int32
}

type boxedHeap []boxed

func (h boxedHeap) Len() int { return len(h) }
func (h boxedHeap) Less(i, j int) bool {
	if h[i].at != h[j].at {
		return h[i].at < h[j].at
	}
	return h[i].seq < h[j].seq
}
func (h boxedHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *boxedHeap) Push(x any)   { *h = append(*h, x.(boxed)) }
func (h *boxedHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

func benchHoldContainerHeap(b *testing.B, n int) {
	r := rand.New(rand.NewPCG(1, 2))
	h := &boxedHeap{}
	seq := uint64(0)
	for i := 0; i < n; i++ {
		seq++
		heap.Push(h, boxed{at: int64(r.Uint64N(1_000_000)), seq: seq, node: int32(i)})
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ev := heap.Pop(h).(boxed)
		seq++
		heap.Push(h, boxed{at: ev.at + int64(r.Uint64N(1_000_000)), seq: seq, node: ev.node})
	}
}

func BenchmarkHold(b *testing.B) {
	for _, n := range []struct {
		name string
		n    int
	}{{"N=1e3", 1000}, {"N=1e5", 100000}} {
		b.Run("engine/"+n.name, func(b *testing.B) { benchHoldEngine(b, n.n) })
		b.Run("container-heap/"+n.name, func(b *testing.B) { benchHoldContainerHeap(b, n.n) })
	}
}
