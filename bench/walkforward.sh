#!/usr/bin/env bash
# The walk-forward of FORECASTING.md section 10 on the real daily data of ../shared/data: every
# symbol, 24 monthly retrains (2023-02-01 .. 2025-01-01) x 3 horizons (1d, 7d, 30d), scored over
# 2023-02-01 .. 2025-01-31. Prints the run's report, then the total time, the share of it spent in
# forest fits (target >= 70%: the time during which a forest is being fitted) and the time per
# retrain date (3 horizons) and per retrain.
# Target: under 30 minutes on 2 cores.
# Usage: bench/walkforward.sh [SHARED_DATA_DIR]   (env: TREES=N to override num-trees)
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="${1:-$ROOT/../shared/data}"
[[ -d "$DATA/prices/daily" ]] || { echo "no shared data at $DATA (expected prices/daily); pass its path" >&2; exit 1; }
BASE="${BENCH_DIR:-$ROOT/bench/target}/walkforward"
FC="${FORECASTER_BIN:-$ROOT/bin/forecaster}"
RUN=bench-24m
mkdir -p "$BASE"
if [[ ! -d "$BASE/warehouse/prices" ]]; then
  "$FC" ingest --warehouse "$BASE/warehouse" --prices "$DATA/prices/daily" \
    --events "$DATA/events/events.csv" --bar 1d | tail -3
fi
CONF=()
if [[ -n "${TREES:-}" ]]; then
  echo "forecaster.model.random-forest.num-trees = $TREES" > "$BASE/trees.conf"
  CONF=(--conf "$BASE/trees.conf")
fi
# A re-run of the run id would find its versions by fingerprint and skip their fits: start afresh.
rm -rf "$BASE/warehouse/walkforward/$RUN"
start=$(date +%s)
"$FC" walkforward --warehouse "$BASE/warehouse" "${CONF[@]}" --horizons 1d,7d,30d \
  --from 2023-02-01 --to 2025-01-31 --run-id "$RUN" | tee "$BASE/walkforward.txt"
end=$(date +%s)
# The first line of the report: "walkforward RUN: T s, a forest fitting W s of it (P%; fits F s in
# all, the horizons in parallel), retrains R s; ..."
read -r total wall share fits retrains < <(sed -nE \
  's/^walkforward .*: ([0-9.]+) s, a forest fitting ([0-9.]+) s of it \(([0-9.]+)%; fits ([0-9.]+) s in all.*, retrains ([0-9.]+) s.*/\1 \2 \3 \4 \5/p' \
  "$BASE/walkforward.txt")
echo "wall time $((end - start)) s (JVM start included); job ${total} s"
echo "a forest being fitted during ${wall} s = ${share}% of the job (target >= 70%); the fits took ${fits} s in all (the 3 horizons of a date retrain in parallel, so their fits overlap)"
awk -v t="$total" -v r="$retrains" 'BEGIN { printf "per retrain date (3 horizons in parallel) %.1f s of the job; one retrain took %.1f s on average on its thread\n", t / 24, r / 72 }'
"$FC" report walkforward --warehouse "$BASE/warehouse" "$RUN"
