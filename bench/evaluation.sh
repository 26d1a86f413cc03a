#!/usr/bin/env bash
# The honesty experiment of docs/evaluation.md on the real daily data of ../shared/data:
#  (1)  the seed system's evaluation: train on the first 80% of a ~200-day period (no purge) and
#       "backtest" the last 60 days of that same period;
#  (1b) the same model re-fit on the whole period, window included, before that "backtest";
#  (2)  our honest retrain: training ends (purged) before the window; leakage guard; gate.
# Prints each backtest report (ML and naive accuracy, and what the leakage guard says).
# Usage: bench/evaluation.sh [SHARED_DATA_DIR]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DATA="${1:-$ROOT/../shared/data}"
[[ -d "$DATA/prices/daily" ]] || { echo "no shared data at $DATA (expected prices/daily); pass its path" >&2; exit 1; }
BASE="${BENCH_DIR:-$ROOT/bench/target}/evaluation"
FC="${FORECASTER_BIN:-$ROOT/bin/forecaster}"
SYMBOLS="BTC-USD ETH-USD LTC-USD XRP-USD"
AS_OF=2025-02-19T00:00:00Z      # the day after the last complete daily candle
PERIOD_FROM=2024-08-01          # the seed-style period: ~200 daily as-ofs

rm -rf "$BASE" && mkdir -p "$BASE/landing"
for s in $SYMBOLS; do cp "$DATA/prices/daily/$s.csv" "$BASE/landing/"; done
"$FC" ingest --warehouse "$BASE/warehouse" --prices "$BASE/landing" --events "$DATA/events/events.csv" --bar 1d | tail -4
W=(--warehouse "$BASE/warehouse")

echo "== (1) seed-style: first 80% of $PERIOD_FROM .. $AS_OF trains, no purge; backtest the last 60 days"
"$FC" train "${W[@]}" --horizon 7d --as-of "$AS_OF" --train-from "$PERIOD_FROM" --no-holdout --no-purge
"$FC" backtest "${W[@]}" --model ml_forecaster_7d_rf:v1 --as-of "$AS_OF"

echo "== (1b) the same model re-fit on the whole period, window included"
"$FC" train "${W[@]}" --horizon 7d --as-of "$AS_OF" --train-from "$PERIOD_FROM" --no-holdout --fit-all
"$FC" backtest "${W[@]}" --model ml_forecaster_7d_rf:v2 --as-of "$AS_OF"

echo "== (2) honest: retrain (all horizons) with purge, holdout and the leakage guard"
"$FC" retrain "${W[@]}" --as-of "$AS_OF" --result-json "$BASE/retrain.json"
cat "$BASE/retrain.json"
