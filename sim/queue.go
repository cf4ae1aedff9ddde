package sim

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

func (q *queue) len() int { return len(q.ev) }

func (q *queue) push(e Event) {
	q.ev = append(q.ev, e)
	h := q.ev
	i := len(h) - 1
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
func (q *queue) pop() Event {
	h := q.ev
	top := h[0]
	n := len(h) - 1
	last := h[n]
	q.ev = h[:n]
	if n > 0 {
		q.siftDown(last, n)
	}
	return top
}

// siftDown places e, which replaces the root, in a heap of n elements.
func (q *queue) siftDown(e Event, n int) {
	h := q.ev[:n]
	i := 0
	for {
		c := 4*i + 1
		if c >= n {
			break
		}
		m := c
		end := c + 4
		if end > n {
			end = n
		}
		for j := c + 1; j < end; j++ {
			if less(&h[j], &h[m]) {
				m = j
			}
		}
		if !less(&h[m], &e) {
			break
		}
		h[i] = h[m]
		i = m
	}
	h[i] = e
}

func (q *queue) peek() *Event { return &q.ev[0] }
