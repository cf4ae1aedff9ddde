package plots

import (
	"math"

	"github.com/nodesim/nodesim/model"
)

// Hand-built results for the tests: realistic figures, no simulation.

func n(x float64) model.Num { return model.Num(x) }

func iv(lo, hi float64) model.Interval { return model.Interval{Lo: n(lo), Hi: n(hi)} }

// gapHist is a heartbeat-gap histogram for a 10 s renew interval with a
// tail whose weight scales with tail.
func gapHist(total float64, tail float64) model.GapHistogram {
	edges := []float64{0, 5, 9, 10, 11, 12, 15, 20, 25, 30, 40, 50, 60, 90, 120}
	frac := []float64{0.001, 0.02, 0.45, 0.47, 0.03, 0.02, 0.006 * tail, 0.002 * tail, 8e-4 * tail, 4e-4 * tail, 1e-4 * tail, 3e-5 * tail, 1e-5 * tail, 2e-6 * tail}
	h := model.GapHistogram{P50S: n(10.2), P99S: n(14.5), MaxS: n(118)}
	for i, f := range frac {
		c := uint64(math.Round(f * total))
		h.Buckets = append(h.Buckets, model.GapBucket{LoS: edges[i], HiS: edges[i+1], Count: c})
		h.Count += c
	}
	return h
}

// point builds a point from events over nodeDays with a Poisson-like CI.
func point(params map[string]string, nodeDays float64, events int64, ciLo, ciHi, p50, p99 float64) model.Point {
	rate := float64(events) / nodeDays
	p := model.Point{
		Params: params, Replications: 20, NodeDays: nodeDays,
		FalseNotReady: model.FalseNotReady{
			Events: events, RatePerNodeDay: n(rate), RatePerNodeDayCI95: iv(ciLo, ciHi),
			PerClusterDay: n(rate * 1000), ProbabilityPerNodeDay: n(rate * 0.95),
			ProbabilityPerNodeDayCI95: iv(ciLo*0.95, ciHi*0.95), ProbabilityPerHeartbeat: n(rate / 8640),
			MeanDurationS: n(12), P99DurationS: n(40),
		},
		EndpointLoss:   model.EndpointLoss{PodSeconds: n(rate * nodeDays * 12 * 30), SecondsPerNodeDay: n(rate * 12 * 30)},
		FalseEvictions: model.FalseEvictions{RatePerNodeDay: n(0), RatePerNodeDayCI95: iv(0, 3.689/nodeDays)},
		MassNotReady:   model.MassNotReady{MaxFraction: n(0.004), PartialDisruptionTimeFraction: n(0), FullDisruptionTimeFraction: n(0)},
		Detection:      model.Detection{Failures: 200, Detected: 200, MeanS: n(p50 + 1), P50S: n(p50), P99S: n(p99), MaxS: n(p99 + 3)},
		QoS:            model.QoS{TMRS: n(86400 / rate), TMS: n(12), PA: n(0.9999)},
		GapHistogram:   gapHist(2e6, 1),
		Warnings:       []string{},
		// Endpoints 50ms after the Unknown, the taint within a tainter
		// tick or a rate-limited wait, eviction 300s later.
		Failover: model.Failover{
			EndpointsRemovedMeanS: n(p50 + 1.05), EndpointsRemovedP50S: n(p50 + 0.05), EndpointsRemovedP99S: n(p99 + 0.05), EndpointsRemovedMaxS: n(p99 + 3.05),
			TaintedMeanS: n(p50 + 2), TaintedP50S: n(p50 + 0.1), TaintedP99S: n(p99 + 10), TaintedMaxS: n(p99 + 20),
			EvictedMeanS: n(p50 + 302), EvictedP50S: n(p50 + 300.1), EvictedP99S: n(p99 + 310), EvictedMaxS: n(p99 + 320),
			EndpointsRemoved: 200, Tainted: 200, Evicted: 196, NotEvicted: 4,
		},
	}
	if events == 0 {
		p.FalseNotReady.RatePerNodeDay = n(0)
		p.FalseNotReady.MeanDurationS, p.FalseNotReady.P99DurationS = model.NaN(), model.NaN()
		p.QoS.TMRS = model.NaN()
		p.Warnings = []string{"zero false NotReady events: only an upper bound is reported"}
	}
	return p
}

// graceSweep is a 7-point sweep of node-monitor-grace-period.
func graceSweep() *model.Results {
	vals := []string{"20s", "25s", "30s", "40s", "50s", "1m", "2m"}
	type row struct {
		events           int64
		lo, hi, p50, p99 float64
	}
	rows := []row{
		{600, 0.11, 0.13, 25, 33},
		{340, 0.061, 0.076, 29, 38},
		{225, 0.039, 0.051, 34, 43},
		{105, 0.017, 0.025, 43, 52},
		{30, 0.0041, 0.0087, 53, 62},
		{2, 0.000048, 0.0014, 63, 72},
		{0, 0, 0.00074, 122, 131},
	}
	res := &model.Results{
		NodesimVersion: "0.3.0", Scenario: "grace-sweep", Seed: 42,
		Description: "How often does a healthy node flip to NotReady, and how slowly are real crashes caught, as node-monitor-grace-period grows?",
		Profile:     "kubeadm-1.31",
		Command:     "nodesim run scenarios/grace-sweep.toml --seed 42 --sweep node-monitor-grace-period=20s,25s,30s,40s,50s,1m,2m",
		Sweep:       []model.SweepAxis{{Key: graceKey, Values: vals}},
		Changed:     []model.ParamChange{{Key: "nodes", Value: "1000", Default: "100", Source: "file"}, {Key: "apiserver-p99-latency", Value: "800ms", Default: "200ms", Source: "flag"}},
		GraceS:      40,
	}
	for i, v := range vals {
		r := rows[i]
		p := point(map[string]string{graceKey: v}, 5000, r.events, r.lo, r.hi, r.p50, r.p99)
		p.GapHistogram = gapHist(2e6, 1+0.05*float64(i))
		res.Points = append(res.Points, p)
	}
	res.Points[5].Warnings = []string{"only 2 events: the interval is wide"}
	return res
}

// twoKeySweep is a 3×3 sweep of grace period × lease renew interval.
func twoKeySweep() *model.Results {
	graces := []string{"30s", "40s", "1m"}
	renews := []string{"5s", "10s", "20s"}
	res := &model.Results{
		NodesimVersion: "0.3.0", Scenario: "grace-x-renew", Seed: 7,
		Description: "Grace period against lease renew interval.",
		Profile:     "kubeadm-1.31",
		Command:     "nodesim run scenarios/grace-x-renew.toml --seed 7",
		Sweep:       []model.SweepAxis{{Key: graceKey, Values: graces}, {Key: "node-lease-renew-interval", Values: renews}},
		GraceS:      40,
		Baseline:    map[string]string{graceKey: "40s", "node-lease-renew-interval": "10s"},
	}
	base := [3][3]int64{{60, 225, 900}, {8, 105, 520}, {0, 2, 160}}
	for j, r := range renews {
		for i, g := range graces {
			e := base[i][j]
			rate := float64(e) / 5000
			lo, hi := rate*0.8, rate*1.25+0.0002
			if e == 0 {
				lo, hi = 0, 0.00074
			}
			gs, _, _ := parseValue(g)
			p := point(map[string]string{graceKey: g, "node-lease-renew-interval": r}, 5000, e, lo, hi, gs+3, gs+12)
			res.Points = append(res.Points, p)
		}
	}
	return res
}

// singleRun is a no-sweep result with a timeline and a gap histogram.
func singleRun() *model.Results {
	p := point(map[string]string{}, 1000, 21, 0.013, 0.032, 43, 52)
	p.MassNotReady = model.MassNotReady{MaxFraction: n(0.31), Episodes: 1, PartialDisruptionTimeFraction: n(0.014), FullDisruptionTimeFraction: n(0.0035)}
	tl := &model.Timeline{StepS: 60, Nodes: 1000}
	for i := 0; i < 1440; i++ {
		var u, f int32 // f: crashed nodes among u
		switch {
		case i >= 360 && i < 380:
			u, f = int32(310-12*absInt(i-370)), 1
		case i%97 == 0 || i%211 == 0:
			u = int32(1 + i%3)
			f = u % 2
		}
		tl.Unknown = append(tl.Unknown, u)
		tl.Failed = append(tl.Failed, f)
	}
	// A 40-second incident: 1/36th of a step, drawn minMark wide.
	tl.Incidents = append(tl.Incidents, model.Span{StartS: 1000 * 60, EndS: 1000*60 + 40, Label: "etcd leader election"})
	tl.Incidents = append([]model.Span{{StartS: 358 * 60, EndS: 382 * 60, Label: "apiserver brownout"}}, tl.Incidents...)
	tl.Partial = []model.Span{{StartS: 362 * 60, EndS: 366 * 60}, {StartS: 373 * 60, EndS: 379 * 60}}
	tl.Full = []model.Span{{StartS: 366 * 60, EndS: 373 * 60}}
	p.Timeline = tl
	return &model.Results{
		NodesimVersion: "0.3.0", Scenario: "apiserver-brownout", Seed: 1,
		Description: "A 24-minute apiserver brownout in a 1000-node cluster.",
		Profile:     "kubeadm-1.31",
		Command:     "nodesim run scenarios/apiserver-brownout.toml --seed 1",
		GraceS:      40,
		Points:      []model.Point{p},
	}
}

func absInt(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// sparseRun is one point with zero events, no failures, an empty
// histogram and NaN everywhere.
func sparseRun() *model.Results {
	nan := model.NaN()
	p := model.Point{
		Params: map[string]string{}, Replications: 1, NodeDays: 0.5,
		FalseNotReady: model.FalseNotReady{RatePerNodeDay: n(0), RatePerNodeDayCI95: iv(0, 7.378),
			PerClusterDay: n(0), ProbabilityPerNodeDay: nan, ProbabilityPerNodeDayCI95: model.Interval{Lo: nan, Hi: nan},
			ProbabilityPerHeartbeat: nan, MeanDurationS: nan, P99DurationS: nan},
		EndpointLoss:   model.EndpointLoss{PodSeconds: nan, SecondsPerNodeDay: nan},
		FalseEvictions: model.FalseEvictions{RatePerNodeDay: nan, RatePerNodeDayCI95: model.Interval{Lo: nan, Hi: nan}},
		MassNotReady:   model.MassNotReady{MaxFraction: nan, PartialDisruptionTimeFraction: nan, FullDisruptionTimeFraction: nan},
		Detection:      model.Detection{MeanS: nan, P50S: nan, P99S: nan, MaxS: nan},
		QoS:            model.QoS{TMRS: nan, TMS: nan, PA: nan},
		GapHistogram:   model.GapHistogram{P50S: nan, P99S: nan, MaxS: nan},
		Warnings:       []string{"run shorter than one node-day"},
	}
	return &model.Results{Scenario: "tiny", Seed: 3, Points: []model.Point{p}}
}

// namedRun is four named points (recipes), one of them below the rare
// method's rate floor, and a --set key every point shares.
func namedRun() *model.Results {
	names := []string{"upstream v1.31", "OpenShift Default", "MediumUpdateAverageReaction", "LowUpdateSlowReaction"}
	rows := []struct {
		events           int64
		lo, hi, p50, p99 float64
	}{{320, 0.13, 0.19, 38, 45}, {150, 0.062, 0.092, 38, 44}, {32, 0.0135, 0.0186, 118, 127}, {1, 0, 0, 301, 308}}
	res := &model.Results{
		NodesimVersion: "0.3.0", Scenario: "recipes", Seed: 1, Profile: "v1.37",
		Command: "nodesim run recipes --set cluster.nodes=1000 --seed 1",
		Sweep:   []model.SweepAxis{{Key: "name", Values: names}},
		Named: []model.NamedPoint{{Name: names[0], Description: "Upstream defaults before v1.32."}, {Name: names[1], Description: "OpenShift worker latency profile Default."},
			{Name: names[2]}, {Name: names[3]}},
		Changed: []model.ParamChange{{Key: "cluster.nodes", Value: "1000", Default: "1000", Source: "flag"}},
	}
	for i, r := range rows {
		p := point(map[string]string{"name": names[i], "cluster.nodes": "1000"}, 2000, r.events, r.lo, r.hi, r.p50, r.p99)
		if i == 1 {
			p.Params["kubelet.nodeStatusReportFrequency"] = "5m"
		}
		if i == 3 {
			p.FalseNotReady.Estimator.Method, p.FalseNotReady.Estimator.StoppedBy = model.MethodRare, "below-floor"
			p.FalseNotReady.RatePerNodeDay, p.FalseNotReady.RatePerNodeDayCI95 = n(5.6e-131), iv(0, 1.7e-130)
		}
		res.Points = append(res.Points, p)
	}
	return res
}
