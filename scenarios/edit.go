package scenarios

import (
	"fmt"
	"regexp"
	"strings"
)

// Edit sets one key of a scenario's TOML text, keeping everything else
// (comments, order, the sweep) as the author wrote it.
type Edit struct {
	Key     string   // a top-level key (name) or table.key (apiserver.write-latency)
	Value   string   // TOML value text, e.g. "\"20s\"" or an inline table
	Comment []string // lines written above the key, each after "# "+Tag
	Tag     string   // marks the comment lines: a later edit of the key replaces them
	Trail   string   // comment written after the value on its line
}

// Edit returns a copy of t with edits applied: a key already set is
// replaced where it stands (with the comments an earlier edit of the same
// tag left above it), a missing one is added to its table, which is
// created at the end if need be. The result is loaded again and every
// edited key checked to come from the file, so a mis-edit is caught here.
func (t *Text) Edit(edits []Edit) (*Text, error) {
	lines := splitLines(t.src.text)
	for _, e := range edits {
		var err error
		if lines, err = applyEdit(lines, e); err != nil {
			return nil, fmt.Errorf("editing %s: %w", e.Key, err)
		}
	}
	src := *t.src
	src.text = strings.Join(lines, "")
	out := &Text{src: &src, name: t.name}
	sc, err := out.Load(nil)
	if err != nil {
		return nil, fmt.Errorf("the edited scenario does not load: %w", err)
	}
	for _, e := range edits {
		if st := findSetting(sc, e.Key); st == nil || st.Source != "file" {
			return nil, fmt.Errorf("the edited scenario does not set %s", e.Key)
		}
	}
	return out, nil
}

func findSetting(sc *Scenario, key string) *Setting {
	for i := range sc.Settings {
		if sc.Settings[i].Key == key {
			return &sc.Settings[i]
		}
	}
	return nil
}

// stmt is one TOML statement: a table header or a key = value spanning
// lines [start, end).
type stmt struct {
	start, end int
	header     string // the table this statement is in, or its own name for a header
	isHeader   bool
	isArray    bool   // [[header]]
	key        string // key as written, for key = value
}

var (
	headerRE = regexp.MustCompile(`^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?`)
	keyRE    = regexp.MustCompile(`^\s*((?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+)(?:\s*\.\s*(?:"[^"]*"|'[^']*'|[A-Za-z0-9_-]+))*)\s*=`)
)

// statements splits lines into statements; blank and comment lines
// belong to none.
func statements(lines []string) []stmt {
	var out []stmt
	header := ""
	for i := 0; i < len(lines); i++ {
		if m := headerRE.FindStringSubmatch(lines[i]); m != nil {
			header = normKey(m[2])
			out = append(out, stmt{start: i, end: i + 1, header: header, isHeader: true, isArray: m[1] == "[["})
			continue
		}
		m := keyRE.FindStringSubmatchIndex(lines[i])
		if m == nil {
			continue
		}
		end := valueEnd(lines, i, m[1])
		out = append(out, stmt{start: i, end: end, header: header, key: lines[i][m[2]:m[3]]})
		i = end - 1
	}
	return out
}

// valueEnd returns the line after the value starting at lines[i][col]:
// brackets, braces and multi-line strings may carry it over lines.
func valueEnd(lines []string, i, col int) int {
	depth, ml := 0, ""
	for ; i < len(lines); i, col = i+1, 0 {
		l := lines[i]
		for j := col; j < len(l); j++ {
			rest := l[j:]
			switch {
			case ml != "":
				if strings.HasPrefix(rest, ml) {
					j += 2
					ml = ""
				} else if ml == `"""` && rest[0] == '\\' {
					j++
				}
			case strings.HasPrefix(rest, `"""`), strings.HasPrefix(rest, `'''`):
				ml = rest[:3]
				j += 2
			case rest[0] == '"' || rest[0] == '\'':
				q := rest[0]
				for j++; j < len(l) && l[j] != q; j++ {
					if q == '"' && l[j] == '\\' {
						j++
					}
				}
			case rest[0] == '#':
				j = len(l)
			case rest[0] == '[' || rest[0] == '{':
				depth++
			case rest[0] == ']' || rest[0] == '}':
				depth--
			}
		}
		if depth <= 0 && ml == "" {
			return i + 1
		}
	}
	return len(lines)
}

// normKey joins a dotted key's parts without quotes or spaces.
func normKey(k string) string {
	p, _ := splitKey(strings.ReplaceAll(k, " ", ""))
	for i := range p {
		p[i] = strings.Trim(p[i], `'`)
	}
	return strings.Join(p, ".")
}

func fullKey(s stmt) string {
	if s.header == "" {
		return normKey(s.key)
	}
	return s.header + "." + normKey(s.key)
}

func applyEdit(lines []string, e Edit) ([]string, error) {
	table, leaf := "", e.Key
	if i := strings.LastIndexByte(e.Key, '.'); i >= 0 {
		table, leaf = e.Key[:i], e.Key[i+1:]
	}
	if strings.Contains(table, ".") {
		return nil, fmt.Errorf("only top-level and single-table keys can be edited")
	}
	// A table written for the key itself ([apiserver.write-latency]) or
	// dotted sub-keys go: the key is rewritten whole, on one line.
	lines = dropKeyTables(lines, e.Key)
	for _, s := range statements(lines) {
		if !s.isHeader && !s.isArray && fullKey(s) == e.Key {
			indent := lines[s.start][:len(lines[s.start])-len(strings.TrimLeft(lines[s.start], " \t"))]
			top := s.start
			for top > 0 && e.Tag != "" && strings.HasPrefix(strings.TrimSpace(lines[top-1]), "# "+e.Tag) {
				top--
			}
			block := renderEdit(e, indent, s.key)
			return splice(lines, top, s.end, block), nil
		}
	}
	at, key, newTable := insertionPoint(lines, table, leaf)
	block := renderEdit(e, "", key)
	if newTable {
		block = append([]string{"\n", "[" + table + "]\n"}, block...)
	}
	return splice(lines, at, at, block), nil
}

// dropKeyTables removes [key] sections and key.x = ... statements, one
// at a time since each removal moves the lines after it.
func dropKeyTables(lines []string, key string) []string {
	for {
		ss := statements(lines)
		found := false
		for i, s := range ss {
			if s.isHeader && (s.header == key || strings.HasPrefix(s.header, key+".")) {
				end := len(lines)
				for _, n := range ss[i+1:] {
					if n.isHeader {
						end = n.start
						break
					}
				}
				lines, found = splice(lines, s.start, end, nil), true
				break
			}
			if !s.isHeader && strings.HasPrefix(fullKey(s), key+".") {
				lines, found = splice(lines, s.start, s.end, nil), true
				break
			}
		}
		if !found {
			return lines
		}
	}
}

// insertionPoint finds where a missing table.leaf goes: after the last
// statement of its table, or of the top level, or at the end in a new table.
func insertionPoint(lines []string, table, leaf string) (at int, key string, newTable bool) {
	ss := statements(lines)
	at, key = -1, leaf
	headerAt := -1
	for _, s := range ss {
		switch {
		case s.isHeader && !s.isArray && s.header == table && table != "":
			headerAt = s.end
		case !s.isHeader && s.header == table && (table != "" || !strings.Contains(normKey(s.key), ".")):
			at = s.end
		}
	}
	switch {
	case table == "" && at < 0:
		at = len(lines)
		for _, s := range ss {
			if s.isHeader {
				at = s.start
				break
			}
		}
		return at, key, false
	case at >= 0:
		return at, key, false
	case headerAt >= 0:
		return headerAt, key, false
	}
	// Dotted keys of the table at the top level (apiserver.read-latency = ...).
	for _, s := range ss {
		if !s.isHeader && s.header == "" && strings.HasPrefix(normKey(s.key), table+".") {
			at = s.end
		}
	}
	if at >= 0 {
		return at, table + "." + leaf, false
	}
	return len(lines), leaf, true
}

func renderEdit(e Edit, indent, key string) []string {
	var out []string
	for _, c := range e.Comment {
		out = append(out, strings.TrimRight(indent+"# "+strings.TrimSpace(e.Tag+" "+c), " ")+"\n")
	}
	line := indent + key + " = " + e.Value
	if e.Trail != "" {
		line += "  # " + e.Trail
	}
	return append(out, line+"\n")
}

func splice(lines []string, from, to int, with []string) []string {
	out := append([]string(nil), lines[:from]...)
	out = append(out, with...)
	return append(out, lines[to:]...)
}

// splitLines splits text after each newline, adding one at the end.
func splitLines(text string) []string {
	if text != "" && !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	return strings.SplitAfter(text, "\n")[:strings.Count(text, "\n")]
}
