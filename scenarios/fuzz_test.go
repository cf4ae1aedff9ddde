package scenarios

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// FuzzLoad feeds arbitrary TOML to the loader. What it rejects must be
// one or more *Errors, each one line starting with the file. What it
// accepts must validate, and must round-trip: the same document
// re-encoded by a TOML encoder (tables instead of dotted keys, subtables
// instead of inline tables, keys sorted) loads to the same effective
// settings, sweep points and warnings, as `nodesim check` prints them.
//
//	go test -fuzz=FuzzLoad ./scenarios/
func FuzzLoad(f *testing.F) {
	for _, name := range BuiltinNames() {
		text, _ := BuiltinSource(name)
		f.Add(string(text))
	}
	bad, _ := filepath.Glob("testdata/bad/*.toml")
	for _, p := range bad {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Add("[sweep]\ncontroller.workers = [1, 8]\n[sweep.kubelet]\nnodeLeaseDurationSeconds = [20, 40]\n")
	f.Add("[sweep]\ncontroller.workers = [1, 8]\n[[sweep.point]]\nname = \"a\"\nkubelet.nodeStatusUpdateFrequency = \"4s\"\n[[sweep.point]]\nname = \"b\"\nprofile = \"v1.31\"\n[sweep.point.controller]\nnode-monitor-grace-period = \"2m\"\n")
	f.Add("[[sweep.point]]\nname = \"x\"\napiserver.write-latency = { dist = \"exponential\", mean = \"2ms\" }\n[[sweep.point.apiserver.incident]]\nevery = \"1d\"\nlasts = \"2s\"\neffect = \"unavailable\"\n")
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, text string) {
		path := filepath.Join(dir, "fuzz.toml")
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		sc, err := Load(path, nil)
		if err != nil {
			checkRejection(t, path, err)
			return
		}
		for _, p := range sc.Points {
			if err := p.Config.Validate(); err != nil {
				t.Fatalf("accepted an invalid point %v: %v", p.Params, err)
			}
			if run, kept := p.Config.MemoryEstimate(4); math.IsNaN(run+kept) || math.IsInf(run+kept, 0) {
				t.Fatalf("point %v: memory estimate %v + %v", p.Params, run, kept)
			}
		}
		var tree map[string]any
		if _, err := toml.Decode(text, &tree); err != nil {
			t.Fatalf("loaded, but does not decode: %v", err)
		}
		var buf bytes.Buffer
		if err := toml.NewEncoder(&buf).Encode(tree); err != nil {
			t.Skipf("the encoder cannot write it: %v", err)
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil { // same name, same directory
			t.Fatal(err)
		}
		sc2, err := Load(path, nil)
		if err != nil {
			t.Fatalf("re-encoded, it no longer loads: %v\n%s", err, buf.String())
		}
		if a, b := effective(sc), effective(sc2); a != b {
			t.Fatalf("re-encoded, it loads differently:\n%s\n--- re-encoded:\n%s\n--- as TOML:\n%s", a, b, buf.String())
		}
	})
}

// checkRejection: a rejection is *Errors only, one line each, starting
// with the file they concern.
func checkRejection(t *testing.T, path string, err error) {
	list := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		list = j.Unwrap()
	}
	for _, e := range list {
		var se *Error
		if !errors.As(e, &se) {
			t.Fatalf("rejected with %T, not a *scenarios.Error: %v", e, e)
		}
		msg := e.Error()
		if strings.Contains(msg, "\n") || !strings.HasPrefix(msg, path) || se.Msg == "" {
			t.Fatalf("rejection %q: want one line starting with %s", msg, path)
		}
	}
}

// effective is what `nodesim check` shows of sc, without positions: every
// key's value, default and source, the sweep points (in any order: the
// encoder sorts keys, so axes may change order) and the warnings' texts.
func effective(sc *Scenario) string {
	var b strings.Builder
	for _, s := range sc.Settings {
		fmt.Fprintf(&b, "%s = %s (default %s, %s)\n", s.Key, s.Value, s.Default, s.Source)
	}
	var points []string
	for _, p := range sc.Points {
		var kv []string
		for k, v := range p.Params {
			kv = append(kv, k+"="+v)
		}
		slices.Sort(kv)
		points = append(points, strings.Join(kv, ", "))
	}
	slices.Sort(points)
	fmt.Fprintf(&b, "points: %s\n", strings.Join(points, "; "))
	var warnings []string
	for _, w := range sc.Warnings {
		warnings = append(warnings, w.Key+": "+w.Msg)
	}
	slices.Sort(warnings)
	fmt.Fprintf(&b, "warnings: %s\n", strings.Join(warnings, "; "))
	return b.String()
}
