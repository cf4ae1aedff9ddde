package model

import "math"

// Closed forms of the queues the load model uses (theory: Kleinrock,
// Queueing Systems vol. 1, §3.6 and §3.7).

// erlangB is Erlang's loss formula B(c, a): the probability that a
// Poisson arrival finds all c servers busy when the offered load is a
// erlangs, for any service-time distribution (M/G/c/c is insensitive).
// It uses the stable recurrence B(0) = 1, B(k) = a·B(k−1) / (k + a·B(k−1)).
func erlangB(c int, a float64) float64 {
	if a <= 0 {
		return 0
	}
	b := 1.0
	for k := 1; k <= c; k++ {
		b = a * b / (float64(k) + a*b)
	}
	return b
}

// queueState is a stationary M/M/c/(c+K) queue: c servers, K waiting
// places, offered load a = λ/μ erlangs.
type queueState struct {
	block   float64 // probability an arrival finds the system full (429)
	waitP   float64 // probability an admitted arrival waits
	meanW   float64 // mean wait of an admitted arrival, in service times (× 1/μ)
	busy    float64 // mean servers busy
	waiting float64 // mean queue length
}

// mmcK solves M/M/c/(c+K): p_n ∝ a^n/n! up to c, then p_c·ρ^(n−c) with
// ρ = a/c. The terms are summed in logs from the largest, so ρ^K cannot
// overflow; with K = 0 block is erlangB.
func mmcK(c, k int, a float64) queueState {
	if a <= 0 || c <= 0 {
		return queueState{}
	}
	la, lr := math.Log(a), math.Log(a/float64(c))
	// log p_n up to a constant, n = 0, 1, …: each from the one before
	next := func(n int, l float64) float64 {
		if n <= c {
			return l + la - math.Log(float64(n))
		}
		return l + lr
	}
	top, l := 0.0, 0.0
	for n := 1; n <= c+k; n++ {
		l = next(n, l)
		top = math.Max(top, l)
	}
	last := l
	w := math.Exp(-top)
	z, busy, waiting, queued := w, 0.0, 0.0, 0.0
	l = 0
	for n := 1; n <= c+k; n++ {
		l = next(n, l)
		w = math.Exp(l - top)
		z += w
		busy += float64(min(n, c)) * w
		if n > c {
			waiting += float64(n-c) * w
		}
		if n >= c && n < c+k {
			queued += w
		}
	}
	s := queueState{block: math.Exp(last-top) / z, busy: busy / z, waiting: waiting / z}
	if k > 0 && s.block < 1 {
		s.waitP = queued / z / (1 - s.block) // arrivals see time averages (PASTA)
		if adm := a * (1 - s.block); adm > 0 {
			s.meanW = s.waiting / adm // Little: Lq / λ_admitted, in units of 1/μ
		}
	}
	return s
}

// mm1K is a stationary M/M/1/K queue at utilisation rho: the mean number
// in the system and the probability it is not empty.
func mm1K(k int, rho float64) (mean, busyP float64) {
	if rho <= 0 || k <= 0 {
		return 0, 0
	}
	if math.Abs(rho-1) < 1e-9 {
		return float64(k) / 2, float64(k) / float64(k+1)
	}
	// p_n = ρ^n (1−ρ)/(1−ρ^{K+1}); logs keep ρ ≫ 1 finite
	lr := math.Log(rho)
	kp := float64(k + 1)
	if rho > 1 {
		// n ↦ K−n turns ρ into q = 1/ρ < 1
		q := 1 / rho
		qk := math.Exp(-kp * lr) // ρ^{-(K+1)}
		mean = float64(k) - (q/(1-q) - kp*qk/(1-qk))
		busyP = 1 - (rho-1)/(math.Exp(kp*lr)-1) // p_0 = (ρ−1)/(ρ^{K+1}−1)
		return mean, busyP
	}
	rk := math.Exp(kp * lr)
	mean = rho/(1-rho) - kp*rk/(1-rk)
	busyP = 1 - (1-rho)/(1-rk)
	return mean, busyP
}
