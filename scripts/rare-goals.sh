#!/usr/bin/env bash
# The rare-event goals of issue #11: for each class of false NotReady
# (per-request noise, collection-delay tails, rare long incidents, their
# mix) at true rates of about 1e-3, 1e-6 and 1e-9 per node-day, the wall
# time `nodesim run --method rare` takes to a 95% half-width within 20%
# (simulation.target-relative-error = 0.2) on this machine, 2 workers.
set -euo pipefail
cd "$(dirname "$0")/.."
go build -o bin/nodesim ./cmd/nodesim
printf '%-16s %-11s %-8s %-9s %-11s %s\n' workload rate rel.err wall-s work-nd stopped-by
for f in scripts/rare-goals/*.toml; do
	name=$(basename "$f" .toml)
	start=$(date +%s.%N)
	bin/nodesim run "$f" --quiet --format json --workers 2 >"/tmp/rare-goal-$name.json"
	end=$(date +%s.%N)
	python3 - "$name" "$start" "$end" <<'PY'
import json, sys
name, start, end = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
f = json.load(open(f"/tmp/rare-goal-{name}.json"))["points"][0]["false_notready"]
e = f["estimator"]
print(f"{name:<16} {f['rate_per_node_day']:<11.3g} {e['relative_error'] or 0:<8.3f} {end-start:<9.1f} {e['work_node_days']:<11.0f} {e['stopped_by']}")
PY
done
