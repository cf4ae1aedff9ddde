package model

import (
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/nodesim/nodesim/sim"
)

// TestErlangBClosedForm: the recurrence is B(c, a) = (a^c/c!) / Σ_{k≤c}
// a^k/k!, summed here in logs, and the M/M/c/(c+K) solution reduces to it
// with no waiting room and to M/M/1/K with one server.
func TestErlangBClosedForm(t *testing.T) {
	t.Parallel()
	direct := func(c int, a float64) float64 {
		lt := func(k int) float64 { lg, _ := math.Lgamma(float64(k + 1)); return float64(k)*math.Log(a) - lg }
		top := lt(c)
		var sum float64
		for k := 0; k <= c; k++ {
			sum += math.Exp(lt(k) - top)
		}
		return 1 / sum
	}
	for _, c := range []int{1, 2, 5, 20, 98, 200, 400} {
		for _, a := range []float64{0.5, 5, 18, 100, 190, 240, 600} {
			if d := direct(c, a); d < 1e-250 { // below float64's reach: both underflow
				assert.Less(t, erlangB(c, a), 1e-250, "c=%d a=%v", c, a)
				continue
			}
			assert.InEpsilon(t, direct(c, a), erlangB(c, a), 1e-9, "c=%d a=%v", c, a)
			assert.InEpsilon(t, erlangB(c, a), mmcK(c, 0, a).block, 1e-9, "no waiting room: the loss system")
		}
	}
	assert.InDelta(t, 0.5, erlangB(1, 1), 1e-15, "B(1,1) = 1/2")
	for _, rho := range []float64{0.3, 0.9, 1, 1.5, 4} {
		for _, k := range []int{1, 5, 50} {
			q := mmcK(1, k-1, rho) // one server and k−1 places: M/M/1/k
			mean, busy := mm1K(k, rho)
			assert.InDelta(t, mean, q.busy+q.waiting, 1e-9*math.Max(mean, 1), "rho=%v k=%d", rho, k)
			assert.InDelta(t, q.busy, busy, 1e-9, "rho=%v k=%d", rho, k)
		}
	}
}

// loadRun is a one-node run with the load model on and every attempt
// refused (block = 1 in every class).
func loadRun(t *testing.T, profile string) (*run, *[]request) {
	c := exactConfig(t, profile, 1)
	c.APIServer.WriteLatency, c.APIServer.ReadLatency = Const(10*time.Millisecond), Const(10*time.Millisecond)
	c.APIServer.BackgroundLoad.WritesPerSecond = 1
	require.True(t, c.APIServer.LoadOn())
	r := newRun(c, 0)
	l := r.env.api.load
	require.NotNil(t, l)
	st := l.state(regime{bg: 1, mult: 1})
	for i := range st.cls {
		st.cls[i].block = 1
	}
	return r, logRequests(r)
}

// TestLease429IsRetriedByClientGoThenByTheLoop: a 429 carries Retry-After:
// 1 (filters/maxinflight.go tooManyRequests), so client-go sleeps 1s and
// sends again, 10 times in all before v1.22 (retries < maxRetries) and 11
// from v1.22 (withRetry: attempts > maxRetries) but never past the 10s
// heartbeat timeout. Only then does the kubelet see an error, and
// retryUpdateLease tries again at once: an immediate retry, not a
// backoff.
func TestLease429IsRetriedByClientGoThenByTheLoop(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		profile string
		each    float64 // s per PUT the kubelet sees
	}{
		{"v1.21", 9},  // 10 sends at 0, 1, … 9s: the 10th 429 ends it
		{"v1.33", 10}, // the 11th send would be at 10s: the context's deadline
	} {
		r, log := loadRun(t, tc.profile)
		n := &r.nodes[0]
		*log = nil
		n.lease.hasLease = true
		n.lease.generate(&r.lp, &r.env, n, sec(100))
		var puts []sim.Time
		for _, q := range *log {
			if q.kind == write {
				puts = append(puts, q.at)
			}
		}
		require.GreaterOrEqual(t, len(puts), 5, tc.profile)
		for i := 0; i < 5; i++ {
			assert.Equal(t, sec(100+tc.each*float64(i)), puts[i], "%s: PUT %d follows the last at once", tc.profile, i)
		}
		assert.Equal(t, int8(1), n.throttledCls, "the node remembers its 429")
	}
}

// TestLoadOffLeavesTheRequestPathAlone: with no background load, no load
// incident and no etcd capacity the load model is off and draws nothing.
func TestLoadOffLeavesTheRequestPathAlone(t *testing.T) {
	t.Parallel()
	c := exactConfig(t, "v1.33", 1)
	assert.False(t, c.APIServer.LoadOn())
	assert.Nil(t, newRun(c, 0).env.api.load)
}

// TestAPFBootstrapPinned pins the bootstrap priority levels read upstream
// (staging/src/k8s.io/apiserver/pkg/apis/flowcontrol/bootstrap/default.go)
// and the seats they give out of the default 400 + 200.
func TestAPFBootstrapPinned(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		minor              int
		heartbeat          string
		shares, sum, seats int
		queues, hand, qlen int
	}{
		// v1beta1 without node-high: system 30 of 205
		{20, "system", 30, 205, 88, 64, 6, 50},
		{21, "system", 30, 205, 88, 64, 6, 50},
		// PR #101151 (v1.22): node-high 40 of 245
		{22, "node-high", 40, 245, 98, 64, 6, 50},
		{26, "node-high", 40, 245, 98, 64, 6, 50},
		{33, "node-high", 40, 245, 98, 64, 6, 50},
	} {
		b := bootstrapFor(tc.minor)
		require.Equal(t, tc.heartbeat, b.heartbeat, "v1.%d", tc.minor)
		l := b.level(tc.heartbeat)
		sum := 0
		for _, x := range b.levels {
			sum += x.shares
		}
		assert.Equal(t, []int{tc.shares, tc.sum, tc.queues, tc.hand, tc.qlen}, []int{l.shares, sum, l.queues, l.handSize, l.queueLengthLimit}, "v1.%d", tc.minor)
		assert.Equal(t, tc.seats, b.nominalSeats(tc.heartbeat, 600), "v1.%d: ⌈600 × shares / Σ⌉", tc.minor)
	}
	c, err := Default("v1.19")
	require.NoError(t, err)
	assert.False(t, c.APIServer.EnablePriorityAndFairness, "APF beta and on by default from v1.20")
	c, err = Default("v1.20")
	require.NoError(t, err)
	assert.True(t, c.APIServer.EnablePriorityAndFairness)
}

// TestEtcdWaitGrowsWithUtilisation: with seats to spare the etcd queue is
// M/M/1, whose wait is ρ/(μ−λ); a slow incident divides the capacity, and
// past saturation the wait is bounded by the seats that hold writes:
// about K/μ.
func TestEtcdWaitGrowsWithUtilisation(t *testing.T) {
	t.Parallel()
	l := &apiLoad{attempts: 11, meanW: 0.01, etcdMu: 500, etcdK: 1 << 20,
		classes: []seatClass{{name: "mutating", ownW: true}}}
	for _, lw := range []float64{100, 250, 400, 475} {
		l.ownW = lw
		s := l.solve(regime{bg: 1, mult: 1})
		rho := lw / 500
		assert.InEpsilon(t, rho/(500-lw), s.etcdP*s.etcdMean, 1e-6, "λ=%v: Wq = ρ/(μ−λ)", lw)
		assert.InEpsilon(t, rho, s.etcdP, 1e-6, "P(wait) = ρ")
	}
	l.ownW, l.etcdK = 450, 600
	s := l.solve(regime{bg: 1, mult: 5}) // capacity 100/s
	assert.InEpsilon(t, 600.0/100, s.etcdP*s.etcdMean, 0.01, "saturated: the seats' worth of writes ahead")
}
