package model

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"gonum.org/v1/gonum/stat/distuv"
)

// The rule: a flip in the same pass as the previous one, or the next,
// joins its episode; one empty pass between them splits it.
func TestEpisodesGroupAdjacentPasses(t *testing.T) {
	t.Parallel()
	var e episodes
	for _, p := range []int64{3, 3, 4, 5, 5, 7, 20, 21} {
		e.flip(p, true)
	}
	e.finish()
	assert.Equal(t, int64(3), e.count, "passes 3-5, 7, 20-21")
	assert.Equal(t, int64(5), e.largest)
	assert.Equal(t, float64(5*5+1*1+2*2), e.sizeSq)
	assert.Equal(t, e.sizeSq, e.hitsSq, "every flip hit a new cell")
}

// Endpoint loss and evictions arrive after the episode; they join it while
// it is among the last openEpisodes, else count on their own.
func TestEpisodesLateContributions(t *testing.T) {
	t.Parallel()
	var e episodes
	a := e.flip(1, false)
	e.flip(1, false)
	b := e.flip(10, false)
	e.endpoint(a, 3)
	e.endpoint(a, 4)
	e.evicted(b, 30)
	e.evicted(0, 30) // a NotReady not counted: its own episode
	for p := int64(20); p < 20+2*openEpisodes; p += 2 {
		e.flip(p, false) // pushes a and b out of the ring
	}
	e.endpoint(a, 5)
	e.finish()
	assert.Equal(t, float64(7*7+5*5), e.endpointSq)
	assert.Equal(t, float64(3*3+4*4+5*5), e.endpointEventSq)
	assert.Equal(t, float64(2*30*30), e.evictionsSq)
	assert.Equal(t, int64(2+openEpisodes), e.count)
}

// chanceExcess against the pass rule applied to Poisson flips: the
// measured Σs²/Σs − 1 must match within 4 of its standard errors
// (estimated from independent batches).
func TestChanceExcessMatchesPoissonFlips(t *testing.T) {
	t.Parallel()
	for i, lam := range []float64{0.01, 0.1, 0.5} {
		src := rand.NewPCG(9, uint64(i))
		d := distuv.Poisson{Lambda: lam, Src: src}
		const batches, passes = 40, 20000
		var mean, m2 float64
		for b := range batches {
			var e episodes
			var n int64
			for p := int64(1); p <= passes; p++ {
				for range int(d.Rand()) {
					e.flip(p, false)
					n++
				}
			}
			e.finish()
			x := e.sizeSq/float64(n) - 1
			dx := x - mean
			mean += dx / float64(b+1)
			m2 += dx * (x - mean)
		}
		se := math.Sqrt(m2 / (batches - 1) / batches)
		want := chanceExcess(lam)
		assert.InDelta(t, want, mean, 4*se, "λ=%v", lam)
		t.Logf("λ=%v: chance excess %.4f, measured %.4f ± %.4f", lam, want, mean, se)
	}
}

// The clustered variance takes the chance excess out and never goes
// below the independent events' own variance.
func TestVarianceTakesOutChancePairs(t *testing.T) {
	t.Parallel()
	e := episodes{passes: 10000}
	const n = 2000 // λ = 0.2 a pass
	chance := chanceExcess(0.2)
	assert.InEpsilon(t, float64(n), e.variance(n, n*(1+chance), n, n), 1e-12)
	assert.InEpsilon(t, float64(n)+5e4, e.variance(n, n*(1+chance)+5e4, n, n), 1e-12, "real clustering kept")
	assert.Equal(t, float64(n), e.variance(n, n, n, n), "floored at Poisson")
	// Marks: chance pairs of marks scale with (Σx)²/N.
	assert.InEpsilon(t, float64(9*n), e.variance(3*n, 9*n*(1+chance), 9*n, n), 1e-12)
}
