package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/nodesim/nodesim/cmd/nodesim/internal/outdir"
	"github.com/nodesim/nodesim/internal/readfile"
	"github.com/nodesim/nodesim/model"
)

func newPlotCmd() *cobra.Command {
	var out, tlPoint string
	cmd := &cobra.Command{
		Use:   "plot RESULTS.json",
		Short: "Draw the charts and report.md of a results.json",
		Long: `Plot reads a results.json written by 'nodesim run --out' or '--format json'
and writes its charts (SVG and PNG) and report.md into --out (default: the
directory of RESULTS.json). Nothing is simulated.`,
		Example: `  nodesim plot review/results.json --out review/
  nodesim plot review/results.json --timeline-point 40s`,
		Args: argsBetween(1, 1),
		RunE: func(cmd *cobra.Command, args []string) error {
			res, err := readResults(args[0])
			if err != nil {
				return badInput(err)
			}
			if cmd.Flags().Changed(timelinePointFlag) {
				params := make([]map[string]string, len(res.Points))
				for i, p := range res.Points {
					params[i] = p.Params
				}
				if res.TimelinePoint, err = pickPoint(timelinePointFlag, tlPoint, res.Sweep, params); err != nil {
					return err
				}
			}
			if out == "" {
				out = filepath.Dir(args[0])
			}
			if err := outdir.Check(out); err != nil {
				return badInputf("--out %v", err)
			}
			files, err := renderCharts(res)
			if err != nil {
				return err
			}
			if err := outdir.Write(out, files); err != nil {
				return fmt.Errorf("writing %s: %w", out, err)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&out, "out", "", "write charts and report.md into `DIR`")
	addTimelinePointFlag(cmd, &tlPoint)
	return cmd
}

// maxResultsFile bounds what plot reads: a point takes about 17 KB, so
// the largest sweep (10,000 points) fits.
const maxResultsFile = 256 << 20

// readResults decodes a results document and checks it has points.
func readResults(path string) (*model.Results, error) {
	data, err := readfile.Regular(path, maxResultsFile)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	var res model.Results
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&res); err != nil {
		return nil, fmt.Errorf("%s: not a nodesim results.json: %v", path, err)
	}
	if res.NodesimVersion == "" || len(res.Points) == 0 {
		return nil, fmt.Errorf("%s: not a nodesim results.json (no nodesim_version or no points)", path)
	}
	return &res, nil
}
