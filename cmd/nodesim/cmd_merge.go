package main

import (
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nodesim/nodesim/cmd/nodesim/internal/outdir"
	"github.com/nodesim/nodesim/cmd/nodesim/internal/shard"
	"github.com/nodesim/nodesim/internal/readfile"
)

// maxPartialFile bounds what merge reads of one partial result: a
// replication's state takes tens of KB, so a shard of the largest sweep
// fits.
const maxPartialFile = 1 << 30

func newMergeCmd() *cobra.Command {
	var out, format string
	cmd := &cobra.Command{
		Use:   "merge PARTIAL...",
		Short: "Merge the partial results of a sharded run (nodesim run --shard)",
		Long: `Merge reads the partial results that 'nodesim run SCENARIO --shard I/N --out DIR'
wrote for I = 0 to N-1 (in any order), checks that they are one run (same
nodesim, scenario and --set, seed and N) with every shard exactly once, and
prints the summary, as 'nodesim run SCENARIO' does; --out writes
results.json, results.csv, report.md and the charts. They are byte for byte
what the unsharded run writes, its recorded command included: the command
that reruns the whole result on one machine.`,
		Example: `  for i in 0 1 2; do nodesim run grace-sweep --shard $i/3 --out parts/ & done; wait
  nodesim merge parts/partial-*-of-3.json --out review/`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return badInputf("merge needs the partial results to merge (see 'nodesim merge --help')")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			if !slices.Contains(formats, format) {
				return badInputf("--format %q: want one of %s", format, strings.Join(formats, ", "))
			}
			if out != "" {
				if err := outdir.Check(out); err != nil {
					return badInputf("--out %v", err)
				}
			}
			var parts []shard.Named
			for _, path := range args {
				data, err := readfile.Regular(path, maxPartialFile)
				if err != nil {
					return badInputf("%s: %v", path, err)
				}
				p, run, err := shard.Decode(data)
				if err != nil {
					return badInputf("%s: %v", path, err)
				}
				parts = append(parts, shard.Named{Path: path, Partial: p, Run: run})
			}
			if err := shard.Check(parts); err != nil {
				return badInput(err)
			}
			res, err := shard.Merge(parts)
			if err != nil {
				return badInput(err)
			}
			if out != "" {
				if err := writeOut(out, res); err != nil {
					return err
				}
			}
			return printResults(cmd.OutOrStdout(), format, res)
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "write results.json, results.csv, report.md and charts into `DIR`")
	cmd.Flags().StringVar(&format, "format", "text", "output format: "+strings.Join(formats, ", "))
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions(formats, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}
