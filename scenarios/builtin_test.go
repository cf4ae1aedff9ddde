package scenarios

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestBuiltinsLoad keeps the shipped scenarios loadable and valid.
func TestBuiltinsLoad(t *testing.T) {
	t.Parallel()
	names := BuiltinNames()
	if len(names) < 8 || names[0] != "default" {
		t.Fatalf("built-ins = %v, want default first and at least 8", names)
	}
	for _, b := range Builtins() {
		sc, err := Load(b.Name, nil)
		if err != nil {
			t.Errorf("%s: %v", b.Name, err)
			continue
		}
		// A built-in must not warn, unless the warning is its story:
		// lease-flapping reproduces upstream #80172, a grace no longer than
		// v1.14's hard-coded 10s renew interval.
		expected := map[string]string{"lease-flapping": "is not longer than the heartbeat interval"}
		for _, w := range sc.Warnings {
			if want, ok := expected[b.Name]; !ok || !strings.Contains(w.Error(), want) {
				t.Errorf("%s: a built-in must not warn: %v", b.Name, w)
			}
		}
		if sc.Name != b.Name || b.Description == "" || sc.Description == "" {
			t.Errorf("%s: name %q, description %q", b.Name, sc.Name, b.Description)
		}
		for _, p := range sc.Points {
			if err := p.Config.Validate(); err != nil {
				t.Errorf("%s %v: %v", b.Name, p.Params, err)
			}
			if p.Config.Simulation.Seed != sc.Base.Simulation.Seed {
				t.Errorf("%s %v: seed %d, want the base seed (common random numbers)", b.Name, p.Params, p.Config.Simulation.Seed)
			}
		}
		t.Logf("%s: %d points, %d changed", b.Name, len(sc.Points), len(sc.Changed()))
	}
}

// TestBuiltinShowRoundTrips: `nodesim scenarios show NAME > NAME.toml`
// gives a file that loads exactly as the built-in does.
func TestBuiltinShowRoundTrips(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	for _, name := range BuiltinNames() {
		text, _ := BuiltinSource(name)
		path := filepath.Join(dir, name+".toml")
		if err := os.WriteFile(path, text, 0o644); err != nil {
			t.Fatal(err)
		}
		builtin, err := Load(name, nil)
		if err != nil {
			t.Fatal(err)
		}
		file, err := Load(path, nil)
		if err != nil {
			t.Fatalf("%s as a file: %v", name, err)
		}
		if a, b := effective(builtin), effective(file); a != b {
			t.Errorf("%s: loads differently from a file:\n%s\n---\n%s", name, a, b)
		}
	}
}
