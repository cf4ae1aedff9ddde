package scenarios

import (
	"testing"
)

// TestBuiltinsLoad keeps the shipped scenarios loadable and valid.
func TestBuiltinsLoad(t *testing.T) {
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
		for _, w := range sc.Warnings {
			t.Errorf("%s: a built-in must not warn: %v", b.Name, w)
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
