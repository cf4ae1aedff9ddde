package main

import (
	"fmt"
	"os"
	"path/filepath"
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
		Use:   "merge PARTIAL|DIR...",
		Short: "Merge the partial results of a sharded run (nodesim run --shard)",
		Long: `Merge reads the partial results that 'nodesim run SCENARIO --shard I/N --out DIR'
wrote for I = 0 to N-1 (in any order; a DIR stands for its partial-*-of-*.json
files, so a container without a shell can name the shared volume), checks that they are one run (same
nodesim, scenario and --set, seed and N) with every shard exactly once, and
prints the summary, as 'nodesim run SCENARIO' does; --out writes
results.json, results.csv, report.md and the charts. They are byte for byte
what the unsharded run writes, its recorded command included: the command
that reruns the whole result on one machine.`,
		Example: `  for i in 0 1 2; do nodesim run grace-sweep --shard $i/3 --out parts/ & done; wait
  nodesim merge parts/partial-*-of-3.json --out review/
  nodesim merge parts/ --out review/`,
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
			paths, err := partialPaths(args)
			if err != nil {
				return badInput(err)
			}
			var parts []shard.Named
			for _, path := range paths {
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
			if here := shard.Platform(); parts[0].Partial.Platform != here {
				fmt.Fprintf(cmd.ErrOrStderr(), "nodesim: warning: the shards ran on %s, this merge on %s: the figures are right but may differ in their last bits from an unsharded run there\n",
					parts[0].Partial.Platform, here)
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

// partialPaths expands each directory argument into the partial results
// in it, in name order.
func partialPaths(args []string) ([]string, error) {
	var paths []string
	for _, a := range args {
		fi, err := os.Stat(a)
		if err != nil || !fi.IsDir() {
			paths = append(paths, a) // reading it reports what is wrong
			continue
		}
		found, err := filepath.Glob(filepath.Join(a, "partial-*-of-*.json"))
		if err != nil {
			return nil, err
		}
		if len(found) == 0 {
			return nil, fmt.Errorf("%s: no partial results (partial-I-of-N.json) in it", a)
		}
		paths = append(paths, found...)
	}
	return paths, nil
}
