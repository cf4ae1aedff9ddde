package main

import (
	"encoding/json"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/nodesim/nodesim/cmd/nodesim/internal/outdir"
	"github.com/nodesim/nodesim/cmd/nodesim/internal/progress"
	"github.com/nodesim/nodesim/cmd/nodesim/internal/shard"
	"github.com/nodesim/nodesim/model"
	"github.com/nodesim/nodesim/scenarios"
	"github.com/nodesim/nodesim/sim"
)

// shardFlag checks --shard and the flags it needs or excludes; nil when
// the run is not sharded.
func shardFlag(cmd *cobra.Command, o *runOptions) (*shard.Spec, error) {
	if !cmd.Flags().Changed("shard") {
		return nil, nil
	}
	sp, err := shard.ParseSpec(o.shard)
	if err != nil {
		return nil, badInputf("--shard %v", err)
	}
	if o.out == "" {
		return nil, badInputf("--shard needs --out DIR, where it writes %s", sp.FileName())
	}
	if o.trace != "" {
		return nil, badInputf("--shard cannot be combined with --trace, which records one replication of an unsharded run")
	}
	return &sp, nil
}

// runShard runs shard sp's units of sc and writes its partial result into
// --out, replacing a previous attempt's whole (a retried pod is harmless).
// command is what the unsharded run would record.
func runShard(cmd *cobra.Command, o *runOptions, sc *scenarios.Scenario, sp shard.Spec, command string, baseline, tlPoint map[string]string) error {
	run := &shard.Run{Header: *resultsHeader(sc)}
	run.Header.Baseline = baseline
	run.Header.TimelinePoint = tlPoint
	for _, p := range sc.Points {
		run.Points = append(run.Points, shard.RunPoint{Config: p.Config, Params: p.Params})
	}
	runBytes, digest, err := shard.EncodeRun(run)
	if err != nil {
		return err
	}
	units := shard.Plan(run.Configs(), sp.Count)[sp.Index]
	states, err := runUnits(cmd, o, run, units)
	if err != nil {
		return err
	}
	part := shard.Partial{
		Format: shard.Format, NodesimVersion: version, StateLayout: model.StateLayout(), Platform: shard.Platform(),
		Scenario: sc.Name, ScenarioDigest: digest, Seed: sc.Base.Simulation.Seed,
		Shard: sp.Index, Shards: sp.Count, Command: command, Run: runBytes, Units: states,
		UnitsDigest: shard.UnitsDigestOf(states),
	}
	data, err := json.Marshal(&part)
	if err != nil {
		return err
	}
	if err := outdir.Write(o.out, []outdir.File{{Name: sp.FileName(), Data: append(data, '\n')}}); err != nil {
		return fmt.Errorf("writing %s: %w", o.out, err)
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "nodesim: shard %s: %d of %d units, written to %s\n",
		sp, len(units), len(shard.Units(run.Configs())), filepath.Join(o.out, sp.FileName()))
	return nil
}

// runUnits runs the replications on o.workers goroutines, then each
// rare-event estimate on as many, and encodes every unit's state.
func runUnits(cmd *cobra.Command, o *runOptions, run *shard.Run, units []shard.Unit) ([]shard.UnitState, error) {
	var reps []int // indices into units
	for i, u := range units {
		if !u.Rare {
			reps = append(reps, i)
		}
	}
	bar := progress.New(cmd.ErrOrStderr(), len(reps), o.quiet)
	defer bar.Done()
	ctx := cmd.Context()
	type result struct {
		state []byte
		err   error
	}
	done, err := sim.Replicate(ctx, len(reps), o.workers, func(k int) result {
		u := units[reps[k]]
		m, err := model.Simulate(ctx, run.Points[u.Point].Config, u.Replication)
		if err != nil {
			return result{err: err}
		}
		b, err := m.MarshalBinary()
		return result{b, err}
	}, func(int) { bar.Add() })
	if err != nil {
		return nil, err
	}
	states := make([]shard.UnitState, len(units))
	for k, r := range done {
		if r.err != nil {
			return nil, r.err
		}
		states[reps[k]] = shard.NewUnitState(units[reps[k]], r.state)
	}
	for i, u := range units {
		if !u.Rare {
			continue
		}
		e, err := model.EstimateRare(ctx, run.Points[u.Point].Config, o.workers, bar.Step)
		if err != nil {
			return nil, err
		}
		b, err := e.MarshalBinary()
		if err != nil {
			return nil, err
		}
		states[i] = shard.NewUnitState(u, b)
	}
	return states, nil
}
