// Package trace reads nodesim traces (docs/trace.md in the nodesim
// repository): a header line, then records in time order.
//
//	r, err := trace.NewReader(f)
//	for {
//		rec, err := r.Next() // io.EOF after the closing "end" record
//		...
//	}
package trace

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// Version is the newest trace format this package reads; it reads every
// earlier one too (version 1 has no unknown-cancelled records).
const Version = 2

// Header is a trace's first line. Durations are nanoseconds.
type Header struct {
	Version                   int     `json:"nodesim_trace"`
	Scenario                  string  `json:"scenario"`
	Profile                   string  `json:"profile"`
	Seed                      uint64  `json:"seed"`
	Replication               int     `json:"replication"`
	Nodes                     int     `json:"nodes"`
	Zones                     int     `json:"zones"`
	Lease                     bool    `json:"lease"`
	NodeMonitorPeriod         int64   `json:"node_monitor_period_ns"`
	NodeMonitorGracePeriod    int64   `json:"node_monitor_grace_period_ns"`
	NodeStartupGracePeriod    int64   `json:"node_startup_grace_period_ns"`
	NodeEvictionRate          float64 `json:"node_eviction_rate"`
	SecondaryNodeEvictionRate float64 `json:"secondary_node_eviction_rate"`
	LargeClusterSizeThreshold int     `json:"large_cluster_size_threshold"`
	UnhealthyZoneThreshold    float64 `json:"unhealthy_zone_threshold"`
	Warmup                    int64   `json:"warmup_ns"`
	End                       int64   `json:"end_ns"`
}

// Kind is a record's "k".
type Kind string

// Record kinds.
const (
	Pass    Kind = "pass"    // a monitor pass: T lists nodes, node i handled at T+At[i], ends at End
	Node    Kind = "node"    // node N's status PATCH (committed at C) delivered at T: heartbeat HB (s), SetsReady
	Lease   Kind = "lease"   // node N's Lease delivered at T with RenewTime Renew (ns), committed at C
	Leader  Kind = "leader"  // a new controller leader from T
	Unknown Kind = "unknown" // nodesim marked N Ready=Unknown at T; the write returned at Done
	// UnknownFailed: nodesim's Ready=Unknown write for N failed at T.
	UnknownFailed Kind = "unknown-failed"
	// UnknownCancelled: nodesim's Ready=Unknown write for N at T failed
	// (returned at Done); the GET it retried with (returned at Get) had
	// the PATCH HB, SetsReady, committed at C, and the retry at Retry
	// took its heartbeat instead.
	UnknownCancelled Kind = "unknown-cancelled"
	Ready            Kind = "ready" // nodesim saw N Ready again at T
	End              Kind = "end"   // the run ended at T
)

// Record is one line after the header; fields not of its kind are zero.
type Record struct {
	Kind      Kind    `json:"k"`
	T         int64   `json:"t"`
	N         int     `json:"n"`
	HB        int64   `json:"hb"`
	SetsReady bool    `json:"sets_ready"`
	C         int64   `json:"c"`
	Renew     int64   `json:"renew"`
	Done      int64   `json:"done"`
	Get       int64   `json:"get"`
	Retry     int64   `json:"retry"`
	End       int64   `json:"end"`
	At        []int64 `json:"at"`
	Late      *int64  `json:"late"` // node, lease: recorded after its computed time
}

// Reader reads one trace, checking it as it goes.
type Reader struct {
	Header Header
	sc     *bufio.Scanner
	line   int
	last   int64
	done   bool
}

// NewReader reads and checks the header.
func NewReader(r io.Reader) (*Reader, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 1<<16), 1<<26)
	t := &Reader{sc: sc, line: 1}
	if !sc.Scan() {
		return nil, t.errorf("no header: %v", sc.Err())
	}
	if err := json.Unmarshal(sc.Bytes(), &t.Header); err != nil {
		return nil, t.errorf("header: %v", err)
	}
	h := &t.Header
	switch {
	case h.Version < 1 || h.Version > Version:
		return nil, t.errorf("trace version %d, this reader knows 1 to %d", h.Version, Version)
	case h.Nodes < 1 || h.Zones < 1 || h.Zones > h.Nodes:
		return nil, t.errorf("header: %d nodes in %d zones", h.Nodes, h.Zones)
	case h.NodeMonitorPeriod <= 0 || h.NodeMonitorGracePeriod <= 0 || h.NodeStartupGracePeriod < 0:
		return nil, t.errorf("header: bad controller periods")
	}
	return t, nil
}

// Next returns the next record, or io.EOF after the "end" record.
func (t *Reader) Next() (Record, error) {
	if t.done {
		return Record{}, io.EOF
	}
	if !t.sc.Scan() {
		if err := t.sc.Err(); err != nil {
			return Record{}, t.errorf("%v", err)
		}
		return Record{}, t.errorf("truncated: no end record")
	}
	t.line++
	var rec Record
	if err := json.Unmarshal(t.sc.Bytes(), &rec); err != nil {
		return Record{}, t.errorf("%v", err)
	}
	if err := t.check(&rec); err != nil {
		return Record{}, t.errorf("%v", err)
	}
	t.last = rec.T
	t.done = rec.Kind == End
	return rec, nil
}

func (t *Reader) check(rec *Record) error {
	if rec.T < t.last {
		return fmt.Errorf("t=%d before the previous record's %d", rec.T, t.last)
	}
	if rec.N < 0 || rec.N >= t.Header.Nodes {
		return fmt.Errorf("node %d out of range", rec.N)
	}
	switch rec.Kind {
	case Pass:
		if len(rec.At) != t.Header.Nodes {
			return fmt.Errorf("pass lists %d instants for %d nodes", len(rec.At), t.Header.Nodes)
		}
		for _, a := range rec.At {
			if a < 0 || rec.T+a > rec.End {
				return errors.New("pass instant outside the pass")
			}
		}
	case UnknownCancelled:
		if t.Header.Version < 2 {
			return fmt.Errorf("%q in a version %d trace", rec.Kind, t.Header.Version)
		}
		if rec.Done < rec.T || rec.Get < rec.Done || rec.Retry < rec.Get || rec.C > rec.Get {
			return errors.New("unknown-cancelled: t ≤ done ≤ get ≤ retry and c ≤ get do not hold")
		}
	case Node, Lease, Leader, Unknown, UnknownFailed, Ready, End:
	default:
		return fmt.Errorf("unknown record kind %q", rec.Kind)
	}
	return nil
}

func (t *Reader) errorf(format string, a ...any) error {
	return fmt.Errorf("trace line %d: %s", t.line, fmt.Sprintf(format, a...))
}
