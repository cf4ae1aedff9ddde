package model

import (
	"fmt"
	"math"

	"github.com/nodesim/nodesim/sim"
	"gonum.org/v1/gonum/stat/distuv"
)

const conf = 0.95

// Summarize merges replications, in order, into a Point with intervals.
func Summarize(cfg *Config, reps []*Replication) Point {
	var m Replication
	var nodeDays float64
	for _, r := range reps {
		nodeDays += r.nodeDays()
		m.merge(r)
	}
	p := Point{Params: map[string]string{}, Replications: len(reps), NodeDays: nodeDays}
	p.FalseNotReady = falseNotReady(&m, nodeDays, cfg.Cluster.Nodes)
	lo, hi := clusteredRateCI(m.endpointSecs, m.ep.variance(m.endpointSecs, m.ep.endpointSq, m.ep.endpointEventSq, m.falseEvents), nodeDays)
	if m.endpointSecs == 0 {
		hi = NaN() // pod-seconds: no loss seen bounds nothing
	}
	p.EndpointLoss = EndpointLoss{PodSeconds: Num(m.endpointSecs), SecondsPerNodeDay: ratio(m.endpointSecs, nodeDays), SecondsPerNodeDayCI95: Interval{lo, hi}}
	lo, hi = clusteredRateCI(float64(m.evictions), m.ep.variance(float64(m.evictions), m.ep.evictionsSq, m.ep.evictionEventSq, m.falseEvents), nodeDays)
	p.FalseEvictions = FalseEvictions{Count: m.evictions, RatePerNodeDay: ratio(float64(m.evictions), nodeDays), RatePerNodeDayCI95: Interval{lo, hi}}
	zoneSecs := float64(cfg.Cluster.Zones) * cfg.Simulation.Duration.Seconds() * float64(len(reps))
	p.MassNotReady = MassNotReady{
		MaxFraction:                   Num(float64(m.maxUnknown) / float64(cfg.Cluster.Nodes)),
		Episodes:                      m.episodes,
		PartialDisruptionTimeFraction: ratio(m.partialSecs, zoneSecs),
		FullDisruptionTimeFraction:    ratio(m.fullSecs, zoneSecs),
	}
	p.Detection = Detection{Failures: m.failures, Detected: m.detectedN, Undetected: m.undetected,
		MeanS: Num(m.det.Mean()), P50S: quantile(&m.det, 0.5), P99S: quantile(&m.det, 0.99), MaxS: Num(m.det.Max())}
	p.Failover = failoverResult(&m.fo)
	p.Zones = zoneResults(cfg, m.zones, len(reps))
	healthySecs := nodeDays * 86400
	p.QoS = QoS{TMRS: ratio(healthySecs, float64(m.falseEvents)), TMS: Num(m.falseDur.Mean()), PA: Num(1 - m.unknownSecs/healthySecs)}
	p.GapHistogram = gapHistogram(&m.gaps)
	for _, r := range reps {
		if r.timeline != nil {
			tl := r.timeline.out
			p.Timeline = &tl
			break
		}
	}
	p.FalseNotReady.Estimator = crudeEstimator(cfg, &m, &p.FalseNotReady, len(reps))
	p.IncidentCounts = incidentCounts(cfg, m.incidents)
	p.Replays = replayResults(cfg, reps)
	p.RatesNotApplicable = cfg.HasReplays() && !cfg.HasProcesses()
	for _, r := range reps {
		p.UnknownWrites.add(&r.unknownWrites)
	}
	p.APIServerLoad = apiserverLoad(reps)
	p.NodeConditions = nodeConditions(m.cond, nodeDays)
	p.Warnings = warnings(cfg, &m, &p)
	if w := dispersion(reps, &m, nodeDays); w != "" {
		p.Warnings = append(p.Warnings, w)
	}
	return p
}

// crudeEstimator describes a count over the replications.
func crudeEstimator(cfg *Config, m *Replication, f *FalseNotReady, reps int) Estimator {
	x := Estimator{Method: MethodCrude, RelativeError: NaN(), EffectiveSamples: Num(f.Events)}
	if v := m.eventsVariance(); v > 0 { // N² / Var N: the independent events as precise as these episodes
		x.EffectiveSamples = Num(float64(f.Events) * float64(f.Events) / v)
	}
	if f.RatePerNodeDay > 0 {
		x.RelativeError = Num(float64(f.RatePerNodeDayCI95.Hi-f.RatePerNodeDayCI95.Lo) / 2 / float64(f.RatePerNodeDay))
	}
	for _, k := range m.incidents {
		x.IncidentsSimulated += k
	}
	x.WorkNodeDays = Num(float64(cfg.Cluster.Nodes) * (cfg.Simulation.Warmup + cfg.Simulation.Duration).Hours() / 24 * float64(reps))
	return x
}

// incidentCounts names the incidents of each spec that started after warmup.
func incidentCounts(cfg *Config, counts []int64) map[string]int64 {
	out := map[string]int64{}
	for i := range cfg.APIServer.Incidents {
		var k int64
		if i < len(counts) {
			k = counts[i]
		}
		out[incidentLabel(cfg, i)] += k
	}
	return out
}

func (m *Replication) merge(o *Replication) {
	m.nodes, m.warmup, m.end, m.cellLen, m.podsPerNode = o.nodes, o.warmup, o.end, o.cellLen, o.podsPerNode
	m.falseEvents += o.falseEvents
	m.falseDur.Merge(&o.falseDur)
	m.unknownSecs += o.unknownSecs
	m.cells += o.cells
	m.hit += o.hit
	m.heartbeats += o.heartbeats
	m.endpointSecs += o.endpointSecs
	m.evictions += o.evictions
	m.maxUnknown = max(m.maxUnknown, o.maxUnknown)
	m.episodes += o.episodes
	m.partialSecs += o.partialSecs
	m.fullSecs += o.fullSecs
	m.failures += o.failures
	m.detectedN += o.detectedN
	m.incidentEvents += o.incidentEvents
	m.incHits += o.incHits
	if len(m.incidents) < len(o.incidents) {
		m.incidents = append(m.incidents, make([]int64, len(o.incidents)-len(m.incidents))...)
	}
	for i, k := range o.incidents {
		m.incidents[i] += k
	}
	m.undetected += o.undetected
	m.ep.merge(&o.ep)
	m.det.Merge(&o.det)
	m.fo.merge(&o.fo)
	m.zones = mergeZones(m.zones, o.zones)
	m.gaps.Merge(&o.gaps)
	if o.cond != nil {
		if m.cond == nil {
			m.cond = &conditionStats{}
		}
		m.cond.merge(o.cond)
	}
}

func falseNotReady(m *Replication, nodeDays float64, nodes int) FalseNotReady {
	lo, hi := clusteredRateCI(float64(m.falseEvents), m.eventsVariance(), nodeDays)
	f := FalseNotReady{
		Events:             m.falseEvents,
		Episodes:           m.ep.count,
		LargestEpisode:     m.ep.largest,
		RatePerNodeDay:     ratio(float64(m.falseEvents), nodeDays),
		RatePerNodeDayCI95: Interval{lo, hi},
		MeanDurationS:      Num(m.falseDur.Mean()),
		P99DurationS:       quantile(&m.falseDur, 0.99),
	}
	f.PerClusterDay = f.RatePerNodeDay * Num(nodes)
	f.ProbabilityPerNodeDay, f.ProbabilityPerNodeDayCI95 = perNodeDay(m)
	f.ProbabilityPerHeartbeat = ratio(float64(m.falseEvents), float64(m.heartbeats))
	return f
}

// perNodeDay is the fraction of node-day cells with a false NotReady and its
// Wilson interval, widened by the design effect of the episodes (the
// cells one episode hits are not independent trials), so it agrees with
// the rate's interval. Runs shorter than a day use cells of the run's
// length and convert assuming independent cells: p_day = 1-(1-p_cell)^(day/cell).
func perNodeDay(m *Replication) (Num, Interval) {
	if m.cells == 0 {
		return NaN(), Interval{NaN(), NaN()}
	}
	k := float64(day) / float64(m.cellLen)
	conv := func(p float64) Num { return Num(1 - math.Pow(1-p, k)) }
	deff := 1.0
	if m.hit > 0 {
		h := float64(m.hit)
		deff = max(m.ep.variance(h, m.ep.hitsSq, h, m.falseEvents)/h, 1)
	}
	lo, hi := sim.WilsonDesignCI(m.hit, m.cells, deff, conf)
	return conv(float64(m.hit) / float64(m.cells)), Interval{conv(lo), conv(hi)}
}

// clusteredRateCI is the compound-Poisson interval of a total sum over
// nodeDays with clustered variance v (Σ over episodes of their total
// squared): the exact Poisson interval when every episode is one event
// (sim.CompoundPoissonCI).
func clusteredRateCI(sum, v, nodeDays float64) (Num, Num) {
	if nodeDays <= 0 {
		return NaN(), NaN()
	}
	lo, hi := sim.CompoundPoissonCI(sum, v, conf)
	return Num(lo / nodeDays), Num(hi / nodeDays)
}

// eventsVariance is the clustered variance of the false NotReady count.
func (m *Replication) eventsVariance() float64 {
	n := float64(m.falseEvents)
	return m.ep.variance(n, m.ep.sizeSq, n, m.falseEvents)
}

// dispersion warns when the replications' false NotReady counts disagree
// more than the clustered variance allows: Σ (N_i − r·T_i)² / (V·T_i/T),
// with r the pooled rate and V the pooled clustered variance of the total,
// is about χ² with one degree of freedom fewer than replications; above
// its 99% point the episodes are not what the interval assumes
// (dependent, or dominated by a rare large one seen in one replication).
func dispersion(reps []*Replication, m *Replication, nodeDays float64) string {
	v := m.eventsVariance()
	if len(reps) < 2 || m.falseEvents == 0 || v == 0 || nodeDays <= 0 {
		return ""
	}
	rate := float64(m.falseEvents) / nodeDays
	var x2 float64
	dof := -1
	for _, r := range reps {
		if nd := r.nodeDays(); nd > 0 {
			d := float64(r.falseEvents) - rate*nd
			x2 += d * d / (v * nd / nodeDays)
			dof++
		}
	}
	if dof < 1 {
		return ""
	}
	chi := distuv.ChiSquared{K: float64(dof)}
	if x2 <= chi.Quantile(0.99) {
		return ""
	}
	return fmt.Sprintf("the %d replications disagree more than the interval allows (dispersion χ² %.3g on %d degrees of freedom, p = %.2g): the false NotReady rest on episodes rarer or larger than the runs show; simulate more replications",
		dof+1, x2, dof, 1-chi.CDF(x2))
}

func ratio(a, b float64) Num {
	if b == 0 {
		return NaN()
	}
	return Num(a / b)
}

func quantile(h *sim.Histogram, q float64) Num {
	if h.Count() == 0 {
		return NaN()
	}
	return Num(h.Quantile(q))
}

// gapHistogram re-bins gaps into 20 log bins per decade for output.
func gapHistogram(h *sim.Histogram) GapHistogram {
	g := GapHistogram{Count: h.Count(), P50S: quantile(h, 0.5), P99S: quantile(h, 0.99), MaxS: NaN(), Buckets: []GapBucket{}}
	if h.Count() == 0 {
		return g
	}
	g.MaxS = Num(h.Max())
	const perDecade = 20
	h.Buckets(func(lo, hi float64, n uint64) {
		mid := math.Sqrt(math.Max(lo, 1e-9) * hi)
		b := math.Floor(math.Log10(mid) * perDecade)
		blo, bhi := math.Pow(10, b/perDecade), math.Pow(10, (b+1)/perDecade)
		if k := len(g.Buckets); k > 0 && g.Buckets[k-1].LoS == blo {
			g.Buckets[k-1].Count += n
			return
		}
		g.Buckets = append(g.Buckets, GapBucket{LoS: blo, HiS: bhi, Count: n})
	})
	return g
}

func warnings(cfg *Config, m *Replication, p *Point) []string {
	w := []string{}
	rates := !p.RatesNotApplicable // a replay's figures are absolute: no rate to warn about
	if rates && m.falseEvents < 10 {
		w = append(w, fmt.Sprintf("only %d false NotReady events: the rate's interval is wide; simulate more node-days", m.falseEvents))
	}
	if rates && cfg.Simulation.Replications < 2 {
		w = append(w, "one replication: the interval counts its episodes, but whether replications agree cannot be checked")
	}
	if rates && cfg.Simulation.Duration < 24*3600e9 {
		w = append(w, fmt.Sprintf("each replication simulates %v, less than a day: probability_per_node_day assumes independent %v windows", cfg.Simulation.Duration, cfg.Simulation.Duration))
	}
	if m.falseEvents > 0 && 2*m.incidentEvents >= m.falseEvents && m.incHits <= 2 {
		inc := "1 incident"
		if m.incHits != 1 {
			inc = fmt.Sprintf("%d incidents", m.incHits)
		}
		w = append(w, fmt.Sprintf("%d of the %d false NotReady came with %s: the figure rests on them and can move several-fold between runs; --method rare conditions on incidents instead of waiting for them",
			m.incidentEvents, m.falseEvents, inc))
	}
	if rates {
		w = append(w, fewIncidents(cfg, m)...)
	}
	if m.undetected > 0 {
		w = append(w, fmt.Sprintf("%d injected failures were never detected (gray failures in lease mode stay Ready)", m.undetected))
	}
	if configured(cfg) && m.failures == 0 {
		w = append(w, "failures are configured but none happened after warmup: no detection latency")
	}
	return append(w, replayResultWarnings(p)...)
}

// minIncidents is how many incidents of a spec a crude figure should rest
// on before it can speak for what that spec causes.
const minIncidents = 10

// fewIncidents warns of incident specs that arrived fewer than
// minIncidents times after warmup: what one of them does is then in the
// figures by the luck of a few draws, or not at all.
func fewIncidents(cfg *Config, m *Replication) []string {
	var w []string
	var fix string
	span := cfg.Simulation.Duration.Seconds() * float64(cfg.Simulation.Replications)
	for i := range cfg.APIServer.Incidents {
		in := &cfg.APIServer.Incidents[i]
		if in.Replayed() || i >= len(m.incidents) || m.incidents[i] >= minIncidents {
			continue
		}
		n, expect := m.incidents[i], span/in.Every.Mean()
		what := fmt.Sprintf("rest on %d of them", n)
		if n == 0 {
			what = "are not in the figures at all"
		}
		if fix == "" {
			fix = "simulate longer"
			if rareAllowed(cfg) { // a whole Validate: only once, and only when there is something to warn of
				fix += ", or --method rare conditions on them"
			}
		}
		w = append(w, fmt.Sprintf("%s: %d incidents after warmup (about %.2g expected in %.3g simulated days): the false NotReady they cause %s; %s",
			incidentLabel(cfg, i), n, expect, span/86400, what, fix))
	}
	return w
}

// rareAllowed reports whether cfg could run under --method rare (it
// refuses load, [disk] and replays).
func rareAllowed(cfg *Config) bool {
	c := *cfg
	c.Simulation.Method = MethodRare
	return c.Validate() == nil
}

func configured(cfg *Config) bool {
	f := cfg.Failures
	return f.Crash != nil || f.Partition != nil || f.Gray != nil || f.RuntimeDown != nil
}
