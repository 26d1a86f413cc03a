#!/usr/bin/env bash
# Ingest benchmark: generates SYMBOLS x DAYS of hourly candles (default 100 x 730, ~1.75M rows)
# and times `forecaster ingest` end to end, Spark start-up included. Prints rows/s.
# Target on 2 cores: under 60 s. Usage: bench/ingest.sh [SYMBOLS] [DAYS]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SYMBOLS="${1:-100}"
DAYS="${2:-730}"
WORK="${BENCH_DIR:-$ROOT/bench/target}/ingest-${SYMBOLS}x${DAYS}"
rm -rf "$WORK/warehouse"
mkdir -p "$WORK"

"$ROOT/bin/forecaster" --version >/dev/null   # builds once, outside the timing
if [[ ! -f "$WORK/market/events/events.csv" ]]; then
  "$ROOT/bin/forecaster" generate --n-symbols "$SYMBOLS" --days "$DAYS" --bar 1h --seed 7 --out "$WORK/market"
fi
ROWS=$(( $(cat "$WORK"/market/prices/*.csv | wc -l) - SYMBOLS ))
EVENTS=$(( $(wc -l < "$WORK/market/events/events.csv") - 1 ))

start=$(date +%s.%N)
"$ROOT/bin/forecaster" ingest --warehouse "$WORK/warehouse" \
  --prices "$WORK/market/prices" --events "$WORK/market/events" > "$WORK/ingest.out"
end=$(date +%s.%N)

tail -n 4 "$WORK/ingest.out"
awk -v s="$start" -v e="$end" -v r="$ROWS" -v ev="$EVENTS" 'BEGIN {
  t = e - s
  printf "ingest: %d candles + %d events in %.1f s (Spark start-up included) = %.0f rows/s\n", r, ev, t, (r + ev) / t
  printf "target: under 60 s on 2 cores -> %s\n", (t < 60 ? "met" : "NOT met")
}'
