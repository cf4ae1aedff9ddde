package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"
)

// newRootCmd builds the command tree, printing to stdout and stderr.
func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "nodesim",
		Short: "Simulate Kubernetes node-lifecycle timing",
		Long: `nodesim is a discrete-event simulator of Kubernetes node heartbeats: kubelet
status and lease loops, the apiserver and etcd, and the node lifecycle
controller. It estimates how often healthy nodes are falsely marked NotReady
and how fast real failures are detected, for any release profile and settings.`,
		Example: `  nodesim run                                     # built-in default scenario
  nodesim run grace-sweep --out review/           # results, CSV, report and charts
  nodesim run my.toml --set controller.node-monitor-grace-period=30s,40s,50s --format json
  nodesim check my.toml                           # effective parameters and their sources
  nodesim scenarios show default > my.toml        # start from a built-in
  nodesim plot review/results.json --out review/`,
		Version:           version,
		SilenceUsage:      true,
		SilenceErrors:     true,
		Args:              cobra.ArbitraryArgs,
		ValidArgsFunction: cobra.NoFileCompletions,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return unknownCommand(cmd, args[0])
			}
			return cmd.Help()
		},
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return badInputf("%v (see '%s --help')", err, c.CommandPath())
	})
	root.AddCommand(newRunCmd(), newRecommendCmd(), newMergeCmd(), newCheckCmd(), newCalibrateCmd(), newImportCmd(), newScenariosCmd(), newPlotCmd())
	return root
}

func unknownCommand(cmd *cobra.Command, name string) error {
	msg := "unknown command \"" + name + "\""
	if s := cmd.SuggestionsFor(name); len(s) > 0 {
		msg += "; did you mean " + strings.Join(s, " or ") + "?"
	}
	return badInputf("%s (see 'nodesim --help')", msg)
}

// argsBetween accepts between lo and hi positional arguments, as bad
// input otherwise.
func argsBetween(lo, hi int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < lo || len(args) > hi {
			want := fmt.Sprintf("%d to %d arguments", lo, hi)
			switch {
			case lo == 0 && hi == 1:
				want = "at most one argument"
			case lo == 1 && hi == 1:
				want = "exactly one argument"
			}
			return badInputf("%s takes %s, got %d (see '%s --help')", cmd.CommandPath(), want, len(args), cmd.CommandPath())
		}
		return nil
	}
}
