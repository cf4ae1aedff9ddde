package summary

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"github.com/nodesim/nodesim/model"
	"github.com/nodesim/nodesim/results"
)

// Markdown writes the summary as Markdown: the plain-language reading, a
// table (metrics of one point, or one row per sweep point), the changed
// parameters and warnings as footnotes, for --format markdown.
func Markdown(w io.Writer, res *model.Results) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "# nodesim: %s\n\n", res.Scenario)
	if res.Description != "" {
		fmt.Fprintf(bw, "%s\n\n", strings.Join(strings.Fields(res.Description), " "))
	}
	fmt.Fprintf(bw, "%s.\n\n", results.Capitalize(header(res)))
	var notes footnotes
	if len(res.Sweep) == 0 && len(res.Points) == 1 {
		p := &res.Points[0]
		fmt.Fprintf(bw, "%s.%s\n\n", results.Capitalize(results.Sentence(p, results.FailureKinds(res))), notes.marks(p.Warnings, "[^%d]"))
		for _, s := range results.Explanations(p) {
			fmt.Fprintf(bw, "%s\n\n", s)
		}
		fmt.Fprintln(bw, "| metric | value | 95% interval |")
		fmt.Fprintln(bw, "|---|---:|---|")
		for _, r := range pointRows(p) {
			fmt.Fprintf(bw, "| %s | %s | %s |\n", mdCell(strings.TrimSpace(r[0])), mdCell(r[1]), mdCell(r[2]))
		}
	} else {
		markdownSweep(bw, res, &notes)
	}
	if len(res.Named) > 0 {
		fmt.Fprintln(bw, "\nNamed points:")
		fmt.Fprintln(bw)
		for _, np := range res.Named {
			fmt.Fprintf(bw, "- **%s**", mdCell(np.Name))
			if np.Description != "" {
				fmt.Fprintf(bw, ": %s", mdCell(np.Description))
			}
			fmt.Fprintln(bw)
		}
	}
	if len(res.Changed) > 0 {
		fmt.Fprintln(bw, "\nParameters that differ from the profile's defaults:")
		fmt.Fprintln(bw, "\n| key | value | default | source |")
		fmt.Fprintln(bw, "|---|---|---|---|")
		for _, c := range res.Changed {
			fmt.Fprintf(bw, "| `%s` | %s | %s | %s |\n", c.Key, mdCell(c.Value), mdCell(c.Default), c.Source)
		}
	}
	if res.Command != "" {
		fmt.Fprintf(bw, "\nReproduce: `%s`\n", res.Command)
	}
	if len(notes.text) > 0 {
		fmt.Fprintln(bw)
		for i, s := range notes.text {
			fmt.Fprintf(bw, "[^%d]: %s\n", i+1, s)
		}
	}
	return bw.Flush()
}

func markdownSweep(w io.Writer, res *model.Results, notes *footnotes) {
	var head []string
	for _, ax := range res.Sweep {
		head = append(head, "`"+shortKey(ax.Key)+"`")
	}
	head = append(head, sweepColumns...)
	fmt.Fprintf(w, "| %s |\n", strings.Join(head, " | "))
	fmt.Fprintf(w, "|%s\n", strings.Repeat("---|", len(head)))
	for i := range res.Points {
		p := &res.Points[i]
		var cells []string
		for _, ax := range res.Sweep {
			cells = append(cells, mdCell(p.Params[ax.Key]))
		}
		for _, c := range sweepRow(p) {
			cells = append(cells, mdCell(c))
		}
		cells[len(cells)-1] += notes.marks(p.Warnings, "[^%d]")
		fmt.Fprintf(w, "| %s |\n", strings.Join(cells, " | "))
	}
	fmt.Fprintln(w)
	kinds := results.FailureKinds(res)
	for i := range res.Points {
		p := &res.Points[i]
		fmt.Fprintf(w, "- %s: %s.\n", mdCell(paramsLabel(res, p)), results.Sentence(p, kinds))
		for _, s := range results.Explanations(p) {
			fmt.Fprintf(w, "  - %s\n", s)
		}
	}
}

// mdCell escapes the characters that would break a table cell.
func mdCell(s string) string {
	return strings.NewReplacer("|", `\|`, "\n", " ").Replace(s)
}
