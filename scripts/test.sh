#!/usr/bin/env bash
# `npm test`: start the private engines (installing them first on a fresh machine), run every check against
# them, and always stop them again, whether the checks pass or fail. Extra arguments go to jest.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ENGINE=$REPO/scripts/engine.sh
cd "$REPO"

step=setup
on_exit() {
  local rc=$?
  trap - EXIT
  if ((rc)) && [[ -n ${DEC_ENGINE_DIR:-} && -d $DEC_ENGINE_DIR/logs ]]; then
    local f
    for f in "$DEC_ENGINE_DIR"/logs/*.log; do
      echo "---- last lines of $f ----"
      tail -n 20 "$f"
    done
  fi
  bash "$ENGINE" stop || rc=$((rc ? rc : 1))
  if ((rc)); then
    echo "test.sh: FAILED at step '$step' (exit $rc)"
  else
    echo "test.sh: all steps passed (generate:check, typecheck, jest)"
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

step='generate:check'
npm run --silent generate:check

step=typecheck
npm run --silent typecheck

step=jest
npx jest --ci "$@"
