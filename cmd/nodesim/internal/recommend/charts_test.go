package recommend

import (
	"encoding/json"
	"os"
	"testing"
)

// TestChartsFromAnswer renders the outage-tolerance chart of a saved
// answer; NODESIM_CHART_DIR keeps the PNG for a look.
func TestChartsFromAnswer(t *testing.T) {
	b, err := os.ReadFile("testdata/answer.json")
	if err != nil {
		t.Fatal(err)
	}
	var a Answer
	if err := json.Unmarshal(b, &a); err != nil {
		t.Fatal(err)
	}
	a.nodes = 1000
	files, err := Charts(&a)
	if err != nil || len(files) != 2 {
		t.Fatalf("charts %d, %v; want an SVG and a PNG", len(files), err)
	}
	if dir := os.Getenv("NODESIM_CHART_DIR"); dir != "" {
		for _, f := range files {
			if err := os.WriteFile(dir+"/"+f.Name, f.Data, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
