# nodesim: two commands for a newcomer: `make run` and `make test`.
GO ?= go
PKGS := ./...

.PHONY: all build run test fmt-check vet unit race deploy-check conformance bench bench-go pgo fuzz golden validate rare-goals clean

all: build

build:
	$(GO) build -o bin/nodesim ./cmd/nodesim

# The main job on the embedded default scenario.
run:
	$(GO) run ./cmd/nodesim run

# What CI runs (.ci/run): formatting, vet, the Kubernetes manifests, every
# test, and the race detector on the concurrent code. unit and race run
# side by side: unit's last minute (the built-in summaries, the rare-event
# recipes above all) leaves a core mostly idle on 2 cores.
test: fmt-check vet deploy-check
	@$(MAKE) --no-print-directory -j2 unit race

fmt-check:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet $(PKGS)

unit:
	$(GO) test -count=1 $(PKGS)

# The race detector on what runs on several goroutines: sim's replication
# runner in full, and in model the tests that run replications or the
# rare-event estimator on several workers (and cancel them), and the
# lognormal shapes shared between them. Name such a test ...Workers...,
# ...Cancel... or ...Deterministic...: every other test runs on one
# goroutine, with all its assertions in unit.
RACE_MODEL := Workers|Cancel|Deterministic|Lognormal
race:
	$(GO) test -count=1 -race -short ./sim/
	$(GO) test -count=1 -race -short -run '$(RACE_MODEL)' ./model/

# deploy/kubernetes/*.yaml decoded strictly into the upstream API types,
# in a module of its own so that nodesim's go.mod never gains k8s.io/api.
deploy-check:
	cd deploy/kubernetes/validate && $(GO) vet ./... && $(GO) test -count=1 ./...

# Replay nodesim's traces of conformance/scenarios through the real node
# lifecycle controller (k8s.io/kubernetes, its own module: conformance/).
# Ends with `conformance: N transitions compared, M mismatches`.
conformance:
	GO=$(GO) ./conformance/run.sh

# Side-by-side throughput against ../shared/bench/baseline-go; prints `ratio: N`.
bench:
	./scripts/bench.sh

# Engine and hot-path micro-benchmarks with allocation counts.
bench-go:
	$(GO) test -run '^$$' -bench . -benchmem ./sim/ ./model/

# Refresh cmd/nodesim/default.pgo, the profile go build uses to optimise the
# nodesim binary (profile-guided optimisation), from the bench workload.
pgo:
	$(GO) run ./cmd/nodesim run bench --quiet --format json --workers 1 --replications 12 --cpuprofile cmd/nodesim/default.pgo >/dev/null

# Fuzz the scenario loader; a short minimize time keeps new inputs from stalling it.
fuzz:
	$(GO) test -run '^$$' -fuzz=FuzzLoad -fuzztime=60s -fuzzminimizetime=5s ./scenarios/

# Statistical validation beyond make test (about an hour or more on 2
# cores): the rare-event estimator against crude Monte Carlo on every
# built-in point crude can reach (SCENARIOS=a,b picks built-ins), its
# interval's coverage over 200 seeds, and crude's over 500.
validate:
	NODESIM_VALIDATE=1 NODESIM_VALIDATE_SCENARIOS=$(SCENARIOS) $(GO) test -count=1 -timeout 180m -run 'TestRareAgreesWithCrudeOnBuiltins|TestRareIntervalCoverage|TestCrudeCoverage' -v ./model/

# The rare-event goals: each class of false NotReady at 1e-3, 1e-6 and
# 1e-9 per node-day, wall time to a ±20% interval on this machine.
rare-goals:
	./scripts/rare-goals.sh

# Regenerate CLI goldens (help, check, built-in summaries); review the diff.
golden:
	$(GO) test -count=1 ./cmd/nodesim/ -update

clean:
	rm -rf bin
