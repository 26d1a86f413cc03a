#!/usr/bin/env bash
# The nightly forecast at scale (issue 14, item 4): `forecast --as-of` for N symbols of hourly
# candles, with a promoted model for every horizon, timed over several runs of the same night
# (each run replaces that night's rows: the MERGE path of production). Target on 2 cores: 1,000
# symbols <= 15 s, and flat in the years of history (it must read only the slice the as-of needs).
# Usage: bench/nightly.sh [SYMBOLS [DAYS [RUNS]]]     (default 1000 symbols, 730 days, 3 runs)
#   (flatness in history: compare DAYS 730 with 1825, five years, each set up in its own folder)
# Set-up, once per (SYMBOLS, DAYS) under bench/target/nightly-SxD: `generate` (hourly candles and
# news events), `ingest`, one small forest per horizon (20 trees: the nightly's cost is reading,
# features and the naive baseline; scoring is in the driver) trained with --no-holdout and
# promoted with `models promote` (no gate: this measures the night, not the model).
# Environment: BENCH_DIR (default bench/target), FORECASTER_HEAP (default 4g here).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SYMBOLS="${1:-1000}"
DAYS="${2:-730}"
RUNS="${3:-3}"
BASE="${BENCH_DIR:-$ROOT/bench/target}/nightly-${SYMBOLS}x${DAYS}"
W="$BASE/warehouse"
FC="$ROOT/bin/forecaster"
export FORECASTER_HEAP="${FORECASTER_HEAP:-4g}"
mkdir -p "$BASE"

# The generated market starts 2024-01-01; the night measured is its last full day.
AS_OF=$(date -u -d "2024-01-01 + $((DAYS - 1)) days" +%Y-%m-%dT00:00:00Z)
HORIZONS=(1d 7d 30d)

if [[ ! -f "$BASE/.ready" ]]; then
  rm -rf "$BASE/landing" "$W"
  echo "set-up: $SYMBOLS symbols x $DAYS days of hourly candles under $BASE (once)" >&2
  t0=$(date +%s)
  "$FC" generate --n-symbols "$SYMBOLS" --days "$DAYS" --bar 1h --out "$BASE/landing" | tail -2
  t1=$(date +%s)
  "$FC" ingest --warehouse "$W" --prices "$BASE/landing/prices" --events "$BASE/landing/events" \
    --bar 1h | tail -2
  t2=$(date +%s)
  echo "forecaster.model.random-forest.num-trees = 20" >"$BASE/small-forest.conf"
  for h in "${HORIZONS[@]}"; do
    "$FC" train --warehouse "$W" --conf "$BASE/small-forest.conf" --horizon "$h" \
      --as-of "$AS_OF" --no-holdout | tail -1
  done
  t3=$(date +%s)
  "$FC" sql --warehouse "$W" --format csv -e \
    "SELECT concat(model_name, ':', version) FROM model_registry WHERE status = 'candidate'" \
    | tail -n +2 | while read -r model; do
      "$FC" models promote --warehouse "$W" --force --reason "bench/nightly.sh" "$model" | tail -1
    done
  echo "set-up: generate $((t1 - t0)) s, ingest $((t2 - t1)) s, train 3 horizons $((t3 - t2)) s" >&2
  touch "$BASE/.ready"
fi

times=()
for run in $(seq 1 "$RUNS"); do
  s=$(date +%s%N)
  "$FC" forecast --warehouse "$W" --as-of "$AS_OF" >"$BASE/forecast-$run.txt" 2>&1 \
    || { cat "$BASE/forecast-$run.txt" >&2; echo "error: forecast failed" >&2; exit 1; }
  e=$(date +%s%N)
  times+=("$(awk -v s="$s" -v e="$e" 'BEGIN { printf "%.1f", (e - s) / 1e9 }')")
  echo "run $run: ${times[-1]} s (JVM start included)" >&2
  grep "forecast:" "$BASE/forecast-$run.txt" >&2 || true
done
median=$(printf '%s\n' "${times[@]}" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
echo "nightly forecast --as-of $AS_OF, $SYMBOLS symbols x ${#HORIZONS[@]} horizons, $DAYS days of hourly history:"
echo "  runs ${times[*]} s; median $median s (target <= 15 s at 1,000 symbols; JVM start included)"
