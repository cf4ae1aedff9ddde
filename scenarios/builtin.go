package scenarios

import (
	"embed"
	"io/fs"
	"path"
	"sort"
	"strings"

	"github.com/BurntSushi/toml"
)

// builtinFS holds the built-in scenarios, one TOML file each, plus any
// files their empirical distributions name.
//
//go:embed builtin
var builtinFS embed.FS

const builtinDir = "builtin"

// Builtin is a built-in scenario's name and story.
type Builtin struct {
	Name        string
	Description string
}

// Builtins lists the built-in scenarios, default first, then by name.
func Builtins() []Builtin {
	var out []Builtin
	for _, name := range BuiltinNames() {
		text, _ := BuiltinSource(name)
		var head struct{ Description string }
		_, _ = toml.Decode(string(text), &head) // every built-in is tested to load
		out = append(out, Builtin{Name: name, Description: strings.Join(strings.Fields(head.Description), " ")})
	}
	return out
}

// BuiltinNames lists the built-in scenario names, default first.
func BuiltinNames() []string {
	entries, _ := fs.ReadDir(builtinFS, builtinDir)
	var names []string
	for _, e := range entries {
		if n, ok := strings.CutSuffix(e.Name(), ".toml"); ok {
			names = append(names, n)
		}
	}
	sort.Slice(names, func(i, j int) bool {
		if (names[i] == "default") != (names[j] == "default") {
			return names[i] == "default"
		}
		return names[i] < names[j]
	})
	return names
}

// BuiltinSource returns the TOML text of a built-in scenario, for
// `nodesim scenarios show NAME`.
func BuiltinSource(name string) ([]byte, bool) {
	if strings.ContainsAny(name, `/\.`) {
		return nil, false
	}
	b, err := fs.ReadFile(builtinFS, path.Join(builtinDir, name+".toml"))
	return b, err == nil
}
