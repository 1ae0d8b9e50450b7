#!/usr/bin/env bash
# `npm run demo`: run examples/demo.ts against an engine, saying which one and why:
#  - DOCKER_HOST, DOCKER_CONTEXT or the CLI's current context when set: the engine you named and no other (the
#    demo stops if it does not answer);
#  - else the system socket /var/run/docker.sock when it answers;
#  - else a private engine with a loopback registry (installed if needed), stopped afterwards.
# DEC_DEMO_REGISTRY=host:port (+ DEC_DEMO_REGISTRY_USER/_PASSWORD) makes the demo push and pull through that
# registry; the private engine's registry is used automatically.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
ENGINE=$REPO/scripts/engine.sh
cd "$REPO"

answers() { # answers unix-socket-path
  [[ $(curl -fsS --max-time 5 --unix-socket "$1" http://d/_ping 2>/dev/null) == OK ]]
}

# The context the docker CLI would use (`docker context use`), if any but `default`.
current_context() {
  node -e 'try { const c = require(process.argv[1]).currentContext; if (c && c !== "default") console.log(c) } catch {}' \
    "${DOCKER_CONFIG:-$HOME/.docker}/config.json" 2>/dev/null
}

if [[ -n ${DOCKER_HOST:-} || -n ${DOCKER_CONTEXT:-} || -n $(current_context) ]]; then
  : # yours, as the docker CLI would choose it; the demo says which and stops if it does not answer
elif answers /var/run/docker.sock; then
  export DOCKER_HOST=unix:///var/run/docker.sock
  export DEC_DEMO_ENGINE_WHY='DOCKER_HOST is not set; the system socket answers'
else
  echo "demo.sh: DOCKER_HOST is not set and nothing answers at /var/run/docker.sock: starting a private engine" >&2
  # A state dir of its own, so the demo never stops an engine that `npm test` is using in this checkout.
  DEC_ENGINE_DIR=$(mktemp -d /tmp/dec-demo.XXXXXX)
  export DEC_ENGINE_DIR
  trap 'bash "$ENGINE" stop' EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  bash "$ENGINE" start
  eval "$(bash "$ENGINE" env)"
  export DEC_DEMO_ENGINE_WHY="no DOCKER_HOST and no system engine: a private dockerd started for the demo, stopped afterwards"
  export DEC_DEMO_REGISTRY=$DEC_TEST_REGISTRY DEC_DEMO_REGISTRY_USER=$DEC_TEST_REGISTRY_USER DEC_DEMO_REGISTRY_PASSWORD=$DEC_TEST_REGISTRY_PASSWORD
fi

npx tsx examples/demo.ts
