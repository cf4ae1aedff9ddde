package scenarios

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode"
)

// Error is a bad scenario input: the key it concerns and, where known, the
// file and line. Every error Load returns is an *Error or a join of them,
// so the CLI can map them all to exit status 2.
type Error struct {
	File string // scenario file as the user named it, or "--set"
	Line int    // 1-based; 0 when unknown
	Key  string // dotted key, e.g. kubelet.nodeStatusUpdateFrequency
	Msg  string
}

// Error is one line: control characters from the input (a quoted key
// "a\nb", a TOML parser message quoting a raw newline) are escaped.
func (e *Error) Error() string {
	var b strings.Builder
	if e.File != "" {
		b.WriteString(oneLine(e.File))
		if e.Line > 0 {
			b.WriteString(":" + strconv.Itoa(e.Line))
		}
		b.WriteString(": ")
	}
	if e.Key != "" {
		b.WriteString(oneLine(e.Key) + ": ")
	}
	b.WriteString(oneLine(e.Msg))
	return b.String()
}

// oneLine escapes control characters as Go would quote them.
func oneLine(s string) string {
	if !strings.ContainsFunc(s, unicode.IsControl) {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if unicode.IsControl(r) {
			q := strconv.QuoteRune(r)
			b.WriteString(q[1 : len(q)-1])
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// keyError lets a setter name a more precise key than the one it was
// called for (a distribution's parameter, an incident's field).
type keyError struct {
	key string
	msg string
}

func (e *keyError) Error() string { return e.key + ": " + e.msg }

func keyErrorf(key, format string, a ...any) error {
	return &keyError{key: key, msg: fmt.Sprintf(format, a...)}
}

// locate turns a setter's error into an *Error positioned in src.
func (s *source) locate(key string, err error) *Error {
	var ke *keyError
	msg := err.Error()
	if errors.As(err, &ke) {
		key, msg = ke.key, ke.msg
	}
	return &Error{File: s.label, Line: s.line(key), Key: key, Msg: msg}
}

// locateAt is locate for a key the file writes at another path (a sweep
// axis as nested tables).
func (s *source) locateAt(key, at string, err error) *Error {
	e := s.locate(key, err)
	e.Line = s.line(at)
	return e
}

// suggest returns a " (did you mean X?)" hint when word is close to one of
// known: a small edit distance, a case-only difference or a containment.
func suggest(word string, known []string) string {
	best, bestD := "", 1<<30
	lw := strings.ToLower(word)
	for _, k := range known {
		lk := strings.ToLower(k)
		d := editDistance(lw, lk)
		if len(lw) >= 5 && (strings.Contains(lk, lw) || strings.Contains(lw, lk)) {
			d = min(d, 2)
		}
		if d < bestD {
			best, bestD = k, d
		}
	}
	if best == "" || bestD > max(2, len(word)/4) {
		return ""
	}
	return fmt.Sprintf(" (did you mean %s?)", best)
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

var indexRE = regexp.MustCompile(`\[(\d+)\]$`)

// findLine returns the line of key in a TOML text by scanning it, since
// the decoder keeps key positions private. key is dotted, with an optional
// [N] (1-based) after an array-of-tables element: apiserver.incident[2].effect.
// Sweep keys are quoted: sweep."controller.workers". It returns 0 when in doubt.
func findLine(text, key string) int {
	path, nth := splitKey(key)
	if len(path) == 0 {
		return 0
	}
	header, seen := "", map[string]int{}
	var inTable, atTable int // first key line under a matching header, the header itself
	for i, raw := range strings.Split(text, "\n") {
		line := strings.TrimSpace(stripComment(raw))
		if strings.HasPrefix(line, "[") {
			header = strings.Trim(line, "[] \t")
			seen[header]++
			if header == strings.Join(path, ".") && atTable == 0 && (nth[header] == 0 || seen[header] == nth[header]) {
				atTable = i + 1
			}
			continue
		}
		hp := splitHeader(header)
		if !hasPrefix(path, hp) || (nth[header] > 0 && seen[header] != nth[header]) {
			continue
		}
		rest := path[len(hp):]
		if len(rest) == 0 {
			continue
		}
		if keyToken(rest[len(rest)-1]).MatchString(line) && (len(rest) == 1 || keyToken(rest[0]).MatchString(line) || dottedToken(rest).MatchString(line)) {
			return i + 1
		}
		if inTable == 0 && keyToken(rest[0]).MatchString(line) {
			inTable = i + 1
		}
	}
	if inTable > 0 {
		return inTable
	}
	return atTable
}

// splitKey splits a dotted key, honouring quotes, and records which
// array-of-tables element each [N] suffix selects.
func splitKey(key string) ([]string, map[string]int) {
	var path []string
	nth := map[string]int{}
	var cur strings.Builder
	quoted := false
	flush := func() {
		p := cur.String()
		if m := indexRE.FindStringSubmatch(p); m != nil {
			p = strings.TrimSuffix(p, m[0])
			n, _ := strconv.Atoi(m[1])
			nth[strings.Join(append(path, p), ".")] = n
		}
		path = append(path, p)
		cur.Reset()
	}
	for _, r := range key {
		switch {
		case r == '"':
			quoted = !quoted
		case r == '.' && !quoted:
			flush()
		default:
			cur.WriteRune(r)
		}
	}
	flush()
	return path, nth
}

func splitHeader(h string) []string {
	if h == "" {
		return nil
	}
	p, _ := splitKey(h)
	return p
}

func hasPrefix(path, prefix []string) bool {
	if len(prefix) > len(path) {
		return false
	}
	for i := range prefix {
		if path[i] != prefix[i] {
			return false
		}
	}
	return true
}

func keyToken(name string) *regexp.Regexp {
	return regexp.MustCompile(`(^|[\s{,.])"?` + regexp.QuoteMeta(name) + `"?\s*=`)
}

// dottedToken matches a line assigning the dotted key path: a.b.c = ...
func dottedToken(path []string) *regexp.Regexp {
	parts := make([]string, len(path))
	for i, p := range path {
		parts[i] = `"?` + regexp.QuoteMeta(p) + `"?`
	}
	return regexp.MustCompile(`^` + strings.Join(parts, `\s*\.\s*`) + `\s*=`)
}

// stripComment drops a trailing # comment outside quotes.
func stripComment(s string) string {
	quoted := false
	for i, r := range s {
		switch {
		case r == '"':
			quoted = !quoted
		case r == '#' && !quoted:
			return s[:i]
		}
	}
	return s
}
