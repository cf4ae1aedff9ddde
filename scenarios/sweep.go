package scenarios

import (
	"errors"
	"fmt"
	"strings"

	"github.com/nodesim/nodesim/model"
)

// expand builds one configuration per named point and point of the grid
// over axes: the points outermost, the last axis varying fastest. Each
// starts from its own profile's defaults (profile can be swept or set by
// a point), then the file, the named point, the flags and the axes'
// values: a --set value overrides a point's as it ends a file's sweep.
func expand(assigns []assign, axes []axis, named []namedPoint, file *source) ([]Point, [][]*Error, error) {
	n := max(1, len(named))
	for _, ax := range axes {
		n *= len(ax.values)
		if n > maxPoints {
			return nil, nil, &Error{File: file.label, Key: "sweep", Msg: fmt.Sprintf("more than %d points; sweep fewer values", maxPoints)}
		}
	}
	var fileAssigns, flagAssigns []assign
	for _, a := range assigns {
		if a.src.flag {
			flagAssigns = append(flagAssigns, a)
		} else {
			fileAssigns = append(fileAssigns, a)
		}
	}
	points := make([]Point, 0, n)
	warnings := make([][]*Error, 0, n)
	idx := make([]int, len(axes))
	for i := range n {
		var np *namedPoint
		if len(named) > 0 {
			np = &named[i/(n/len(named))]
		}
		all := append([]assign(nil), fileAssigns...)
		if np != nil {
			all = append(all, np.assigns...)
		}
		all = append(all, flagAssigns...)
		for i, ax := range axes {
			all = append(all, assign{key: ax.key, value: ax.values[idx[i]], src: ax.src, label: ax.label(), at: ax.at})
		}
		params, label := pointParams(all, np, axes)
		profile, err := pointProfile(all)
		if err != nil {
			return nil, nil, err
		}
		c, err := build(profile, all, nil, file)
		if err != nil {
			return nil, nil, err
		}
		if err := validate(c, all, file, label); err != nil {
			return nil, nil, err
		}
		var ws []*Error
		for _, w := range c.Warnings() {
			ws = append(ws, position(w.(*model.FieldError), all, file, ""))
		}
		points = append(points, Point{Config: c, Params: params, Label: label})
		warnings = append(warnings, ws)
		for i := len(idx) - 1; i >= 0; i-- {
			if idx[i]++; idx[i] < len(axes[i].values) {
				break
			}
			idx[i] = 0
		}
	}
	return points, warnings, nil
}

// pointParams lists every key a point's sweep, named point or --set
// flags set (later assignments win), plus the point's name; label names
// the point in messages: its name, then the swept keys.
func pointParams(all []assign, np *namedPoint, axes []axis) (map[string]string, string) {
	params := map[string]string{}
	for _, a := range all {
		if a.src.flag || a.label != "" {
			if !paramIndex[a.key].meta {
				params[a.key] = render(a.value)
			}
		}
	}
	var parts []string
	if np != nil {
		params[nameKey] = np.name
		parts = append(parts, np.name)
	}
	for _, ax := range axes {
		parts = append(parts, ax.key+"="+params[ax.key])
	}
	return params, strings.Join(parts, ", ")
}

// pointProfile is the last profile assigned, or the newest.
func pointProfile(all []assign) (string, error) {
	profile := model.DefaultProfile
	for _, a := range all {
		if a.key != "profile" {
			continue
		}
		if err := setProfile(nil, a.value, a.src); err != nil {
			return "", a.locate(err)
		}
		profile = a.value.(string)
	}
	return profile, nil
}

// mergeWarnings lists each point's warnings once: a warning every point
// shares as it is, the others with the sweep point they concern.
func mergeWarnings(points []Point, perPoint [][]*Error) []*Error {
	count := map[string]int{}
	for _, ws := range perPoint {
		for _, w := range ws {
			count[w.Error()]++
		}
	}
	var out []*Error
	seen := map[string]bool{}
	for i, ws := range perPoint {
		for _, w := range ws {
			msg := w.Error()
			if count[msg] == len(points) {
				if !seen[msg] {
					seen[msg] = true
					out = append(out, w)
				}
				continue
			}
			pw := *w
			pw.Key, pw.Msg = "", "sweep point "+points[i].Label+": "+w.Key+": "+w.Msg
			out = append(out, &pw)
		}
	}
	return out
}

func (ax axis) label() string {
	if ax.src.flag {
		return ax.key
	}
	return fmt.Sprintf("sweep.%q", ax.key)
}

// locate positions a setter's error; a sweep value is reported at its
// axis, with the value.
func (a assign) locate(err error) *Error {
	if a.label == "" {
		return a.src.locate(a.key, err)
	}
	var ke *keyError
	msg := err.Error()
	if errors.As(err, &ke) && ke.key != a.key {
		msg = ke.key + ": " + ke.msg
	} else if ke != nil {
		msg = ke.msg
	}
	return &Error{File: a.src.label, Line: a.src.line(a.at), Key: a.label, Msg: fmt.Sprintf("value %s: %s", render(a.value), msg)}
}

// validate runs model.Config.Validate and positions each message at the
// assignment of the key it names. point, when set, names the sweep point.
func validate(c *model.Config, assigns []assign, file *source, point string) error {
	err := c.Validate()
	if err == nil {
		return nil
	}
	var list []error
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		list = j.Unwrap()
	} else {
		list = []error{err}
	}
	out := make([]error, len(list))
	for i, e := range list {
		var fe *model.FieldError
		if !errors.As(e, &fe) { // not expected: Validate returns field errors
			out[i] = &Error{File: file.label, Msg: e.Error()}
			continue
		}
		out[i] = position(fe, assigns, file, point)
	}
	return errors.Join(out...)
}

// position places fe at the last assignment of its key (a sweep value at
// its axis), or in file when the key was never assigned.
func position(fe *model.FieldError, assigns []assign, file *source, point string) *Error {
	pe := &Error{File: file.label, Key: fe.Path(), Msg: fe.Msg}
	for _, a := range assigns {
		if a.key != fe.Key {
			continue
		}
		pe.File, pe.Line = a.src.label, a.src.line(fe.Path())
		if a.label != "" {
			pe.Line = a.src.line(a.at)
		}
	}
	if point != "" {
		pe.Key, pe.Msg = "", "sweep point "+point+": "+fe.Error()
	}
	return pe
}
