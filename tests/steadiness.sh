#!/usr/bin/env bash
# Steadiness check (docs/development.md): run the real-browser and real-server test files N times in a
# row (default 20) with one CPU-bound process beside them, as on a busy shared machine. A run counts as
# passed only if every test in it passed and none was skipped. Prints one line per run and the figure;
# exits 0 only when every run passed. Logs go to .cache/steadiness/ (a failed run's screenshots, with
# its FAILED-step evidence, are kept there too).
#
#   tests/steadiness.sh [N]      # HATCH=path/to/hatch to use another hatch than .venv/bin/hatch
set -uo pipefail
cd "$(dirname "$0")/.."
runs=${1:-20}
hatch=${HATCH:-.venv/bin/hatch}
[ -x "$hatch" ] || hatch=hatch
logs=.cache/steadiness
rm -rf "$logs" && mkdir -p "$logs"

python3 -c 'while True: pass' &
burner=$!
trap 'kill "$burner"' EXIT

passed=0
for i in $(seq 1 "$runs"); do
  log="$logs/run-$i.log"
  "$hatch" run test tests/test_labelstudio_browser.py tests/test_labelstudio_server.py \
    --no-cov -p no:cacheprovider -q -rs >"$log" 2>&1
  status=$?
  summary=$(grep -E '^(=+ )?[0-9]+ (passed|failed|skipped|error)' "$log" | tail -1)
  if [ "$status" -eq 0 ] && [[ "$summary" == *passed* ]] && ! grep -qE 'skipped|xfail|xpass|error' <<<"$summary"; then
    passed=$((passed + 1))
    verdict=passed
  else
    verdict=FAILED
    cp -r .cache/browser-shots "$logs/run-$i-browser-shots" 2>/dev/null
  fi
  echo "run $i/$runs: $verdict (${summary:-no summary, exit $status}) $log"
done
echo "steadiness: $passed of $runs runs passed, one CPU-bound process beside them ($(nproc) cores)"
[ "$passed" -eq "$runs" ]
