package scenarios

import (
	"fmt"
	"sort"
	"strings"

	"github.com/nodesim/nodesim/model"
)

// Failure kinds and fields of the [failures] table.
const (
	crash = iota
	partition
	gray
	runtimeDown
)

const (
	every = iota
	lasts
)

func failureProcess(c *model.Config, kind int) **model.FailureProcess {
	return [...]**model.FailureProcess{&c.Failures.Crash, &c.Failures.Partition, &c.Failures.Gray, &c.Failures.RuntimeDown}[kind]
}

// ensureProcess returns the process of kind, creating it on first use;
// it copies rather than mutates so configs never share a process.
func ensureProcess(c *model.Config, kind int) *model.FailureProcess {
	p := failureProcess(c, kind)
	fp := &model.FailureProcess{}
	if *p != nil {
		*fp = **p
	}
	*p = fp
	return fp
}

func failureDist(key string, kind, field int) param {
	return param{key: key,
		dist: func(c *model.Config) *model.Dist {
			p := *failureProcess(c, kind)
			if p == nil {
				return nil
			}
			return [...]*model.Dist{&p.Every, &p.Lasts}[field]
		},
		get: func(c *model.Config) string {
			p := *failureProcess(c, kind)
			if p == nil {
				return "off"
			}
			return formatDist([...]model.Dist{p.Every, p.Lasts}[field])
		},
		set: func(c *model.Config, v any, in *source) error {
			d, err := parseDist(key, v, in)
			if err != nil {
				return err
			}
			if field == every && !(d.Mean() > 0) && d.Kind != model.Normal {
				return fmt.Errorf("must have a mean > 0, got %s", formatDist(d))
			}
			p := ensureProcess(c, kind)
			*[...]*model.Dist{&p.Every, &p.Lasts}[field] = d
			return nil
		}}
}

func failureDuration(key string, kind int) param {
	return param{key: key,
		get: func(c *model.Config) string {
			p := *failureProcess(c, kind)
			if p == nil {
				return "off"
			}
			if p.Repair == 0 {
				return "never"
			}
			return FormatDuration(p.Repair)
		},
		set: func(c *model.Config, v any, _ *source) error {
			d, err := asDuration(v)
			if err != nil {
				return err
			}
			ensureProcess(c, kind).Repair = d
			return nil
		}}
}

// failureKeys are the every and lasts keys of each failure kind.
var failureKeys = [...][2]string{
	crash:       {model.KeyCrashEvery, ""},
	partition:   {model.KeyPartitionEvery, model.KeyPartitionLasts},
	gray:        {model.KeyGrayEvery, model.KeyGrayLasts},
	runtimeDown: {model.KeyRuntimeDownEvery, model.KeyRuntimeDownLasts},
}

// checkFailures reports a failure process missing a required field: one
// set only through, say, failures.crash.repair.
func checkFailures(c *model.Config) (key, msg string) {
	for kind, keys := range failureKeys {
		p := *failureProcess(c, kind)
		if p == nil {
			continue
		}
		table := keys[0][:strings.LastIndex(keys[0], ".")]
		if p.Every.Kind == model.Constant && p.Every.A == 0 && p.Every.Source == "" {
			return keys[0], "required when " + table + " is set"
		}
		if keys[1] != "" && p.Lasts.Kind == model.Constant && p.Lasts.A == 0 && p.Lasts.Source == "" {
			return keys[1], "required when " + table + " is set"
		}
	}
	return "", ""
}

var incidentKeys = model.IncidentFields

// unsetFailAfter marks an incident whose fail-after defaults to the
// effective etcd-request-timeout, known only once every key is applied.
const unsetFailAfter = -1

func setIncidents(c *model.Config, v any, in *source) error {
	tabs, err := asTables(v)
	if err != nil {
		return err
	}
	incs := make([]model.Incident, len(tabs))
	for i, m := range tabs {
		if incs[i], err = parseIncident(fmt.Sprintf("%s[%d]", model.KeyIncident, i+1), m, in); err != nil {
			return err
		}
	}
	c.APIServer.Incidents = incs
	return nil
}

func parseIncident(key string, m map[string]any, in *source) (model.Incident, error) {
	inc := model.Incident{FailAfter: unsetFailAfter, Multiply: 1, Fraction: 1}
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names) // unknown fields in a stable order
	sort.SliceStable(names, func(i, j int) bool { return keyOrder(incidentKeys, names[i]) < keyOrder(incidentKeys, names[j]) })
	for _, k := range names {
		if err := setIncidentField(&inc, key, k, m[k], in); err != nil {
			return inc, err
		}
	}
	if err := everyOrAt(key, m); err != nil {
		return inc, err
	}
	for _, req := range []string{model.IncidentLasts, model.IncidentEffect} {
		if _, ok := m[req]; !ok && !(req == model.IncidentLasts && inc.Effect == model.DeadConnection) {
			return inc, keyErrorf(key, "needs %s", req)
		}
	}
	if inc.Effect == model.DeadConnection && m[model.IncidentLasts] == nil {
		inc.Lasts = model.Const(model.HealthCheck) // ReadIdleTimeout + PingTimeout
	}
	if inc.Effect != model.DeadConnection && (m[model.IncidentTarget] != nil || m[model.IncidentFraction] != nil) {
		return inc, keyErrorf(key, "target and fraction apply only to effect = \"dead-connection\", not %q", inc.Effect)
	}
	if inc.Target != model.TargetKubelets && m[model.IncidentFraction] != nil {
		return inc, keyErrorf(key+"."+model.IncidentFraction, "applies only to target = \"kubelets\", not %q", inc.Target)
	}
	if inc.Effect != model.Slow && (m[model.IncidentMultiply] != nil || m[model.IncidentAdd] != nil) {
		return inc, keyErrorf(key, "multiply and add apply only to effect = \"slow\", not %q", inc.Effect)
	}
	if inc.Effect != model.Load && (m[model.IncidentWrites] != nil || m[model.IncidentReads] != nil) {
		return inc, keyErrorf(key, "writes-per-second and reads-per-second apply only to effect = \"load\", not %q", inc.Effect)
	}
	if inc.Effect != model.Unavailable && m[model.IncidentFailAfter] != nil {
		return inc, keyErrorf(key+"."+model.IncidentFailAfter, "applies only to effect = \"unavailable\", not %q", inc.Effect)
	}
	return inc, nil
}

func setIncidentField(inc *model.Incident, key, k string, v any, in *source) error {
	fk := key + "." + k
	var err error
	switch k {
	case model.IncidentName:
		inc.Name, err = asString(v)
	case model.IncidentEvery, model.IncidentLasts:
		var d model.Dist
		if d, err = parseDist(fk, v, in); err != nil {
			return err
		}
		if k == model.IncidentEvery {
			if !(d.Mean() > 0) && d.Kind != model.Normal {
				return keyErrorf(fk, "must have a mean > 0, got %s", formatDist(d))
			}
			inc.Every = d
		} else {
			inc.Lasts = d
		}
	case model.IncidentAt:
		inc.At, err = parseAt(v)
	case model.IncidentEffect:
		var s string
		if s, err = asString(v); err == nil {
			var ok bool
			if inc.Effect, ok = model.ParseEffect(s); !ok {
				err = fmt.Errorf("unknown effect %q%s; one of %s", s, suggest(s, model.EffectNames()), strings.Join(model.EffectNames(), ", "))
			}
		}
	case model.IncidentFailAfter:
		inc.FailAfter, err = asDuration(v)
	case model.IncidentMultiply:
		if inc.Multiply, err = asFloat(v); err == nil && inc.Multiply < 0 {
			err = fmt.Errorf("must be >= 0, got %v", inc.Multiply)
		}
	case model.IncidentAdd:
		inc.Add, err = asDuration(v)
	case model.IncidentTarget:
		var s string
		if s, err = asString(v); err == nil {
			var ok bool
			if inc.Target, ok = model.ParseTarget(s); !ok {
				err = fmt.Errorf("unknown target %q%s; one of %s", s, suggest(s, model.TargetNames()), strings.Join(model.TargetNames(), ", "))
			}
		}
	case model.IncidentWrites, model.IncidentReads:
		var x float64
		if x, err = asFloat(v); err == nil && x < 0 {
			err = fmt.Errorf("must be >= 0 (per second), got %v", x)
		}
		if k == model.IncidentWrites {
			inc.WritesPerSecond = x
		} else {
			inc.ReadsPerSecond = x
		}
	case model.IncidentFraction:
		if inc.Fraction, err = asFloat(v); err == nil && !(inc.Fraction > 0 && inc.Fraction <= 1) {
			err = fmt.Errorf("must be in (0, 1], got %v", inc.Fraction)
		}
	default:
		return keyErrorf(fk, "unknown field of an incident%s; it takes %s", suggest(k, incidentKeys), strings.Join(incidentKeys, ", "))
	}
	if err != nil {
		return keyErrorf(fk, "%v", err)
	}
	return nil
}

// resolveIncidents fills defaults that depend on other keys.
func resolveIncidents(c *model.Config) {
	for i := range c.APIServer.Incidents {
		if c.APIServer.Incidents[i].FailAfter == unsetFailAfter {
			c.APIServer.Incidents[i].FailAfter = c.APIServer.EtcdRequestTimeout
		}
	}
}

func getIncidents(c *model.Config) string {
	if len(c.APIServer.Incidents) == 0 {
		return "none"
	}
	parts := make([]string, len(c.APIServer.Incidents))
	for i, in := range c.APIServer.Incidents {
		s := in.Effect.String()
		if in.Name != "" {
			s = fmt.Sprintf("%q %s", in.Name, s)
		}
		if in.Replayed() {
			s += " at " + formatAt(in.At) + ", lasts " + formatDist(in.Lasts)
		} else {
			s += " every " + formatDist(in.Every) + ", lasts " + formatDist(in.Lasts)
		}
		switch in.Effect {
		case model.Unavailable:
			s += ", fail-after " + FormatDuration(in.FailAfter)
		case model.Slow:
			s += fmt.Sprintf(", latency × %s + %s", formatFloat(in.Multiply), FormatDuration(in.Add))
		case model.Load:
			s += fmt.Sprintf(", +%s writes/s, +%s reads/s", formatFloat(in.WritesPerSecond), formatFloat(in.ReadsPerSecond))
		case model.DeadConnection:
			s += ", target " + in.Target.String()
			if in.Target == model.TargetKubelets {
				s += ", fraction " + formatFloat(in.Fraction)
			}
		}
		parts[i] = s
	}
	return strings.Join(parts, "; ")
}

func keyOrder(known []string, k string) int {
	for i, x := range known {
		if x == k {
			return i
		}
	}
	return len(known)
}
