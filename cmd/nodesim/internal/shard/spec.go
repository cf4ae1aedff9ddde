// Package shard splits a scenario's work into units for a sharded run
// (nodesim run --shard I/N, one Kubernetes Indexed Job pod per shard) and
// defines the partial result each shard writes and nodesim merge reads.
//
// A unit is one replication of a point, or one point's rare-event
// estimate; each depends only on its identity (its random streams are
// keyed by seed, point configuration and replication), so which process
// runs it cannot change a bit of it. Plan deals the units to shards;
// merge finishes every point from its units in the unsharded order.
package shard

import (
	"fmt"
	"strconv"
	"strings"
)

// Spec is shard Index of Count, as --shard I/N gives it.
type Spec struct{ Index, Count int }

// MaxCount bounds N: more shards than this is almost surely a typo.
const MaxCount = 100000

// ParseSpec reads "I/N" with 0 <= I < N.
func ParseSpec(s string) (Spec, error) {
	i, n, ok := strings.Cut(s, "/")
	if !ok {
		return Spec{}, fmt.Errorf("%q: want I/N, shard I (from 0) of N", s)
	}
	index, err1 := strconv.Atoi(i)
	count, err2 := strconv.Atoi(n)
	switch {
	case err1 != nil || err2 != nil:
		return Spec{}, fmt.Errorf("%q: want I/N with whole numbers, shard I (from 0) of N", s)
	case count < 1 || count > MaxCount:
		return Spec{}, fmt.Errorf("%q: N must be 1 to %d, got %d", s, MaxCount, count)
	case index < 0 || index >= count:
		return Spec{}, fmt.Errorf("%q: I must be 0 to N-1 = %d, got %d", s, count-1, index)
	}
	return Spec{index, count}, nil
}

func (s Spec) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Count) }

// FileName is the partial result file of the shard.
func (s Spec) FileName() string { return fmt.Sprintf("partial-%d-of-%d.json", s.Index, s.Count) }
