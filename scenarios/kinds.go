package scenarios

import (
	"fmt"
	"strings"
)

// Kind is what values a key takes, for tools that step through them
// (nodesim recommend).
type Kind string

// The kinds a numeric search can step through; everything else is KindOther.
const (
	KindDuration Kind = "duration"
	KindInt      Kind = "integer"
	KindFloat    Kind = "number"
	KindOther    Kind = "other"
)

// KeyKind returns the kind of a settable key, or an error (with a
// suggestion) when no such key exists; the caller names the key.
func KeyKind(key string) (Kind, error) {
	p, ok := paramIndex[key]
	if !ok {
		return "", fmt.Errorf("unknown key%s", suggest(key, Keys()))
	}
	if p.kind == "" {
		return KindOther, nil
	}
	return p.kind, nil
}

// NumericKeys lists the keys whose kind is a duration, integer or number.
func NumericKeys() []string {
	var out []string
	for _, p := range params {
		if p.kind != "" && !strings.HasPrefix(p.key, "simulation.") {
			out = append(out, p.key)
		}
	}
	return out
}
