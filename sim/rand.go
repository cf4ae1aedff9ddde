package sim

import (
	"math"
	"math/bits"
	"math/rand/v2"
)

// Rand is one random stream: a math/rand/v2 PCG with the draws the
// samplers use, by the same algorithms and tables as rand.Rand. It calls
// its PCG directly; rand.Rand goes through an interface on every draw,
// which keeps the PCG step and the ziggurats' fast paths from inlining
// into the samplers, the hottest code of a run. A Rand is a value: copying
// it clones the stream, which is what replays and rare-event splitting need.
type Rand struct{ pcg rand.PCG }

// NewRand returns the stream named by k.
func NewRand(k StreamKey) *Rand { return &Rand{k.PCG()} }

// Uint64 returns 64 uniform random bits. With it, *Rand is a rand.Source
// for code that needs one (gonum's distuv, rand.New).
func (r *Rand) Uint64() uint64 { return r.pcg.Uint64() }

// Float64 is uniform in [0, 1).
func (r *Rand) Float64() float64 { return float64(r.pcg.Uint64()<<11>>11) / (1 << 53) }

// Uint64N is uniform in [0, n); it panics if n == 0.
func (r *Rand) Uint64N(n uint64) uint64 {
	if n == 0 {
		panic("sim: Uint64N(0)")
	}
	if n&(n-1) == 0 {
		return r.pcg.Uint64() & (n - 1)
	}
	// Lemire's multiply-and-reject, as rand.Rand does it.
	hi, lo := bits.Mul64(r.pcg.Uint64(), n)
	if lo < n {
		thresh := -n % n
		for lo < thresh {
			hi, lo = bits.Mul64(r.pcg.Uint64(), n)
		}
	}
	return hi
}

// Int64N is uniform in [0, n); it panics if n <= 0.
func (r *Rand) Int64N(n int64) int64 {
	if n <= 0 {
		panic("sim: Int64N of a non-positive n")
	}
	return int64(r.Uint64N(uint64(n)))
}

// IntN is uniform in [0, n); it panics if n <= 0.
func (r *Rand) IntN(n int) int {
	if n <= 0 {
		panic("sim: IntN of a non-positive n")
	}
	return int(r.Uint64N(uint64(n)))
}

// NormFloat64 is standard normal, by Marsaglia and Tsang's ziggurat. The
// fast path, taken by over 99% of draws, is small enough to inline.
func (r *Rand) NormFloat64() float64 {
	u := r.pcg.Uint64()
	j := int32(u)
	i := u >> 32 & 0x7F
	if abs32(j) < zigKn[i] {
		return float64(j) * float64(zigWn[i])
	}
	return r.normSlow(j, i)
}

// normSlow finishes a draw that fell outside the ziggurat's rectangles:
// the tail beyond rn, or the wedge test; a rejected wedge draws afresh, as
// rand.Rand.NormFloat64 does.
func (r *Rand) normSlow(j int32, i uint64) float64 {
	const rn = 3.442619855899
	if i == 0 {
		var x float64
		for {
			x = -math.Log(r.Float64()) * (1.0 / rn)
			y := -math.Log(r.Float64())
			if y+y >= x*x {
				break
			}
		}
		if j > 0 {
			return rn + x
		}
		return -rn - x
	}
	x := float64(j) * float64(zigWn[i])
	if zigFn[i]+float32(r.Float64())*(zigFn[i-1]-zigFn[i]) < float32(math.Exp(-.5*x*x)) {
		return x
	}
	return r.NormFloat64()
}

// ExpFloat64 is exponential with rate 1, by the ziggurat.
func (r *Rand) ExpFloat64() float64 {
	u := r.pcg.Uint64()
	j := uint32(u)
	i := uint8(u >> 32)
	if j < zigKe[i] {
		return float64(j) * float64(zigWe[i])
	}
	return r.expSlow(j, i)
}

// expSlow finishes a draw outside the rectangles, as normSlow does.
func (r *Rand) expSlow(j uint32, i uint8) float64 {
	const re = 7.69711747013104972
	if i == 0 {
		return re - math.Log(r.Float64())
	}
	x := float64(j) * float64(zigWe[i])
	if zigFe[i]+float32(r.Float64())*(zigFe[i-1]-zigFe[i]) < float32(math.Exp(-x)) {
		return x
	}
	return r.ExpFloat64()
}

// abs32 is |j| as a uint32 (|MinInt32| fits); the compiler makes it a
// conditional move, where a branch on a random sign mispredicts half the
// time.
func abs32(j int32) uint32 {
	if j < 0 {
		return uint32(-j)
	}
	return uint32(j)
}
