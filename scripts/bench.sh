#!/usr/bin/env bash
# make bench: nodesim on scenarios/bench.toml against ../shared/bench's
# hand-written baseline (and the no-queue floor), side by side in one run,
# REPS repetitions each, interleaved so machine noise hits both alike.
# Prints node-days per second (median) and the line `ratio: N`.
set -euo pipefail
cd "$(dirname "$0")/.."
REPS=${REPS:-7}
SHARED=${SHARED:-../shared/bench}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

go build -o "$tmp/nodesim" ./cmd/nodesim
have_baseline=false
if [ -d "$SHARED/baseline-go" ]; then
	(cd "$SHARED/baseline-go" && go build -o "$tmp/baseline" .)
	(cd "$SHARED/limit-go" && go build -o "$tmp/limit" .)
	have_baseline=true
fi

# The workload: 1000 nodes, 1 simulated day, 4 replications (scenarios/bench.toml).
nodes=1000 days=1 reps=4
node_days=$((nodes * days * reps))

now() { date +%s.%N; }
calc() { awk "BEGIN { print $* }"; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

for i in $(seq "$REPS"); do
	t0=$(now)
	"$tmp/nodesim" run bench --quiet --format json --workers "$(nproc)" >"$tmp/out.json"
	t1=$(now)
	calc "$node_days / ($t1 - $t0)" >>"$tmp/nodesim.rate"
	if $have_baseline; then
		"$tmp/baseline" -nodes "$nodes" -days "$days" | sed -n 's/.*node-days\/s=\([0-9.e+]*\).*/\1/p' >>"$tmp/baseline.rate"
		"$tmp/limit" -nodes "$nodes" -days "$days" | sed -n 's/.*node-days\/s=\([0-9.e+]*\).*/\1/p' >>"$tmp/limit.rate"
	fi
done

ns=$(median <"$tmp/nodesim.rate")
printf 'nodesim (%d workers, full model): %8.0f node-days/s  (median of %d)\n' "$(nproc)" "$ns" "$REPS"
if $have_baseline; then
	bl=$(median <"$tmp/baseline.rate")
	lim=$(median <"$tmp/limit.rate")
	printf 'baseline-go (container/heap, 1 core): %8.0f node-days/s\n' "$bl"
	printf 'limit-go floor (1 core):              %8.0f node-days/s; %d cores: %.0f\n' "$lim" "$(nproc)" "$(calc "$lim * $(nproc)")"
	printf 'floor/nodesim: %.2f\n' "$(calc "$lim * $(nproc) / $ns")"
	printf 'ratio: %.1f\n' "$(calc "$ns / $bl")"
else
	echo "ratio: n/a ($SHARED not found)"
fi
