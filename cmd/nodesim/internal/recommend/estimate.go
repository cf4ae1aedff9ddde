package recommend

import (
	"math"

	"github.com/nodesim/nodesim/model"
	"github.com/nodesim/nodesim/sim"
)

// z95 is the two-sided 95% normal quantile the model's intervals use.
const z95 = 1.959963984540054

// upperBound is the upper end of the two-sided interval at conf of a
// point's false-NotReady rate per node-day. At 0.95 it is the model's own
// bound. Otherwise a crude count of zero uses the exact Poisson bound, and
// anything else rescales the model's upper half-width by the normal
// quantiles (the rare method's intervals are normal; a crude count with
// events is close to it).
func upperBound(f *model.FalseNotReady, nodeDays, conf float64) float64 {
	hi := float64(f.RatePerNodeDayCI95.Hi)
	if conf == 0.95 {
		return hi
	}
	if f.Estimator.Method != model.MethodRare && f.Events == 0 {
		_, h := sim.PoissonCI(0, conf)
		return h / nodeDays
	}
	est := float64(f.RatePerNodeDay)
	return est + (hi-est)*zOf(conf)/z95
}

// lowerBound mirrors upperBound for the lower end.
func lowerBound(f *model.FalseNotReady, conf float64) float64 {
	lo := float64(f.RatePerNodeDayCI95.Lo)
	if conf == 0.95 {
		return lo
	}
	est := float64(f.RatePerNodeDay)
	return math.Max(0, est-(est-lo)*zOf(conf)/z95)
}

// zOf is the two-sided normal quantile for conf.
func zOf(conf float64) float64 { return math.Sqrt2 * math.Erfinv(conf) }

// verdict places an interval against the budget.
type verdict string

const (
	below     verdict = "below"     // the whole interval is under the budget: passes
	above     verdict = "above"     // the whole interval is over it: fails
	undecided verdict = "undecided" // straddles it even at the work cap: counted as failing
)

func decide(lo, hi, budget float64) verdict {
	switch {
	case hi < budget:
		return below
	case lo > budget:
		return above
	}
	return undecided
}
