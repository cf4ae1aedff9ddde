package main

import (
	"github.com/nodesim/nodesim/cmd/nodesim/internal/charts"
	"github.com/nodesim/nodesim/model"
	"github.com/nodesim/nodesim/plots"
)

// plotsRenderer adapts package plots to charts.Renderer.
type plotsRenderer struct{}

func init() { charts.Current = plotsRenderer{} }

func (plotsRenderer) Render(res *model.Results) ([]charts.File, []charts.Skip, error) {
	fs, ss, err := plots.Render(res)
	files := make([]charts.File, len(fs))
	for i, f := range fs {
		files[i] = charts.File{Name: f.Name, Data: f.Data}
	}
	skips := make([]charts.Skip, len(ss))
	for i, s := range ss {
		skips[i] = charts.Skip{Chart: s.Chart, Reason: s.Reason}
	}
	return files, skips, err
}

func (plotsRenderer) Report(res *model.Results, files []charts.File, skipped []charts.Skip) []byte {
	fs := make([]plots.File, len(files))
	for i, f := range files {
		fs[i] = plots.File{Name: f.Name, Data: f.Data}
	}
	ss := make([]plots.Skip, len(skipped))
	for i, s := range skipped {
		ss[i] = plots.Skip{Chart: s.Chart, Reason: s.Reason}
	}
	return plots.Report(res, fs, ss)
}
