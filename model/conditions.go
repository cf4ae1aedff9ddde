package model

import "fmt"

// The condition set of each release: which conditions the kubelet posts
// beside Ready, and which the node lifecycle controller sets to Unknown
// when Ready goes Unknown. A Node object keeps every condition it was ever
// given: one the kubelet of a newer release no longer posts stays as it
// was last written, so once the controller sets it to Unknown nothing
// sets it back (issue #72485).

// condOutOfDisk is the OutOfDisk condition, after the pressure bits.
const condOutOfDisk uint8 = 1 << numPressureConds

// conditionNames are the condition types by bit, for the output.
var conditionNames = [...]string{"MemoryPressure", "DiskPressure", "PIDPressure", "OutOfDisk"}

// ConditionRules are the release-dependent condition sets.
type ConditionRules struct {
	// KubeletPostsOutOfDisk: nodestatus.OutOfDiskCondition is among the
	// kubelet's setters (v1.12 and before; PR #70111 removed it in v1.13).
	// MemoryPressure, DiskPressure and PIDPressure are posted by every
	// profile (PIDPressure since before v1.12, the oldest profile).
	KubeletPostsOutOfDisk bool
	// KubeletRemovesOutOfDisk: setNodeStatus drops a stale OutOfDisk
	// condition (PR #72507, v1.14, cherry-picked to a v1.13 patch after
	// v1.13.0; the code went with the condition type in v1.16, PR #72420).
	KubeletRemovesOutOfDisk bool
	// ControllerOutOfDisk: tryUpdateNodeHealth's list of conditions set to
	// Unknown holds OutOfDisk (read in the v1.13 controller: OutOfDisk,
	// MemoryPressure, DiskPressure, PIDPressure; v1.16+ lists Ready,
	// MemoryPressure, DiskPressure, PIDPressure, PR #72420). NetworkUnavailable
	// is never in it: "managed on a control plane level".
	ControllerOutOfDisk bool
	// ControllerPIDPressure: the list holds PIDPressure (read in the v1.13
	// controller; a pre-lease copy, monitorNodeStatus with glog, lists
	// only OutOfDisk, MemoryPressure and DiskPressure: taken as v1.12).
	ControllerPIDPressure bool
}

// conditionRulesV112 are the condition sets of v1.12, the oldest profile.
var conditionRulesV112 = ConditionRules{KubeletPostsOutOfDisk: true, ControllerOutOfDisk: true}

// conditionChanges are the release boundaries of the condition sets, in
// the form of profiles.go changes.
var conditionChanges = []change{
	{13, "the kubelet no longer posts OutOfDisk", "PR #70111; pkg/kubelet/kubelet_node_status.go defaultNodeStatusFuncs (nodestatus.OutOfDiskCondition removed)",
		func(c *Config) { c.Rules.Conditions.KubeletPostsOutOfDisk = false }},
	{13, "the controller sets PIDPressure Unknown with Ready too", "pkg/controller/nodelifecycle/node_lifecycle_controller.go tryUpdateNodeHealth (remainingNodeConditionTypes, read at v1.13)",
		func(c *Config) { c.Rules.Conditions.ControllerPIDPressure = true }},
	{14, "the kubelet removes a stale OutOfDisk condition (v1.13.x patch too; .0 profiles: from v1.14)", "PR #72507; pkg/kubelet/kubelet_node_status.go setNodeStatus; issue #72485",
		func(c *Config) { c.Rules.Conditions.KubeletRemovesOutOfDisk = true }},
	{16, "the OutOfDisk condition type is gone: the controller no longer sets it Unknown, the kubelet no longer removes it", "PR #72420; pkg/controller/nodelifecycle/node_lifecycle_controller.go tryUpdateNodeHealth (nodeConditionTypes)",
		func(c *Config) {
			c.Rules.Conditions.ControllerOutOfDisk = false
			c.Rules.Conditions.KubeletRemovesOutOfDisk = false
		}},
}

// posted is the conditions beside Ready the kubelet posts.
func (c ConditionRules) posted() uint8 {
	p := condMemoryPressure | condDiskPressure | condPIDPressure
	if c.KubeletPostsOutOfDisk {
		p |= condOutOfDisk
	}
	return p
}

// setUnknown is the conditions beside Ready the controller sets Unknown.
func (c ConditionRules) setUnknown() uint8 {
	p := condMemoryPressure | condDiskPressure
	if c.ControllerPIDPressure {
		p |= condPIDPressure
	}
	if c.ControllerOutOfDisk {
		p |= condOutOfDisk
	}
	return p
}

// conditionRulesOf returns the condition sets of a profile.
func conditionRulesOf(profile string) (ConditionRules, error) {
	c, err := Default(profile)
	if err != nil {
		return ConditionRules{}, err
	}
	return c.Rules.Conditions, nil
}

// carriedConditions is what every Node object carries beside Ready at the
// start of a run whose Node objects were written by the kubelets of
// release from (cluster.node-conditions-from, an upgrade; "": the
// profile's own), once the profile's kubelets have posted their status.
func carriedConditions(cfg *Config) (uint8, error) {
	now := cfg.Rules.Conditions
	c := now.posted()
	if from := cfg.Cluster.NodeConditionsFrom; from != "" {
		old, err := conditionRulesOf(from)
		if err != nil {
			return 0, &FieldError{Key: KeyNodeConditionsFrom, Msg: fmt.Sprintf("unknown release %q (known: %s … %s)", from, Profiles[0], Profiles[len(Profiles)-1])}
		}
		c |= old.posted()
	}
	if now.KubeletRemovesOutOfDisk {
		c &^= condOutOfDisk
	}
	return c, nil
}

// staleAfterUnknown is what a Ready→Unknown transition leaves Unknown for
// good on a Node carrying carried: conditions the controller sets Unknown
// that the kubelet does not post again.
func staleAfterUnknown(r ConditionRules, carried uint8) uint8 {
	return carried & r.setUnknown() &^ r.posted()
}
