package scenarios

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoad feeds arbitrary TOML to the loader: it may reject it, but it
// must never panic, and what it accepts must validate.
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
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, text string) {
		path := filepath.Join(dir, "fuzz.toml")
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		sc, err := Load(path, nil)
		if err != nil {
			return
		}
		for _, p := range sc.Points {
			if err := p.Config.Validate(); err != nil {
				t.Fatalf("accepted an invalid point %v: %v", p.Params, err)
			}
		}
	})
}
