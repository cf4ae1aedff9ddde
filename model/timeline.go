package model

import (
	"fmt"

	"github.com/nodesim/nodesim/sim"
)

// timeline samples replication 0 for the timeline chart, in fixed memory:
// timelineSteps buckets of "most nodes Unknown" plus at most maxSpans
// incident and disruption spans.
type timeline struct {
	start, step sim.Time
	maxU, lastU []int32
	touched     []bool
	out         Timeline
	open        []sim.Time // per zone: start of its current partial/full state
}

const (
	timelineSteps = 1000
	maxSpans      = 500
)

func newTimeline(start, end sim.Time, zones int) *timeline {
	step := (end - start) / timelineSteps
	if step < 1 {
		step = 1
	}
	tl := &timeline{start: start, step: step, maxU: make([]int32, timelineSteps),
		lastU: make([]int32, timelineSteps), touched: make([]bool, timelineSteps), open: make([]sim.Time, zones)}
	tl.out.StepS = step.Seconds()
	return tl
}

func (tl *timeline) index(t sim.Time) int {
	i := int((t - tl.start) / tl.step)
	return min(max(i, 0), timelineSteps-1)
}

func (tl *timeline) secs(t sim.Time) float64 { return max(t-tl.start, 0).Seconds() }

func (tl *timeline) unknown(t sim.Time, now int) {
	i := tl.index(t)
	tl.touched[i] = true
	tl.maxU[i] = max(tl.maxU[i], int32(now))
	tl.lastU[i] = int32(now)
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

func (tl *timeline) finish(r *run, now int) {
	tl.out.Nodes = r.cfg.Cluster.Nodes
	tl.out.Unknown = make([]int32, timelineSteps)
	carry := int32(0)
	for i := range tl.maxU {
		if tl.touched[i] {
			tl.out.Unknown[i] = max(tl.maxU[i], carry)
			carry = tl.lastU[i]
		} else {
			tl.out.Unknown[i] = carry
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
