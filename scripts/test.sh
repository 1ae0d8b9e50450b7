#!/usr/bin/env bash
# `npm test`: start the private engines (installing them first on a fresh machine), run every check against
# them, and always stop them again, whether the checks pass or fail. Extra arguments go to jest.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ENGINE=$REPO/scripts/engine.sh
cd "$REPO"

step=setup
RESULTS=$(mktemp /tmp/dec-jest-results.XXXXXX.json)
# Every JSON answer the suites receive, one JSONL file per jest worker (test/helpers/conformance-recorder.ts).
export DEC_CONFORMANCE_DIR
DEC_CONFORMANCE_DIR=$(mktemp -d /tmp/dec-conformance.XXXXXX)
on_exit() {
  local rc=$?
  trap - EXIT
  # The engines' own words on a failed test run, before stop removes them with the state dir.
  if ((rc)) && [[ $step == jest && -d ${DEC_ENGINE_DIR:-}/logs ]]; then
    local f
    for f in "$DEC_ENGINE_DIR"/logs/*.log; do
      echo "---- last lines of $f ----"
      tail -n 15 "$f" | cut -c1-400
    done
  fi
  bash "$ENGINE" stop || rc=$((rc ? rc : 1))
  if ((rc)); then
    echo "test.sh: FAILED at step '$step' (exit $rc)"
  else
    echo "test.sh: all steps passed (generate:check, typecheck, jest, conformance)"
  fi
  # Last, one plain counts line that CI can read whatever the runner.
  if [[ -s $RESULTS ]]; then
    node -e 'const r = require(process.argv[1]);
      console.log(`jest: ${r.numPassedTests} passed, ${r.numFailedTests} failed, ${r.numPendingTests + r.numTodoTests} skipped`);' \
      "$RESULTS" || true
  fi
  rm -f "$RESULTS"
  if ((rc)) && [[ $step == conformance ]]; then
    echo "test.sh: the recorded answers are kept in $DEC_CONFORMANCE_DIR (npm run conformance -- --records DIR)"
  else
    rm -rf "$DEC_CONFORMANCE_DIR"
  fi
  exit "$rc"
}
# Set before start, so a start that fails half way still stops what it had started.
trap on_exit EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

step='engine start'
bash "$ENGINE" start --podman
eval "$(bash "$ENGINE" env)"

step='spec diff'
bash scripts/spec-ci.sh

step='generate:check'
npm run --silent generate:check

step=typecheck
npm run --silent typecheck

step=jest
# Bounded: a handle a test leaks (a child process, a socket) keeps jest alive after its last test, and a CI run would
# then sit until CI's own limit with nothing said. The whole suite takes minutes; 45 fails it with a name instead.
started=$SECONDS
timeout --kill-after=30s 45m node_modules/.bin/jest --ci --json --outputFile="$RESULTS" "$@" || {
  rc=$?
  # 124: timeout's TERM ended it; 137 after 45 minutes: its KILL did (a 137 before then is some other SIGKILL).
  if ((rc == 124 || (rc == 137 && SECONDS - started >= 2700))); then
    echo "test.sh: jest did not exit within 45 minutes (a test left a handle open, or hung)"
  fi
  exit "$rc"
}

# The recorded answers against the spec's schemas: an unexplained mismatch fails. docs/conformance.md is compared
# only after a full run (with jest arguments, fewer suites ran and fewer operations were observed).
step=conformance
if (($#)); then
  npm run --silent conformance
else
  npm run --silent conformance:check
fi
