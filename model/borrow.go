package model

import "math"

// Seat borrowing between APF priority levels (v1.26+, KEP-1040): every
// borrowingAdjustmentPeriod (10s) the config controller gives each level a
// current concurrency limit out of the nominal sum, in proportion to its
// smoothed seat demand, within [lower bound, nominal + borrowing limit]
// (util/flowcontrol/apf_controller.go updateBorrowingLocked, conc_alloc.go
// computeConcurrencyAllocation). A level lends at most
// round(nominal × lendablePercent / 100) of its seats; the bootstrap levels
// set no borrowingLimitPercent, so a level may borrow up to the server's
// whole limit (finishQueueSetReconfigsLocked).
//
// In the mean field a regime is stationary, so the smoothing
// (seatDemandSmoothingCoefficient 0.977 per 10s) has settled: the smoothed
// demand is the stationary envelope mean + standard deviation of the seats
// executing and waiting, and the high watermark of a 10s window is the
// occupancy's quantile at 1 − hold/10s (about 10s/hold independent looks).
// Levels nodesim puts no load on have no demand: they keep their minimum.

// borrowPeriod is upstream's borrowingAdjustmentPeriod.
const borrowPeriod = 10.0 // s

// minTarget is conc_alloc.go MinTarget: a zero target counts as this.
const minTarget = 0.001

// borrowLevel is one priority level's bounds, in seats.
type borrowLevel struct {
	nominal, minCL, maxCL int
	class                 int // its seat class, -1: no load
}

// borrowPlan is the server's levels, nil when the release does not borrow.
type borrowPlan struct {
	levels []borrowLevel
	sum    int // nominalCLSum
}

func newBorrowPlan(b *apfBootstrap, total int, classOf func(name string) int) *borrowPlan {
	if !b.borrowing {
		return nil
	}
	p := &borrowPlan{}
	for _, lv := range b.levels {
		nom := b.nominalSeats(lv.name, total)
		lend := int(math.Round(float64(nom) * float64(lv.lendablePercent) / 100))
		p.levels = append(p.levels, borrowLevel{nominal: nom, minCL: nom - lend, maxCL: nom + total, class: classOf(lv.name)})
		p.sum += nom
	}
	return p
}

// allocate is each class's current limit given the classes' demand.
func (p *borrowPlan) allocate(cls []classState, out []int) {
	lb := make([]float64, len(p.levels))
	ub := make([]float64, len(p.levels))
	target := make([]float64, len(p.levels))
	for i, lv := range p.levels {
		lb[i], ub[i] = float64(lv.minCL), float64(lv.maxCL)
		if lv.class >= 0 {
			c := &cls[lv.class]
			lb[i] = math.Max(lb[i], math.Min(float64(lv.nominal), c.highWater))
			target[i] = c.demand + c.demandSD
		}
		target[i] = math.Max(math.Max(target[i], lb[i]), minTarget)
	}
	alloc := fairAllocation(float64(p.sum), lb, ub, target)
	for i, lv := range p.levels {
		if lv.class >= 0 {
			out[lv.class] = int(math.Round(alloc[i]))
		}
	}
}

// fairAllocation is computeConcurrencyAllocation's answer: allocs summing
// to sum, each clamp(fairProp × target, lb, ub) for the one fairProp that
// makes them add up; found by bisection (the sum grows with fairProp).
func fairAllocation(sum float64, lb, ub, target []float64) []float64 {
	at := func(fp float64, out []float64) float64 {
		var s float64
		for i := range target {
			v := math.Max(lb[i], math.Min(ub[i], fp*target[i]))
			if out != nil {
				out[i] = v
			}
			s += v
		}
		return s
	}
	lo, hi := 0.0, 1.0
	for at(hi, nil) < sum && hi < 1e300 {
		hi *= 2
	}
	for iter := 0; iter < 200 && hi-lo > 1e-12*hi; iter++ {
		if mid := (lo + hi) / 2; at(mid, nil) < sum {
			lo = mid
		} else {
			hi = mid
		}
	}
	out := make([]float64, len(target))
	at(hi, out)
	return out
}

// demandStats is the seat demand (executing + waiting) of a stationary
// M/M/c/(c+K) level at a erlangs: its mean, standard deviation and the
// smallest n it exceeds with probability at most tail.
func demandStats(c, k int, a, tail float64) (mean, sd, hw float64) {
	if a <= 0 || c <= 0 {
		return 0, 0, 0
	}
	la, lr := math.Log(a), math.Log(a/float64(c))
	logp := make([]float64, c+k+1)
	top := 0.0
	for n := 1; n <= c+k; n++ {
		if n <= c {
			logp[n] = logp[n-1] + la - math.Log(float64(n))
		} else {
			logp[n] = logp[n-1] + lr
		}
		top = math.Max(top, logp[n])
	}
	var z, m1, m2 float64
	for n, l := range logp {
		w := math.Exp(l - top)
		logp[n] = w
		z += w
		m1 += float64(n) * w
		m2 += float64(n) * float64(n) * w
	}
	mean = m1 / z
	sd = math.Sqrt(math.Max(m2/z-mean*mean, 0))
	above := 1.0 // P(N > n)
	for n, w := range logp {
		if above -= w / z; above <= tail {
			return mean, sd, float64(n)
		}
	}
	return mean, sd, float64(c + k)
}
