package plots

import (
	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/nodesim/nodesim/model"
)

// impactChart is what false NotReady costs across the sweep: endpoint
// loss (pod-seconds of healthy pods marked NotReady per node-day) and
// pods evicted from healthy nodes per node-day, against the first swept
// key, each with its 95% interval.
func impactChart(res *model.Results) (painter, string) {
	axes := axesOf(res)
	switch {
	case len(axes) == 0:
		return nil, "no sweep: the run has a single parameter set (Key findings gives its endpoint loss and evictions)"
	case len(res.Points) < 2:
		return nil, "the sweep has fewer than two points"
	}
	loss, okLoss := logPanel{title: "Endpoint loss of healthy pods", ylabel: "pod-seconds NotReady per node-day",
		what: "endpoint loss (95% CI)", zeroLabel: "upper bound (none lost)",
		floorLabel: "none, or below the rate floor", value: lossValue}.build(res, axes)
	ev, okEv := logPanel{title: "Pods evicted from healthy nodes", ylabel: "false evictions per node-day",
		what: "evictions (95% CI)", zeroLabel: "upper bound (0 evictions)",
		floorLabel: "below the rate floor (too rare to matter)", value: evictionValue}.build(res, axes)
	switch {
	case !okLoss && !okEv:
		return nil, "no point has an endpoint loss or eviction figure"
	case !okEv:
		return single(loss), ""
	case !okLoss:
		return single(ev), ""
	}
	return twoPanels(loss, ev), ""
}

// twoPanels paints a and b side by side with aligned axes.
func twoPanels(a, b *plot.Plot) painter {
	return func(dc draw.Canvas) {
		tiles := draw.Tiles{Rows: 1, Cols: 2, PadX: 0.35 * vg.Inch, PadTop: 4, PadBottom: 4, PadLeft: 4, PadRight: 10}
		cs := plot.Align([][]*plot.Plot{{a, b}}, tiles, dc)
		a.Draw(cs[0][0])
		b.Draw(cs[0][1])
	}
}

// lossValue is a point's endpoint loss per node-day.
func lossValue(p *model.Point) logValue {
	e := p.EndpointLoss
	switch {
	case p.FalseNotReady.Estimator.StoppedBy == "below-floor":
		return logValue{kind: floored}
	case def(e.SecondsPerNodeDay) && e.SecondsPerNodeDay > 0:
		return logValue{kind: measured, y: float64(e.SecondsPerNodeDay), lo: float64(e.SecondsPerNodeDayCI95.Lo), hi: float64(e.SecondsPerNodeDayCI95.Hi)}
	case def(e.SecondsPerNodeDayCI95.Hi) && e.SecondsPerNodeDayCI95.Hi > 0:
		return logValue{kind: bounded, hi: float64(e.SecondsPerNodeDayCI95.Hi)}
	case e.SecondsPerNodeDay == 0:
		return logValue{kind: floored}
	}
	return logValue{}
}

// evictionValue is a point's false evictions per node-day.
func evictionValue(p *model.Point) logValue {
	f := p.FalseEvictions
	switch {
	case p.FalseNotReady.Estimator.StoppedBy == "below-floor":
		return logValue{kind: floored}
	case f.Count > 0 && def(f.RatePerNodeDay) && f.RatePerNodeDay > 0:
		return logValue{kind: measured, y: float64(f.RatePerNodeDay), lo: float64(f.RatePerNodeDayCI95.Lo), hi: float64(f.RatePerNodeDayCI95.Hi)}
	case def(f.RatePerNodeDayCI95.Hi) && f.RatePerNodeDayCI95.Hi > 0:
		return logValue{kind: bounded, hi: float64(f.RatePerNodeDayCI95.Hi)}
	}
	return logValue{}
}
