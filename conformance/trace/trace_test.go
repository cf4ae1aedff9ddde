package trace

import (
	"io"
	"slices"
	"strings"
	"testing"
)

const header = `{"nodesim_trace":1,"nodes":2,"zones":1,"lease":true,"node_monitor_period_ns":5000000000,"node_monitor_grace_period_ns":50000000000,"node_startup_grace_period_ns":60000000000,"end_ns":20000000000}` + "\n"

func TestReadsRecordsInOrder(t *testing.T) {
	r, err := NewReader(strings.NewReader(header +
		`{"k":"lease","t":4,"n":1,"renew":3,"c":4}` + "\n" +
		`{"k":"pass","t":5,"end":9,"at":[1,2]}` + "\n" +
		`{"k":"node","t":6,"n":0,"hb":0,"sets_ready":true,"c":5}` + "\n" +
		`{"k":"end","t":20}` + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	if r.Header.Nodes != 2 || !r.Header.Lease {
		t.Fatalf("header %+v", r.Header)
	}
	var kinds []Kind
	for {
		rec, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		kinds = append(kinds, rec.Kind)
		if rec.Kind == Node && (!rec.SetsReady || rec.C != 5) {
			t.Errorf("node record %+v", rec)
		}
	}
	if want := []Kind{Lease, Pass, Node, End}; !slices.Equal(kinds, want) {
		t.Errorf("kinds %v, want %v", kinds, want)
	}
}

func TestReadsVersion2(t *testing.T) {
	r, err := NewReader(strings.NewReader(strings.Replace(header, `"nodesim_trace":1`, `"nodesim_trace":2`, 1) +
		`{"k":"unknown-cancelled","t":5,"n":1,"done":6,"get":7,"retry":8,"hb":0,"c":6}` + "\n" + `{"k":"end","t":20}` + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	rec, err := r.Next()
	if err != nil || rec.Kind != UnknownCancelled || rec.Done != 6 || rec.Get != 7 || rec.Retry != 8 || rec.C != 6 {
		t.Fatalf("record %+v, %v", rec, err)
	}
}

func TestRejectsBadTraces(t *testing.T) {
	for _, tc := range []struct{ name, text, want string }{
		{"version", `{"nodesim_trace":3,"nodes":1,"zones":1}` + "\n", "version 3"},
		{"cancelled in v1", header + `{"k":"unknown-cancelled","t":5,"n":0,"done":6,"get":7,"retry":8}` + "\n", "in a version 1 trace"},
		{"cancelled order", strings.Replace(header, `"nodesim_trace":1`, `"nodesim_trace":2`, 1) +
			`{"k":"unknown-cancelled","t":5,"n":0,"done":6,"get":7,"retry":6}` + "\n", "do not hold"},
		{"truncated", header + `{"k":"pass","t":5,"end":9,"at":[1,2]}` + "\n", "truncated"},
		{"order", header + `{"k":"lease","t":9,"n":0}` + "\n" + `{"k":"lease","t":8,"n":0}` + "\n", "before the previous"},
		{"node", header + `{"k":"lease","t":9,"n":2}` + "\n", "node 2 out of range"},
		{"at", header + `{"k":"pass","t":5,"end":9,"at":[1]}` + "\n", "1 instants for 2 nodes"},
		{"kind", header + `{"k":"crash","t":5}` + "\n", `unknown record kind "crash"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, err := NewReader(strings.NewReader(tc.text))
			for err == nil {
				_, err = r.Next()
			}
			if err == io.EOF || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}
