#!/usr/bin/env bash
# `npm run bench`: build the package, make sure there is an engine, run bench/run.ts, clean up.
#
# Engine: DOCKER_HOST when set (a unix:// socket); otherwise a private one from scripts/engine.sh in its own
# state dir (bench/tmp/engine, no registry, no podman), stopped again at the end whatever happens.
# Knobs: BENCH_QUICK=1 (smoke run), BENCH_FIGURES=calls,concurrent,streams,import, sizes: bench/lib/config.ts.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO"

# /usr/bin/time measures the peak RSS of each stream run; hyperfine is optional (figure 4 falls back).
if [[ ! -x /usr/bin/time ]]; then
  ((EUID == 0)) || { echo "bench: /usr/bin/time is missing (apt-get install time)" >&2; exit 1; }
  apt-get install -y time >/dev/null
fi

npm run --silent build

started=0
cleanup() {
  local rc=$?
  if ((started)); then DEC_ENGINE_DIR=$REPO/bench/tmp/engine bash scripts/engine.sh stop || rc=$((rc ? rc : 1)); fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if [[ -z ${DOCKER_HOST:-} ]]; then
  export DEC_ENGINE_DIR=$REPO/bench/tmp/engine
  started=1
  bash scripts/engine.sh start --no-registry
  eval "$(bash scripts/engine.sh env)"
fi

npx tsx bench/run.ts
