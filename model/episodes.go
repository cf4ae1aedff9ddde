package model

import "math"

// False NotReady come in episodes: one incident (an etcd election, a
// stalled apiserver, a slow pass) flips many nodes at once, so the counts
// are overdispersed and their variance comes from the episodes, not from
// the number of events. Rule: a false NotReady in the same monitor pass
// as the cluster's previous one, or in the next pass, joins its episode;
// else it starts one. Passes, not a time window: one cause's flips land
// in consecutive passes (heartbeats cross the grace period within a
// heartbeat interval of each other, and the pass sees them a period
// apart) however long a pass takes or a leader failover pauses them, and
// two independent flips share an episode only when they fall in
// adjacent passes. Those chance pairs would widen the interval of
// independent events (by 12% at a flip every 10 passes), so variance
// subtracts their expected share, known in closed form for a Poisson
// stream of flips (chanceExcess).
//
// Memory is O(1): running sums per replication, and the last few
// episodes still open (their endpoint loss and evictions arrive when
// their nodes recover or are evicted, minutes later) in a fixed ring.

// openEpisodes is how many recent episodes can still collect endpoint
// loss and evictions. A contribution to an older one counts as an
// episode of its own: the variance is then slightly low, never the mean.
const openEpisodes = 64

// episodeSlot is one open episode's totals.
type episodeSlot struct {
	seq             int64 // 0: empty
	size, hits      int64 // false NotReady, and node-day cells they hit
	evictions       int64 // pods
	endpointSeconds float64
}

// episodes accumulates, per replication, the count of episodes, the
// largest, and Σ x² over episodes of each clustered total x (Σ x is the
// total the metrics keep anyway).
type episodes struct {
	count, largest int64
	passes         int64 // passes started after warmup
	sizeSq, hitsSq float64
	evictionsSq    float64
	endpointSq     float64
	// Σ x² over single events, the variance were they independent.
	evictionEventSq, endpointEventSq float64
	lastPass, seq                    int64
	open                             []episodeSlot
}

func (e *episodes) reset() {
	open := e.open
	clear(open)
	*e = episodes{open: open}
}

// flip records a false NotReady in pass pass that hit a new node-day cell
// or not, and returns its episode.
func (e *episodes) flip(pass int64, hit bool) int64 {
	if e.seq == 0 || pass > e.lastPass+1 {
		e.seq++
		e.count++
		if e.open == nil {
			e.open = make([]episodeSlot, openEpisodes)
		}
		s := &e.open[e.seq%openEpisodes]
		e.close(s)
		s.seq = e.seq
	}
	e.lastPass = pass
	s := &e.open[e.seq%openEpisodes]
	s.size++
	if hit {
		s.hits++
	}
	e.largest = max(e.largest, s.size)
	return e.seq
}

// slot is seq's open episode, or nil when it is closed.
func (e *episodes) slot(seq int64) *episodeSlot {
	if seq <= 0 || e.open == nil { // 0: none; below: a wrapped int32
		return nil
	}
	if s := &e.open[seq%openEpisodes]; s.seq == seq {
		return s
	}
	return nil
}

// endpoint adds pod-seconds of endpoint loss to episode seq.
func (e *episodes) endpoint(seq int64, podSeconds float64) {
	e.endpointEventSq += podSeconds * podSeconds
	if s := e.slot(seq); s != nil {
		s.endpointSeconds += podSeconds
		return
	}
	e.endpointSq += podSeconds * podSeconds
}

// evicted adds pods evicted from a healthy node to episode seq (0: the
// node's NotReady was not counted, e.g. it began in warmup).
func (e *episodes) evicted(seq, pods int64) {
	e.evictionEventSq += float64(pods * pods)
	if s := e.slot(seq); s != nil {
		s.evictions += pods
		return
	}
	e.evictionsSq += float64(pods * pods)
}

func (e *episodes) close(s *episodeSlot) {
	if s.seq == 0 {
		return
	}
	sq := func(x float64) float64 { return x * x }
	e.sizeSq += sq(float64(s.size))
	e.hitsSq += sq(float64(s.hits))
	e.evictionsSq += sq(float64(s.evictions))
	e.endpointSq += sq(s.endpointSeconds)
	*s = episodeSlot{}
}

// finish closes every open episode at the end of the run.
func (e *episodes) finish() {
	for i := range e.open {
		e.close(&e.open[i])
	}
}

// merge adds o's closed sums to e (replications are independent).
func (e *episodes) merge(o *episodes) {
	e.count += o.count
	e.passes += o.passes
	e.evictionEventSq += o.evictionEventSq
	e.endpointEventSq += o.endpointEventSq
	e.largest = max(e.largest, o.largest)
	e.sizeSq += o.sizeSq
	e.hitsSq += o.hitsSq
	e.evictionsSq += o.evictionsSq
	e.endpointSq += o.endpointSq
}

// variance is the clustered variance of a total sum of marks over
// events false NotReady: Σ over episodes of the episode's total squared
// (episodeSq), less the pairs that share an episode by chance, at least
// eventSq (Σ x² over single events: as if independent).
func (e *episodes) variance(sum, episodeSq, eventSq float64, events int64) float64 {
	if events == 0 || e.passes == 0 {
		return episodeSq
	}
	chance := chanceExcess(float64(events)/float64(e.passes)) * sum * sum / float64(events)
	return max(episodeSq-chance, eventSq)
}

// chanceExcess is E[S²]/E[S] − 1 for the episodes the pass rule makes of
// independent flips, a Poisson(λ) number in each pass: the excess of Σ s²
// over Σ s that is chance alone. An episode is a run of L consecutive
// non-empty passes, L geometric with continuation q = 1 − e^−λ, each
// holding a zero-truncated Poisson count Y, so by renewal-reward
//
//	E[S²]/E[S] = Var Y / E Y + E Y · (1+q)/(1−q)
//
// (about 3λ for small λ). A marked total's chance share is the same
// excess times (Σ x)²/N: pairs of marks instead of pairs of events.
func chanceExcess(lambda float64) float64 {
	if !(lambda > 0) {
		return 0
	}
	q := -math.Expm1(-lambda)
	if q >= 1 {
		return math.Inf(1)
	}
	ey := lambda / q
	vy := (lambda+lambda*lambda)/q - ey*ey
	return vy/ey + ey*(1+q)/(1-q) - 1
}
