// Package charts is the CLI's seam to the plots package: charts and
// report.md for a results document. Until plots is wired in (see
// Current), the fallback writes report.md from the Markdown summary and
// no charts.
package charts

import (
	"bytes"
	"fmt"

	"github.com/nodesim/nodesim/cmd/nodesim/internal/summary"
	"github.com/nodesim/nodesim/model"
)

// File is one rendered chart, e.g. "sweep.svg".
type File struct {
	Name string
	Data []byte
}

// Skip is a chart the results do not support, and why.
type Skip struct{ Chart, Reason string }

// Renderer draws charts and writes report.md; the plots package's
// Render and Report have exactly this shape.
type Renderer interface {
	Render(res *model.Results) (files []File, skipped []Skip, err error)
	Report(res *model.Results, files []File, skipped []Skip) []byte
}

// Current renders for `run --out` and `plot`. cmd/nodesim replaces it
// with an adapter over package plots.
var Current Renderer = fallback{}

type fallback struct{}

func (fallback) Render(*model.Results) ([]File, []Skip, error) {
	return nil, []Skip{{Chart: "all charts", Reason: "this build has no plots package"}}, nil
}

func (fallback) Report(res *model.Results, _ []File, skipped []Skip) []byte {
	var b bytes.Buffer
	_ = summary.Markdown(&b, res) // a bytes.Buffer cannot fail
	for _, s := range skipped {
		fmt.Fprintf(&b, "\n_%s not drawn: %s._\n", s.Chart, s.Reason)
	}
	return b.Bytes()
}
