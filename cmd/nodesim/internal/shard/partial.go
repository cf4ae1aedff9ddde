package shard

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"slices"

	"github.com/nodesim/nodesim/model"
)

// Format names the partial result format; merge refuses any other.
const Format = "nodesim-partial/1"

// Run is everything merge needs besides the units' states: the results
// document without its points and command, and every point's effective
// configuration (scenario, --set and flags applied) with its parameters.
// Its encoding is the scenario digest, so two shards of one run hold the
// same bytes.
type Run struct {
	Header model.Results
	Points []RunPoint
}

// RunPoint is one sweep point's configuration.
type RunPoint struct {
	Config *model.Config
	Params map[string]string
}

// Configs are the points' configurations, for Plan.
func (r *Run) Configs() []*model.Config {
	cs := make([]*model.Config, len(r.Points))
	for i := range r.Points {
		cs[i] = r.Points[i].Config
	}
	return cs
}

// Partial is one shard's result: DIR/partial-I-of-N.json.
type Partial struct {
	Format         string `json:"format"`
	NodesimVersion string `json:"nodesim_version"`
	StateLayout    string `json:"state_layout"` // model.StateLayout of the writer
	// Platform is where it ran (Platform()): Go may fuse a multiply and
	// an add into one rounding on some architectures (arm64, ppc64,
	// s390x, riscv64), so another architecture's shards are not the
	// same floats.
	Platform       string `json:"platform"`
	Scenario       string `json:"scenario"`
	ScenarioDigest string `json:"scenario_digest"` // sha256 of Run
	Seed           uint64 `json:"seed"`
	Shard          int    `json:"shard"`
	Shards         int    `json:"shards"`
	// Command is what the unsharded run records: merge writes it into
	// results.json, as `nodesim run` would.
	Command string      `json:"command"`
	Run     []byte      `json:"run"` // model.MarshalState of Run
	Units   []UnitState `json:"units"`
	// UnitsDigest is the SHA-256 of the units' states, so that a
	// corrupted state is refused, not decoded into nonsense.
	UnitsDigest string `json:"units_digest"`
}

// UnitsDigestOf digests the states in order, each with its length.
func UnitsDigestOf(units []UnitState) string {
	h := sha256.New()
	for _, u := range units {
		fmt.Fprintf(h, "%d:", len(u.State))
		h.Write(u.State)
	}
	return fmt.Sprintf("sha256:%x", h.Sum(nil))
}

// UnitState is one unit's state, model.MarshalState of its
// model.Replication or model.RareEstimate.
type UnitState struct {
	Point       int    `json:"point"`
	Replication *int   `json:"replication,omitempty"`
	Rare        bool   `json:"rare_estimate,omitempty"`
	State       []byte `json:"state"`
}

// Unit is the unit s holds the state of.
func (s *UnitState) Unit() Unit {
	u := Unit{Point: s.Point, Rare: s.Rare}
	if s.Replication != nil {
		u.Replication = *s.Replication
	}
	return u
}

// NewUnitState wraps a unit's encoded state.
func NewUnitState(u Unit, state []byte) UnitState {
	s := UnitState{Point: u.Point, Rare: u.Rare, State: state}
	if !u.Rare {
		rep := u.Replication
		s.Replication = &rep
	}
	return s
}

// EncodeRun returns run's encoding and its digest.
func EncodeRun(run *Run) ([]byte, string, error) {
	b, err := model.MarshalState(run)
	if err != nil {
		return nil, "", err
	}
	return b, fmt.Sprintf("sha256:%x", sha256.Sum256(b)), nil
}

// Decode parses a partial result file and checks it is whole: its
// format, its digest against its run, and that it holds exactly the
// units Plan gives its shard.
func Decode(data []byte) (*Partial, *Run, error) {
	var p Partial
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		return nil, nil, fmt.Errorf("not a whole partial result (%v): re-run its shard", err)
	}
	if dec.More() {
		return nil, nil, errors.New("not a partial result: data after its end")
	}
	if p.Format != Format {
		return nil, nil, fmt.Errorf("format %q, want %q", p.Format, Format)
	}
	if p.Shards < 1 || p.Shards > MaxCount || p.Shard < 0 || p.Shard >= p.Shards {
		return nil, nil, fmt.Errorf("shard %d/%d is not a shard", p.Shard, p.Shards)
	}
	if d := fmt.Sprintf("sha256:%x", sha256.Sum256(p.Run)); d != p.ScenarioDigest {
		return nil, nil, fmt.Errorf("its run does not match its scenario digest: the file is corrupt, re-run its shard")
	}
	if UnitsDigestOf(p.Units) != p.UnitsDigest {
		return nil, nil, fmt.Errorf("its units do not match their digest: the file is corrupt, re-run its shard")
	}
	if p.StateLayout != model.StateLayout() {
		return nil, nil, fmt.Errorf("written by a nodesim build (%s) whose state layout differs from this one's: merge with the nodesim that ran the shards", p.NodesimVersion)
	}
	var run Run
	if err := model.UnmarshalState(p.Run, &run); err != nil {
		return nil, nil, fmt.Errorf("its run: %v", err)
	}
	want := Plan(run.Configs(), p.Shards)[p.Shard]
	got := make([]Unit, len(p.Units))
	for i := range p.Units {
		got[i] = p.Units[i].Unit()
	}
	if !slices.Equal(got, want) {
		return nil, nil, fmt.Errorf("shard %d/%d holds other units than its plan's: the file is corrupt", p.Shard, p.Shards)
	}
	return &p, &run, nil
}

// Platform names the floating-point behaviour of this binary: GOOS/GOARCH
// and the architecture level it was built for (GOAMD64=v3 may fuse).
func Platform() string {
	p := runtime.GOOS + "/" + runtime.GOARCH
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			switch s.Key {
			case "GOAMD64", "GOARM64", "GOARM", "GO386", "GOPPC64", "GORISCV64", "GOMIPS", "GOMIPS64":
				p += " " + s.Key + "=" + s.Value
			}
		}
	}
	return p
}
