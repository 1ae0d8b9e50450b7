#!/usr/bin/env bash
# `npm run demo`: run examples/demo.ts against an engine. Uses DOCKER_HOST if it answers, else the system
# socket if it answers, else starts a private engine (installing it if needed) and stops it afterwards.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ENGINE=$REPO/scripts/engine.sh
cd "$REPO"

answers() { # answers DOCKER_HOST-address
  case $1 in
    unix://*) [[ $(curl -fsS --max-time 5 --unix-socket "${1#unix://}" http://d/_ping 2>/dev/null) == OK ]] ;;
    tcp://*) [[ $(curl -fsS --max-time 5 "http://${1#tcp://}/_ping" 2>/dev/null) == OK ]] ;;
    *) return 1 ;;
  esac
}

if [[ -n ${DOCKER_HOST:-} ]] && answers "$DOCKER_HOST"; then
  echo "demo.sh: using DOCKER_HOST=$DOCKER_HOST" >&2
elif answers unix:///var/run/docker.sock; then
  export DOCKER_HOST=unix:///var/run/docker.sock
  echo "demo.sh: using $DOCKER_HOST" >&2
else
  [[ -z ${DOCKER_HOST:-} ]] || echo "demo.sh: DOCKER_HOST=$DOCKER_HOST does not answer" >&2
  echo "demo.sh: starting a private engine" >&2
  # A state dir of its own, so the demo never stops an engine that `npm test` is using in this checkout.
  DEC_ENGINE_DIR=$(mktemp -d /tmp/dec-demo.XXXXXX)
  export DEC_ENGINE_DIR
  trap 'bash "$ENGINE" stop' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  # engine.sh must start its own dockerd, not adopt the one that just failed to answer.
  env -u DOCKER_HOST bash "$ENGINE" start --no-registry
  eval "$(bash "$ENGINE" env)"
fi

npx tsx examples/demo.ts
