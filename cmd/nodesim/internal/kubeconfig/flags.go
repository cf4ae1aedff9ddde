package kubeconfig

import (
	"fmt"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"

	yamlv3 "go.yaml.in/yaml/v3"
)

// Flag is one modelled flag as a component was started with it.
type Flag struct {
	Component string // kube-controller-manager, kube-apiserver, etcd, kubelet
	Name      string // without dashes
	Value     string
	File      string
	Line      int
}

// Components whose flags nodesim reads, and the modelled flags of each.
var modelledFlags = map[string][]string{
	"kube-controller-manager": {"node-monitor-period", "node-monitor-grace-period", "node-startup-grace-period",
		"node-eviction-rate", "secondary-node-eviction-rate", "large-cluster-size-threshold", "unhealthy-zone-threshold"},
	"kube-apiserver": {"default-unreachable-toleration-seconds"},
	"etcd":           {"election-timeout"},
	"kubelet":        {"node-status-update-frequency"},
}

// ModelledFlags lists the flags of component nodesim models.
func ModelledFlags(component string) []string {
	return append([]string(nil), modelledFlags[component]...)
}

func modelled(component, flag string) bool {
	for _, f := range modelledFlags[component] {
		if f == flag {
			return true
		}
	}
	return false
}

// componentOf names the component a command, image or container name is.
func componentOf(names ...string) string {
	for _, n := range names {
		base := path.Base(strings.SplitN(n, ":", 2)[0])
		for c := range modelledFlags {
			if base == c || strings.HasPrefix(base, c+"-") {
				return c
			}
		}
	}
	return ""
}

// token is a command-line word and its line.
type token struct {
	s    string
	line int
}

// readPod reads each container's command and args.
func (f *Found) readPod(name string, d doc) error {
	containers := lookup(lookup(d.node, "spec"), "containers")
	if containers == nil || containers.Kind != yamlv3.SequenceNode {
		return &Error{File: name, Line: d.first, Msg: "a Pod without spec.containers"}
	}
	read := 0
	for _, c := range containers.Content {
		var toks []token
		for _, field := range []string{"command", "args"} {
			if seq := lookup(c, field); seq != nil && seq.Kind == yamlv3.SequenceNode {
				for _, it := range seq.Content {
					toks = append(toks, token{it.Value, d.first + it.Line - 1})
				}
			}
		}
		var first string
		if len(toks) > 0 {
			first = toks[0].s
		}
		comp := componentOf(first, scalar(c, "image"), scalar(c, "name"))
		if comp == "" {
			continue
		}
		read++
		if img := lookup(c, "image"); img != nil {
			if m := tagRE.FindStringSubmatch(img.Value); m != nil {
				minor, _ := strconv.Atoi(m[1])
				f.Images = append(f.Images, Image{Component: comp, Minor: minor, Ref: img.Value, File: name, Line: d.first + img.Line - 1})
			}
		}
		if err := f.readFlags(name, comp, toks); err != nil {
			return err
		}
	}
	if read == 0 {
		return &Error{File: name, Line: d.first, Msg: "a Pod with no kube-controller-manager, kube-apiserver, etcd or kubelet container"}
	}
	return nil
}

// tagRE finds a release in an image tag: registry.k8s.io/kube-apiserver:v1.33.2.
var tagRE = regexp.MustCompile(`:v1\.(\d+)(\.\d+)?`)

// readFlagsFile reads a flags file: words separated by blanks or lines,
// "#" comments, optional NAME="..." wrappers (kubeadm-flags.env) and a
// leading command name.
func (f *Found) readFlagsFile(name string, data []byte) error {
	toks, err := words(name, string(data))
	if err != nil {
		return err
	}
	comp := ""
	if len(toks) > 0 && !strings.HasPrefix(toks[0].s, "-") {
		comp = componentOf(toks[0].s)
	}
	if comp == "" {
		comp = guessComponent(toks)
	}
	if comp == "" {
		return &Error{File: name, Msg: "no flag of kube-controller-manager, kube-apiserver, etcd or the kubelet that nodesim models, and no command name: not a flags file nodesim can read"}
	}
	return f.readFlags(name, comp, toks)
}

// guessComponent picks the component whose modelled flags the words use.
func guessComponent(toks []token) string {
	for _, t := range toks {
		n, _, _ := strings.Cut(strings.TrimLeft(t.s, "-"), "=")
		for c := range modelledFlags {
			if strings.HasPrefix(t.s, "-") && modelled(c, n) {
				return c
			}
		}
	}
	return ""
}

// readFlags parses words as pflag does (--name=value, --name value, -n v,
// "--" ends flags); the last occurrence of a flag wins.
func (f *Found) readFlags(name, comp string, toks []token) error {
	var other []string
	seen := map[string]bool{}
	for i := 0; i < len(toks); i++ {
		t := toks[i].s
		if t == "--" {
			break
		}
		if !strings.HasPrefix(t, "-") || t == "-" {
			continue // the command name, or a stray word
		}
		flag, value, hasValue := strings.Cut(strings.TrimLeft(t, "-"), "=")
		line := toks[i].line
		if !hasValue && i+1 < len(toks) && !strings.HasPrefix(toks[i+1].s, "-") {
			// Kubernetes components take no positional arguments, so a word
			// after a flag is its value (a boolean flag needs --b=false).
			i++
			value, hasValue = toks[i].s, true
		}
		if !modelled(comp, flag) {
			if !seen[flag] {
				seen[flag] = true
				other = append(other, "--"+flag)
			}
			continue
		}
		if !hasValue {
			return &Error{File: name, Line: line, Msg: fmt.Sprintf("%s flag --%s has no value", comp, flag)}
		}
		f.Flags = append(f.Flags, Flag{Component: comp, Name: flag, Value: value, File: name, Line: line})
	}
	if len(other) > 0 {
		sort.Strings(other)
		f.NotModelled = append(f.NotModelled, fmt.Sprintf("%s (%s): %s", name, comp, strings.Join(other, ", ")))
	}
	return nil
}

// words splits a flags file into shell-like words with their lines: a
// NAME="..." line (kubeadm-flags.env) stands for its value, quotes group,
// a backslash ends a continued line, # starts a comment.
func words(name, text string) ([]token, error) {
	var out []token
	for i, l := range strings.Split(text, "\n") {
		if m := envRE.FindStringSubmatch(l); m != nil {
			l = strings.TrimSpace(m[1])
			if len(l) >= 2 && (l[0] == '"' || l[0] == '\'') && l[len(l)-1] == l[0] {
				l = l[1 : len(l)-1]
			}
		}
		var cur strings.Builder
		quote, inWord := byte(0), false
		flush := func() {
			if inWord {
				out = append(out, token{cur.String(), i + 1})
			}
			cur.Reset()
			inWord = false
		}
		for j := 0; j < len(l); j++ {
			c := l[j]
			switch {
			case quote != 0 && c == quote:
				quote = 0
			case quote != 0:
				cur.WriteByte(c)
			case c == '"' || c == '\'':
				quote, inWord = c, true
			case c == '#' && !inWord:
				j = len(l)
			case c == '\\' && j == len(strings.TrimRight(l, " \t\r"))-1:
				j = len(l) // a continued line
			case c == ' ' || c == '\t' || c == '\r':
				flush()
			default:
				cur.WriteByte(c)
				inWord = true
			}
		}
		if quote != 0 {
			return nil, &Error{File: name, Line: i + 1, Msg: fmt.Sprintf("unterminated %c quote", quote)}
		}
		flush()
	}
	return out, nil
}

// envRE matches NAME=value as an environment file writes it.
var envRE = regexp.MustCompile(`^\s*(?:export\s+)?[A-Za-z_][A-Za-z0-9_]*=(.*)$`)
