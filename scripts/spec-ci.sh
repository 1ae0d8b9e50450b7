#!/usr/bin/env bash
# CI step: when the last commit changed openapi/, print the API diff between the spec pinned before it and the
# spec pinned now, so a reviewer sees what moved. Informational only: exits 0 whatever the diff says (drift
# between openapi/ and generated/ is generate:check's job); non-zero only if this script itself breaks.
#
#   bash scripts/spec-ci.sh [--repo DIR]   (DIR: the git work tree to inspect; default: this script's repo)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repo="$here"
if [[ "${1:-}" == "--repo" ]]; then repo="$(cd "${2:?--repo needs a directory}" && pwd)"; fi

say() { echo "spec-ci: $*"; }

# The pinned file name from a pinned.json given on stdin.
pinned_file() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{process.stdout.write(String(JSON.parse(s).file||""))})'; }

cd "$repo"
if ! git rev-parse --verify --quiet HEAD~1 >/dev/null; then
  # A repository with a single commit, or a shallow clone that lacks the parent.
  say "no previous commit available (first commit or shallow clone); no spec diff to show"
  exit 0
fi
if git diff --quiet HEAD~1 -- openapi/; then
  say "openapi/ unchanged since the previous commit"
  exit 0
fi
if ! old_json="$(git show HEAD~1:openapi/pinned.json 2>/dev/null)"; then
  say "openapi/ changed, but the previous commit had no openapi/pinned.json; nothing to compare against"
  exit 0
fi
if [[ ! -f openapi/pinned.json ]]; then
  say "openapi/ changed and no longer has a pinned.json; nothing to diff"
  exit 0
fi
old_file="$(printf '%s' "$old_json" | pinned_file)"
new_file="$(pinned_file < openapi/pinned.json)"

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
if ! git show "HEAD~1:openapi/$old_file" > "$tmp/$old_file" 2>/dev/null; then
  say "openapi/ changed, but the previous commit lacks openapi/$old_file; nothing to compare against"
  exit 0
fi

say "openapi/ changed in this commit; API diff of the pinned spec (HEAD~1:openapi/$old_file → openapi/$new_file):"
rc=0
(cd "$here" && node_modules/.bin/tsx scripts/spec-diff.ts \
  --old-label "HEAD~1:openapi/$old_file" --new-label "openapi/$new_file" \
  "$tmp/$old_file" "$repo/openapi/$new_file") || rc=$?
case "$rc" in
  0 | 1) ;; # no changes / changes: both are just information here
  2) say "could not diff the specs (see the message above); not failing the build for it" ;;
  *) say "spec-diff crashed (exit $rc)"; exit "$rc" ;;
esac
exit 0
