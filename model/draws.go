package model

import (
	"math"
	"sort"

	"github.com/nodesim/nodesim/sim"
)

// draws is a kubelet loop's source of randomness: its stream and, inside a
// rare-event excursion, the proposal law its draws follow with the log
// likelihood ratio (natural over proposal) of what it drew. It is a value:
// a loop's snapshot copies it, so a replay redraws the same numbers under
// the same law and recomputes the same ratio.
//
// On the natural path (law == nil) every draw is exactly what it was
// before excursions existed: the same sampler on the same stream.
//
// The natural path tests law once per draw, inline, and calls the samplers
// it always called: no extra call layer on the hottest code of a run.
type draws struct {
	r     sim.Rand
	law   *tiltedLaw // nil: the natural law
	logLR float64
	mark  int32 // records of law.log that belong to this path
	base  site  // the loop's first site
}

// tiltedLaw is the law of one loop's draws in an excursion: the proposal,
// and the log of its draws when the cross-entropy pilot fits the next one.
type tiltedLaw struct {
	p   *proposal
	log *drawLog
}

// site is a place where a loop draws; each has its own proposal law.
type site uint8

// Sites within a loop, offset from its base.
const (
	siteReadLatency site = iota // = siteReadLatency + reqKind
	siteWriteLatency
	siteReadFails // = siteReadFails + reqKind
	siteWriteFails
	siteWatchDelay
	siteCollect
	siteNetLatency // kubelet.network-latency
	siteNetFails   // kubelet.network-failure-probability
	siteChange     // kubelet.status-change-every
	sitesPerLoop
)

// Loop bases.
const (
	leaseSites  site = 0
	statusSites site = sitesPerLoop
	nSites           = 2 * int(sitesPerLoop)
)

var siteNames = [sitesPerLoop]string{"read latency", "write latency", "read failures", "write failures", "watch delay", "status collection", "network latency", "network failures", "status changes"}

func siteName(s site) string {
	loop := "lease"
	if s >= statusSites {
		loop = "status"
	}
	return loop + " " + siteNames[s%sitesPerLoop]
}

// tiltedNs draws a duration of dist at site s of the loop under its
// proposal, in ns; callers test d.law first and use dist.SampleNs on the
// natural path.
func (d *draws) tiltedNs(dist *Dist, s site) int64 {
	return saturateNs(d.tiltedSeconds(dist, d.base+s) * 1e9)
}

// takeOver is the law next continuing the path that d drew so far: the
// likelihood ratio carries on, and d's records are closed. A loop switches
// law only at a fresh sync (one that is not a replay), and a replay only
// restores its pending sync, so no path mixes the two laws in one sync.
func (next *draws) takeOver(d *draws) draws {
	if d.law != nil && d.law.log != nil {
		d.law.log.kept = d.mark
	}
	nd := *next
	nd.logLR = d.logLR
	return nd
}

func saturateNs(ns float64) int64 {
	if ns >= 9e18 {
		return 9e18
	}
	return int64(ns)
}

// proposal is the change of measure of an excursion: one law per site.
type proposal struct {
	sites [nSites]siteLaw
}

// siteLaw tilts the draws of one site towards their rare branches.
//   - tail: the draw's upper-tail probability v is Beta(tail, 1) with
//     probability 1−defensive and uniform otherwise; tail = 1 is natural.
//     Every continuous family is drawn as TailQuantile(v), so this one
//     parameter tilts any of them, heavy tails included, and the weight
//     1/g(v) never exceeds 1/defensive.
//   - fail: the failure probability of a request (natural: the scenario's).
//   - mix: cumulative probabilities of a mixture's components (nil: natural).
type siteLaw struct {
	tail float64
	fail float64
	mix  []float64
}

// defensive is the share of tail draws taken from the natural law: it
// bounds every weight, whatever the tilt (Hesterberg's defensive mixture).
const defensive = 0.1

// naturalProposal is the proposal equal to the natural law of cfg.
func naturalProposal(cfg *Config) *proposal {
	p := &proposal{}
	for s := range p.sites {
		p.sites[s] = siteLaw{tail: 1, fail: cfg.APIServer.RequestFailureProbability}
		if site(s)%sitesPerLoop == siteNetFails {
			p.sites[s].fail = cfg.Kubelet.NetworkFailureProbability
		}
	}
	return p
}

// tailDensity is g(v), the proposal density of a tail probability.
func tailDensity(v, b float64) float64 {
	return defensive + (1-defensive)*b*math.Pow(v, b-1)
}

func (d *draws) tiltedSeconds(dist *Dist, s site) float64 {
	law := &d.law.p.sites[s]
	switch dist.Kind {
	case Constant:
		return dist.A
	case Mixture:
		c := d.component(dist, law, s)
		switch part := &dist.Parts[c]; part.Kind {
		case Constant:
			return part.A
		case Mixture:
			return part.Sample(&d.r) // nested mixtures stay natural
		default:
			return d.tailDraw(part, law, s)
		}
	}
	return d.tailDraw(dist, law, s)
}

// component picks a mixture component under the site's law.
func (d *draws) component(dist *Dist, law *siteLaw, s site) int {
	u := d.r.Float64()
	cum := dist.Weights
	if len(law.mix) == len(dist.Weights) {
		cum = law.mix
	}
	c := min(sort.SearchFloat64s(cum, u), len(cum)-1)
	if len(law.mix) == len(dist.Weights) {
		d.logLR += math.Log(cumWeight(dist.Weights, c)) - math.Log(cumWeight(law.mix, c))
	}
	d.record(s, recComponent, float64(c))
	return c
}

func cumWeight(cum []float64, c int) float64 {
	if c == 0 {
		return cum[0]
	}
	return cum[c] - cum[c-1]
}

func (d *draws) tailDraw(dist *Dist, law *siteLaw, s site) float64 {
	v := 1 - d.r.Float64() // (0, 1]
	if b := law.tail; b < 1 {
		if d.r.Float64() >= defensive {
			v = math.Pow(v, 1/b)
		}
		d.logLR -= math.Log(tailDensity(v, b))
	}
	d.record(s, recTail, math.Log(v))
	return dist.TailQuantile(v)
}

// tiltedFail draws whether a request fails at site s of the loop under
// the proposal; p is its natural probability.
func (d *draws) tiltedFail(p float64, s site) bool {
	s += d.base
	q := d.law.p.sites[s].fail
	fail := d.r.Float64() < q
	if q != p {
		if fail {
			d.logLR += math.Log(p / q)
		} else {
			d.logLR += math.Log((1 - p) / (1 - q))
		}
	}
	x := 0.0
	if fail {
		x = 1
	}
	d.record(s, recFail, x)
	return fail
}

// drawLog records an excursion's draws for the cross-entropy fit. A path's
// records are log.recs[:mark]; a replay rewinds mark with the snapshot and
// overwrites what it redraws.
type drawLog struct {
	recs []drawRec
	kept int32 // records of the path once its loop switched law; -1: it has not
}

type drawRec struct {
	site site
	kind uint8
	x    float64 // tail: ln v; component: its index; fail: 0 or 1
}

const (
	recTail uint8 = iota
	recComponent
	recFail
)

func (d *draws) record(s site, kind uint8, x float64) {
	log := d.law.log
	if log == nil {
		return
	}
	log.recs = append(log.recs[:d.mark], drawRec{s, kind, x})
	d.mark++
}

// records is the path's share of log, whether d still draws under it.
func (d *draws) records(log *drawLog) []drawRec {
	if d.law != nil && d.law.log == log {
		return log.recs[:d.mark]
	}
	if log.kept < 0 {
		return nil
	}
	return log.recs[:log.kept]
}
