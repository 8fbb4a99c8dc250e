#!/usr/bin/env bash
# Flake hunt: runs the CI script N times in a row (default 3) on a fresh clone of this repository's
# HEAD while a busy loop keeps one core at 100 %, and prints each run's closing lines and time.
# Usage: bash scripts/soak.sh [N] [clone-dir]. Exit status: the number of runs that failed.
set -uo pipefail
runs="${1:-3}"
dir="${2:-/tmp/cws-soak}"
repo="$(cd "$(dirname "$0")/.." && pwd)"
node -e 'for (;;) {}' &
busy=$!
trap 'kill $busy 2>/dev/null' EXIT
failed=0
for i in $(seq 1 "$runs"); do
  rm -rf "$dir"
  git clone -q "$repo" "$dir"
  start=$(date +%s)
  (cd "$dir" && CI=true bash .ci/run) >"$dir.run$i.log" 2>&1
  rc=$?
  [ $rc = 0 ] || failed=$((failed + 1))
  echo "run $i: rc=$rc in $(( $(date +%s) - start )) s (log: $dir.run$i.log)"
  grep -E '^(faults injected|bad inputs tried|[0-9]+ passed)' "$dir.run$i.log" | sed 's/^/  /'
done
exit $failed
