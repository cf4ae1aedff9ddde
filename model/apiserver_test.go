package model

import (
	"math"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/nodesim/nodesim/sim"
)

// TestFailBelowIsFloat64Comparison pins the integer failure test to the
// float one it replaces: a request fails exactly when Float64() < p, at
// the boundary draws and on random ones.
func TestFailBelowIsFloat64Comparison(t *testing.T) {
	t.Parallel()
	for _, p := range []float64{0, 1e-12, 0.001, 0.2, 1.0 / 3, 0.5, math.Nextafter(1, 0), 1} {
		a := newAPIServer(&APIServerConfig{RequestFailureProbability: p})
		float := func(v uint64) bool { return float64(v)/(1<<53) >= p }
		for _, v := range []uint64{0, 1, a.failBelow - 1, a.failBelow, a.failBelow + 1, 1<<53 - 1} {
			if v < 1<<53 {
				assert.Equal(t, float(v), v >= a.failBelow, "p=%v v=%d", p, v)
			}
		}
		r := sim.NewRand(sim.StreamKey{Seed: 5, Component: "fail"})
		ref := *r
		for i := 0; i < 100_000; i++ {
			if got, want := r.Uint64()&(1<<53-1) >= a.failBelow, ref.Float64() >= p; got != want {
				t.Fatalf("p=%v draw %d: integer test %v, Float64 test %v", p, i, got, want)
			}
		}
	}
}
