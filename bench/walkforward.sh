#!/usr/bin/env bash
# The walk-forward of FORECASTING.md section 10 on the real daily data of ../shared/data: every
# symbol, 24 monthly retrains (2023-02-01 .. 2025-01-01) x 3 horizons (1d, 7d, 30d), scored over
# 2023-02-01 .. 2025-01-31. Prints the run's report, then the total time, the share of it spent in
# forest fits (target >= 70%) and the time per retrain date (3 horizons) and per retrain.
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
start=$(date +%s)
"$FC" walkforward --warehouse "$BASE/warehouse" "${CONF[@]}" --horizons 1d,7d,30d \
  --from 2023-02-01 --to 2025-01-31 --run-id "$RUN" | tee "$BASE/walkforward.txt"
end=$(date +%s)
# The first line of the report: "walkforward RUN: T s, forest fits F s (P%), retrains R s; ..."
read -r total fits share retrains < <(sed -nE \
  's/^walkforward .*: ([0-9.]+) s, forest fits ([0-9.]+) s \(([0-9.]+)%\), retrains ([0-9.]+) s.*/\1 \2 \3 \4/p' \
  "$BASE/walkforward.txt")
echo "wall time $((end - start)) s (JVM start included); job ${total} s"
echo "forest fits ${fits} s = ${share}% of the job (target >= 70%)"
awk -v r="$retrains" 'BEGIN { printf "per retrain date (3 horizons) %.1f s; per retrain %.1f s\n", r / 24, r / 72 }'
"$FC" report walkforward --warehouse "$BASE/warehouse" "$RUN"
