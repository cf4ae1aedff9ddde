package model

import (
	"fmt"

	"github.com/nodesim/nodesim/sim"
)

// timeline samples one replication for the timeline chart, in fixed
// memory: timelineSteps buckets of "most nodes Unknown" (and how many of
// them had an injected failure), at most maxSpans incident and
// disruption spans, and a flag per node.
type timeline struct {
	start, step sim.Time
	maxU, lastU []int32
	maxF, lastF []int32 // failed nodes among maxU, lastU
	touched     []bool
	out         Timeline
	open        []sim.Time // per zone: start of its current partial/full state
	failedNode  []bool     // Unknown with an injected failure when it went Unknown
	failedNow   int32
	atStart     [2]int32 // nodes Unknown, and failed among them, as warmup ends
}

const (
	timelineSteps = 1000
	maxSpans      = 500
)

func newTimeline(start, end sim.Time, zones, nodes, rep int) *timeline {
	step := (end - start) / timelineSteps
	if step < 1 {
		step = 1
	}
	tl := &timeline{start: start, step: step, maxU: make([]int32, timelineSteps),
		lastU: make([]int32, timelineSteps), maxF: make([]int32, timelineSteps), lastF: make([]int32, timelineSteps),
		touched: make([]bool, timelineSteps), open: make([]sim.Time, zones), failedNode: make([]bool, nodes)}
	tl.out.StepS = step.Seconds()
	tl.out.Replication = rep
	return tl
}

// failed keeps the count of Unknown nodes that had an injected failure
// when they went Unknown, as n enters (n.unknown) or leaves Unknown: the
// same node is counted out as it was counted in, whatever its failure
// state meanwhile (a repair, or a crash while falsely Unknown).
func (tl *timeline) failed(n *node) {
	switch {
	case n.unknown && n.fail != noFailure && !tl.failedNode[n.id]:
		tl.failedNode[n.id] = true
		tl.failedNow++
	case !n.unknown && tl.failedNode[n.id]:
		tl.failedNode[n.id] = false
		tl.failedNow--
	}
}

func (tl *timeline) index(t sim.Time) int {
	i := int((t - tl.start) / tl.step)
	return min(max(i, 0), timelineSteps-1)
}

func (tl *timeline) secs(t sim.Time) float64 { return max(t-tl.start, 0).Seconds() }

// warmup records now nodes Unknown during warmup: the timeline starts
// from the count warmup ends with, not from zero.
func (tl *timeline) warmup(now int) { tl.atStart = [2]int32{int32(now), tl.failedNow} }

func (tl *timeline) unknown(t sim.Time, now int) {
	i := tl.index(t)
	if !tl.touched[i] || int32(now) > tl.maxU[i] {
		tl.maxU[i], tl.maxF[i] = int32(now), tl.failedNow
	}
	tl.touched[i] = true
	tl.lastU[i], tl.lastF[i] = int32(now), tl.failedNow
}

func (tl *timeline) incident(spec *Incident, s, e sim.Time) {
	if len(tl.out.Incidents) < maxSpans && e > tl.start {
		label := spec.Name
		if label == "" {
			label = spec.Effect.String()
		}
		tl.out.Incidents = append(tl.out.Incidents, Span{StartS: tl.secs(s), EndS: tl.secs(e), Label: label})
	}
}

// zone records zone z leaving its state for s at t.
func (tl *timeline) zone(z *zone, s zoneState, t sim.Time) {
	if z.state == s {
		return
	}
	id := tl.zoneID(z)
	if z.state == statePartial || z.state == stateFull {
		span := Span{StartS: tl.secs(tl.open[id]), EndS: tl.secs(t), Label: fmt.Sprintf("zone %d", id)}
		if t > tl.start && len(tl.out.Partial)+len(tl.out.Full) < maxSpans {
			if z.state == statePartial {
				tl.out.Partial = append(tl.out.Partial, span)
			} else {
				tl.out.Full = append(tl.out.Full, span)
			}
		}
	}
	tl.open[id] = t
}

func (tl *timeline) zoneID(z *zone) int { return int(z.id) }

// finish closes the timeline of a cluster of nodes with now Unknown.
func (tl *timeline) finish(nodes, now int) {
	tl.out.Nodes = nodes
	tl.out.Unknown = make([]int32, timelineSteps)
	tl.out.Failed = make([]int32, timelineSteps)
	carry, carryF := tl.atStart[0], tl.atStart[1]
	for i := range tl.maxU {
		switch {
		case tl.touched[i] && tl.maxU[i] >= carry:
			tl.out.Unknown[i], tl.out.Failed[i] = tl.maxU[i], tl.maxF[i]
		default: // the step's peak is what it started with
			tl.out.Unknown[i], tl.out.Failed[i] = carry, carryF
		}
		if tl.touched[i] {
			carry, carryF = tl.lastU[i], tl.lastF[i]
		}
	}
	if tl.out.Incidents == nil {
		tl.out.Incidents = []Span{}
	}
	if tl.out.Partial == nil {
		tl.out.Partial = []Span{}
	}
	if tl.out.Full == nil {
		tl.out.Full = []Span{}
	}
}
