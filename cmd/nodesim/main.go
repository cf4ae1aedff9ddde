// Command nodesim simulates Kubernetes node-lifecycle timing: how often
// healthy nodes are falsely marked NotReady, how fast real failures are
// detected, under a scenario's kubelet, apiserver and controller settings.
//
//	nodesim run                                  # the built-in default scenario
//	nodesim run grace-sweep --out review/        # results.json, results.csv, report.md, charts
//	nodesim check my.toml                        # effective parameters and their sources
//
// main only wires signals and the exit status; run is the testable CLI.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// version is the nodesim version written into every results document.
var version = "0.1.0-dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Stdout, os.Stderr, os.Args[1:])
	stop()
	os.Exit(exitStatus(os.Stderr, err))
}

// run executes the nodesim command line args.
func run(ctx context.Context, stdout, stderr io.Writer, args []string) error {
	root := newRootCmd(stdout, stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err != nil && ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		return errors.New("interrupted; no output written")
	}
	return err
}

// exitStatus prints err once and maps it to the exit status: 0 ok, 2 bad
// input or usage, 1 anything else.
func exitStatus(stderr io.Writer, err error) int {
	if err == nil {
		return 0
	}
	fmt.Fprintf(stderr, "nodesim: %v\n", err)
	if isBadInput(err) {
		return 2
	}
	return 1
}
