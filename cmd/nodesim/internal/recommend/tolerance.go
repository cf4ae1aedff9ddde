package recommend

import (
	"context"
	"time"

	"github.com/nodesim/nodesim/model"
)

// Tolerance is the longest incident of one effect a setting absorbs: no
// healthy node falsely NotReady in any of the incidents simulated.
type Tolerance struct {
	Incident string `json:"incident"`
	Effect   string `json:"effect"`
	// LongestS is null when false NotReady happen without any incident,
	// so none can be blamed on the incident.
	LongestS model.Num `json:"longest_s"`
	// AtLeast: even toleranceCap was absorbed.
	AtLeast   bool   `json:"at_least,omitempty"`
	Incidents int    `json:"incidents"` // simulated at each tried duration
	Note      string `json:"note,omitempty"`
}

const (
	toleranceIncidents = 4               // per tried duration, each hitting every node
	toleranceCap       = time.Hour       // the longest duration tried
	toleranceRes       = time.Second     // the answer's resolution
	toleranceSettle    = 2 * time.Minute // after the grace periods, before the next incident
)

// toleranceSpecs are the incidents whose tolerance is searched: the
// scenario's own (the first of each effect), and an etcd outage and a
// watch stall where the scenario has none.
func toleranceSpecs(cfg *model.Config) []model.Incident {
	var out []model.Incident
	seen := map[model.Effect]bool{}
	for _, in := range cfg.APIServer.Incidents {
		if !seen[in.Effect] {
			seen[in.Effect] = true
			out = append(out, in)
		}
	}
	if !seen[model.Unavailable] {
		out = append(out, model.Incident{Name: "etcd outage", Effect: model.Unavailable, FailAfter: cfg.APIServer.EtcdRequestTimeout})
	}
	if !seen[model.WatchStall] {
		out = append(out, model.Incident{Name: "watch stall", Effect: model.WatchStall})
	}
	return out
}

// tolerance searches, for each incident spec, the longest duration whose
// forced incidents cause no false NotReady at value: doubling from
// toleranceRes until one does, then bisection between the last two tries.
// The response need not be monotone in the duration (a watch stall long
// enough for the controller's conflicting status write to re-read the node
// flips fewer nodes than a short one), so starting small finds the first
// harmful length rather than skipping over it.
func (e *evaluator) tolerance(ctx context.Context, value string) ([]Tolerance, error) {
	cfg, err := e.config(value)
	if err != nil {
		return nil, err
	}
	var out []Tolerance
	noise, err := e.flips(ctx, value, nil, 0)
	if err != nil {
		return nil, err
	}
	for _, spec := range toleranceSpecs(cfg) {
		t := Tolerance{Incident: spec.Name, Effect: spec.Effect.String(), Incidents: toleranceIncidents, LongestS: model.NaN()}
		if t.Incident == "" {
			t.Incident = t.Effect
		}
		if noise > 0 {
			t.Note = "false NotReady without any incident"
			out = append(out, t)
			continue
		}
		absorbs := func(d time.Duration) (bool, error) {
			n, err := e.flips(ctx, value, &spec, d)
			return n == 0, err
		}
		lo, hi := time.Duration(0), toleranceRes
		for {
			ok, err := absorbs(hi)
			if err != nil {
				return nil, err
			}
			if !ok {
				break
			}
			if lo = hi; hi >= toleranceCap {
				t.AtLeast = true
				break
			}
			hi = min(2*hi, toleranceCap)
		}
		for !t.AtLeast && hi-lo > toleranceRes {
			mid := lo + ((hi - lo) / 2).Round(toleranceRes)
			ok, err := absorbs(mid)
			if err != nil {
				return nil, err
			}
			if ok {
				lo = mid
			} else {
				hi = mid
			}
		}
		t.LongestS = model.Num(lo.Seconds())
		out = append(out, t)
	}
	return out, nil
}

// flips counts false NotReady in one crude replication at value with
// toleranceIncidents incidents of spec lasting d, evenly spaced so each
// settles before the next (spec nil: no incident). Other failures are off.
func (e *evaluator) flips(ctx context.Context, value string, spec *model.Incident, d time.Duration) (int64, error) {
	cfg, err := e.config(value)
	if err != nil {
		return 0, err
	}
	c := cfg.Controller
	settle := 3*max(c.NodeMonitorGracePeriod, c.NodeStartupGracePeriod) + toleranceSettle
	spacing := max(cfg.Simulation.Warmup, time.Minute) + d + settle
	cfg.Simulation.Method = model.MethodCrude
	cfg.Simulation.Replications = 1
	cfg.Simulation.Duration = toleranceIncidents*spacing + d + settle - cfg.Simulation.Warmup // the last one settles too
	cfg.Failures = model.FailuresConfig{}
	cfg.APIServer.Incidents = nil
	if spec != nil {
		in := *spec
		in.Every = model.Dist{Kind: model.Constant, A: spacing.Seconds()}
		in.Lasts = model.Dist{Kind: model.Constant, A: d.Seconds()}
		cfg.APIServer.Incidents = []model.Incident{in}
	}
	if err := cfg.Validate(); err != nil {
		return 0, err
	}
	p, err := model.RunPoint(ctx, cfg, e.workers, nil)
	if err != nil {
		return 0, err
	}
	return p.FalseNotReady.Events, nil
}
