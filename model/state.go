package model

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"unsafe"
)

// The state codec serialises a value exactly, field by field, whatever
// its fields are (unexported ones included): integers as varints, floats
// as their IEEE bits, slices with their nil-ness, maps in key order,
// pointers by what they point to. A sharded run (nodesim run --shard)
// writes its replications and estimator states with it and merge decodes
// them into the very values the unsharded run would hold, so the same
// in-order reduction gives the same bits. Being derived from the types by
// reflection, a field someone adds to Replication is carried without
// anyone touching this file; a field tagged `state:"-"` is not (a pointer
// back into the Config, relinked on decode; a cache derived from other
// fields, which the type rebuilds in its restoreState). Kinds with no meaning across
// processes are an error (channels, interfaces, and funcs unless nil: a
// hook left unset), caught by the tests that round-trip every state type.

// MarshalState encodes v, a value or a pointer to one (encoded as the
// value it points to, as UnmarshalState decodes into one).
func MarshalState(v any) ([]byte, error) {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer && !rv.IsNil() {
		rv = rv.Elem()
	}
	var e stateEncoder
	if err := e.value(rv); err != nil {
		return nil, err
	}
	return e.buf.Bytes(), nil
}

// UnmarshalState decodes data, written by MarshalState, into *v; the
// whole of data must be used.
func UnmarshalState(data []byte, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return errors.New("model: UnmarshalState needs a non-nil pointer")
	}
	d := stateDecoder{b: data}
	if err := d.value(rv.Elem()); err != nil {
		return err
	}
	if len(d.b) != 0 {
		return fmt.Errorf("model: state has %d bytes left over", len(d.b))
	}
	return nil
}

// StateLayout is a digest of the shape of every type a sharded run
// serialises: two builds whose layouts differ cannot merge each other's
// partial results, whatever their version strings say.
func StateLayout() string {
	h := sha256.New()
	for _, t := range []reflect.Type{reflect.TypeFor[Config](), reflect.TypeFor[Replication](), reflect.TypeFor[rareEstimate](), reflect.TypeFor[Results]()} {
		describeType(h, t, map[reflect.Type]bool{})
	}
	return fmt.Sprintf("sha256:%x", h.Sum(nil))
}

func describeType(w interface{ Write([]byte) (int, error) }, t reflect.Type, seen map[reflect.Type]bool) {
	fmt.Fprintf(w, "%s(%s", t.Kind(), t.String())
	if seen[t] {
		fmt.Fprint(w, ")")
		return
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			fmt.Fprintf(w, " %s:%s:", f.Name, f.Tag.Get("state"))
			describeType(w, f.Type, seen)
		}
	case reflect.Pointer, reflect.Slice, reflect.Array:
		describeType(w, t.Elem(), seen)
	case reflect.Map:
		describeType(w, t.Key(), seen)
		describeType(w, t.Elem(), seen)
	}
	fmt.Fprint(w, ")")
}

// stateRestorer is a type with fields tagged `state:"-"` that it derives
// from the others: the decoder calls restoreState once they are set.
type stateRestorer interface{ restoreState() error }

func skipped(f reflect.StructField) bool { return f.Tag.Get("state") == "-" }

type stateEncoder struct {
	buf bytes.Buffer
	tmp [binary.MaxVarintLen64]byte
}

func (e *stateEncoder) uvarint(x uint64) { e.buf.Write(binary.AppendUvarint(e.tmp[:0], x)) }

func (e *stateEncoder) value(v reflect.Value) error {
	switch v.Kind() {
	case reflect.Bool:
		if v.Bool() {
			e.buf.WriteByte(1)
		} else {
			e.buf.WriteByte(0)
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		e.buf.Write(binary.AppendVarint(e.tmp[:0], v.Int()))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		e.uvarint(v.Uint())
	case reflect.Float32:
		e.buf.Write(binary.LittleEndian.AppendUint32(e.tmp[:0], math.Float32bits(float32(v.Float()))))
	case reflect.Float64:
		e.buf.Write(binary.LittleEndian.AppendUint64(e.tmp[:0], math.Float64bits(v.Float())))
	case reflect.String:
		e.uvarint(uint64(v.Len()))
		e.buf.WriteString(v.String())
	case reflect.Array:
		for i := range v.Len() {
			if err := e.value(v.Index(i)); err != nil {
				return err
			}
		}
	case reflect.Slice:
		if v.IsNil() {
			e.uvarint(0)
			return nil
		}
		e.uvarint(uint64(v.Len()) + 1)
		for i := range v.Len() {
			if err := e.value(v.Index(i)); err != nil {
				return err
			}
		}
	case reflect.Pointer:
		if v.IsNil() {
			e.buf.WriteByte(0)
			return nil
		}
		e.buf.WriteByte(1)
		return e.value(v.Elem())
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			if skipped(t.Field(i)) {
				continue
			}
			if err := e.value(v.Field(i)); err != nil {
				return fmt.Errorf("%s.%s: %w", t.Name(), t.Field(i).Name, err)
			}
		}
	case reflect.Map:
		return e.mapValue(v)
	case reflect.Func:
		if !v.IsNil() {
			return fmt.Errorf("model: state cannot hold a func (%s)", v.Type())
		}
	default:
		return fmt.Errorf("model: state cannot hold a %s", v.Type())
	}
	return nil
}

// mapValue writes a map's entries in the order of their encoded keys.
func (e *stateEncoder) mapValue(v reflect.Value) error {
	if v.IsNil() {
		e.uvarint(0)
		return nil
	}
	type entry struct{ k, v []byte }
	var entries []entry
	for it := v.MapRange(); it.Next(); {
		var k, x stateEncoder
		if err := k.value(it.Key()); err != nil {
			return err
		}
		if err := x.value(it.Value()); err != nil {
			return err
		}
		entries = append(entries, entry{k.buf.Bytes(), x.buf.Bytes()})
	}
	slices.SortFunc(entries, func(a, b entry) int { return bytes.Compare(a.k, b.k) })
	e.uvarint(uint64(len(entries)) + 1)
	for _, en := range entries {
		e.buf.Write(en.k)
		e.buf.Write(en.v)
	}
	return nil
}

var errShortState = errors.New("model: state is truncated or corrupt")

type stateDecoder struct{ b []byte }

func (d *stateDecoder) uvarint() (uint64, error) {
	x, n := binary.Uvarint(d.b)
	if n <= 0 {
		return 0, errShortState
	}
	d.b = d.b[n:]
	return x, nil
}

func (d *stateDecoder) bytes(n int) ([]byte, error) {
	if n < 0 || n > len(d.b) {
		return nil, errShortState
	}
	out := d.b[:n]
	d.b = d.b[n:]
	return out, nil
}

// length reads a slice or map length (0: nil), bounded by the bytes left
// so that corrupt input cannot ask for a huge allocation.
func (d *stateDecoder) length() (n int, isNil bool, err error) {
	x, err := d.uvarint()
	if err != nil {
		return 0, false, err
	}
	if x == 0 {
		return 0, true, nil
	}
	if x-1 > uint64(len(d.b)) {
		return 0, false, errShortState
	}
	return int(x - 1), false, nil
}

// settable gives write access to v even when it is an unexported field:
// the codec restores values it wrote itself, into types of this module.
func settable(v reflect.Value) reflect.Value {
	if v.CanSet() {
		return v
	}
	return reflect.NewAt(v.Type(), unsafe.Pointer(v.UnsafeAddr())).Elem()
}

func (d *stateDecoder) value(v reflect.Value) error {
	v = settable(v)
	switch v.Kind() {
	case reflect.Bool:
		b, err := d.bytes(1)
		if err != nil {
			return err
		}
		if b[0] > 1 {
			return errShortState
		}
		v.SetBool(b[0] == 1)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		x, n := binary.Varint(d.b)
		if n <= 0 || v.OverflowInt(x) {
			return errShortState
		}
		d.b = d.b[n:]
		v.SetInt(x)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		x, err := d.uvarint()
		if err != nil || v.OverflowUint(x) {
			return errShortState
		}
		v.SetUint(x)
	case reflect.Float32:
		b, err := d.bytes(4)
		if err != nil {
			return err
		}
		v.SetFloat(float64(math.Float32frombits(binary.LittleEndian.Uint32(b))))
	case reflect.Float64:
		b, err := d.bytes(8)
		if err != nil {
			return err
		}
		v.SetFloat(math.Float64frombits(binary.LittleEndian.Uint64(b)))
	case reflect.String:
		n, err := d.uvarint()
		if err != nil || n > uint64(len(d.b)) {
			return errShortState
		}
		b, _ := d.bytes(int(n))
		v.SetString(string(b))
	case reflect.Array:
		for i := range v.Len() {
			if err := d.value(v.Index(i)); err != nil {
				return err
			}
		}
	case reflect.Slice:
		n, isNil, err := d.length()
		if err != nil {
			return err
		}
		if isNil {
			v.SetZero()
			return nil
		}
		s := reflect.MakeSlice(v.Type(), n, n)
		for i := range n {
			if err := d.value(s.Index(i)); err != nil {
				return err
			}
		}
		v.Set(s)
	case reflect.Pointer:
		b, err := d.bytes(1)
		if err != nil {
			return err
		}
		switch b[0] {
		case 0:
			v.SetZero()
		case 1:
			p := reflect.New(v.Type().Elem())
			if err := d.value(p.Elem()); err != nil {
				return err
			}
			v.Set(p)
		default:
			return errShortState
		}
	case reflect.Struct:
		t := v.Type()
		for i := range t.NumField() {
			if skipped(t.Field(i)) {
				continue
			}
			if err := d.value(v.Field(i)); err != nil {
				return err
			}
		}
		if r, ok := v.Addr().Interface().(stateRestorer); ok {
			return r.restoreState()
		}
	case reflect.Map:
		n, isNil, err := d.length()
		if err != nil {
			return err
		}
		if isNil {
			v.SetZero()
			return nil
		}
		m := reflect.MakeMapWithSize(v.Type(), n)
		for range n {
			k, x := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
			if err := d.value(k); err != nil {
				return err
			}
			if err := d.value(x); err != nil {
				return err
			}
			m.SetMapIndex(k, x)
		}
		v.Set(m)
	case reflect.Func:
		v.SetZero() // only nil funcs are encoded
	default:
		return fmt.Errorf("model: state cannot hold a %s", v.Type())
	}
	return nil
}
