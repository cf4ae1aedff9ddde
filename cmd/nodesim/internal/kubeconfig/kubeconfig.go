// Package kubeconfig reads the settings nodesim models out of a cluster's
// own configuration: a KubeletConfiguration file (decoded as the kubelet
// decodes it, YAML to JSON with sigs.k8s.io/yaml, with upstream's
// defaulting), static pod manifests of kube-controller-manager,
// kube-apiserver and etcd, and flags files.
//
//	found, err := kubeconfig.Read([]string{"kubelet-config.yaml", "kube-controller-manager.yaml"})
//	found.Kubelet, found.Flags, found.Images, found.NotModelled
package kubeconfig

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/nodesim/nodesim/internal/readfile"
	yamlv3 "go.yaml.in/yaml/v3"
)

// MaxBytes bounds one configuration file.
const MaxBytes = 4 << 20

// Error is bad input, at a file and line where known.
type Error = readfile.Error

// Found is everything read from the files.
type Found struct {
	Kubelet     *Kubelet // nil without a KubeletConfiguration
	Flags       []Flag   // modelled flags, in file order
	Images      []Image
	NotModelled []string // "file: a, b, c", once per file
	Warnings    []string
}

// Image is a component's container image with a release tag.
type Image struct {
	Component string
	Minor     int
	Ref       string
	File      string
	Line      int
}

// Read parses every file: YAML documents by their kind, anything else as
// a flags file.
func Read(paths []string) (*Found, error) {
	f := &Found{}
	for _, p := range paths {
		data, err := readFile(p)
		if err != nil {
			return nil, err
		}
		if err := f.read(p, data); err != nil {
			return nil, err
		}
	}
	return f, nil
}

func readFile(path string) ([]byte, error) {
	data, more, err := readfile.Limited(path, MaxBytes)
	switch {
	case err != nil:
		return nil, &Error{File: path, Msg: fmt.Sprintf("cannot read: %v", err)}
	case more:
		return nil, &Error{File: path, Msg: fmt.Sprintf("larger than %d MiB: not a configuration file", MaxBytes>>20)}
	}
	return data, nil
}

// doc is one YAML document of a file, from line first.
type doc struct {
	text  []byte
	first int
	node  *yamlv3.Node // the document's top mapping
}

func (f *Found) read(name string, data []byte) error {
	docs, isYAML, err := yamlDocs(name, data)
	if err != nil {
		return err
	}
	if !isYAML {
		return f.readFlagsFile(name, data)
	}
	for _, d := range docs {
		kind, api := scalar(d.node, "kind"), scalar(d.node, "apiVersion")
		switch kind {
		case "KubeletConfiguration":
			if err := f.readKubelet(name, d, api); err != nil {
				return err
			}
		case "Pod":
			if err := f.readPod(name, d); err != nil {
				return err
			}
		default:
			what := fmt.Sprintf("kind %q", kind)
			if kind == "" {
				what = "a YAML document without kind"
			}
			return &Error{File: name, Line: d.first, Msg: what + ": nodesim imports a KubeletConfiguration, a static Pod manifest of kube-controller-manager, kube-apiserver or etcd, or a flags file"}
		}
	}
	return nil
}

// yamlDocs splits data at "---" lines, as apimachinery's YAML reader does,
// and parses each; data that is no YAML mapping is a flags file.
func yamlDocs(name string, data []byte) ([]doc, bool, error) {
	var docs []doc
	lines := bytes.SplitAfter(data, []byte("\n"))
	start, first := 0, 1
	flush := func(end int) error {
		text := bytes.Join(lines[start:end], nil)
		if len(bytes.TrimSpace(stripYAMLComments(text))) == 0 {
			return nil
		}
		var n yamlv3.Node
		if err := yamlv3.Unmarshal(text, &n); err != nil {
			return yamlError(name, first, err)
		}
		if len(n.Content) == 0 || n.Content[0].Kind != yamlv3.MappingNode {
			return errNotYAML
		}
		docs = append(docs, doc{text: text, first: first, node: n.Content[0]})
		return nil
	}
	for i, l := range lines {
		if bytes.HasPrefix(l, []byte("---")) {
			if err := flush(i); err != nil {
				return notYAMLOr(err)
			}
			start, first = i+1, i+2
		}
	}
	if err := flush(len(lines)); err != nil {
		return notYAMLOr(err)
	}
	return docs, len(docs) > 0, nil
}

var errNotYAML = errors.New("not a YAML mapping")

func notYAMLOr(err error) ([]doc, bool, error) {
	if errors.Is(err, errNotYAML) {
		return nil, false, nil
	}
	return nil, true, err
}

func stripYAMLComments(text []byte) []byte {
	var out []byte
	for _, l := range bytes.SplitAfter(text, []byte("\n")) {
		if !bytes.HasPrefix(bytes.TrimSpace(l), []byte("#")) {
			out = append(out, l...)
		}
	}
	return out
}

// yamlError positions a YAML error (yaml.v3's or sigs.k8s.io/yaml's
// "line N: ...") in the whole file.
func yamlError(name string, first int, err error) error {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	msg = strings.TrimSpace(strings.TrimPrefix(msg, "unmarshal errors:"))
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &Error{File: name, Line: first + line - 1, Msg: "YAML: " + strings.TrimSpace(m[2])}
	}
	return &Error{File: name, Line: first, Msg: "YAML: " + msg}
}

var yamlLineRE = regexp.MustCompile(`^line (\d+): ([^\n]*)`)

// scalar returns the value of key in mapping m, or "".
func scalar(m *yamlv3.Node, key string) string {
	if v := lookup(m, key); v != nil && v.Kind == yamlv3.ScalarNode {
		return v.Value
	}
	return ""
}

func lookup(m *yamlv3.Node, key string) *yamlv3.Node {
	if m == nil || m.Kind != yamlv3.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

// keyLine is the line of key in mapping m, in the file.
func (d doc) keyLine(m *yamlv3.Node, key string) int {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return d.first + m.Content[i].Line - 1
		}
	}
	return d.first
}
