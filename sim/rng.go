package sim

import (
	"hash/fnv"
	"math/rand/v2"
)

// StreamKey names one random stream. Streams with the same key produce the
// same numbers; streams with different keys are statistically independent.
// Keying by component and node (not by draw order) keeps a node's
// randomness unchanged when another component starts drawing more numbers,
// which is what common random numbers across sweep points and cloned
// trajectories for rare-event splitting rely on.
type StreamKey struct {
	Seed        uint64
	Replication int
	Component   string
	Node        int
	// Branch names an alternative future of the same stream: a rare-event
	// estimator's batch or excursion. Branch 0 is the stream itself, so
	// keys that leave it unset keep their numbers.
	Branch uint64
}

// PCG returns the PCG generator state for k. rand.PCG is a plain value, so
// copying it clones the stream.
func (k StreamKey) PCG() rand.PCG {
	h := fnv.New64a()
	h.Write([]byte(k.Component))
	c := h.Sum64()
	s1 := mix(k.Seed ^ mix(uint64(k.Replication)+0x9e3779b97f4a7c15))
	s2 := mix(c ^ mix(uint64(int64(k.Node))+0xbf58476d1ce4e5b9) ^ s1)
	if k.Branch != 0 {
		s2 = mix(s2 ^ mix(k.Branch+0x94d049bb133111eb))
	}
	return *rand.NewPCG(s1, s2)
}

// mix is splitmix64's finaliser: it spreads nearby integers (replication 1
// and 2, node 17 and 18) over the whole 64-bit space.
func mix(z uint64) uint64 {
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}
