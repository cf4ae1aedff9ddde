package sim

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestEngineOrdersByTimeThenInsertion(t *testing.T) {
	t.Parallel()
	e := NewEngine()
	var got []int64
	k := e.Register("rec", func(ev Event) { got = append(got, ev.Arg) })
	e.At(At(3*time.Second), k, 0, 30)
	e.At(At(1*time.Second), k, 0, 10)
	e.At(At(2*time.Second), k, 0, 20)
	e.At(At(1*time.Second), k, 0, 11) // tie: after 10, scheduled later
	e.At(At(1*time.Second), k, 0, 12)
	e.Run(At(time.Minute))
	assert.Equal(t, []int64{10, 11, 12, 20, 30}, got)
	assert.Equal(t, At(time.Minute), e.Now())
}

func TestEngineTiesScheduledDuringRunKeepFIFO(t *testing.T) {
	t.Parallel()
	e := NewEngine()
	var got []int64
	var k Kind
	k = e.Register("chain", func(ev Event) {
		got = append(got, ev.Arg)
		if ev.Arg < 3 {
			e.At(e.Now(), k, 0, ev.Arg+10) // same instant: runs after those already queued
		}
	})
	e.At(0, k, 0, 1)
	e.At(0, k, 0, 2)
	e.Run(0)
	assert.Equal(t, []int64{1, 2, 11, 12}, got)
}

func TestEngineRunStopsAtUntilInclusive(t *testing.T) {
	t.Parallel()
	e := NewEngine()
	n := 0
	k := e.Register("n", func(Event) { n++ })
	e.At(At(time.Second), k, 0, 0)
	e.At(At(2*time.Second), k, 0, 0)
	e.Run(At(time.Second))
	assert.Equal(t, 1, n, "event exactly at until runs")
	assert.Equal(t, 1, e.Pending())
	assert.Equal(t, At(2*time.Second), e.NextAt())
}

func TestEngineRejectsSchedulingInThePast(t *testing.T) {
	t.Parallel()
	e := NewEngine()
	k := e.Register("late", func(Event) {})
	e.Run(At(time.Minute))
	assert.PanicsWithValue(t, `sim: event "late" scheduled in the past (at 59s, now 1m0s)`, func() {
		e.At(At(59*time.Second), k, 0, 0)
	})
	assert.Panics(t, func() { e.At(e.Now(), Kind(7), 0, 0) }, "unregistered kind")
}

// trace runs a small random model and returns its event trace.
func trace(seed uint64) []Event {
	e := NewEngine()
	r := NewRand(StreamKey{Seed: seed, Component: "trace"})
	var out []Event
	var k Kind
	k = e.Register("hop", func(ev Event) {
		out = append(out, ev)
		e.After(time.Duration(r.Int64N(int64(time.Second))), k, ev.Node, ev.Arg+1)
	})
	for i := 0; i < 50; i++ {
		e.At(0, k, int32(i), 0)
	}
	e.Run(At(10 * time.Second))
	return out
}

func TestEngineSameSeedSameTrace(t *testing.T) {
	t.Parallel()
	a, b := trace(7), trace(7)
	require.Equal(t, a, b)
	assert.NotEqual(t, a, trace(8))
	assert.Greater(t, len(a), 500)
}

func TestStreamsSameNameSameNumbers(t *testing.T) {
	t.Parallel()
	k := StreamKey{Seed: 1, Replication: 2, Component: "lease", Node: 3}
	a, b := NewRand(k), NewRand(k)
	for i := 0; i < 100; i++ {
		require.Equal(t, a.Uint64(), b.Uint64())
	}
}

func TestStreamsDifferentNamesIndependent(t *testing.T) {
	t.Parallel()
	base := StreamKey{Seed: 1, Replication: 0, Component: "lease", Node: 0}
	variants := []StreamKey{
		{Seed: 2, Replication: 0, Component: "lease", Node: 0},
		{Seed: 1, Replication: 1, Component: "lease", Node: 0},
		{Seed: 1, Replication: 0, Component: "status", Node: 0},
		{Seed: 1, Replication: 0, Component: "lease", Node: 1},
	}
	const n = 20000
	x := draw(NewRand(base), n)
	for _, v := range variants {
		y := draw(NewRand(v), n)
		// Pearson correlation of independent uniforms: sd 1/sqrt(n); 5 sd.
		assert.Less(t, math.Abs(corr(x, y)), 5/math.Sqrt(n), "%+v", v)
		// Lag-1 correlation within one stream.
		assert.Less(t, math.Abs(corr(y[1:], y[:n-1])), 5/math.Sqrt(n), "%+v", v)
	}
}

func draw(r *Rand, n int) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = r.Float64()
	}
	return x
}

func corr(x, y []float64) float64 {
	var mx, my Moments
	for i := range x {
		mx.Add(x[i])
		my.Add(y[i])
	}
	var s float64
	for i := range x {
		s += (x[i] - mx.Mean) * (y[i] - my.Mean)
	}
	return s / float64(len(x)-1) / (mx.StdDev() * my.StdDev())
}

func TestStreamCloneContinuesIdentically(t *testing.T) {
	t.Parallel()
	p := StreamKey{Seed: 9, Component: "c"}.PCG()
	r := rand.New(&p)
	r.Uint64()
	clone := p // a PCG is a value: copying clones the stream
	rc := rand.New(&clone)
	for i := 0; i < 10; i++ {
		require.Equal(t, r.Uint64(), rc.Uint64())
	}
}

func TestReplicateIdenticalForAnyWorkerCount(t *testing.T) {
	t.Parallel()
	run := func(rep int) []Event { return trace(uint64(rep)) }
	one, err := Replicate(context.Background(), 6, 1, run, nil)
	require.NoError(t, err)
	two, err := Replicate(context.Background(), 6, 2, run, nil)
	require.NoError(t, err)
	four, err := Replicate(context.Background(), 6, 4, run, nil)
	require.NoError(t, err)
	assert.Equal(t, one, two)
	assert.Equal(t, one, four)
}

func TestReplicateStopsOnCancel(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	started := 0
	_, err := Replicate(ctx, 100, 1, func(rep int) int {
		started++
		if rep == 2 {
			cancel()
		}
		return rep
	}, nil)
	assert.ErrorIs(t, err, context.Canceled)
	assert.Less(t, started, 100)
}

// TestQueueMatchesSort checks the queue against the definition on random
// monotone input with many ties, interleaving pushes and pops: the next
// event is the earliest, and among equal times the first scheduled.
func TestQueueMatchesSort(t *testing.T) {
	t.Parallel()
	for _, spread := range []int{3, 1000, 1 << 40} {
		r := rand.New(rand.NewPCG(1, uint64(spread)))
		var q queue
		var want []Event // pending, in insertion order
		now := Time(0)
		pop := func() {
			m := 0
			for i := range want {
				if want[i].At < want[m].At {
					m = i
				}
			}
			if at := q.nextAt(); at != want[m].At { // plain comparisons: testify per pop is slow under -race
				t.Fatalf("spread %d: nextAt %v, want %v", spread, at, want[m].At)
			}
			got, ok := q.popUntil(want[m].At)
			if !ok || got != want[m] {
				t.Fatalf("spread %d: got %+v, want %+v (ties leave in insertion order)", spread, got, want[m])
			}
			now, want = got.At, append(want[:m], want[m+1:]...)
		}
		for i := 0; i < 10000; i++ {
			ev := Event{At: now + Time(r.Int64N(int64(spread))), Arg: int64(i)}
			q.push(ev)
			want = append(want, ev)
			if r.IntN(2) == 0 {
				pop()
			}
		}
		for len(want) > 0 {
			pop()
		}
		assert.Zero(t, q.len())
		assert.Equal(t, Never, q.nextAt())
	}
}

// TestQueuePopUntilLeavesLaterEvents pins the horizon: an event after it
// stays, and an event pushed between the horizon and it comes out first.
func TestQueuePopUntilLeavesLaterEvents(t *testing.T) {
	t.Parallel()
	var q queue
	q.push(Event{At: 10, Arg: 1})
	q.push(Event{At: 100, Arg: 2})
	e, ok := q.popUntil(50)
	require.True(t, ok)
	assert.Equal(t, int64(1), e.Arg)
	_, ok = q.popUntil(50)
	assert.False(t, ok)
	q.push(Event{At: 60, Arg: 3}) // legal: the clock is at 50
	q.push(Event{At: 100, Arg: 4})
	for _, want := range []int64{3, 2} {
		e, ok := q.popUntil(Never)
		require.True(t, ok)
		assert.Equal(t, want, e.Arg)
	}
	_, ok = q.popUntil(99) // 4 waits at time 100, already in bucket 0
	assert.False(t, ok)
	e, ok = q.popUntil(100)
	require.True(t, ok)
	assert.Equal(t, int64(4), e.Arg)
	_, ok = q.popUntil(Never)
	assert.False(t, ok)
}

// Reset forgets pending events and restarts the clock, keeping handlers.
func TestEngineReset(t *testing.T) {
	e := NewEngine()
	var got []Time
	k := e.Register("x", func(ev Event) { got = append(got, ev.At) })
	e.At(5, k, 0, 0)
	e.At(100, k, 0, 0)
	e.Run(10)
	e.Reset(50)
	if e.Now() != 50 || e.Pending() != 0 {
		t.Fatalf("after Reset: now %v, pending %d", e.Now(), e.Pending())
	}
	e.At(60, k, 0, 0)
	e.Run(1000)
	if len(got) != 2 || got[0] != 5 || got[1] != 60 {
		t.Errorf("events %v, want [5 60]: the event at 100 was dropped by Reset", got)
	}
}

// TestRunContextStopsWithinEvents: a model that schedules its next event
// at the same instant never advances virtual time, so only counting
// events can notice a cancellation (issue 19: checking between slices of
// virtual time never did).
func TestRunContextStopsWithinEvents(t *testing.T) {
	e := NewEngine()
	var k Kind
	spinning := make(chan struct{})
	k = e.Register("spin", func(ev Event) {
		if ev.Arg == 0 {
			close(spinning)
		}
		e.At(ev.At, k, 0, 1)
	})
	e.At(At(time.Second), k, 0, 0)
	ctx, cancel := context.WithCancel(context.Background())
	returned := make(chan error, 1)
	go func() { returned <- e.RunContext(ctx, At(time.Hour)) }()
	<-spinning
	cancel()
	cancelled := time.Now()
	select {
	case err := <-returned:
		assert.ErrorIs(t, err, context.Canceled)
		t.Logf("returned %v after cancel", time.Since(cancelled))
	case <-time.After(5 * time.Second):
		t.Fatal("RunContext still running 5s after cancel")
	}
	assert.Equal(t, At(time.Second), e.Now(), "the clock stays at the last event")
	assert.Equal(t, 1, e.Pending())
}

// TestRunContextMatchesRun: an uncancelled RunContext processes exactly
// what Run does.
func TestRunContextMatchesRun(t *testing.T) {
	t.Parallel()
	run := func(useCtx bool) ([]Event, Time) {
		e := NewEngine()
		r := NewRand(StreamKey{Seed: 5, Component: "ctx"})
		var out []Event
		var k Kind
		k = e.Register("hop", func(ev Event) {
			out = append(out, ev)
			e.After(time.Duration(r.Int64N(int64(time.Second))), k, ev.Node, ev.Arg+1)
		})
		for i := 0; i < 20; i++ {
			e.At(0, k, int32(i), 0)
		}
		if useCtx {
			require.NoError(t, e.RunContext(context.Background(), At(10*time.Second)))
		} else {
			e.Run(At(10 * time.Second))
		}
		return out, e.Now()
	}
	a, ta := run(false)
	b, tb := run(true)
	require.Greater(t, len(a), 100)
	assert.Equal(t, a, b)
	assert.Equal(t, ta, tb)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	e := NewEngine()
	k := e.Register("never", func(Event) { t.Error("ran after cancel") })
	e.At(0, k, 0, 0)
	assert.ErrorIs(t, e.RunContext(ctx, At(time.Second)), context.Canceled)
}
