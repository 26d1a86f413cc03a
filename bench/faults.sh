#!/usr/bin/env bash
# Fault simulation, longer than the test: NIGHTS consecutive nights (default 40, three fault
# cycles and a retrain on each month start) through the landing folders, with holes, late and
# corrected candles, a listing, a delisting, duplicate and malformed files and future events.
# Prints the figures: nights, retrains, faults injected, rows quarantined by reason, differences
# from a clean recomputation (must be 0). Usage: bench/faults.sh [NIGHTS]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NIGHTS="${1:-40}"
start=$(date +%s)
mvn -q -B -f "$ROOT/pom.xml" -pl jobs -am -Dspotless.check.skip=true \
  -Dtest=NightsWithFaultsTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dforecaster.faults.nights="$NIGHTS" test 2>&1 | grep -E "^fault simulation|FAIL|ERROR" || true
echo "wall time: $(( $(date +%s) - start )) s (build and Spark start-up included)"
