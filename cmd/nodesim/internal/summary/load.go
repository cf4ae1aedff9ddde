package summary

import (
	"fmt"
	"strings"

	"github.com/nodesim/nodesim/internal/human"
	"github.com/nodesim/nodesim/model"
)

// LoadLine sums up a point's apiserver_load in one line ("" when the load
// model is off): per seat class its offered load, the share of attempts
// refused with 429 and the queue wait, then the false NotReady that
// followed a 429.
func LoadLine(p *model.Point) string {
	if len(p.APIServerLoad) == 0 {
		return ""
	}
	var parts []string
	var after429 int64
	for _, c := range p.APIServerLoad {
		after429 += c.FalseNotReadyAfter429
		if c.Class == "etcd-writes" {
			parts = append(parts, fmt.Sprintf("etcd %s busy, writes wait %s", percent(c.OfferedErlangs), secs(c.MeanQueueWaitS)))
			continue
		}
		s := fmt.Sprintf("%s (%d seats) %s erlangs, %s refused", c.Class, c.Seats, num(c.OfferedErlangs), share(float64(c.RejectedFraction)))
		if c.HeartbeatAttempts > 0 {
			s += fmt.Sprintf(" (heartbeats: %s)", share(float64(c.HeartbeatRejectedFraction)))
		}
		if c.MeanQueueWaitS > 0 {
			s += fmt.Sprintf(", queued %s", secs(c.MeanQueueWaitS))
		}
		parts = append(parts, s)
	}
	return fmt.Sprintf("apiserver load: %s; %d false NotReady after a 429", strings.Join(parts, "; "), after429)
}

// share is a fraction as a percentage, a tiny one as a bound.
func share(x float64) string {
	if x > 0 && x < 1e-6 {
		return "<0.0001%"
	}
	return human.Percent(x)
}
