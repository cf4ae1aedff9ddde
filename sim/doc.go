// Package sim is a small, fast discrete-event engine. It knows nothing of
// Kubernetes: it owns virtual time, the only event queue, named random
// streams, a replication runner and streaming statistics.
//
// The usage loop:
//
//	e := sim.NewEngine()
//	tick := e.Register("tick", func(ev sim.Event) { e.After(time.Second, tick, ev.Node, 0) })
//	e.At(0, tick, 0, 0)
//	e.Run(sim.Time(time.Minute))
//
// Events are small value structs ordered by (time, insertion sequence), so
// ties resolve in scheduling order and a run is a pure function of its
// inputs. Events cannot be cancelled: a model that re-arms a timer stores a
// generation number in Event.Arg and ignores stale events. A run can be:
// RunContext stops at the first event after its context is done.
package sim
