package model

import (
	"context"
	"math"
	"slices"
	"sort"
	"time"
)

// The proposal is learnt from the scenario by the multilevel cross-entropy
// method (Rubinstein and Kroese, 2004): excursions under the current
// proposal are scored by how late their awaited heartbeat was; the best
// ρ of them (or, once ρ of them end in a false NotReady, those that do)
// refit each site's law by weighted maximum likelihood, weights being the
// likelihood ratios. Levels rise until the rare event itself is the elite
// set. Any proposal leaves the estimate unbiased; the pilot only makes it
// precise, and runs on streams of its own.

const (
	ceRho       = 0.1 // elite share
	ceSmoothing = 0.7 // weight of the new fit against the previous law
	ceMaxIters  = 25
	ceFinal     = 3 // iterations at the top level
	alarmScore  = 2 // an excursion's score when it ends in a false NotReady
	ceMinElites = 10
)

// ceSample is one pilot excursion.
type ceSample struct {
	score float64
	logLR float64
	recs  []drawRec
}

// pilotResult is what the pilot learnt.
type pilotResult struct {
	prop       *proposal
	levels     []float64 // elite level of each iteration
	reached    bool      // the top level (false NotReady) was reached
	rate       float64   // the last iteration's estimate, per node-day
	workDays   float64
	excursions int64
}

// heartbeatInterval is the spacing of branch points: the lease renew
// interval, or the status loop's period before leases.
func heartbeatInterval(cfg *Config) time.Duration {
	if cfg.Rules.Lease {
		return cfg.RenewInterval()
	}
	return cfg.Kubelet.NodeStatusUpdateFrequency
}

// noisePilot learns the noise estimator's proposal; if the levels stall
// short of a false NotReady it tries once more from a bolder start, on
// streams of its own.
func noisePilot(ctx context.Context, cfg *Config) (pilotResult, error) {
	res, err := pilotFrom(ctx, cfg, startProposal(cfg, 0.1, 0.7), 0)
	if err != nil || res.reached {
		return res, err
	}
	again, err := pilotFrom(ctx, cfg, startProposal(cfg, 0.3, 0.4), ceMaxIters)
	again.workDays += res.workDays
	again.excursions += res.excursions
	return again, err
}

// pilotFrom runs cross-entropy iterations from start; batch numbers begin
// at first.
func pilotFrom(ctx context.Context, cfg *Config, start *proposal, first int) (pilotResult, error) {
	const perIter, nodes = 2000, 4
	dur := max(time.Duration(perIter/nodes)*heartbeatInterval(cfg), 30*time.Minute)
	x := newExcursion(cfg)
	res := pilotResult{prop: start}
	final, stuck, rho := 0, 0, ceRho
	for it := 0; it < ceMaxIters && final < ceFinal; it++ {
		var samples []ceSample
		plan := noisePlan{nodes: nodes, duration: dur, prop: res.prop, pi: 1, logging: true,
			onExcursion: func(er excursionResult, x *excursion) {
				recs := append(slices.Clone(x.leaseLog.recs), x.statusLog.recs...)
				samples = append(samples, ceSample{score: er.score, logLR: er.logLR, recs: recs})
			}}
		nb, err := runNoiseBatch(ctx, cfg, first+it, branchPilot, plan, x)
		if err != nil {
			return pilotResult{}, err
		}
		res.workDays += nb.workDays
		res.excursions += nb.excursions
		res.rate = nb.alarms / nb.nodeDays
		if len(samples) == 0 {
			break // no heartbeat to wait for
		}
		level := eliteLevel(samples, rho)
		if level >= alarmScore {
			final++
		} else if n := len(res.levels); n > 0 && level <= res.levels[n-1]*1.001 {
			rho = max(rho/2, 0.01) // a narrower elite before giving up
			if stuck++; stuck >= 5 {
				res.levels = append(res.levels, level)
				break // the scores stopped rising: the event is out of the proposals' reach
			}
		}
		res.levels = append(res.levels, level)
		res.prop = fitProposal(cfg, res.prop, samples, level)
	}
	res.reached = final > 0
	return res, nil
}

// eliteLevel is the (1−rho) quantile of the scores, or the alarm score
// once at least rho of the excursions reach it. Scores tie (an on-time
// heartbeat of a noiseless cluster scores 0): when the quantile's tie
// would make more than twice the intended share elite, the elites are
// those strictly above it, if there are ceMinElites of them, so that a
// tie at the bottom cannot make everyone elite and stall the levels.
func eliteLevel(samples []ceSample, rho float64) float64 {
	scores := make([]float64, len(samples))
	for i, s := range samples {
		scores[i] = s.score
	}
	slices.Sort(scores)
	n := len(scores)
	k := min(int(math.Floor((1-rho)*float64(n))), n-1)
	q := scores[k]
	if ge := n - sort.SearchFloat64s(scores, q); float64(ge) > 2*rho*float64(n) {
		if i := sort.Search(n, func(i int) bool { return scores[i] > q }); n-i >= ceMinElites {
			q = scores[i]
		}
	}
	return min(q, alarmScore)
}

// startProposal is where the pilot starts: the natural law with its rare
// branches made common enough to be seen in one iteration (mixture
// components and failures raised to floor, every tail tilted to tail), so
// the first elite set holds them if they matter. The fit takes back what
// does not matter.
func startProposal(cfg *Config, floor, tail float64) *proposal {
	p := naturalProposal(cfg)
	for s := range p.sites {
		law := &p.sites[s]
		law.tail = tail
		if q := law.fail; q > 0 {
			law.fail = max(q, min(floor, 1000*q))
		}
		if d := siteDist(cfg, site(s)); d != nil && d.Kind == Mixture {
			law.mix = raiseRare(d.Weights, floor)
		}
	}
	return p
}

// raiseRare raises every component under floor to floor, taking the mass
// from the others in proportion; it returns cumulative weights.
func raiseRare(cum []float64, floor float64) []float64 {
	k := len(cum)
	floor = min(floor, 1/float64(k))
	var raised, rest float64
	for c := range k {
		if w := cumWeight(cum, c); w < floor {
			raised += floor - w
		} else {
			rest += w
		}
	}
	out := make([]float64, k)
	var acc float64
	for c := range k {
		w := cumWeight(cum, c)
		if w < floor {
			w = floor
		} else {
			w -= raised * w / rest
		}
		acc += w
		out[c] = acc
	}
	out[k-1] = 1
	return out
}

// siteDist is the distribution drawn at site s.
func siteDist(cfg *Config, s site) *Dist {
	switch s % sitesPerLoop {
	case siteReadLatency:
		return &cfg.APIServer.ReadLatency
	case siteWriteLatency:
		return &cfg.APIServer.WriteLatency
	case siteWatchDelay:
		return &cfg.Informer.WatchDelay
	case siteCollect:
		return &cfg.Kubelet.StatusCollectionDelay
	}
	return nil
}

// fitProposal refits every site's law on the samples scoring at least
// level, each weighted by its likelihood ratio, smoothed with prev.
func fitProposal(cfg *Config, prev *proposal, samples []ceSample, level float64) *proposal {
	maxLR := math.Inf(-1)
	for _, s := range samples {
		if s.score >= level {
			maxLR = max(maxLR, s.logLR)
		}
	}
	type acc struct {
		tailN, tailSum, failN, failK float64
		comp                         []float64
	}
	var a [nSites]acc
	for _, s := range samples {
		if s.score < level {
			continue
		}
		w := math.Exp(s.logLR - maxLR)
		for _, rec := range s.recs {
			st := &a[rec.site]
			switch rec.kind {
			case recTail:
				st.tailN += w
				st.tailSum -= w * rec.x
			case recFail:
				st.failN += w
				st.failK += w * rec.x
			case recComponent:
				c := int(rec.x)
				if len(st.comp) <= c {
					st.comp = append(st.comp, make([]float64, c+1-len(st.comp))...)
				}
				st.comp[c] += w
			}
		}
	}
	// A site the elites never drew at is fitted to its natural law: the
	// start proposal's boost of it bought nothing.
	next := *prev
	p := cfg.APIServer.RequestFailureProbability
	for s := range next.sites {
		law, st := &next.sites[s], &a[s]
		b := 1.0
		if st.tailN > 0 && st.tailSum > 0 {
			b = min(max(st.tailN/st.tailSum, 0.005), 1) // Beta(b, 1) maximum likelihood
		}
		law.tail = ceSmoothing*b + (1-ceSmoothing)*law.tail
		q := p
		if st.failN > 0 && p > 0 {
			q = min(max(st.failK/st.failN, p), 0.9)
		}
		law.fail = ceSmoothing*q + (1-ceSmoothing)*law.fail
		if d := siteDist(cfg, site(s)); d != nil && d.Kind == Mixture {
			law.mix = fitMixture(d.Weights, prev.sites[s].mix, st.comp)
		}
	}
	return &next
}

// fitMixture is the cumulative component law: the weighted component
// frequencies, smoothed with the previous law and mixed defensively with
// the natural weights.
func fitMixture(natural, prev []float64, counts []float64) []float64 {
	k := len(natural)
	var total float64
	for _, c := range counts {
		total += c
	}
	out := make([]float64, k)
	var cum float64
	for c := 0; c < k; c++ {
		fit := 0.0
		if c < len(counts) {
			fit = counts[c] / total
		}
		old := cumWeight(natural, c)
		if len(prev) == k {
			old = cumWeight(prev, c)
		}
		p := ceSmoothing*fit + (1-ceSmoothing)*old
		cum += (1-defensive)*p + defensive*cumWeight(natural, c)
		out[c] = cum
	}
	out[k-1] = 1
	return out
}
