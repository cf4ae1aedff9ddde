package model

import (
	"errors"
	"math"
	"sync"

	"github.com/nodesim/nodesim/sim"
)

// lognormalTable samples a lognormal exactly with a ziggurat built over its
// own density (Marsaglia and Tsang's method). Latencies are lognormal, and
// drawing them as exp(mu + sigma·normal) spent most of a run in Exp; here
// the common draw is one Uint64, a table load, a compare and a multiply-add.
//
// The density is unimodal, so each side of the mode gets its own stack of
// layers, in distance from the mode: a base layer (a rectangle plus the
// tail beyond it) and rectangles above it up to the peak, every layer of
// the same area v. A draw picks one of the 1024 layers from its low 10
// bits and a point in it from its high 53; points in a layer's part that lies
// wholly under the density are accepted at once, the rest go through an
// exact test against the density (or the tail sampler) and may be
// rejected, which starts a new draw. The layers cover the density, so the
// accepted points are uniform under it: the result is exact, not an
// approximation. Widths are rounded outwards and fast-accept bounds
// inwards so that floating-point error in building the table cannot make
// it uncover the density.
//
// Tables are built for the standard lognormal (mu = 0) and scaled by e^mu:
// the accept/reject decisions depend on sigma only, so sweep points that
// change only a median see the same draws, scaled.
type lognormalTable struct {
	*lognormalShape
	scale  float64 // e^mu·1e9: nanoseconds per unit of the standard lognormal
	modeNs float64 // mode·scale
	hot    [zigLayers]zigHot
}

// lognormalShape is the table of the standard lognormal with shape sigma,
// shared by every lognormal with that sigma.
type lognormalShape struct {
	sigma  float64
	mode   float64 // e^-sigma²
	cold   [zigLayers]zigCold
	tailA  [2]float64 // per side: the tail is |normal| beyond this
	layers [2]int     // per side, for tests
}

// zigLayers: with 1024, 99% of draws (sigma 1) take the fast path; with
// 256, 96.7%, and a slow draw costs some 70ns. The 16 KB tables of a run's
// few latencies sit in L2; bench ran 6.5% faster with 1024 than with 256.
const zigLayers = 1024

// zigHot is what the fast path reads: 16 bytes a layer, 16 KB a table.
type zigHot struct {
	fast uint64  // accept at once when the draw's high 53 bits are below this
	step float64 // signed width/2^53 in ns: x = modeNs + u53·step
}

type zigKind uint8

const (
	zigEmpty zigKind = iota // padding after both stacks: always rejects
	zigBase                 // rectangle [0, fastBelow) plus the tail
	zigLayer                // rectangle between heights lo and hi
)

// zigCold is what the slow path reads.
type zigCold struct {
	kind       zigKind
	side       int     // 0: right of the mode, 1: left
	width      float64 // distance from the mode, unscaled
	fastBelow  float64 // wholly under the density below this distance
	lo, hi     float64 // heights (zigLayer)
	tailAccept float64 // zigBase: tail mass / area of the base beyond fastBelow
}

// newLognormalTable builds the table for exp(mu + sigma·N(0,1)).
func newLognormalTable(mu, sigma float64) (*lognormalTable, error) {
	if !(sigma > 0) || math.IsInf(sigma, 0) || math.IsNaN(mu) || math.IsInf(mu, 0) {
		return nil, errors.New("lognormal needs a finite mu and a sigma > 0")
	}
	shape, err := lognormalShapeOf(sigma)
	if err != nil {
		return nil, err
	}
	t := &lognormalTable{lognormalShape: shape, scale: math.Exp(mu) * 1e9}
	t.modeNs = shape.mode * t.scale
	for i, c := range shape.cold {
		if c.kind == zigEmpty {
			continue // fast 0: always rejected
		}
		sign := 1.0
		if c.side == 1 {
			sign = -1
		}
		t.hot[i] = zigHot{
			fast: uint64(math.Floor(c.fastBelow / c.width * (1 << 53))),
			step: sign * c.width * t.scale / (1 << 53),
		}
	}
	return t, nil
}

// A shape takes about 10ms to build and every scenario load builds the
// profile's lognormals: keep the first 64 (57 KB each).
var shapes struct {
	sync.Mutex
	m map[float64]*lognormalShape
}

func lognormalShapeOf(sigma float64) (*lognormalShape, error) {
	shapes.Lock()
	s, ok := shapes.m[sigma]
	shapes.Unlock()
	if ok {
		return s, nil
	}
	s, err := newLognormalShape(sigma)
	if err != nil {
		return nil, err
	}
	shapes.Lock()
	defer shapes.Unlock()
	if shapes.m == nil {
		shapes.m = make(map[float64]*lognormalShape)
	}
	if len(shapes.m) < 64 {
		shapes.m[sigma] = s
	}
	return s, nil
}

func newLognormalShape(sigma float64) (*lognormalShape, error) {
	t := &lognormalShape{sigma: sigma, mode: math.Exp(-sigma * sigma)}
	sides := [2]lnSide{{sigma: sigma, m: t.mode}, {sigma: sigma, m: t.mode, left: true}}
	var specs [2][]zigCold
	fits := func(v float64) bool {
		right, ok := sides[0].stack(v, zigLayers-1, specs[0][:0])
		if !ok {
			return false
		}
		left, ok := sides[1].stack(v, zigLayers-len(right), specs[1][:0])
		specs[0], specs[1] = right, left
		return ok
	}
	// The smallest common area with both stacks within zigLayers: the
	// total area is then as close to 1 as the layer count allows.
	// v only sets the efficiency, not the exactness: 24 halvings of a
	// bracket [1/L, 2/L] are plenty.
	lo, hi := 1.0/zigLayers, 2.0/zigLayers
	for !fits(hi) && hi < 1 {
		lo, hi = hi, 2*hi
	}
	for i := 0; i < 24; i++ {
		if mid := (lo + hi) / 2; fits(mid) {
			hi = mid
		} else {
			lo = mid
		}
	}
	if !fits(hi) {
		return nil, errors.New("lognormal: sigma out of range for the sampler")
	}
	i := 0
	for s, stack := range specs {
		t.layers[s] = len(stack)
		t.tailA[s] = sides[s].tailThreshold(stack[0].fastBelow)
		i += copy(t.cold[i:], stack)
	}
	return t, nil // layers i… stay zigEmpty
}

// sample draws one value in nanoseconds (+Inf possible in the far tail).
func (t *lognormalTable) sample(r *sim.Rand) float64 {
	for {
		u := r.Uint64()
		i := u & (zigLayers - 1)
		u53 := u >> 11
		h := &t.hot[i]
		if u53 < h.fast {
			return t.modeNs + float64(u53)*h.step
		}
		if x, ok := t.slow(r, i, u53); ok {
			return x
		}
	}
}

func (t *lognormalTable) slow(r *sim.Rand, i, u53 uint64) (float64, bool) {
	c := &t.cold[i]
	d := float64(u53) * c.width / (1 << 53)
	x := t.mode + d
	if c.side == 1 {
		x = t.mode - d
	}
	switch {
	case c.kind == zigEmpty:
		return 0, false
	case d < c.fastBelow: // the fast bound is rounded down to 53 bits
		return x * t.scale, true
	case c.kind == zigBase:
		if r.Float64() >= c.tailAccept {
			return 0, false
		}
		z := normalTail(r, t.tailA[c.side])
		if c.side == 1 {
			z = -z
		}
		return math.Exp(t.sigma*z) * t.scale, true
	}
	if c.lo+r.Float64()*(c.hi-c.lo) >= lognormalPDF(x, t.sigma) {
		return 0, false
	}
	return x * t.scale, true
}

// normalTail draws a standard normal conditioned on exceeding a
// (Marsaglia's tail method for a ≥ 1); by symmetry it serves either side.
func normalTail(r *sim.Rand, a float64) float64 {
	if a < 1 {
		for {
			if z := r.NormFloat64(); z > a {
				return z
			}
		}
	}
	for {
		x := -math.Log(1-r.Float64()) / a
		y := -math.Log(1 - r.Float64())
		if 2*y > x*x {
			return a + x
		}
	}
}

// lognormalPDF is the standard lognormal density with shape sigma.
func lognormalPDF(x, sigma float64) float64 {
	if !(x > 0) {
		return 0
	}
	l := math.Log(x)
	return math.Exp(-l*l/(2*sigma*sigma)) / (x * sigma * math.Sqrt(2*math.Pi))
}

// lnSide is one side of the standard lognormal's mode m, in distance d ≥ 0
// from it; its density g(d) decreases in d.
type lnSide struct {
	sigma, m float64
	left     bool
}

func (s lnSide) x(d float64) float64 {
	if s.left {
		return s.m - d
	}
	return s.m + d
}

func (s lnSide) g(d float64) float64 { return lognormalPDF(s.x(d), s.sigma) }

func (s lnSide) peak() float64 { return s.g(0) }

// inv is the distance at which the density falls to y (0 at or above the
// peak). With u = ln x, the density is y where u + u²/2σ² = -ln(yσ√2π),
// a quadratic with its two roots either side of the mode.
func (s lnSide) inv(y float64) float64 {
	s2 := s.sigma * s.sigma
	c := -math.Log(y * s.sigma * math.Sqrt(2*math.Pi))
	disc := 1 + 2*c/s2
	if !(disc > 0) {
		return 0
	}
	if s.left {
		return math.Max(0, s.m-math.Exp(-s2*(1+math.Sqrt(disc))))
	}
	return math.Max(0, math.Exp(s2*(math.Sqrt(disc)-1))-s.m)
}

// tailMass is the probability beyond distance d on this side.
func (s lnSide) tailMass(d float64) float64 {
	return math.Erfc(s.tailThreshold(d)/math.Sqrt2) / 2
}

// tailThreshold is a with the side's tail beyond distance r being |z| > a.
func (s lnSide) tailThreshold(r float64) float64 {
	x := s.x(r)
	if x <= 0 {
		return math.Inf(1)
	}
	a := math.Log(x) / s.sigma
	if s.left {
		return -a
	}
	return a
}

// Relative and absolute margins (in units of the mode) by which widths are
// widened and fast bounds narrowed: far above the build's rounding error,
// far below anything a sample can show.
const zigMargin = 1e-12

// stack builds this side's layers of area v, at most max of them; ok is
// false when the side needs more.
func (s lnSide) stack(v float64, max int, out []zigCold) ([]zigCold, bool) {
	side := 0
	if s.left {
		side = 1
	}
	// The base: the smallest r with r·g(r) + tail(r) < v (that sum falls
	// as r grows), so the tail fits in the base's area beyond r.
	limit := v * (1 - zigMargin)
	base := func(r float64) float64 { return r*s.g(r) + s.tailMass(r) }
	r := 0.0
	if base(0) > limit {
		lo, hi := 0.0, s.m
		for !s.left && base(hi) > limit {
			hi *= 2
		}
		for i := 0; i < 200 && lo < hi; i++ {
			mid := (lo + hi) / 2
			if mid == lo || mid == hi {
				break
			}
			if base(mid) > limit {
				lo = mid
			} else {
				hi = mid
			}
		}
		r = hi
	}
	y := s.g(r)
	if r == 0 {
		y = s.peak()
	}
	if !(y > 0) {
		return out, false
	}
	out = append(out, zigCold{
		kind: zigBase, side: side, width: v / y, fastBelow: r, hi: y,
		tailAccept: s.tailMass(r) / (v - r*y),
	})
	peak := s.peak()
	for first := true; y < peak; first = false {
		if len(out) == max {
			return out, false
		}
		w := s.inv(y)*(1+zigMargin) + zigMargin*s.m
		if first && w < r {
			w = r // the density is at y exactly at r
		}
		next := y + v/w
		fast := 0.0
		if next < peak {
			fast = math.Max(0, s.inv(next)*(1-zigMargin)-zigMargin*s.m)
		}
		out = append(out, zigCold{kind: zigLayer, side: side, width: w, fastBelow: fast, lo: y, hi: next})
		y = next
	}
	return out, len(out) <= max
}
