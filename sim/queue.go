package sim

import "math/bits"

// queue is a radix heap (Ahuja, Mehlhorn, Orlin and Tarjan, 1990) of
// events. It relies on what a discrete-event engine guarantees anyway: no
// event is scheduled before the last one taken out. Bucket i holds the
// events whose time first differs from last's at bit i−1, so bucket 0 holds
// the events at time last and every bucket's times are below the next
// one's. Taking from an empty bucket 0 moves the lowest non-empty bucket
// down, relative to its minimum; an event moves at most 63 times in its
// life and usually a few, each move a sequential append.
//
// Buckets are FIFO and moves are stable, and events with equal times always
// share a bucket, so ties leave in insertion order without a sequence
// number. Events are 24-byte values: no allocation once buckets have grown.
type queue struct {
	last     uint64 // time of the latest event taken out; no pending one is earlier
	head     int    // next event in b[0]
	n        int    // pending events
	nonEmpty uint64 // bit i set when b[i] is non-empty, for i ≥ 1
	b        [64][]Event
}

func (q *queue) len() int { return q.n }

// reset empties the queue, keeping bucket memory, with last at t.
func (q *queue) reset(t uint64) {
	for i := range q.b {
		q.b[i] = q.b[i][:0]
	}
	q.last, q.head, q.n, q.nonEmpty = t, 0, 0, 0
}

// push adds e; e.At must not be before the last event taken out.
func (q *queue) push(e Event) {
	i := bits.Len64(uint64(e.At) ^ q.last)
	q.b[i] = append(q.b[i], e)
	q.nonEmpty |= 1 << i
	q.n++
}

// popUntil takes out the earliest event if it is at or before until.
// It leaves the queue untouched otherwise, so last stays at or before
// the engine's clock and later pushes keep the invariant.
func (q *queue) popUntil(until Time) (Event, bool) {
	if q.head < len(q.b[0]) {
		if Time(q.last) > until {
			return Event{}, false
		}
		e := q.b[0][q.head]
		q.head++
		q.n--
		return e, true
	}
	if q.n == 0 {
		return Event{}, false
	}
	i, m := q.lowest()
	if m > until {
		return Event{}, false
	}
	src := q.b[i]
	q.last = uint64(m)
	q.b[0], q.head = q.b[0][:0], 0
	q.b[i] = src[:0]
	q.nonEmpty &^= 1 << i
	for _, e := range src { // every e lands below bucket i
		j := bits.Len64(uint64(e.At) ^ q.last)
		q.b[j] = append(q.b[j], e)
		q.nonEmpty |= 1 << j
	}
	e := q.b[0][0]
	q.head = 1
	q.n--
	return e, true
}

// nextAt is the earliest pending time, or Never, without moving anything.
func (q *queue) nextAt() Time {
	if q.head < len(q.b[0]) {
		return Time(q.last)
	}
	if q.n == 0 {
		return Never
	}
	_, m := q.lowest()
	return m
}

// lowest is the lowest non-empty bucket above 0 and its earliest time;
// bucket 0 must be used up and the queue not empty.
func (q *queue) lowest() (int, Time) {
	i := bits.TrailingZeros64(q.nonEmpty &^ 1)
	m := q.b[i][0].At
	for _, e := range q.b[i][1:] {
		m = min(m, e.At)
	}
	return i, m
}
