package main

import (
	"bufio"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/nodesim/nodesim/cmd/nodesim/internal/outdir"
	"github.com/nodesim/nodesim/model"
	"github.com/nodesim/nodesim/scenarios"
)

// traceFile is --trace: one replication's trace streamed into a pending
// file, renamed into place only after the whole run succeeded.
type traceFile struct {
	f   *outdir.Pending
	buf *bufio.Writer
	rep int
}

// startTrace checks --trace and --trace-replication against the scenario
// and opens the file; nil when there is no --trace.
func startTrace(cmd *cobra.Command, o *runOptions, sc *scenarios.Scenario) (*traceFile, error) {
	if o.trace == "" {
		if cmd.Flags().Changed("trace-replication") {
			return nil, badInputf("--trace-replication needs --trace")
		}
		return nil, nil
	}
	if n := len(sc.Points); n != 1 {
		return nil, badInputf("--trace records one run, but the scenario sweeps %d points: pin the swept keys with --set", n)
	}
	if reps := sc.Points[0].Config.Simulation.Replications; o.traceRep < 0 || o.traceRep >= reps {
		return nil, badInputf("--trace-replication must be in [0, %d) (simulation.replications = %d), got %d", reps, reps, o.traceRep)
	}
	f, err := outdir.Create(o.trace)
	if err != nil {
		return nil, badInputf("--trace %v", err)
	}
	return &traceFile{f: f, buf: bufio.NewWriterSize(f, 1<<20), rep: o.traceRep}, nil
}

// spec is what the model needs; nil without --trace.
func (t *traceFile) spec() *model.Trace {
	if t == nil {
		return nil
	}
	return &model.Trace{Replication: t.rep, W: t.buf}
}

func (t *traceFile) commit() error {
	if t == nil {
		return nil
	}
	err := t.buf.Flush()
	if err == nil {
		err = t.f.Commit()
	}
	if err != nil {
		return fmt.Errorf("writing trace: %w", err)
	}
	return nil
}

// abort removes the file unless it was committed; safe on nil.
func (t *traceFile) abort() {
	if t != nil {
		t.f.Abort()
	}
}
