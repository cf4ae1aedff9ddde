package model

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nodesim/nodesim/sim"
)

// lateStatusRun restarts node 0's status loop at 0 (v1.33: try 0 reads the
// kubelet's cache, so the first tick PATCHes at once) under incs.
func lateStatusRun(t *testing.T, incs ...incident) (*run, *node) {
	t.Helper()
	c := exactConfig(t, "v1.33", 1)
	r := newRun(c, 0)
	n := &r.nodes[0]
	r.env.api.incidents = incs
	n.status.lastVis, n.status.seenAt = longAgo, longAgo
	n.status.late = latePatch{at: sim.Never, vis: sim.Never}
	n.status.restart(&r.sp, &r.env, n, 0)
	return r, n
}

// A status PATCH the kubelet gave up on (10s client timeout) still commits
// at its server-side time and reaches the controller's informer. PATCHes
// carry no resourceVersion: when it lands after the retry's PATCH, etcd
// keeps the last writer and the controller ends up with the older
// heartbeat (upstream nodeutil.PatchNodeStatus, no precondition).
func TestLateStatusPatchCommitsAfterTheRetry(t *testing.T) {
	// PATCH at 0 takes 12s on the server; the retry at 10s is fast.
	r, n := lateStatusRun(t, incident{start: 0, end: sec(1), effect: Slow, multiply: 1, add: 12e9})
	require.Equal(t, sec(10), n.status.commit, "the retry's PATCH returns")
	require.Equal(t, int64(10), n.status.hb)
	assert.Equal(t, latePatch{at: sec(12), hb: 0, sets: true, vis: sec(12)}, n.status.late, "settled by the next tick at 20s")

	n.status.observe(&r.sp, &r.env, n, sec(11))
	assert.Equal(t, int64(10), n.status.seenHB)
	n.status.observe(&r.sp, &r.env, n, sec(12))
	assert.Equal(t, int64(0), n.status.seenHB, "the late PATCH lands last: etcd and the informer hold its older heartbeat")
	assert.Equal(t, sim.Never, n.status.late.at, "delivered once")
	n.status.observe(&r.sp, &r.env, n, sec(13))
	assert.Equal(t, int64(0), n.status.seenHB)
}

// A late PATCH that lands before the retry's is delivered first.
func TestLateStatusPatchCommitsBeforeTheRetry(t *testing.T) {
	r, n := lateStatusRun(t, incident{start: 0, end: sec(1), effect: Slow, multiply: 1, add: 12e9},
		incident{start: sec(10), end: sec(11), effect: Slow, multiply: 1, add: 5e9})
	require.Equal(t, sec(15), n.status.commit)
	assert.Equal(t, sec(12), n.status.late.vis, "settled before the PATCH that commits after it")
	n.status.observe(&r.sp, &r.env, n, sec(12))
	assert.Equal(t, int64(0), n.status.seenHB)
	n.status.observe(&r.sp, &r.env, n, sec(15))
	assert.Equal(t, int64(15), n.status.seenHB, "the retry's GET took 5s: PATCH at 15s")
}

// A replay (an incident starting later) recreates a late PATCH the
// controller already has: it is not delivered twice.
func TestLateStatusPatchSurvivesReplayOnce(t *testing.T) {
	r, n := lateStatusRun(t, incident{start: 0, end: sec(1), effect: Slow, multiply: 1, add: 12e9},
		incident{start: sec(10), end: sec(11), effect: Slow, multiply: 1, add: 5e9})
	n.status.observe(&r.sp, &r.env, n, sec(12))
	require.Equal(t, int64(0), n.status.seenHB)
	n.status.regenerate(&r.sp, &r.env, n)
	assert.Equal(t, sec(12), n.status.late.at, "the replay recreates it")
	n.status.seenHB = -7 // a second delivery would overwrite this
	n.status.observe(&r.sp, &r.env, n, sec(14))
	assert.Equal(t, int64(-7), n.status.seenHB, "dropped: seenAt is past it")
	n.status.observe(&r.sp, &r.env, n, sec(15))
	assert.Equal(t, int64(15), n.status.seenHB, "the retry's GET took 5s: PATCH at 15s")
}

// The controller compares LastHeartbeatTime with != (tryUpdateNodeHealth):
// a late PATCH carrying an older heartbeat than the one it saved still
// refreshes the probe and prevents the Unknown.
func TestLateOlderHeartbeatRefreshesTheProbe(t *testing.T) {
	r, n := manual(t, exactConfig(t, "v1.12", 1)) // grace 40s: probe 5s, Unknown due at the pass at 50s
	tr := record(r)
	deliverStatus(n, sec(4), 30, false)
	r.eng.Run(sec(45))
	require.Equal(t, sec(5), n.probe)
	n.status.late = latePatch{at: sec(44), hb: 20, vis: sec(46)}
	r.eng.Run(sec(50.5))
	assert.Empty(t, tr.unknown)
	assert.Equal(t, sec(50), n.probe)
	assert.Equal(t, int64(20), n.savedHB)
}

// A late PATCH committed after the pass listed the node makes the
// controller's Unknown write 409; the re-GET returns its heartbeat, which
// cancels the transition.
func TestLatePatchConflictsWithTheUnknownWrite(t *testing.T) {
	for _, tc := range []struct {
		at          float64
		wantUnknown bool
	}{{49.5, false}, {50.5, true}} {
		r, n := manual(t, exactConfig(t, "v1.12", 1))
		tr := record(r)
		deliverStatus(n, sec(4), 1, false)
		r.eng.Run(sec(45))
		n.status.late = latePatch{at: sec(tc.at), hb: 3, vis: sec(51)}
		r.eng.Run(sec(50))
		assert.Equal(t, tc.wantUnknown, len(tr.unknown) == 1, "late PATCH committed at %v", tc.at)
		if !tc.wantUnknown {
			assert.Equal(t, int64(3), n.savedHB)
		}
	}
}

// Memory stays one late PATCH per node: of two pending at once the first
// to land is kept.
func TestOneLatePatchPending(t *testing.T) {
	var s statusLoop
	s.late = latePatch{at: sim.Never, vis: sim.Never}
	s.lateAt(sec(30), 1, false, false)
	s.lateAt(sec(25), 2, false, false)
	s.lateAt(sec(40), 3, false, false)
	assert.Equal(t, latePatch{at: sec(25), hb: 2, vis: sim.Never}, s.late)
}

// The trace records a late PATCH as a node delivery, with its own commit
// and heartbeat: conformance replays what the controller saw.
func TestTraceRecordsLatePatch(t *testing.T) {
	r, n := manual(t, exactConfig(t, "v1.12", 1))
	var buf bytes.Buffer
	tr, err := newTracer(&buf, r)
	require.NoError(t, err)
	deliverStatus(n, sec(4), 30, false)
	r.eng.Run(sec(45))
	n.status.late = latePatch{at: sec(44), hb: 20, vis: sec(46)}
	r.eng.Run(sec(50.5))
	require.NoError(t, tr.close(sec(51)))
	_, lines := parseTrace(t, buf.Bytes())
	var nodes []traceLine
	for _, l := range lines {
		if l.K == "node" {
			nodes = append(nodes, l)
		}
	}
	require.Len(t, nodes, 2)
	assert.Equal(t, int64(20), nodes[1].HB)
	assert.Equal(t, int64(sec(44)), nodes[1].C)
	assert.Equal(t, int64(sec(46)), nodes[1].T)
}
