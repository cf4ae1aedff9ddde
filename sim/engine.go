package sim

import (
	"context"
	"fmt"
	"time"
)

// Kind selects the handler of an event; Register hands them out.
type Kind uint16

// Event is one scheduled occurrence. Node and Arg are the handler's to
// interpret (a node index, a generation number, an attempt count).
type Event struct {
	At   Time
	Kind Kind
	Node int32
	Arg  int64
}

// Handler processes one event at its time; it may schedule more.
type Handler func(ev Event)

// Engine owns virtual time and the event queue of one run. It is
// single-threaded: run replications on separate engines.
type Engine struct {
	now      Time
	q        queue
	handlers []Handler
	names    []string
	steps    uint64
}

// NewEngine returns an engine at time 0 with an empty queue.
func NewEngine() *Engine { return &Engine{} }

// Register adds a handler and returns the Kind that dispatches to it.
func (e *Engine) Register(name string, h Handler) Kind {
	if len(e.handlers) == 1<<16-1 {
		panic("sim: too many event kinds")
	}
	e.handlers = append(e.handlers, h)
	e.names = append(e.names, name)
	return Kind(len(e.handlers) - 1)
}

// Reset empties the queue and sets the clock to now, keeping the handlers
// and the queue's memory, so one engine can run many short simulations
// without allocating.
func (e *Engine) Reset(now Time) {
	e.q.reset(uint64(now))
	e.now, e.steps = now, 0
}

// Now is the current virtual time.
func (e *Engine) Now() Time { return e.now }

// Steps is the number of events processed so far.
func (e *Engine) Steps() uint64 { return e.steps }

// Pending is the number of scheduled events.
func (e *Engine) Pending() int { return e.q.len() }

// At schedules an event. Scheduling before Now is a bug in the model and
// panics: silently reordering time would corrupt every result after it.
func (e *Engine) At(at Time, k Kind, node int32, arg int64) {
	if at < e.now {
		panic(fmt.Sprintf("sim: event %q scheduled in the past (at %v, now %v)", e.name(k), at, e.now))
	}
	if int(k) >= len(e.handlers) {
		panic(fmt.Sprintf("sim: event kind %d has no handler", k))
	}
	e.q.push(Event{At: at, Kind: k, Node: node, Arg: arg})
}

// After schedules an event d after Now.
func (e *Engine) After(d time.Duration, k Kind, node int32, arg int64) {
	e.At(e.now.Add(d), k, node, arg)
}

// Run processes events in (time, scheduling order) order until the next
// one is later than until or the queue is empty, then sets the clock to
// until.
func (e *Engine) Run(until Time) { e.run(nil, until) }

// RunContext is Run, stopping early with ctx.Err() once ctx is done. It
// looks at ctx before every event: counting events, not virtual time,
// bounds how long a cancelled run goes on (one handler) however densely
// the events are packed in time, and a non-blocking receive costs a few
// nanoseconds against the microseconds a model's handler takes. After an
// early stop the clock is at the last event processed.
func (e *Engine) RunContext(ctx context.Context, until Time) error {
	if !e.run(ctx.Done(), until) {
		return ctx.Err()
	}
	return nil
}

// run is Run, stopping early (and returning false) once done is closed;
// a nil done never closes.
func (e *Engine) run(done <-chan struct{}, until Time) bool {
	for {
		if done != nil {
			select {
			case <-done:
				return false
			default:
			}
		}
		ev, ok := e.q.popUntil(until)
		if !ok {
			break
		}
		e.now = ev.At
		e.steps++
		e.handlers[ev.Kind](ev)
	}
	if until > e.now {
		e.now = until
	}
	return true
}

// NextAt is the time of the earliest pending event, or Never.
func (e *Engine) NextAt() Time {
	return e.q.nextAt()
}

func (e *Engine) name(k Kind) string {
	if int(k) < len(e.names) {
		return e.names[k]
	}
	return fmt.Sprintf("kind %d", k)
}
