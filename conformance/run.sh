#!/usr/bin/env bash
# make conformance: trace every scenario in DIR (default scenarios/) with
# nodesim, then replay each trace through the real node lifecycle
# controller (README.md). Arguments after DIR go to the replay (e.g.
# -conflicts); TRACES=dir keeps the traces there.
set -euo pipefail
GO=${GO:-go}
here=$(cd "$(dirname "$0")" && pwd)
scen=$(cd "${1:-$here/scenarios}" && pwd)
shift $(($# > 0 ? 1 : 0))
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
traces=${TRACES:-$work/traces}
mkdir -p "$traces"
rm -f "$traces"/*.jsonl

(cd "$here/.." && $GO build -o "$work/nodesim" ./cmd/nodesim)
echo "conformance: tracing $(ls "$scen"/*.toml | wc -l) scenarios of $scen"
ls "$scen"/*.toml | xargs -P 2 -I{} sh -c \
	'"$1" run "$2" --quiet --format json --trace "$3/$(basename "$2" .toml).jsonl" >/dev/null' _ "$work/nodesim" {} "$traces"

# Upstream's own package files, from the module cache (verified against
# go.sum), overlaid into replay/ beside the harness: see README.md.
cd "$here"
echo "conformance: building the replay against k8s.io/kubernetes $($GO list -m -f '{{.Version}}' k8s.io/kubernetes) (the first build compiles ~900 packages)"
src=$($GO list -f '{{.Dir}}' k8s.io/kubernetes/pkg/controller/nodelifecycle)
{
	printf '{"Replace":{'
	sep=
	for f in node_lifecycle_controller.go metrics.go node_lifecycle_controller_test.go; do
		printf '%s"%s":"%s"' "$sep" "$here/replay/$f" "$src/$f"
		sep=,
	done
	printf '}}\n'
} >"$work/overlay.json"
$GO test ./trace
$GO test -overlay "$work/overlay.json" -ldflags=-w -c -o "$work/replay.test" ./replay
"$work/replay.test" -test.run '^(TestHarness.*|TestReplay)$' -traces "$traces" "$@"
