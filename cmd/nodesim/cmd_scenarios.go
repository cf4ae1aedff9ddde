package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/nodesim/nodesim/scenarios"
)

func newScenariosCmd() *cobra.Command {
	list := func(cmd *cobra.Command, _ []string) error {
		tw := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tSTORY")
		for _, b := range scenarios.Builtins() {
			fmt.Fprintf(tw, "%s\t%s\n", b.Name, firstSentence(b.Description, 90))
		}
		return tw.Flush()
	}
	cmd := &cobra.Command{
		Use:   "scenarios",
		Short: "List the built-in scenarios, or show one",
		Example: `  nodesim scenarios
  nodesim scenarios show grace-sweep > my.toml`,
		Args: argsBetween(0, 0),
		RunE: list,
	}
	cmd.AddCommand(&cobra.Command{
		Use:   "list",
		Short: "List the built-in scenarios",
		Args:  argsBetween(0, 0),
		RunE:  list,
	}, &cobra.Command{
		Use:               "show NAME",
		Short:             "Print a built-in scenario's TOML, to copy and edit",
		Args:              argsBetween(1, 1),
		ValidArgsFunction: completeScenario,
		RunE: func(cmd *cobra.Command, args []string) error {
			text, ok := scenarios.BuiltinSource(args[0])
			if !ok {
				return badInputf("no built-in scenario %q; one of %s", args[0], strings.Join(scenarios.BuiltinNames(), ", "))
			}
			_, err := cmd.OutOrStdout().Write(text)
			return err
		},
	})
	return cmd
}

// firstSentence shortens a story to its first sentence, at most width
// characters.
func firstSentence(s string, width int) string {
	if i := strings.Index(s, ". "); i >= 0 {
		s = s[:i+1]
	}
	if len(s) > width {
		cut := strings.LastIndexByte(s[:width-3], ' ')
		if cut < width/2 {
			cut = width - 3
		}
		s = strings.TrimRight(s[:cut], ",;:") + "..."
	}
	return s
}

// completeScenario offers built-in names and TOML files.
func completeScenario(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
	if len(args) > 0 {
		return nil, cobra.ShellCompDirectiveNoFileComp
	}
	return scenarios.BuiltinNames(), cobra.ShellCompDirectiveDefault
}
