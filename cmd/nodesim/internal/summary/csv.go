package summary

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/nodesim/nodesim/model"
)

// JSON writes res as indented JSON, the results.json format.
func JSON(w io.Writer, res *model.Results) error {
	b, err := json.MarshalIndent(res, "", "  ")
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// csvSkip are JSON paths left out of the CSV: series, not scalars (zones,
// failover.by_kind and incidents: one per zone, failure kind or replay, in
// results.json).
var csvSkip = map[string]bool{"params": true, "gap_histogram.buckets": true, "timeline": true, "zones": true, "failover.by_kind": true, "incidents": true}

// CSV writes one row per point. Columns are the point's JSON fields
// flattened with dots, in struct order, so new metrics appear without
// changes here; swept parameters come first as params.<key>; null is an
// empty cell; arrays of scalars (warnings) are joined with "; ".
func CSV(w io.Writer, res *model.Results) error {
	var cols []string
	seen := map[string]bool{}
	add := func(c string) {
		if !seen[c] {
			seen[c] = true
			cols = append(cols, c)
		}
	}
	for _, ax := range res.Sweep {
		add("params." + ax.Key)
	}
	rows := make([]map[string]string, len(res.Points))
	for i := range res.Points {
		p := &res.Points[i]
		row := map[string]string{}
		for k, v := range p.Params {
			row["params."+k] = v
		}
		for _, k := range sortedKeys(p.Params) {
			add("params." + k)
		}
		b, err := json.Marshal(p)
		if err != nil {
			return err
		}
		dec := json.NewDecoder(bytes.NewReader(b))
		dec.UseNumber()
		var order []string
		if err := flatten(dec, "", row, &order); err != nil {
			return fmt.Errorf("csv: %w", err)
		}
		for _, c := range order {
			add(c)
		}
		rows[i] = row
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(cols); err != nil {
		return err
	}
	for _, row := range rows {
		rec := make([]string, len(cols))
		for j, c := range cols {
			rec[j] = row[c]
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// flatten reads one JSON value from dec into row under prefix, recording
// new column names in order as they appear.
func flatten(dec *json.Decoder, prefix string, row map[string]string, order *[]string) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	switch t := tok.(type) {
	case json.Delim:
		switch t {
		case '{':
			for dec.More() {
				kt, err := dec.Token()
				if err != nil {
					return err
				}
				key := join(prefix, kt.(string))
				if csvSkip[key] {
					var skip json.RawMessage
					if err := dec.Decode(&skip); err != nil {
						return err
					}
					continue
				}
				if err := flatten(dec, key, row, order); err != nil {
					return err
				}
			}
		case '[':
			var items []string
			for dec.More() {
				var v json.RawMessage
				if err := dec.Decode(&v); err != nil {
					return err
				}
				var s string
				if json.Unmarshal(v, &s) != nil {
					s = string(v)
				}
				items = append(items, s)
			}
			set(row, order, prefix, strings.Join(items, "; "))
		}
		_, err = dec.Token() // the closing delimiter
		return err
	case nil:
		set(row, order, prefix, "")
	case json.Number:
		set(row, order, prefix, t.String())
	case string:
		set(row, order, prefix, t)
	case bool:
		set(row, order, prefix, fmt.Sprint(t))
	}
	return nil
}

func set(row map[string]string, order *[]string, key, v string) {
	row[key] = v
	*order = append(*order, key)
}

func join(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
