package scenarios

import (
	"errors"
	"fmt"
	"strings"

	"github.com/nodesim/nodesim/model"
)

// expand builds one configuration per point of the grid over axes, the
// last axis varying fastest. Each point starts from its own profile's
// defaults (profile can be swept), then the file, the flags and its values.
func expand(profile string, assigns []assign, axes []axis, file *source) ([]Point, [][]*Error, error) {
	n := 1
	for _, ax := range axes {
		n *= len(ax.values)
		if n > maxPoints {
			return nil, nil, &Error{File: file.label, Key: "sweep", Msg: fmt.Sprintf("more than %d points; sweep fewer values", maxPoints)}
		}
	}
	points := make([]Point, 0, n)
	warnings := make([][]*Error, 0, n)
	idx := make([]int, len(axes))
	for range n {
		pointAssigns := make([]assign, len(axes))
		params := make(map[string]string, len(axes))
		pointProfile := profile
		for i, ax := range axes {
			v := ax.values[idx[i]]
			a := assign{key: ax.key, value: v, src: ax.src, label: ax.label(), at: ax.at}
			if ax.key == "profile" {
				if err := setProfile(nil, v, ax.src); err != nil {
					return nil, nil, a.locate(err)
				}
				pointProfile = v.(string)
			}
			pointAssigns[i] = a
			params[ax.key] = render(v)
		}
		c, err := build(pointProfile, assigns, pointAssigns, file)
		if err != nil {
			return nil, nil, err
		}
		all := append(append([]assign(nil), assigns...), pointAssigns...)
		if err := validate(c, all, file, describeParams(axes, params)); err != nil {
			return nil, nil, err
		}
		var ws []*Error
		for _, w := range c.Warnings() {
			ws = append(ws, position(w.(*model.FieldError), all, file, ""))
		}
		points = append(points, Point{Config: c, Params: params})
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

// mergeWarnings lists each point's warnings once: a warning every point
// shares as it is, the others with the sweep point they concern.
func mergeWarnings(points []Point, axes []axis, perPoint [][]*Error) []*Error {
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
			pw.Key, pw.Msg = "", "sweep point "+describeParams(axes, points[i].Params)+": "+w.Key+": "+w.Msg
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

func describeParams(axes []axis, params map[string]string) string {
	parts := make([]string, len(axes))
	for i, ax := range axes {
		parts[i] = ax.key + "=" + params[ax.key]
	}
	return strings.Join(parts, ", ")
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
