package model

import "math"

// API Priority and Fairness as kube-apiserver bootstraps it
// (staging/src/k8s.io/apiserver/pkg/apis/flowcontrol/bootstrap/default.go):
// the priority levels with their concurrency shares and queuing, and the
// level that serves kubelets' node-status and lease requests.

// priorityLevel is one bootstrap PriorityLevelConfiguration.
type priorityLevel struct {
	name             string
	shares           int // AssuredConcurrencyShares (NominalConcurrencyShares from v1.26)
	queues, handSize int // Queuing; 0 queues: LimitResponse Reject
	queueLengthLimit int
	lendablePercent  int // v1.26+: LendablePercent (0 before: nothing to lend)
}

// apfBootstrap is one release's bootstrap configuration.
type apfBootstrap struct {
	levels    []priorityLevel
	heartbeat string // the level kubelets' leases and nodes/status land in
	source    string
	borrowing bool // v1.26+: levels borrow unused seats (borrow.go)
}

// The two generations read upstream. v1.20-v1.21 (flowcontrol v1beta1):
// the FlowSchema "system-nodes" (precedence 500) sends everything of the
// system:nodes group to "system". v1.22+ (PR #101151): "system-node-high"
// (precedence 400) sends nodes, nodes/status and leases of system:nodes to
// "node-high", and the shares add up to 245.
var (
	apfSystem = apfBootstrap{
		heartbeat: "system",
		source:    "bootstrap/default.go, flowcontrol v1beta1 without node-high (v1.20, v1.21): SuggestedPriorityLevelConfigurationSystem",
		levels: []priorityLevel{
			{name: "system", shares: 30, queues: 64, handSize: 6, queueLengthLimit: 50},
			{name: "leader-election", shares: 10, queues: 16, handSize: 4, queueLengthLimit: 50},
			{name: "workload-high", shares: 40, queues: 128, handSize: 6, queueLengthLimit: 50},
			{name: "workload-low", shares: 100, queues: 128, handSize: 6, queueLengthLimit: 50},
			{name: "global-default", shares: 20, queues: 128, handSize: 6, queueLengthLimit: 50},
			{name: "catch-all", shares: 5}, // LimitResponse Reject
		},
	}
	apfNodeHigh = apfBootstrap{
		heartbeat: "node-high",
		source:    "bootstrap/default.go at 18b46af2 (flowcontrol v1beta1, v1.22+): SuggestedPriorityLevelConfigurationNodeHigh, SuggestedFlowSchemaSystemNodeHigh (PR #101151)",
		levels: []priorityLevel{
			{name: "system", shares: 30, queues: 64, handSize: 6, queueLengthLimit: 50},
			{name: "node-high", shares: 40, queues: 64, handSize: 6, queueLengthLimit: 50},
			{name: "leader-election", shares: 10, queues: 16, handSize: 4, queueLengthLimit: 50},
			{name: "workload-high", shares: 40, queues: 128, handSize: 6, queueLengthLimit: 50},
			{name: "workload-low", shares: 100, queues: 128, handSize: 6, queueLengthLimit: 50},
			{name: "global-default", shares: 20, queues: 128, handSize: 6, queueLengthLimit: 50},
			{name: "catch-all", shares: 5},
		},
	}
)

// apfBorrowing is v1.26+ (flowcontrol v1beta3, KEP-1040): the same
// levels and shares (NominalConcurrencyShares), each with a
// LendablePercent, and no BorrowingLimitPercent (unbounded borrowing).
// Unchanged through v0.36 of k8s.io/apiserver; the exempt level, which
// gets NominalConcurrencyShares 0 from v1.28, adds no seats.
var apfBorrowing = func() apfBootstrap {
	b := apfNodeHigh
	b.source = "bootstrap/default.go at k8s.io/apiserver v0.26.0-v0.36.0 (v1.26+): LendablePercent per SuggestedPriorityLevelConfiguration*"
	b.borrowing = true
	lend := map[string]int{"system": 33, "node-high": 25, "leader-election": 0, "workload-high": 50, "workload-low": 90, "global-default": 50, "catch-all": 0}
	b.levels = append([]priorityLevel(nil), apfNodeHigh.levels...)
	for i := range b.levels {
		b.levels[i].lendablePercent = lend[b.levels[i].name]
	}
	return b
}()

// bootstrapFor is the bootstrap configuration of release v1.minor.
func bootstrapFor(minor int) *apfBootstrap {
	switch {
	case minor < 22:
		return &apfSystem
	case minor < 26:
		return &apfNodeHigh
	}
	return &apfBorrowing
}

// level returns the named level, or nil.
func (b *apfBootstrap) level(name string) *priorityLevel {
	for i := range b.levels {
		if b.levels[i].name == name {
			return &b.levels[i]
		}
	}
	return nil
}

// nominalSeats is a level's concurrency limit out of the server's total
// (--max-requests-inflight + --max-mutating-requests-inflight):
// ⌈total × shares / Σ shares⌉ over the limited levels
// (util/flowcontrol/apf_controller.go cfgMeal.finishQueueSetReconfigs).
func (b *apfBootstrap) nominalSeats(name string, total int) int {
	sum := 0
	for _, l := range b.levels {
		sum += l.shares
	}
	l := b.level(name)
	if l == nil || sum == 0 {
		return 0
	}
	return int(math.Ceil(float64(total) * float64(l.shares) / float64(sum)))
}

// LevelNames lists the bootstrap priority levels of release v1.minor.
func LevelNames(minor int) []string {
	b := bootstrapFor(minor)
	out := make([]string, len(b.levels))
	for i, l := range b.levels {
		out[i] = l.name
	}
	return out
}
