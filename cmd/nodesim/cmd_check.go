package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"runtime"
	"strings"

	"github.com/spf13/cobra"

	"github.com/nodesim/nodesim/cmd/nodesim/internal/summary"
	"github.com/nodesim/nodesim/scenarios"
)

func newCheckCmd() *cobra.Command {
	var sets []string
	var format string
	cmd := &cobra.Command{
		Use:   "check [SCENARIO]",
		Short: "Validate a scenario and print its effective parameters and their sources",
		Long: `Check loads a scenario as run would, validates every sweep point, and prints
each parameter's effective value and where it came from: the profile's
defaults, the file (with its line and the comment on it), or a --set flag.
It simulates nothing. --format json adds the median and 99th percentile of
every distribution (p50_s, p99_s, in seconds), so a script can check what a
calibrated or imported scenario means.`,
		Example: `  nodesim check my.toml
  nodesim check default --set controller.node-monitor-grace-period=30s
  nodesim check mine.toml --format json | jq '.parameters[] | select(.key == "apiserver.write-latency")'`,
		Args:              argsBetween(0, 1),
		ValidArgsFunction: completeScenario,
		RunE: func(cmd *cobra.Command, args []string) error {
			name := "default"
			if len(args) == 1 {
				name = args[0]
			}
			if format != "text" && format != "json" {
				return badInputf("--format %q: want text or json", format)
			}
			sc, err := scenarios.Load(name, sets)
			if err != nil {
				return badInput(err)
			}
			if err := checkMemory(sc, runtime.NumCPU()); err != nil {
				return err // as run would with its default --workers
			}
			if format == "json" {
				return printCheckJSON(cmd.OutOrStdout(), sc)
			}
			return printCheck(cmd.OutOrStdout(), sc)
		},
	}
	cmd.Flags().StringArrayVar(&sets, "set", nil, "set a key, `key=value`; key=v1,v2,... sweeps it; repeatable")
	cmd.Flags().StringVar(&format, "format", "text", "output format: text or json")
	_ = cmd.RegisterFlagCompletionFunc("format", cobra.FixedCompletions([]string{"text", "json"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// printCheck writes the effective parameters of sc, one per line.
func printCheck(w io.Writer, sc *scenarios.Scenario) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "scenario %s (%s), profile %s\n", sc.Name, sc.Origin, sc.Profile)
	if sc.Description != "" {
		fmt.Fprintln(bw)
		for _, line := range wrap(sc.Description, 78) {
			fmt.Fprintln(bw, "  "+line)
		}
	}
	fmt.Fprintln(bw)
	rows := [][]string{{"KEY", "SOURCE", "VALUE"}}
	for _, s := range sc.Settings {
		if s.Key == "name" || s.Key == "description" {
			continue
		}
		src := s.Source
		if s.Pos != "" {
			src += " " + s.Pos
		}
		if s.Source != "profile" && s.Value == s.Default {
			src += " (= profile)"
		}
		value := s.Value
		if s.Note != "" {
			value += "  # " + s.Note
		}
		rows = append(rows, []string{s.Key, src, value})
	}
	summary.Table(bw, rows)
	printNamed(bw, sc.Named)
	grid := sc.Axes
	if len(sc.Named) > 0 {
		grid = grid[1:] // the points' names, listed above
	}
	if len(grid) > 0 {
		fmt.Fprintln(bw)
		for _, a := range grid {
			fmt.Fprintf(bw, "sweep %s = %s (%s)\n", a.Key, strings.Join(a.Values, ", "), a.Source)
		}
	}
	if len(sc.Warnings) > 0 {
		fmt.Fprintln(bw)
		for _, w := range sc.Warnings {
			fmt.Fprintf(bw, "warning: %v\n", w)
		}
	}
	n := len(sc.Points)
	plural := "s"
	if n == 1 {
		plural = ""
	}
	fmt.Fprintf(bw, "\nok: %d point%s, %d replications each, seed %d\n", n, plural, sc.Base.Simulation.Replications, sc.Base.Simulation.Seed)
	return bw.Flush()
}

// printNamed lists each named point with its description and the keys
// it sets over the table above.
func printNamed(w io.Writer, named []scenarios.NamedPoint) {
	for _, p := range named {
		fmt.Fprintf(w, "\npoint %q\n", p.Name)
		for _, line := range wrap(p.Description, 76) {
			fmt.Fprintln(w, "    "+line)
		}
		rows := [][]string{}
		for _, s := range p.Settings {
			rows = append(rows, []string{"  " + s.Key, s.Pos, s.Value})
		}
		if len(rows) == 0 {
			fmt.Fprintln(w, "  (sets no key: the scenario as above)")
			continue
		}
		summary.Table(w, rows)
	}
}

// wrap splits text into lines of at most width columns at spaces.
func wrap(text string, width int) []string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(text) {
		if line != "" && len(line)+1+len(w) > width {
			lines = append(lines, line)
			line = ""
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	if line != "" {
		lines = append(lines, line)
	}
	return lines
}

// checkJSON is `nodesim check --format json` (DESIGN §8).
type checkJSON struct {
	Scenario    string                 `json:"scenario"`
	Description string                 `json:"description"`
	Origin      string                 `json:"origin"`
	Profile     string                 `json:"profile"`
	Parameters  []scenarios.Parameter  `json:"parameters"`
	Sweep       []scenarios.Axis       `json:"sweep"`
	Named       []scenarios.NamedPoint `json:"named_points,omitempty"`
	Points      int                    `json:"points"`
}

func printCheckJSON(w io.Writer, sc *scenarios.Scenario) error {
	doc := checkJSON{Scenario: sc.Name, Description: sc.Description, Origin: sc.Origin, Profile: sc.Profile, Parameters: sc.Parameters(), Sweep: sc.Axes, Named: sc.Named, Points: len(sc.Points)}
	if doc.Sweep == nil {
		doc.Sweep = []scenarios.Axis{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}
