#!/usr/bin/env bash
# Features benchmark on SYMBOLS hourly symbols (default 100):
#  (a) the full daily as-of grid over 2 years of history (~73k feature rows), end to end;
#  (b) one nightly as-of with 2 years and with 5 years of history stored.
# Targets on 2 cores: (a) under 90 s with Spark start-up; (b) under 20 s, and 5 years no
# slower than 2 years (within noise). Usage: bench/features.sh [SYMBOLS]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SYMBOLS="${1:-100}"
BASE="${BENCH_DIR:-$ROOT/bench/target}"
FC="$ROOT/bin/forecaster"
"$FC" --version >/dev/null

# A warehouse of SYMBOLS x DAYS hourly candles starting 2024-01-01 - 5 years of history ends at
# the same instant as 2 years when it starts 3 years earlier.
warehouse() { # days start
  local dir="$BASE/features-${SYMBOLS}x$1"
  if [[ ! -d "$dir/warehouse/prices" ]]; then
    rm -rf "$dir" && mkdir -p "$dir"
    "$FC" generate --n-symbols "$SYMBOLS" --days "$1" --start "$2" --bar 1h --seed 7 --out "$dir/market" >&2
    "$FC" ingest --warehouse "$dir/warehouse" --prices "$dir/market/prices" --events "$dir/market/events" >/dev/null
  fi
  echo "$dir/warehouse"
}
seconds() { local s; s=$(date +%s.%N); "$@" >/dev/null 2>&1; awk -v s="$s" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f", e - s }'; }

TWO=$(warehouse 730 2024-01-01)
FIVE=$(warehouse 1826 2021-01-01)
LAST=2025-12-30   # both histories end 2025-12-31

a=$(seconds "$FC" features --warehouse "$TWO" --from 2024-01-01 --to "$LAST")
rows=$("$FC" features --warehouse "$TWO" --from 2024-01-01 --to "$LAST" 2>/dev/null | awk '{print $2}')
echo "(a) full daily grid, 2 years x $SYMBOLS symbols: $rows rows in $a s = $(awk -v r="$rows" -v t="$a" 'BEGIN{printf "%.0f", r/t}') rows/s (target < 90 s)"
b2=$(seconds "$FC" features --warehouse "$TWO" --as-of "$LAST")
b5=$(seconds "$FC" features --warehouse "$FIVE" --as-of "$LAST")
echo "(b) one nightly as-of: $b2 s with 2 years stored, $b5 s with 5 years stored (target < 20 s, 5y ~ 2y)"
