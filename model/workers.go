package model

import "github.com/nodesim/nodesim/sim"

// workers is the controller's workqueue.ParallelizeUntil over the nodes of
// one pass: W workers each take the next node as soon as they are free
// (pieces handed out one at a time through a channel), so a transition's
// API calls delay only the worker that makes them, and the nodes after it
// go to the others. Every node costs per-node processing p; a simulated
// node may add extra time (its transition); phantom positions of a thin
// run (runSpec) cost p and nothing else.
//
// A node's instant depends only on its position and the extra time of the
// simulated nodes before it: until the first extra the schedule is round
// robin (position pos on worker pos mod W, done at (pos/W+1)·p); after it,
// the workers' free times are explicit and the phantoms between two
// simulated positions are dealt in one step (dealPhantoms). Ties go to the
// lowest worker.
type workers struct {
	w     int
	p     sim.Time
	base  sim.Time
	rr    bool       // no extra yet: round robin
	next  int32      // first position not yet dealt (explicit mode)
	free  []sim.Time // explicit mode: when each worker is free
	nodes int32      // positions in the cluster
}

func newWorkers(w, nodes int, p sim.Time) workers {
	return workers{w: w, p: p, nodes: int32(nodes), free: make([]sim.Time, w), rr: true}
}

// copyFrom makes ws o's schedule, keeping ws's memory.
func (ws *workers) copyFrom(o *workers) {
	free := append(ws.free[:0], o.free...)
	*ws = *o
	ws.free = free
}

// reset starts a pass whose workers start at base.
func (ws *workers) reset(base sim.Time) {
	ws.base, ws.rr, ws.next = base, true, 0
}

// instant deals every position before pos and pos itself; it returns the
// worker that handles pos and the instant it is done with its per-node
// processing. rrWorker and rrSlot are pos mod W and (pos/W+1)·p, which the
// node keeps so the common round-robin case divides nothing.
func (ws *workers) instant(pos, rrWorker int32, rrSlot int64) (int, sim.Time) {
	if ws.rr {
		return int(rrWorker), ws.base + sim.Time(rrSlot)
	}
	ws.dealPhantoms(int64(pos - ws.next))
	w := ws.lowest()
	ws.next = pos + 1
	ws.free[w] += ws.p
	return w, ws.free[w]
}

// finish records that worker w, done with pos at t, is free at done.
func (ws *workers) finish(pos int32, w int, t, done sim.Time) {
	if done == t {
		return
	}
	if ws.rr { // first extra of the pass: make the round-robin state explicit
		for j := range ws.free {
			dealt := int64(0) // positions q ≤ pos with q mod W == j
			if int32(j) <= pos {
				dealt = int64(pos-int32(j))/int64(ws.w) + 1
			}
			ws.free[j] = ws.base + sim.Time(dealt)*ws.p
		}
		ws.rr, ws.next = false, pos+1
	}
	ws.free[w] = done
}

// end deals the positions after the last simulated one and returns when
// the last worker is done.
func (ws *workers) end() sim.Time {
	if ws.rr {
		return ws.base + sim.Time((int64(ws.nodes)+int64(ws.w)-1)/int64(ws.w))*ws.p
	}
	ws.dealPhantoms(int64(ws.nodes - ws.next))
	ws.next = ws.nodes
	end := ws.base
	for _, f := range ws.free {
		end = max(end, f)
	}
	return end
}

func (ws *workers) lowest() int {
	w := 0
	for j, f := range ws.free {
		if f < ws.free[w] {
			w = j
		}
	}
	return w
}

// dealPhantoms hands k nodes of cost p, one at a time, to the earliest free
// worker (ties: lowest), in O(W log) rather than O(k): the jobs start at
// the k smallest of the times free[j] + m·p (m ≥ 0), so it finds the k-th
// smallest start S by bisection, gives every worker its starts before S and
// the remaining ones at S to the lowest workers.
func (ws *workers) dealPhantoms(k int64) {
	if k <= 0 || ws.p == 0 {
		return
	}
	if k <= int64(4*ws.w) {
		for ; k > 0; k-- {
			ws.free[ws.lowest()] += ws.p
		}
		return
	}
	below := func(s sim.Time) int64 { // starts strictly before s
		n := int64(0)
		for _, f := range ws.free {
			if s > f {
				n += int64((s - f + ws.p - 1) / ws.p)
			}
		}
		return n
	}
	lo, hi := ws.free[ws.lowest()], ws.free[ws.lowest()]+sim.Time(k)*ws.p
	for lo < hi { // smallest s with below(s+1) ≥ k: the k-th start
		mid := lo + (hi-lo)/2
		if below(mid+1) >= k {
			hi = mid
		} else {
			lo = mid + 1
		}
	}
	s := lo
	left := k - below(s)
	for j, f := range ws.free {
		n := int64(0)
		if s > f {
			n = int64((s - f + ws.p - 1) / ws.p)
		}
		if left > 0 && s >= f && (s-f)%ws.p == 0 {
			n++ // a start exactly at s
			left--
		}
		ws.free[j] = f + sim.Time(n)*ws.p
	}
}
