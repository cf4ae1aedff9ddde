package sim

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestRandMatchesMathRand checks every draw against rand.Rand over the same
// PCG, bit for bit, including the ziggurats' tails and wedges and
// Lemire's rejection loop: a table typo or a slip in the algorithms would
// show here.
func TestRandMatchesMathRand(t *testing.T) {
	t.Parallel()
	k := StreamKey{Seed: 11, Component: "rand-test"}
	ours := NewRand(k)
	pcg := k.PCG()
	ref := rand.New(&pcg)
	var normTail, expTail int
	ns := []uint64{1, 2, 3, 10, 1 << 40, 1<<63 + 1, math.MaxUint64}
	check := func(what string, i int, want, got any) {
		if want != got {
			t.Fatalf("%s, draw %d: rand.Rand %v, Rand %v", what, i, want, got)
		}
	}
	for i := 0; i < 1_000_000; i++ {
		x := ours.NormFloat64()
		check("NormFloat64", i, ref.NormFloat64(), x)
		if math.Abs(x) > 3.442619855899 {
			normTail++
		}
		y := ours.ExpFloat64()
		check("ExpFloat64", i, ref.ExpFloat64(), y)
		if y > 7.69711747013104972 {
			expTail++
		}
		check("Float64", i, ref.Float64(), ours.Float64())
		n := ns[i%len(ns)]
		check("Uint64N", i, ref.Uint64N(n), ours.Uint64N(n))
		if i%16 == 0 {
			check("Int64N", i, ref.Int64N(1e10), ours.Int64N(1e10))
			check("IntN", i, ref.IntN(7), ours.IntN(7))
			check("Uint64", i, ref.Uint64(), ours.Uint64())
		}
	}
	// P(|Z| > rn) = 5.8e-4, P(E > re) = 4.5e-4: hundreds of tail draws.
	assert.Greater(t, normTail, 300)
	assert.Greater(t, expTail, 250)
}

func TestRandCopyClonesStream(t *testing.T) {
	t.Parallel()
	a := NewRand(StreamKey{Seed: 3, Component: "clone"})
	a.Uint64()
	b := *a
	for i := 0; i < 100; i++ {
		require.Equal(t, a.NormFloat64(), b.NormFloat64())
	}
}

func TestRandPanicsOnEmptyRange(t *testing.T) {
	t.Parallel()
	r := NewRand(StreamKey{})
	assert.Panics(t, func() { r.Uint64N(0) })
	assert.Panics(t, func() { r.Int64N(0) })
	assert.Panics(t, func() { r.IntN(-1) })
}

// BenchmarkLognormalDraw is one latency draw, exp(μ + σZ), through each.
func BenchmarkLognormalDraw(b *testing.B) {
	k := StreamKey{Seed: 1, Component: "bench"}
	b.Run("sim.Rand", func(b *testing.B) {
		r := NewRand(k)
		s := 0.0
		for i := 0; i < b.N; i++ {
			s += math.Exp(-3 + 0.5*r.NormFloat64())
		}
		_ = s
	})
	b.Run("rand.Rand", func(b *testing.B) {
		p := k.PCG()
		r := rand.New(&p)
		s := 0.0
		for i := 0; i < b.N; i++ {
			s += math.Exp(-3 + 0.5*r.NormFloat64())
		}
		_ = s
	})
}

// Branch 0 is the stream itself; other branches are other streams.
func TestStreamKeyBranch(t *testing.T) {
	k := StreamKey{Seed: 1, Replication: 2, Component: "lease", Node: 3}
	a, b := k.PCG(), k.PCG()
	k.Branch = 7
	c := k.PCG()
	k.Branch = 8
	d := k.PCG()
	x, y, z, w := a.Uint64(), b.Uint64(), c.Uint64(), d.Uint64()
	if x != y {
		t.Fatal("same key, different streams")
	}
	if x == z || z == w {
		t.Error("branches share numbers")
	}
}
