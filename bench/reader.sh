#!/usr/bin/env bash
# Reader benchmark: start-up time (process start -> /health 200), throughput and latency under wrk
# (2 threads, 64 connections, 30 s after a 10 s warm-up, a mix of /forecast/asset with and without
# as_of, /forecasts and /health; then the same connections paced to ~12,000 req/s offered), and
# resident memory. Targets on 2 cores: p99 < 5 ms, >= 10,000 req/s, start-up < 2 s, RSS < 300 MB.
# Usage: bench/reader.sh [WAREHOUSE]       a warehouse with a forecasts table (default ./warehouse)
#        bench/reader.sh --synthetic [N]   a generated table: N symbols (default 3) x 3 horizons x
#                                          730 daily as-ofs (written once by a jobs test, with Spark)
# Without an argument and without ./warehouse/forecasts it uses --synthetic 3.
# Environment: BENCH_DURATION (default 30s), BENCH_WARMUP (default 10s: the same saturating load
# first, measured apart, so the measured phase is the long-running reader's steady state rather
# than its JIT compiling the serving path; 0 skips it), BENCH_DIR (default bench/target),
# FORECASTER_READER_HEAP (default 256m), BENCH_READER_CMD (default: bin/forecaster serve): the
# command that starts the reader, given --warehouse W --port 0; it must exec the JVM and print the
# "listening on http://..." line, e.g. another build for a before/after comparison:
#   BENCH_READER_CMD="java -Xmx256m -Xmn24m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar old.jar"
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BASE="${BENCH_DIR:-$ROOT/bench/target}"
DURATION="${BENCH_DURATION:-30s}"
WARMUP="${BENCH_WARMUP:-10s}"
DAYS=730

synthetic=""
if [[ "${1:-}" == "--synthetic" ]]; then
  synthetic="${2:-3}"
elif [[ -n "${1:-}" ]]; then
  WAREHOUSE="$1"
  [[ -d "$WAREHOUSE/forecasts/_delta_log" ]] || { echo "error: no forecasts table at $WAREHOUSE/forecasts; run bin/forecaster forecast first, or use --synthetic" >&2; exit 1; }
else
  WAREHOUSE="$ROOT/warehouse"
  if [[ ! -d "$WAREHOUSE/forecasts/_delta_log" ]]; then
    echo "no forecasts table at $WAREHOUSE/forecasts: using a synthetic one" >&2
    synthetic=3
  fi
fi
if [[ -n "$synthetic" ]]; then
  WAREHOUSE="$BASE/reader-${synthetic}x${DAYS}/warehouse"
  if [[ ! -d "$WAREHOUSE/forecasts/_delta_log" ]]; then
    echo "writing a synthetic forecasts table ($synthetic symbols x 3 horizons x $DAYS as-ofs) to $WAREHOUSE..." >&2
    rm -rf "$WAREHOUSE"
    mvn -q -B -f "$ROOT/pom.xml" -pl jobs test -Dtest=SyntheticForecastsTableTest \
      -Dbench.forecasts.out="$WAREHOUSE/forecasts" -Dbench.forecasts.symbols="$synthetic" \
      -Dbench.forecasts.days="$DAYS" -Dspotless.check.skip=true >&2
  fi
fi

if ! command -v wrk >/dev/null; then
  echo "installing wrk..." >&2
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk; } >&2 \
    || { echo "error: wrk is needed (apt-get install wrk)" >&2; exit 1; }
fi
"$ROOT/bin/forecaster" serve --version >/dev/null # builds the reader jar (and its class archive) when needed

WORK="$(mktemp -d)"
LOG="$WORK/reader.log"
start_ns=$(date +%s%N)
# bin/forecaster execs the JVM, so $! is the reader's own process.
if [[ -n "${BENCH_READER_CMD:-}" ]]; then
  # shellcheck disable=SC2086
  $BENCH_READER_CMD --warehouse "$WAREHOUSE" --port 0 >"$LOG" 2>&1 &
else
  "$ROOT/bin/forecaster" serve --warehouse "$WAREHOUSE" --port 0 >"$LOG" 2>&1 &
fi
PID=$!
trap 'kill "$PID" 2>/dev/null || true; wait "$PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT

URL=""
for _ in $(seq 1 3000); do
  if [[ -z "$URL" ]]; then
    URL=$(grep -o "http://[0-9.:]*" "$LOG" 2>/dev/null | head -1 || true)
  fi
  if [[ -n "$URL" ]] && curl -sf -o /dev/null "$URL/health"; then break; fi
  kill -0 "$PID" 2>/dev/null || { cat "$LOG" >&2; echo "error: the reader stopped" >&2; exit 1; }
  sleep 0.01
done
ready_ns=$(date +%s%N)
curl -sf -o /dev/null "$URL/health" || { cat "$LOG" >&2; echo "error: the reader did not serve within 30 s" >&2; exit 1; }
startup=$(awk -v s="$start_ns" -v e="$ready_ns" 'BEGIN { printf "%.2f", (e - s) / 1e9 }')

# The request mix: every symbol x horizon (up to 6 symbols) latest, and at as-ofs 30, 180 and 365
# days back; the whole latest night; health.
curl -sf "$URL/forecasts" >"$WORK/latest.json"
python3 - "$WORK/latest.json" >"$WORK/paths.txt" <<'PY'
import json, sys, datetime
body = json.load(open(sys.argv[1]))
latest = datetime.datetime.fromisoformat(body["as_of"].replace("Z", "+00:00")).date()
symbols = sorted({r["symbol"] for r in body["forecasts"]})[:6]
horizons = sorted({r["horizon_minutes"] for r in body["forecasts"]})
paths = []
for s in symbols:
    for h in horizons:
        base = f"/forecast/asset?symbol={s}&horizon_minutes={h}"
        paths.append(base)
        for back in (30, 180, 365):
            paths.append(f"{base}&as_of={latest - datetime.timedelta(days=back)}")
paths.append(f"/forecast/asset?symbol={symbols[0]}&horizon_minutes={horizons[0]}&as_of={latest}T00:00:00Z")
paths.append("/forecasts")
paths.append("/health")
print("\n".join(paths))
PY
{
  echo "local paths = {"
  sed 's/.*/  "&",/' "$WORK/paths.txt"
  echo "}"
  cat <<'LUA'
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i % #paths) + 1])
end
LUA
} >"$WORK/mix.lua"

rows=$(curl -sf "$URL/health" | python3 -c 'import json,sys; h=json.load(sys.stdin); print(h["rows"], "rows, table version", h["table_version"])')
echo "reader over $WAREHOUSE ($rows); $(wc -l <"$WORK/paths.txt") URLs in the mix; wrk -t2 -c64 -d$DURATION after a $WARMUP warm-up"
# The reader's CPU time (user + system, in clock ticks) over the load: CPU per request holds on a
# busy shared machine, where req/s and latency follow the share of the cores the reader gets.
cpu_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$PID/stat"; }
if [[ ! "$WARMUP" =~ ^0+(s|ms)?$ ]]; then
  wrk -t2 -c64 -d"$WARMUP" --latency -s "$WORK/mix.lua" "$URL" >"$WORK/warmup.txt"
fi
cpu_before=$(cpu_ticks)
wrk -t2 -c64 -d"$DURATION" --latency -s "$WORK/mix.lua" "$URL" >"$WORK/wrk.txt"
cpu_after=$(cpu_ticks)
rss_kb=$(awk '/VmRSS/ {print $2}' "/proc/$PID/status")

# Then the same 64 connections paced, as clients with think time rather than a closed loop at
# saturation: each connection waits THINK ms between an answer and its next request, so the
# offered load is about BENCH_PACED_RPS (default 12,000) and the latency is the reader's own, not
# the queue that a saturating load generator on the same two cores builds.
PACED_RPS="${BENCH_PACED_RPS:-12000}"
THINK_MS=$(awk -v r="$PACED_RPS" 'BEGIN { printf "%.2f", 64 * 1000 / r }')
{ cat "$WORK/mix.lua"; echo "delay = function() return $THINK_MS end"; } >"$WORK/paced.lua"
wrk -t2 -c64 -d"$DURATION" --latency -s "$WORK/paced.lua" "$URL" >"$WORK/paced.txt"

rps=$(awk '/^Requests\/sec/ {print $2}' "$WORK/wrk.txt")
paced_rps=$(awk '/^Requests\/sec/ {printf "%.0f", $2}' "$WORK/paced.txt")
# A latency percentile (50%, 99%) of a wrk --latency report; empty when the report is absent.
percentile() { [[ -f "$2" ]] && awk -v p="$1" '$1 == p {print $2}' "$2" || true; }
paced_p50=$(percentile 50% "$WORK/paced.txt")
paced_p99=$(percentile 99% "$WORK/paced.txt")
p50=$(percentile 50% "$WORK/wrk.txt")
p99=$(percentile 99% "$WORK/wrk.txt")
phases=("$WORK/wrk.txt" "$WORK/paced.txt")
[[ -f "$WORK/warmup.txt" ]] && phases+=("$WORK/warmup.txt")
errors=$(grep -H -E 'Non-2xx|Socket errors' "${phases[@]}" | sed "s|$WORK/||" || true)
warm_p99=$(percentile 99% "$WORK/warmup.txt")
requests=$(awk '/requests in/ {print $1}' "$WORK/wrk.txt")
ticks=$(getconf CLK_TCK)
cpu_us=$(awk -v t="$((cpu_after - cpu_before))" -v hz="$ticks" -v n="$requests" 'BEGIN { printf "%.1f", t / hz * 1e6 / n }')
printf '%-12s %-12s %s\n' "measure" "measured" "target (2 cores)"
printf '%-12s %-12s %s\n' "start-up" "${startup} s" "< 2 s (process start -> /health 200)"
printf '%-12s %-12s %s\n' "throughput" "${rps} req/s" ">= 10,000 req/s at 64 connections"
printf '%-12s %-12s %s\n' "p50" "$p50" ""
printf '%-12s %-12s %s\n' "p99" "$p99" "< 5 ms${warm_p99:+ (not counted: p99 $warm_p99 in the $WARMUP warm-up)}"
printf '%-12s %-12s %s\n' "paced p99" "$paced_p99" "< 5 ms at ${paced_rps} req/s (64 connections, ${THINK_MS} ms think time; p50 ${paced_p50})"
printf '%-12s %-12s %s\n' "RSS" "$((rss_kb / 1024)) MB" "< 300 MB (after the load)"
printf '%-12s %-12s %s\n' "CPU/request" "${cpu_us} us" "(the reader's user + system time / requests)"
printf '%-12s %-12s %s\n' "load" "$(cut -d' ' -f1-3 /proc/loadavg)" "(load average after the run; 2 cores)"
if [[ -n "$errors" ]]; then
  echo "errors: $errors"
  exit 1
fi
