package model

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nodesim/nodesim/sim"
)

// naiveWorkers is ParallelizeUntil dealt one position at a time: each
// position goes to the earliest free worker (ties: lowest), phantoms too.
func naiveWorkers(w, nodes int, p, base sim.Time, extra map[int32]sim.Time) (map[int32]sim.Time, sim.Time) {
	free := make([]sim.Time, w)
	for j := range free {
		free[j] = base
	}
	at := map[int32]sim.Time{}
	for pos := int32(0); pos < int32(nodes); pos++ {
		j := 0
		for k := range free {
			if free[k] < free[j] {
				j = k
			}
		}
		free[j] += p
		at[pos] = free[j]
		free[j] += extra[pos]
	}
	end := base
	for _, f := range free {
		end = max(end, f)
	}
	return at, end
}

// TestWorkersMatchNaiveGreedy: on thin runs (a few simulated positions
// among phantoms) with random transition times, every simulated node's
// instant and the pass end equal the one-at-a-time greedy schedule.
func TestWorkersMatchNaiveGreedy(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := 0; trial < 300; trial++ {
		w, nodes := 1+rng.IntN(8), 1+rng.IntN(3000)
		p := sim.Time(rng.IntN(3)) * sim.Time(1+rng.IntN(50000))
		base := sim.Time(rng.IntN(1e9))
		var positions []int32
		extra := map[int32]sim.Time{}
		for pos := int32(0); pos < int32(nodes); pos++ {
			if rng.IntN(100) < 3 || nodes < 20 {
				positions = append(positions, pos)
				if rng.IntN(3) == 0 {
					extra[pos] = sim.Time(rng.IntN(30e6))
				}
			}
		}
		want, wantEnd := naiveWorkers(w, nodes, p, base, extra)
		ws := newWorkers(w, nodes, p)
		ws.reset(base)
		for _, pos := range positions {
			j, at := ws.instant(pos, pos%int32(w), int64(pos/int32(w)+1)*int64(p))
			require.Equal(t, want[pos], at, "trial %d: W=%d p=%v position %d", trial, w, p, pos)
			ws.finish(pos, j, at, at+extra[pos])
		}
		require.Equal(t, wantEnd, ws.end(), "trial %d: pass end", trial)
	}
}

// A transition keeps only its own worker busy: the nodes after it go to
// the workers that are free (round robin would queue every W-th node
// behind it).
func TestTransitionDelaysOnlyItsWorker(t *testing.T) {
	ms := sim.Time(1e6)
	ws := newWorkers(2, 6, ms)
	ws.reset(0)
	var at []sim.Time
	for pos := int32(0); pos < 6; pos++ {
		j, t0 := ws.instant(pos, pos%2, int64(pos/2+1)*int64(ms))
		done := t0
		if pos == 0 {
			done += 20 * ms // Ready→Unknown: UpdateStatus, MarkPodsNotReady
		}
		ws.finish(pos, j, t0, done)
		at = append(at, t0)
	}
	assert.Equal(t, []sim.Time{ms, ms, 2 * ms, 3 * ms, 4 * ms, 5 * ms}, at)
	assert.Equal(t, 21*ms, ws.end())
}
