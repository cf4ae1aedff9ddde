package main

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestReadme keeps the README honest: its sample output is what `make
// run` prints today (the default scenario's golden, itself checked
// against a real run by TestBuiltinSummaries), and its reading table
// explains every figure of the text output, single point and sweep.
func TestReadme(t *testing.T) {
	t.Parallel()
	readme := read(t, "../../README.md")
	golden := read(t, "testdata/builtin-default.stdout")
	if !strings.Contains(readme, "```\n$ nodesim run\n"+golden+"```\n") {
		t.Errorf("README's sample output is not testdata/builtin-default.stdout (go test -update rewrites the golden; copy it into README.md)")
	}
	replay := strings.SplitAfterN(read(t, "testdata/builtin-etcd-replay.stdout"), "\n", 8)
	if !strings.Contains(readme, "```\n$ nodesim run etcd-replay\n"+strings.Join(replay[:7], "")) {
		t.Errorf("README's replay sample is not the start of testdata/builtin-etcd-replay.stdout")
	}
	cols := regexp.MustCompile(`\S+( \S+)*`)
	var labels []string
	for _, line := range strings.Split(golden, "\n") {
		if m := cols.FindAllString(line, -1); len(m) > 1 && !strings.HasPrefix(line, "scenario ") && !strings.HasPrefix(line, "No ") {
			labels = append(labels, "`"+strings.TrimSpace(m[0])+"`")
		}
	}
	sweep := strings.Split(read(t, "testdata/builtin-grace-sweep.stdout"), "\n")[2]
	for _, col := range cols.FindAllString(sweep, -1)[1:] { // after the swept key
		labels = append(labels, "`"+col+"`")
	}
	if len(labels) < 20 {
		t.Fatalf("found only %d figures in the text output: %v", len(labels), labels)
	}
	for _, l := range labels {
		if !strings.Contains(readme, l) {
			t.Errorf("README does not explain %s", l)
		}
	}
}

func read(t *testing.T, path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}
