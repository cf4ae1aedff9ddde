package scenarios

import (
	"strings"
	"testing"
)

func openText(t *testing.T, text string) *Text {
	t.Helper()
	tx, err := Open(writeScenario(t, text))
	if err != nil {
		t.Fatal(err)
	}
	return tx
}

func TestEditReplacesInPlace(t *testing.T) {
	in := `name = "mine"
description = """
two \
lines"""

[apiserver]
# the author's comment stays
write-latency = { dist = "lognormal", median = "8ms", p99 = "200ms" }   # old
read-latency = "3ms"

[[apiserver.incident]]
effect = "unavailable"
every = "1d"
lasts = "1s"

[sweep]
"controller.node-monitor-grace-period" = ["40s", "50s"]
`
	e := []Edit{
		{Key: "apiserver.write-latency", Value: `"10ms"`, Comment: []string{"from leases PUT"}, Tag: "calibrate:"},
		{Key: "description", Value: `"calibrated"`},
		{Key: "controller.node-monitor-period", Value: `"4s"`, Trail: "--node-monitor-period=4s"},
		{Key: "informer.watch-delay", Value: `"30ms"`},
	}
	out, err := openText(t, in).Edit(e)
	if err != nil {
		t.Fatal(err)
	}
	want := `name = "mine"
description = "calibrated"

[apiserver]
# the author's comment stays
# calibrate: from leases PUT
write-latency = "10ms"
read-latency = "3ms"

[[apiserver.incident]]
effect = "unavailable"
every = "1d"
lasts = "1s"

[sweep]
"controller.node-monitor-grace-period" = ["40s", "50s"]

[controller]
node-monitor-period = "4s"  # --node-monitor-period=4s

[informer]
watch-delay = "30ms"
`
	if out.String() != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
	// Editing again replaces the tagged comment instead of piling it up.
	again, err := out.Edit(e[:1])
	if err != nil {
		t.Fatal(err)
	}
	if again.String() != want {
		t.Errorf("a second edit changed the text:\n%s", again)
	}
}

func TestEditOtherForms(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		// Dotted keys at the top level stay dotted.
		{"apiserver.read-latency = \"3ms\"\n", "apiserver.read-latency = \"3ms\"\napiserver.write-latency = \"9ms\"\n"},
		// A table written for the key itself becomes one line in its table.
		{"[apiserver]\nread-latency = \"3ms\"\n\n[apiserver.write-latency]\ndist = \"constant\"\nvalue = \"1ms\"\n\n[cluster]\nnodes = 10\n",
			"[apiserver]\nread-latency = \"3ms\"\nwrite-latency = \"9ms\"\n\n[cluster]\nnodes = 10\n"},
		// An empty table gets the key right after its header.
		{"[apiserver]\n\n[cluster]\nnodes = 10\n", "[apiserver]\nwrite-latency = \"9ms\"\n\n[cluster]\nnodes = 10\n"},
	} {
		out, err := openText(t, tc.in).Edit([]Edit{{Key: "apiserver.write-latency", Value: `"9ms"`}})
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if out.String() != tc.want {
			t.Errorf("%q:\ngot:\n%s\nwant:\n%s", tc.in, out, tc.want)
		}
	}
}

// TestEditBuiltins edits every built-in and checks the rest of its text
// is untouched and its other settings unchanged.
func TestEditBuiltins(t *testing.T) {
	for _, name := range BuiltinNames() {
		tx, err := Open(name)
		if err != nil {
			t.Fatal(err)
		}
		before, err := tx.Load(nil)
		if err != nil {
			t.Fatal(err)
		}
		out, err := tx.Edit([]Edit{{Key: "apiserver.write-latency", Value: `"9ms"`}, {Key: "name", Value: `"x"`}, {Key: "kubelet.nodeLeaseDurationSeconds", Value: "41"}})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		after, err := out.Load(nil)
		if err != nil {
			t.Fatal(err)
		}
		for i, s := range before.Settings {
			a := after.Settings[i]
			switch s.Key {
			case "name", "apiserver.write-latency", "kubelet.nodeLeaseDurationSeconds":
				continue
			}
			if a.Value != s.Value {
				t.Errorf("%s: %s changed from %q to %q", name, s.Key, s.Value, a.Value)
			}
		}
		if len(after.Points) != len(before.Points) {
			t.Errorf("%s: %d points, was %d", name, len(after.Points), len(before.Points))
		}
		removed := 0
		for _, l := range strings.Split(tx.String(), "\n") {
			if !strings.Contains(out.String(), l) {
				removed++
			}
		}
		if removed > 3 {
			t.Errorf("%s: %d original lines gone", name, removed)
		}
	}
}
