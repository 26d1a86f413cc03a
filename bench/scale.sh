#!/usr/bin/env bash
# The whole 7d pipeline at scale against the peer (issue 14): the same generated files through
# ../shared/peer/ref.py pipeline (pandas + scikit-learn: load, features, labels, two forest fits,
# backtest) and through ours: `ingest --bar 1h`, then `retrain` with horizons-minutes = [10080]
# (features + labels, split + purge, one forest fit, test scoring, save, register, 60-day
# backtest, gate). Prints each side's wall time and peak RSS, our step times and the ratio.
# Targets on 2 cores: 100 symbols <= 4x the peer with a 2 GB heap; 1,000 symbols <= 600 s.
# Usage: bench/scale.sh [SYMBOLS [YEARS]]          (default 100 symbols, 2 years of hourly bars)
# Set-up, once per (SYMBOLS, YEARS) under bench/target/scale-SxY: the market, written by
# ../shared/peer/gen_scale.py --seed 1 (real daily returns block-bootstrapped, hourly bars).
# Each run starts from an empty warehouse, so nothing is reused from an earlier run.
# Environment: BENCH_DIR (default bench/target); FORECASTER_HEAP (default 2g up to 100 symbols,
# else 4g); BENCH_SIDES (default "peer ours": one of them re-times only that side).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SYMBOLS="${1:-100}"
YEARS="${2:-2}"
PEER="$ROOT/../shared/peer"
PY=/usr/bin/python3
BASE="${BENCH_DIR:-$ROOT/bench/target}/scale-${SYMBOLS}x${YEARS}"
FC="$ROOT/bin/forecaster"
SIDES="${BENCH_SIDES:-peer ours}"
if ((SYMBOLS <= 100)); then export FORECASTER_HEAP="${FORECASTER_HEAP:-2g}"; fi
export FORECASTER_HEAP="${FORECASTER_HEAP:-4g}"

[[ -f "$PEER/ref.py" ]] || { echo "error: no peer at $PEER (../shared beside the checkout)" >&2; exit 1; }
if ! "$PY" -c "import pandas, sklearn" 2>/dev/null; then
  echo "installing the peer's packages (python3-pandas, python3-sklearn)..." >&2
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
      python3-pandas python3-sklearn python3-numpy; } >&2 \
    || { echo "error: the peer needs python3-pandas and python3-sklearn (apt-get install)" >&2; exit 1; }
fi
"$FC" --version >/dev/null # builds the jobs jar when needed, outside the timings
mkdir -p "$BASE"

MARKET="$BASE/market"
if [[ ! -f "$MARKET/.ready" ]]; then
  rm -rf "$MARKET"
  echo "set-up: $SYMBOLS symbols x $YEARS years of hourly candles under $MARKET (once)" >&2
  "$PY" "$PEER/gen_scale.py" --symbols "$SYMBOLS" --years "$YEARS" --freq 1h --seed 1 \
    --out "$MARKET" >&2
  touch "$MARKET/.ready"
fi
CANDLES=$(cat "$MARKET"/prices/*.csv | wc -l)
CANDLES=$((CANDLES - $(ls "$MARKET"/prices/*.csv | wc -l)))

# Runs a command under /usr/bin/time; prints "<wall s> <peak RSS MB>" and keeps its output.
timed() {
  local out="$1"
  shift
  /usr/bin/time -f "%e %M" -o "$out.time" "$@" >"$out" 2>&1 \
    || { tail -30 "$out" >&2; echo "error: $* failed (log: $out)" >&2; exit 1; }
  awk '{ printf "%.1f %d\n", $1, $2 / 1024 }' "$out.time"
}

if [[ " $SIDES " == *" peer "* ]]; then
  echo "peer: ref.py pipeline --horizon 10080..." >&2
  read -r peer_wall peer_rss < <(timed "$BASE/peer.json" "$PY" "$PEER/ref.py" pipeline \
    --prices "$MARKET/prices" --events "$MARKET/events.csv" --horizon 10080)
  echo "$peer_wall $peer_rss" >"$BASE/peer.result"
fi
if [[ " $SIDES " == *" ours "* ]]; then
  W="$BASE/warehouse"
  rm -rf "$W"
  printf 'forecaster.horizons-minutes = [10080]\n' >"$BASE/7d.conf"
  echo "ours: ingest..." >&2
  read -r ingest_wall ingest_rss < <(timed "$BASE/ingest.log" "$FC" ingest --warehouse "$W" \
    --conf "$BASE/7d.conf" --prices "$MARKET/prices" --events "$MARKET/events.csv" --bar 1h)
  echo "ours: retrain..." >&2
  read -r retrain_wall retrain_rss < <(timed "$BASE/retrain.log" "$FC" retrain --warehouse "$W" \
    --conf "$BASE/7d.conf")
  echo "$ingest_wall $ingest_rss $retrain_wall $retrain_rss" >"$BASE/ours.result"
fi
[[ -f "$BASE/peer.result" && -f "$BASE/ours.result" ]] \
  || { echo "error: run both sides once (BENCH_SIDES=\"peer ours\")" >&2; exit 1; }
read -r peer_wall peer_rss <"$BASE/peer.result"
read -r ingest_wall ingest_rss retrain_wall retrain_rss <"$BASE/ours.result"

echo
echo "peer's phases (s):"
"$PY" -c 'import json, sys
d = json.load(open(sys.argv[1]))
print("  " + ", ".join(f"{k} {v}" for k, v in d["timings_s"].items()))' "$BASE/peer.json"
echo "our steps (s), ingest then retrain:"
grep -h "INFO  [A-Za-z]*Job: " "$BASE/ingest.log" "$BASE/retrain.log" \
  | sed -E 's/^.*INFO  [A-Za-z]*Job: /  /'
echo
awk -v n="$SYMBOLS" -v c="$CANDLES" -v pw="$peer_wall" -v pr="$peer_rss" -v iw="$ingest_wall" \
  -v ir="$ingest_rss" -v rw="$retrain_wall" -v rr="$retrain_rss" -v heap="$FORECASTER_HEAP" 'BEGIN {
  ours = iw + rw; rss = (ir > rr ? ir : rr)
  printf "| symbols | peer | forecaster | ratio |\n|---|---|---|---|\n"
  printf "| %d (%d candles) | %.1f s, %d MB | %.1f s (ingest %.1f + retrain %.1f), %d MB, heap %s | %.2fx |\n",
    n, c, pw, pr, ours, iw, rw, rss, heap, ours / pw
}'
