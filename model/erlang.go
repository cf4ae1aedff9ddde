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

// mmcK solves M/M/c/(c+K). With K = 0 it is the loss system: block is
// erlangB. The states above c are p_c·ρ^j with ρ = a/c, and the states up
// to c are the loss system's, so everything follows from B(c, a).
func mmcK(c, k int, a float64) queueState {
	if a <= 0 || c <= 0 {
		return queueState{}
	}
	b := erlangB(c, a) // p_c in the loss system's normalisation
	rho := a / float64(c)
	var geo, jgeo, r float64 = 0, 0, 1 // Σ_{j=1..K} ρ^j, Σ j ρ^j
	for j := 1; j <= k; j++ {
		r *= rho
		geo += r
		jgeo += float64(j) * r
		if r < 1e-300 {
			break
		}
	}
	rK := math.Pow(rho, float64(k))
	z := 1 / (1 + b*geo) // renormalise with the waiting states
	s := queueState{block: z * b * rK}
	s.waiting = z * b * jgeo
	adm := a * (1 - s.block) // carried load, erlangs
	s.busy = adm
	if k > 0 && adm > 0 {
		// arrivals see time averages (PASTA): wait iff n in [c, c+K)
		s.waitP = z * b * (1 + geo - rK) / (1 - s.block)
		s.meanW = s.waiting / adm // Little: Lq / λ_admitted, in units of 1/μ
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
