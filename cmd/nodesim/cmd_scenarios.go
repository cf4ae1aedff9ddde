package main

import (
	"bufio"
	"fmt"
	"io"
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
		if err := tw.Flush(); err != nil {
			return err
		}
		_, err := fmt.Fprintf(cmd.OutOrStdout(), "\nDistributions from published measurements, used as { preset = \"NAME\" }: nodesim scenarios presets\n")
		return err
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
		Short:             "Print a built-in scenario's TOML, or a preset with its source, to copy and edit",
		Args:              argsBetween(1, 1),
		ValidArgsFunction: completeScenario,
		RunE: func(cmd *cobra.Command, args []string) error {
			if p, ok := scenarios.PresetByName(args[0]); ok {
				return showPreset(cmd.OutOrStdout(), p)
			}
			text, ok := scenarios.BuiltinSource(args[0])
			if !ok {
				return badInputf("no built-in scenario or preset %q; one of %s (presets: nodesim scenarios presets)", args[0], strings.Join(scenarios.BuiltinNames(), ", "))
			}
			_, err := cmd.OutOrStdout().Write(text)
			return err
		},
	}, &cobra.Command{
		Use:   "presets",
		Short: "List the distributions from published measurements, with their sources",
		Args:  argsBetween(0, 0),
		RunE: func(cmd *cobra.Command, _ []string) error {
			for i, p := range scenarios.Presets() {
				if i > 0 {
					fmt.Fprintln(cmd.OutOrStdout())
				}
				if err := showPreset(cmd.OutOrStdout(), p); err != nil {
					return err
				}
			}
			return nil
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

// showPreset prints a preset as TOML comments and the line to paste.
func showPreset(w io.Writer, p scenarios.Preset) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# Preset %s: use { preset = %q } in place of a distribution.\n", p.Name, p.Name)
	for _, line := range wrap(p.What, 76) {
		fmt.Fprintln(bw, "# "+line)
	}
	for i, line := range wrap("Source: "+p.Source, 76) {
		if i > 0 {
			line = "  " + line
		}
		fmt.Fprintln(bw, "# "+line)
	}
	fmt.Fprintf(bw, "# It stands for:\n#   %s\n", p.Spec)
	return bw.Flush()
}
