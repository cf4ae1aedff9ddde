package sim

import "math/bits"

// queue is a 4-ary min-heap of events ordered by (At, seq). It stores
// values, not pointers or interfaces, so push and pop never allocate once
// the backing array has grown, and the shallower tree halves the number of
// cache-missing levels compared with a binary heap.
type queue struct {
	ev []Event
}

func less(a, b *Event) bool {
	if a.At != b.At {
		return a.At < b.At
	}
	return a.seq < b.seq
}

// lessBit is less as 0 or 1 without a branch: the borrow of the 128-bit
// subtraction (At, seq) − (At, seq). Heap keys are random, so a branch
// here mispredicts half the time; this is what makes pop cheap.
func lessBit(a, b *Event) int {
	const sign = 1 << 63
	_, borrow := bits.Sub64(a.seq, b.seq, 0)
	_, borrow = bits.Sub64(uint64(a.At)^sign, uint64(b.At)^sign, borrow)
	return int(borrow)
}

func (q *queue) len() int { return len(q.ev) }

func (q *queue) push(e Event) {
	q.ev = append(q.ev, e)
	q.siftUp(e, len(q.ev)-1)
}

// siftUp places e, which belongs at or above hole i, on its way to the root.
func (q *queue) siftUp(e Event, i int) {
	h := q.ev
	for i > 0 {
		p := (i - 1) >> 2
		if !less(&e, &h[p]) {
			break
		}
		h[i] = h[p]
		i = p
	}
	h[i] = e
}

// pop removes and returns the earliest event; the queue must not be empty.
// It is Floyd's bottom-up variant: the hole left by the root walks down to
// a leaf along the smallest children, then the last element sifts up from
// there. The last element almost always belongs near the bottom, so this
// saves the comparison against it at every level of the walk down.
func (q *queue) pop() Event {
	h := q.ev
	top := h[0]
	n := len(h) - 1
	last := h[n]
	h = h[:n]
	q.ev = h
	if n == 0 {
		return top
	}
	i := 0
	for {
		c := 4*i + 1
		if c+3 < n { // all four children: a branch-free tournament
			a := c + lessBit(&h[c+1], &h[c])
			b := c + 2 + lessBit(&h[c+3], &h[c+2])
			m := a + (b-a)&-lessBit(&h[b], &h[a])
			h[i] = h[m]
			i = m
			continue
		}
		if c >= n {
			break
		}
		m := c
		for j := c + 1; j < n; j++ {
			if less(&h[j], &h[m]) {
				m = j
			}
		}
		h[i] = h[m]
		i = m
		break // a partial set of children means these are leaves
	}
	q.siftUp(last, i)
	return top
}

func (q *queue) peek() *Event { return &q.ev[0] }
