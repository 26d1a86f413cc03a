#!/usr/bin/env bash
# Crash harness, more kills than the test: KILLS rounds (default 5), each SIGKILLs the nightly and
# then the monthly retrain of a month-start night at random moments, re-runs each, and compares every
# table and the registry with an uninterrupted run. Prints each kill (moment, step interrupted) and
# the differences (must be 0). Usage: bench/crash.sh [KILLS] [SEED]
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
KILLS="${1:-5}"
SEED="${2:-$RANDOM}"
start=$(date +%s)
mvn -q -B -f "$ROOT/pom.xml" -pl jobs -am -Dspotless.check.skip=true \
  -Dtest=CrashRecoveryTest -Dsurefire.failIfNoSpecifiedTests=false -Dforecaster.crash.commands=nightly,retrain \
  -Dforecaster.crash.kills="$KILLS" -Dforecaster.crash.seed="$SEED" test 2>&1 \
  | grep -E "killed at|finished \(exit|uninterrupted|differences|seed|FAIL|ERROR" || true
echo "wall time: $(( $(date +%s) - start )) s"
