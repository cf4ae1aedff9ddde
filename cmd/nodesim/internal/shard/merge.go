package shard

import (
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/nodesim/nodesim/model"
)

// Named is a decoded partial result and the file it came from.
type Named struct {
	Path    string
	Partial *Partial
	Run     *Run
}

// Check reports whether the partials are the whole of one run: the same
// nodesim, platform, scenario digest, seed, shard count and command, and
// each shard exactly once. Its error names the missing and duplicated
// shards, and the command that re-runs the missing ones.
func Check(parts []Named) error {
	if len(parts) == 0 {
		return fmt.Errorf("no partial results given")
	}
	first := parts[0]
	f := first.Partial
	for _, n := range parts[1:] {
		p := n.Partial
		differ := func(what string, a, b any) error {
			return fmt.Errorf("%s: %s %v, but %s has %v: partial results of different runs", n.Path, what, b, first.Path, a)
		}
		switch {
		case p.NodesimVersion != f.NodesimVersion:
			return differ("nodesim version", f.NodesimVersion, p.NodesimVersion)
		case p.Platform != f.Platform:
			return fmt.Errorf("%s: run on %s, but %s on %s: floating point may round differently there, so the shards would not add up to one run; run every shard on one platform (the Job's nodeSelector)",
				n.Path, p.Platform, first.Path, f.Platform)
		case p.Seed != f.Seed:
			return differ("seed", f.Seed, p.Seed)
		case p.ScenarioDigest != f.ScenarioDigest:
			return fmt.Errorf("%s: scenario %s (digest %.19s…), but %s has scenario %s (digest %.19s…): partial results of different scenarios or --set",
				n.Path, p.Scenario, p.ScenarioDigest, first.Path, f.Scenario, f.ScenarioDigest)
		case p.Shards != f.Shards:
			return differ("shard count", f.Shards, p.Shards)
		case p.Command != f.Command:
			return differ("command", strconv.Quote(f.Command), strconv.Quote(p.Command))
		}
	}
	seen := make([][]string, f.Shards)
	for _, n := range parts {
		seen[n.Partial.Shard] = append(seen[n.Partial.Shard], n.Path)
	}
	var missing, twice []string
	for i, paths := range seen {
		switch {
		case len(paths) == 0:
			missing = append(missing, strconv.Itoa(i))
		case len(paths) > 1:
			twice = append(twice, fmt.Sprintf("%d (%s)", i, strings.Join(paths, ", ")))
		}
	}
	var msgs []string
	if len(missing) > 0 {
		msgs = append(msgs, fmt.Sprintf("missing shard %s of %d; re-run each with: %s --shard I/%d --out DIR",
			strings.Join(missing, ", "), f.Shards, f.Command, f.Shards))
	}
	if len(twice) > 0 {
		msgs = append(msgs, "shard given more than once: "+strings.Join(twice, "; "))
	}
	if len(msgs) > 0 {
		return fmt.Errorf("%s", strings.Join(msgs, "; "))
	}
	return nil
}

// Merge finishes every point from the units of parts, which Check
// accepted, in the order the unsharded run does, and returns the
// results document that run writes.
func Merge(parts []Named) (*model.Results, error) {
	sort.Slice(parts, func(i, j int) bool { return parts[i].Partial.Shard < parts[j].Partial.Shard })
	run := parts[0].Run
	byUnit := map[Unit][]byte{}
	from := map[Unit]string{}
	for _, n := range parts {
		for i := range n.Partial.Units {
			s := &n.Partial.Units[i]
			byUnit[s.Unit()], from[s.Unit()] = s.State, n.Path
		}
	}
	res := run.Header
	res.Command = parts[0].Partial.Command
	res.Points = make([]model.Point, 0, len(run.Points))
	for pi, rp := range run.Points {
		cfg := rp.Config
		reps := make([]*model.Replication, cfg.Simulation.Replications)
		for rep := range reps {
			reps[rep] = new(model.Replication)
			if err := reps[rep].UnmarshalBinary(byUnit[Unit{Point: pi, Replication: rep}]); err != nil {
				u := Unit{Point: pi, Replication: rep}
				return nil, fmt.Errorf("%s: point %d, replication %d: %w", from[u], pi, rep, err)
			}
		}
		var rare *model.RareEstimate
		if cfg.Simulation.Method == model.MethodRare {
			var err error
			if rare, err = model.UnmarshalRareEstimate(cfg, byUnit[Unit{Point: pi, Rare: true}]); err != nil {
				return nil, fmt.Errorf("%s: point %d, rare-event estimate: %w", from[Unit{Point: pi, Rare: true}], pi, err)
			}
		}
		pt := model.FinishPoint(cfg, reps, rare)
		pt.Params = rp.Params
		res.Points = append(res.Points, pt)
	}
	return &res, nil
}
