package kubeconfig

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"sigs.k8s.io/yaml"
)

// Kubelet holds the KubeletConfiguration fields nodesim models, each as
// the file set it (nil when unset, or zero, which upstream's defaulting
// treats as unset).
type Kubelet struct {
	File                      string
	NodeStatusUpdateFrequency *Field[time.Duration]
	NodeStatusReportFrequency *Field[time.Duration]
	NodeLeaseDurationSeconds  *Field[int32]
}

// Field is a value and the line that set it.
type Field[T any] struct {
	Value T
	Line  int
}

const kubeletAPIVersion = "kubelet.config.k8s.io/v1beta1"

// kubeletModelled are the KubeletConfiguration fields nodesim simulates.
var kubeletModelled = map[string]bool{"kind": true, "apiVersion": true,
	"nodeStatusUpdateFrequency": true, "nodeStatusReportFrequency": true, "nodeLeaseDurationSeconds": true}

// readKubelet decodes a KubeletConfiguration as the kubelet does: YAML to
// JSON (sigs.k8s.io/yaml, duplicate keys an error), then each field with
// its upstream type's JSON decoding, names matched exactly (apimachinery's
// decoder is case-sensitive, encoding/json into a struct is not).
func (f *Found) readKubelet(name string, d doc, api string) error {
	if api != kubeletAPIVersion {
		return &Error{File: name, Line: d.keyLine(d.node, "apiVersion"), Msg: fmt.Sprintf("KubeletConfiguration apiVersion %q: the kubelet reads %s", api, kubeletAPIVersion)}
	}
	if f.Kubelet != nil {
		return &Error{File: name, Line: d.first, Msg: "a second KubeletConfiguration (the first is in " + f.Kubelet.File + ")"}
	}
	js, err := yaml.YAMLToJSONStrict(d.text)
	if err != nil {
		return yamlError(name, d.first, err)
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(js, &fields); err != nil {
		return &Error{File: name, Line: d.first, Msg: err.Error()}
	}
	k := &Kubelet{File: name}
	for key, raw := range fields {
		line := d.keyLine(d.node, key)
		switch key {
		case "nodeStatusUpdateFrequency", "nodeStatusReportFrequency":
			v, err := metav1Duration(raw)
			if err != nil {
				return &Error{File: name, Line: line, Msg: key + ": " + err.Error()}
			}
			if v != 0 {
				fd := &Field[time.Duration]{Value: v, Line: line}
				if key == "nodeStatusUpdateFrequency" {
					k.NodeStatusUpdateFrequency = fd
				} else {
					k.NodeStatusReportFrequency = fd
				}
			}
		case "nodeLeaseDurationSeconds":
			var n int32
			if err := json.Unmarshal(raw, &n); err != nil {
				return &Error{File: name, Line: line, Msg: key + ": want an integer number of seconds (int32): " + strings.TrimPrefix(err.Error(), "json: ")}
			}
			if n != 0 {
				k.NodeLeaseDurationSeconds = &Field[int32]{Value: n, Line: line}
			}
		}
	}
	f.Kubelet = k
	var notModelled, unknown []string
	for key := range fields {
		switch {
		case kubeletModelled[key]:
		case kubeletFields[key]:
			notModelled = append(notModelled, key)
		default:
			unknown = append(unknown, key)
		}
	}
	sort.Strings(notModelled)
	sort.Strings(unknown)
	if len(notModelled) > 0 {
		f.NotModelled = append(f.NotModelled, name+": "+strings.Join(notModelled, ", "))
	}
	for _, u := range unknown {
		f.Warnings = append(f.Warnings, fmt.Sprintf("%s:%d: %s is not a KubeletConfiguration %s field (k8s.io/kubelet %s); the kubelet ignores it with a warning%s",
			name, d.keyLine(d.node, u), u, "v1beta1", kubeletFieldsVersion, suggestField(u)))
	}
	return nil
}

// metav1Duration decodes as metav1.Duration.UnmarshalJSON: a JSON string
// parsed by time.ParseDuration.
func metav1Duration(raw json.RawMessage) (time.Duration, error) {
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return 0, fmt.Errorf("want a duration string such as \"10s\", got %s", raw)
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, err
	}
	return d, nil
}

// suggestField names a modelled field differing only in case or by a typo.
func suggestField(u string) string {
	for m := range kubeletModelled {
		if strings.EqualFold(m, u) || (len(u) > 8 && levenshtein(strings.ToLower(m), strings.ToLower(u)) <= 2) {
			return " (did you mean " + m + "?)"
		}
	}
	return ""
}

func levenshtein(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			c := 1
			if a[i-1] == b[j-1] {
				c = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+c)
		}
		prev = cur
	}
	return prev[len(b)]
}

// Effective applies SetDefaults_KubeletConfiguration
// (pkg/kubelet/apis/config/v1beta1/defaults.go) to the three fields:
// nodeStatusReportFrequency, when unset, follows nodeStatusUpdateFrequency
// if that is set ("for backward compatibility") and is reportDefault (5m
// from v1.17, 1m before) otherwise; then nodeStatusUpdateFrequency
// defaults to 10s and nodeLeaseDurationSeconds to 40. A zero value counts
// as unset, as upstream compares with the zero value.
func (k *Kubelet) Effective(reportDefault time.Duration) (update, report time.Duration, lease int32, reportFrom string) {
	update, report, lease = 10*time.Second, reportDefault, 40
	reportFrom = "default"
	if k.NodeStatusUpdateFrequency != nil {
		update = k.NodeStatusUpdateFrequency.Value
	}
	switch {
	case k.NodeStatusReportFrequency != nil:
		report, reportFrom = k.NodeStatusReportFrequency.Value, "set"
	case k.NodeStatusUpdateFrequency != nil:
		report, reportFrom = update, "update"
	}
	if k.NodeLeaseDurationSeconds != nil {
		lease = k.NodeLeaseDurationSeconds.Value
	}
	return update, report, lease, reportFrom
}
