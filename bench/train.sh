#!/usr/bin/env bash
# Training benchmark: `retrain` (3 horizons: train + 60-day backtest + gate each) on SYMBOLS
# daily symbols x 2 years (the daily as-of grid: ~73k samples for 100 symbols), with the
# configured forest (300 trees, depth 8). Target on 2 cores: under 5 minutes.
# Also times one 7d `train` at 100 / 300 trees and maxBins 32 / 128 to show how MLlib scales.
# Usage: bench/train.sh [SYMBOLS]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SYMBOLS="${1:-100}"
BASE="${BENCH_DIR:-$ROOT/bench/target}/train-${SYMBOLS}"
FC="${FORECASTER_BIN:-$ROOT/bin/forecaster}"
"$FC" --version >/dev/null

if [[ ! -d "$BASE/warehouse/prices" ]]; then
  rm -rf "$BASE" && mkdir -p "$BASE"
  "$FC" generate --n-symbols "$SYMBOLS" --days 730 --bar 1d --seed 7 --out "$BASE/market" >&2
  "$FC" ingest --warehouse "$BASE/warehouse" --prices "$BASE/market/prices" --events "$BASE/market/events" >/dev/null
fi
seconds() { local s; s=$(date +%s.%N); "$@" >"$BASE/last.log" 2>&1; awk -v s="$s" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }'; }

# A fresh registry each time, so nothing is reused from an earlier run.
rm -rf "$BASE/warehouse/models" "$BASE/warehouse/model_registry" "$BASE/warehouse/model_registry_history"
t=$(seconds "$FC" retrain --warehouse "$BASE/warehouse")
grep -E "^(trained|backtest|gate|status)" "$BASE/last.log" || true
echo "retrain, 3 horizons, $SYMBOLS symbols x 2 years daily, 300 trees: $t s (target < 300 s)"

for trees in 100 300; do
  for bins in 32 128; do
    conf="$BASE/forest-$trees-$bins.conf"
    printf 'forecaster.model.random-forest { num-trees = %d\n max-bins = %d }\n' "$trees" "$bins" >"$conf"
    rm -rf "$BASE/warehouse/models" "$BASE/warehouse/model_registry" "$BASE/warehouse/model_registry_history"
    t=$(seconds "$FC" train --horizon 7d --warehouse "$BASE/warehouse" --conf "$conf")
    fit=$(grep -o 'fitted [0-9]* trees ([0-9.]* s)' "$BASE/last.log" | grep -o '([0-9.]* s)' || echo "?")
    echo "train 7d: numTrees $trees, maxBins $bins (at least symbols + 1): $t s end to end, forest fit $fit"
  done
done
