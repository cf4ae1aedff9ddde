package model

import (
	"bytes"
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"
)

// fill sets every serialised field reachable from v to a value that is
// not its zero value (slices and maps of two, pointers allocated), so a
// round trip that drops a field shows in reflect.DeepEqual. Pointers,
// slices and maps are followed to a bounded depth (types recurse); funcs stay nil, as the codec requires.
func fill(v reflect.Value, seed *int64, depth int) {
	v = settable(v)
	*seed++
	k := *seed
	switch v.Kind() {
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(-(k % 100) - 1)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		v.SetUint(uint64(k%200) + 1)
	case reflect.Float32, reflect.Float64:
		v.SetFloat(float64(k) + 0.1)
	case reflect.String:
		v.SetString("s" + string(rune('a'+k%26)))
	case reflect.Array:
		for i := range v.Len() {
			fill(v.Index(i), seed, depth)
		}
	case reflect.Slice:
		if depth == 0 {
			return
		}
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := range 2 {
			fill(s.Index(i), seed, depth-1)
		}
		v.Set(s)
	case reflect.Map:
		if depth == 0 {
			return
		}
		m := reflect.MakeMap(v.Type())
		for range 2 {
			key, x := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
			fill(key, seed, depth-1)
			fill(x, seed, depth-1)
			m.SetMapIndex(key, x)
		}
		v.Set(m)
	case reflect.Pointer:
		if depth > 0 {
			p := reflect.New(v.Type().Elem())
			fill(p.Elem(), seed, depth-1)
			v.Set(p)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if !skipped(v.Type().Field(i)) {
				fill(v.Field(i), seed, depth)
			}
		}
		if d, ok := v.Addr().Interface().(*Dist); ok { // a lognormal a decode must rebuild
			d.Kind, d.A, d.B = LogNormal, -3, 0.8
			if err := d.restoreState(); err != nil {
				panic(err)
			}
		}
	}
}

// roundTrip checks that a fully filled T survives MarshalState and
// UnmarshalState unchanged: a field the codec cannot carry fails here,
// not in a merged run.
func roundTrip[T any](t *testing.T) {
	t.Helper()
	var in, out T
	var seed int64
	fill(reflect.ValueOf(&in).Elem(), &seed, 4)
	b, err := MarshalState(&in)
	require.NoError(t, err)
	require.NoError(t, UnmarshalState(b, &out))
	require.True(t, reflect.DeepEqual(in, out), "%T changed in a round trip", in)
	again, err := MarshalState(&out)
	require.NoError(t, err)
	require.Equal(t, b, again, "encoding is not deterministic")
}

// Every field of the states a sharded run merges is serialised; a new
// metric of a kind the codec cannot carry, or one tagged away, fails here.
func TestStateRoundTripsEveryField(t *testing.T) {
	roundTrip[Replication](t)
	roundTrip[rareEstimate](t)
	roundTrip[Config](t)
	roundTrip[Results](t)
}

func TestReplicationHasNoSkippedField(t *testing.T) {
	var walk func(reflect.Type, map[reflect.Type]bool)
	walk = func(ty reflect.Type, seen map[reflect.Type]bool) {
		if seen[ty] {
			return
		}
		seen[ty] = true
		switch ty.Kind() {
		case reflect.Struct:
			for i := range ty.NumField() {
				f := ty.Field(i)
				require.False(t, skipped(f), "%s.%s is not serialised: a merged run would lose it", ty, f.Name)
				walk(f.Type, seen)
			}
		case reflect.Pointer, reflect.Slice, reflect.Array:
			walk(ty.Elem(), seen)
		case reflect.Map:
			walk(ty.Key(), seen)
			walk(ty.Elem(), seen)
		}
	}
	walk(reflect.TypeFor[Replication](), map[reflect.Type]bool{})
}

func TestStateRejectsCorruptInput(t *testing.T) {
	var in Replication
	var seed int64
	fill(reflect.ValueOf(&in).Elem(), &seed, 4)
	b, err := MarshalState(&in)
	require.NoError(t, err)
	for n := 0; n < len(b); n += max(1, len(b)/97) {
		var out Replication
		require.Error(t, UnmarshalState(b[:n], &out), "truncated at %d of %d bytes", n, len(b))
	}
	var out Replication
	require.Error(t, UnmarshalState(append(bytes.Clone(b), 0), &out), "trailing byte accepted")
	huge := []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f}
	var s []float64
	require.Error(t, UnmarshalState(huge, &s), "a length past the data accepted")
	require.Error(t, UnmarshalState(nil, s), "a non-pointer accepted")
}

func TestStateRejectsFuncs(t *testing.T) {
	type hook struct{ f func() }
	_, err := MarshalState(&hook{f: func() {}})
	require.ErrorContains(t, err, "func")
	b, err := MarshalState(&hook{})
	require.NoError(t, err, "a nil func is a hook left unset")
	require.NoError(t, UnmarshalState(b, &hook{}))
}
