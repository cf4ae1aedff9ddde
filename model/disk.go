package model

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/nodesim/nodesim/sim"
)

// DiskConfig is nodesim's model of a node's root filesystem (nodefs),
// table [disk]. The filesystem holds images too (no dedicated imagefs),
// so the imagefs signals observe it as well, as cadvisor reports them on
// a shared device. Every node starts alike; the phases of its loops are
// its own. Off unless nodefs-capacity is set.
type DiskConfig struct {
	NodefsCapacity   string  // disk.nodefs-capacity: "100Gi" ("": no disk model)
	NodefsUsed       float64 // disk.nodefs-used: fraction used at time 0, everything below included
	NodefsInodesUsed float64 // disk.nodefs-inodes-used: fraction of inodes used (constant)
	UnusedImages     string  // disk.unused-images: cached images no pod uses at time 0
	PodImage         string  // disk.pod-image: each pod's image, in use while it runs
	PodLogRate       string  // disk.pod-log-rate: each pod's container log writes ("20Mi/h", or a distribution over pods: RateText), rotated
	PodEmptyDirRate  string  // disk.pod-emptydir-rate: each pod's emptyDir writes (likewise), freed when it is evicted
	PodRequest       string  // disk.pod-ephemeral-storage-request: each pod's request (ranking)
	HostWriteRate    string  // disk.host-write-rate: writes outside pods nothing reclaims (journal, host logs)
	RunawayEvery     Dist    // disk.runaway-every: time to a runaway writer in one pod of the node (constant 0: none)
	RunawayRate      string  // disk.runaway-rate: that pod's emptyDir writes from then on
	// CriticalPods is how many of the node's pods are critical DaemonSet
	// pods (disk.critical-pods: kube-proxy, the CNI agent, a log shipper
	// at system-node-critical priority). The kubelet admits them under
	// pressure (managerImpl.Admit: IsCriticalPod), ranks them last
	// (priority), and the DaemonSet controller recreates them after its
	// failed-pod backoff; every other pod waits Pending for the pressure
	// to end.
	CriticalPods int
}

// Enabled reports whether the disk model runs.
func (d *DiskConfig) Enabled() bool { return d.NodefsCapacity != "" }

// DefaultDiskConfig is off, with the other knobs at plausible values for
// when a scenario turns it on.
func DefaultDiskConfig() DiskConfig {
	return DiskConfig{
		NodefsInodesUsed: 0.1,
		UnusedImages:     "0",
		PodImage:         "0",
		PodLogRate:       "0/h",
		PodEmptyDirRate:  "0/h",
		PodRequest:       "0",
		HostWriteRate:    "0/h",
		RunawayEvery:     Const(0),
		RunawayRate:      "0/h",
	}
}

// diskParams are a run's parsed disk knobs, bytes and bytes per second.
type diskParams struct {
	capacity, inodesUsed    float64
	base, unused, image     float64 // bytes at time 0 outside pods and images; unused images; one pod's image
	logRate, emptyRate      Dist    // of bytes per second, drawn for each new pod
	request                 float64
	logCap                  float64 // containerLogMaxSize × containerLogMaxFiles: rotation's bound per pod
	hostRate, runawayRate   float64
	runaway                 bool
	highPercent, lowPercent int64
	thresholds              []Threshold
	transition              sim.Time
	maxPodGrace             int32
	pods, critical          int
}

// ParseRate reads "20Mi/h" (a quantity per s, m, h, d or Go duration) as
// bytes per second.
func ParseRate(s string) (float64, error) {
	q, per, ok := strings.Cut(strings.TrimSpace(s), "/")
	if !ok {
		return 0, fmt.Errorf("want a rate such as 20Mi/h, got %q", s)
	}
	x, err := ParseQuantity(q)
	if err != nil {
		return 0, err
	}
	var d time.Duration
	switch per {
	case "s":
		d = time.Second
	case "m", "min":
		d = time.Minute
	case "h":
		d = time.Hour
	case "d":
		d = 24 * time.Hour
	default:
		if d, err = time.ParseDuration(per); err != nil || d <= 0 {
			return 0, fmt.Errorf("want a rate such as 20Mi/h, got %q", s)
		}
	}
	return x / d.Seconds(), nil
}

// rateFields are the fields of each distribution a rate may follow.
var rateFields = map[string][]string{"constant": {"value"}, "uniform": {"min", "max"}, "exponential": {"mean"}, "lognormal": {"median", "p99"}}

// scalarKind is what a distribution over pods is of: rates ("20Mi/h")
// or amounts ("500Mi", "40").
type scalarKind struct {
	noun, example string
	parse         func(string) (float64, error)
}

var (
	rateKind     = scalarKind{"rate", "20Mi/h", ParseRate}
	quantityKind = scalarKind{"quantity", "500Mi", func(s string) (float64, error) {
		x, err := ParseQuantity(s)
		return x / quantityUnit, err
	}}
)

// quantityUnit is what one second of a quantity distribution stands for
// (1Mi): Dist samples whole nanoseconds in an int64, which would
// overflow past 9.2G of bytes and keep no more.
const quantityUnit = 1 << 20

// RateText writes a rate key's TOML value, a rate ("20Mi/h") or a table
// { dist = "lognormal", median = "2Mi/h", p99 = "20Mi/h" } (also
// constant {value}, uniform {min, max}, exponential {mean}), in the form
// parseRateDist reads: "lognormal median=2Mi/h p99=20Mi/h".
func RateText(v any) (string, error) { return rateKind.text(v) }

// QuantityText is RateText for amounts: "500Mi" or a table such as
// { dist = "lognormal", median = "300Mi", p99 = "2Gi" }.
func QuantityText(v any) (string, error) { return quantityKind.text(v) }

func (k scalarKind) text(v any) (string, error) {
	switch x := v.(type) {
	case string: // a value, or this very form (as `nodesim check` prints it)
		if _, err := k.dist(x); err != nil {
			return "", err
		}
		return x, nil
	case int64: // a bare TOML integer: a count ("40" processes)
		return k.text(fmt.Sprint(x))
	case map[string]any:
		kind, _ := x["dist"].(string)
		fields, ok := rateFields[kind]
		if !ok {
			return "", fmt.Errorf("dist: want one of constant, uniform, exponential, lognormal, got %v", x["dist"])
		}
		parts := []string{kind}
		for _, f := range fields {
			s, ok := x[f].(string)
			if !ok {
				return "", fmt.Errorf("%s needs %s as a %s string such as \"%s\"", kind, strings.Join(fields, " and "), k.noun, k.example)
			}
			parts = append(parts, f+"="+s)
		}
		for f := range x {
			if f != "dist" && !slices.Contains(fields, f) {
				return "", fmt.Errorf("%s has no field %q (fields: %s)", kind, f, strings.Join(fields, ", "))
			}
		}
		text := strings.Join(parts, " ")
		_, err := k.dist(text)
		return text, err
	}
	return "", fmt.Errorf("expected a %s such as \"%s\" or a distribution table, got %T", k.noun, k.example, v)
}

// parseRateDist reads RateText's form as a distribution of bytes per
// second (Dist's seconds).
func parseRateDist(s string) (Dist, error) { return rateKind.dist(s) }

// parseQuantityDist reads QuantityText's form (Dist's seconds hold the
// amount in quantityUnit).
func parseQuantityDist(s string) (Dist, error) { return quantityKind.dist(s) }

func (k scalarKind) dist(s string) (Dist, error) {
	f := strings.Fields(s)
	if len(f) == 1 {
		r, err := k.parse(f[0])
		return Dist{Kind: Constant, A: r, Source: s}, err
	}
	if len(f) == 0 {
		return Dist{}, fmt.Errorf("want a %s such as %s, got %q", k.noun, k.example, s)
	}
	v := map[string]float64{}
	for _, kv := range f[1:] {
		name, x, _ := strings.Cut(kv, "=")
		r, err := k.parse(x)
		if err != nil {
			return Dist{}, err
		}
		v[name] = r
	}
	var d Dist
	var err error
	switch f[0] {
	case "constant":
		d = Dist{Kind: Constant, A: v["value"]}
	case "uniform":
		if v["min"] > v["max"] {
			return Dist{}, fmt.Errorf("uniform: min must be <= max")
		}
		d = Dist{Kind: Uniform, A: v["min"], B: v["max"]}
	case "exponential":
		d = Dist{Kind: Exponential, A: v["mean"]}
	case "lognormal":
		d, err = LogNormalMedianP99(time.Duration(v["median"]*1e9), time.Duration(v["p99"]*1e9))
	default:
		err = fmt.Errorf("unknown distribution %q", f[0])
	}
	d.Source = s
	return d, err
}

// diskParamsOf parses the disk knobs of cfg; errors name their keys.
func diskParamsOf(cfg *Config) (diskParams, []error) {
	d, e := &cfg.Disk, &cfg.Kubelet.Eviction
	var errs []error
	qty := func(key, s string) float64 {
		x, err := ParseQuantity(s)
		if err != nil {
			errs = append(errs, &FieldError{Key: key, Msg: err.Error()})
		}
		return x
	}
	rate := func(key, s string) float64 {
		x, err := ParseRate(s)
		if err != nil {
			errs = append(errs, &FieldError{Key: key, Msg: err.Error()})
		}
		return x
	}
	p := diskParams{pods: cfg.Cluster.PodsPerNode, critical: d.CriticalPods}
	if d.CriticalPods < 0 || d.CriticalPods > cfg.Cluster.PodsPerNode {
		errs = append(errs, &FieldError{Key: KeyCriticalPods, Msg: fmt.Sprintf("must be between 0 and %s (%d), got %d", KeyPodsPerNode, cfg.Cluster.PodsPerNode, d.CriticalPods)})
	}
	p.capacity = qty(KeyNodefsCapacity, d.NodefsCapacity)
	if p.capacity <= 0 && len(errs) == 0 {
		errs = append(errs, &FieldError{Key: KeyNodefsCapacity, Msg: "must be > 0"})
	}
	frac := func(key string, x float64) {
		if !(x >= 0 && x <= 1) {
			errs = append(errs, &FieldError{Key: key, Msg: fmt.Sprintf("must be a fraction in [0, 1], got %v", x)})
		}
	}
	frac(KeyNodefsUsed, d.NodefsUsed)
	frac(KeyNodefsInodesUsed, d.NodefsInodesUsed)
	p.inodesUsed = d.NodefsInodesUsed
	p.unused = qty(KeyUnusedImages, d.UnusedImages)
	p.image = qty(KeyPodImage, d.PodImage)
	p.request = qty(KeyPodRequest, d.PodRequest)
	rateDist := func(key, s string) Dist {
		x, err := parseRateDist(s)
		if err != nil {
			errs = append(errs, &FieldError{Key: key, Msg: err.Error()})
		}
		return x
	}
	p.logRate = rateDist(KeyPodLogRate, d.PodLogRate)
	p.emptyRate = rateDist(KeyPodEmptyDirRate, d.PodEmptyDirRate)
	p.hostRate = rate(KeyHostWriteRate, d.HostWriteRate)
	p.runawayRate = rate(KeyRunawayRate, d.RunawayRate)
	p.runaway = !(d.RunawayEvery.Kind == Constant && d.RunawayEvery.A == 0)
	if p.runaway && !(d.RunawayEvery.Mean() > 0) {
		errs = append(errs, &FieldError{Key: KeyRunawayEvery, Msg: "must have a mean > 0 (constant 0s: no runaway writer)"})
	}
	maxSize, _ := ParseQuantity(e.ContainerLogMaxSize)
	p.logCap = maxSize * float64(e.ContainerLogMaxFiles)
	p.base = d.NodefsUsed*p.capacity - p.unused - float64(p.pods)*p.image
	if len(errs) == 0 && p.base < 0 {
		errs = append(errs, &FieldError{Key: KeyNodefsUsed, Msg: fmt.Sprintf("%v of %s is less than %s plus %d pods × %s", d.NodefsUsed, d.NodefsCapacity, KeyUnusedImages, p.pods, KeyPodImage)})
	}
	p.highPercent, p.lowPercent = int64(e.ImageGCHighThresholdPercent), int64(e.ImageGCLowThresholdPercent)
	th, err := e.Thresholds()
	if err != nil {
		errs = append(errs, err)
	}
	p.thresholds = th
	p.transition = sim.Time(e.EvictionPressureTransitionPeriod)
	p.maxPodGrace = e.EvictionMaxPodGracePeriod
	return p, errs
}

// evictionParamsOf is the eviction manager's part of diskParamsOf, for a
// run with [memory] or [pids] and no [disk] (validated).
func evictionParamsOf(cfg *Config) diskParams {
	e := &cfg.Kubelet.Eviction
	th, _ := e.Thresholds()
	return diskParams{pods: cfg.Cluster.PodsPerNode, thresholds: th, transition: sim.Time(e.EvictionPressureTransitionPeriod), maxPodGrace: e.EvictionMaxPodGracePeriod}
}

// systemNodeCritical is scheduling.SystemCriticalPriority + 1000, the
// priority of system-node-critical pods; others are at 0.
const systemNodeCritical = 2000001000

// imageGCPeriod is pkg/kubelet/kubelet.go ImageGCPeriod: image garbage
// collection runs every 5 minutes.
const imageGCPeriod = sim.Time(5 * 60e9)

// imageMinimumGCAge is imageMinimumGCAge's default (2m, defaults.go):
// freeSpace skips an image first detected more recently.
const imageMinimumGCAge = sim.Time(2 * 60e9)

// diskPod is one pod bound to the node.
type diskPod struct {
	start     sim.Time // running since (Never: Pending)
	emptyAcc  float64  // emptyDir bytes written before rateSince
	rateSince sim.Time
	emptyRate float64
	logRate   float64
	cached    bool     // its image is on disk
	pulledAt  sim.Time // the image's firstDetected
	unusedAt  sim.Time // lastUsed once no running pod uses it
	critical  bool
	killing   bool     // evicted, within its termination grace: still on disk, not ranked
	backoff   sim.Time // the DaemonSet controller's failed-pod backoff (0: none yet)
	failedAt  sim.Time // its last failure, for the backoff's expiry
}

// Failed-pod backoff of the DaemonSet controller (pkg/controller/daemon
// daemon_controller.go podsShouldBeOnNode, failedPodsBackoff =
// flowcontrol.NewBackOff(1s, 15m)): a failed pod is replaced at once
// unless the node's entry is in backoff (IsInBackOffSinceUpdate: now -
// lastUpdate < backoff), in which case the DaemonSet is synced again a
// whole backoff later (enqueueDaemonSetAfter(ds, Get(key))); each
// replacement calls Next, doubling from 1s to 15m, or back to 1s once the
// entry has expired (hasExpired: 2 × 15m since lastUpdate).
const (
	dsBackoffInitial = sim.Time(1e9)
	dsBackoffMax     = sim.Time(15 * 60e9)
)

// recreateAt is when the DaemonSet controller replaces the pod that
// failed at t; failedAt holds the entry's lastUpdate.
func (p *diskPod) recreateAt(t sim.Time) sim.Time {
	fresh := p.backoff == 0 || t-p.failedAt > 2*dsBackoffMax
	at := t
	if !fresh && t-p.failedAt < p.backoff {
		at = t + p.backoff
	}
	if fresh || at-p.failedAt > 2*dsBackoffMax {
		p.backoff = dsBackoffInitial
	} else {
		p.backoff = min(2*p.backoff, dsBackoffMax)
	}
	p.failedAt = at
	return at
}

// logs is the pod's container logs at t: rotation (every 10s,
// containerLogMaxSize × containerLogMaxFiles kept) bounds them.
func (p *diskPod) logs(dp *diskParams, t sim.Time) float64 {
	return math.Min(p.logRate*(t-p.start).Seconds(), dp.logCap)
}

func (p *diskPod) emptyDir(t sim.Time) float64 {
	return p.emptyAcc + p.emptyRate*(t-p.rateSince).Seconds()
}

func (p *diskPod) usage(dp *diskParams, t sim.Time) float64 {
	if p.start == sim.Never {
		return 0
	}
	return p.logs(dp, t) + p.emptyDir(t)
}

// diskNode is one node's filesystem, eviction manager and pods.
type diskNode struct {
	em      evictionManager
	unused  float64 // the images unused at time 0 still on disk (oldest: GC'd first)
	pods    []diskPod
	pending int32
	conds   uint8                      // conditions the kubelet reports
	since   sim.Time                   // of the last change of conds or pending, for the metrics
	taintAt [numPressureConds]sim.Time // each pressure taint's since, by condition bit (Never: none)
	rng     sim.Rand                   // runaway writers
	rates   sim.Rand                   // pods' write rates

	// The memory and PID models (pod_memory.go): nil and unused when off.
	mem      []podMem // by pod
	memRates sim.Rand // pods' working sets, growth and processes
	faults   sim.Rand // leaks and fork bombs

	// The status loop's view (pressure.go changeDue): the earliest
	// condition change not yet patched, its value at the pending batch's
	// start, and the send time of the last successful PATCH.
	condChange, snapChange, sent sim.Time
}

// used is the filesystem's bytes in use at t.
func (d *diskNode) used(dp *diskParams, t sim.Time) float64 {
	u := dp.base + dp.hostRate*t.Seconds() + d.unused
	for i := range d.pods {
		p := &d.pods[i]
		if p.cached {
			u += dp.image
		}
		u += p.usage(dp, t)
	}
	return u
}

// observe is makeSignalObservations on the shared filesystem.
func (d *diskNode) observe(dp *diskParams, t sim.Time) observations {
	var o observations
	avail := math.Max(dp.capacity-d.used(dp, t), 0)
	for _, s := range []Signal{SignalNodeFsAvailable, SignalImageFsAvailable} {
		o.available[s], o.capacity[s], o.has[s] = avail, dp.capacity, true
	}
	// Inodes in units of the capacity: only the fraction matters.
	o.available[SignalNodeFsInodesFree], o.capacity[SignalNodeFsInodesFree], o.has[SignalNodeFsInodesFree] = (1-dp.inodesUsed)*dp.capacity, dp.capacity, true
	return o // memory.available: no memory model, never observed
}

// deleteUnusedImages is imageGC.DeleteUnusedImages (freeSpace with no
// bound): every unused image older than imageMinimumGCAge.
func (d *diskNode) deleteUnusedImages(t sim.Time) {
	d.unused = 0
	for i := range d.pods {
		p := &d.pods[i]
		if p.cached && p.start == sim.Never && t-p.pulledAt >= imageMinimumGCAge {
			p.cached = false
		}
	}
}

// imageGC is realImageGCManager.GarbageCollect at t: if usagePercent =
// 100 - available×100/capacity (integer division) is at least the high
// threshold, free capacity×(100-low)/100 - available bytes of unused
// images, least recently used first.
func (d *diskNode) imageGC(dp *diskParams, t sim.Time) {
	capacity := int64(dp.capacity)
	avail := int64(math.Max(dp.capacity-d.used(dp, t), 0))
	if 100-avail*100/capacity < dp.highPercent {
		return
	}
	toFree := float64(capacity*(100-dp.lowPercent)/100 - avail)
	if toFree <= 0 {
		return
	}
	f := math.Min(d.unused, toFree)
	d.unused -= f
	toFree -= f
	for toFree > 0 {
		j := -1
		for i := range d.pods {
			p := &d.pods[i]
			if p.cached && p.start == sim.Never && t-p.pulledAt >= imageMinimumGCAge && (j < 0 || p.unusedAt < d.pods[j].unusedAt) {
				j = i
			}
		}
		if j < 0 {
			return
		}
		d.pods[j].cached = false
		toFree -= dp.image
	}
}

// drawRates gives pod p its log and emptyDir write rates.
func (d *diskNode) drawRates(dp *diskParams, p *diskPod) {
	p.logRate = float64(dp.logRate.SampleNs(&d.rates)) / 1e9
	p.emptyRate = float64(dp.emptyRate.SampleNs(&d.rates)) / 1e9
}

// rank returns the pod to evict (rankDiskPressureFunc over the running
// pods; ties go to the lower index), or -1.
func (d *diskNode) rank(dp *diskParams, t sim.Time) int {
	best := -1
	var bestR rankedPod
	for i := range d.pods {
		p := &d.pods[i]
		if p.start == sim.Never || p.killing {
			continue
		}
		u := p.usage(dp, t)
		r := rankedPod{exceeds: u > dp.request, over: u - dp.request}
		if p.critical {
			r.priority = systemNodeCritical
		}
		if best < 0 || evictsBefore(r, bestR) {
			best, bestR = i, r
		}
	}
	return best
}

// evict kills pod i at t: its logs and emptyDir go with it (container GC
// and volume cleanup), its image stays cached, unused.
func (d *diskNode) evict(i int, t sim.Time) {
	p := &d.pods[i]
	p.start, p.emptyAcc, p.unusedAt, p.killing = sim.Never, 0, t, false
	d.pending++
}

// admit starts pod i at t as a new pod (its controller's replacement,
// with rates of its own), pulling its image again if it was deleted.
func (d *diskNode) admit(dp *diskParams, i int, t sim.Time) {
	p := &d.pods[i]
	p.start, p.emptyAcc, p.rateSince = t, 0, t
	d.drawRates(dp, p)
	if !p.cached {
		p.cached, p.pulledAt = true, t
	}
	d.pending--
}
