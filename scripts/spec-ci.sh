#!/usr/bin/env bash
# CI step for the pinned Engine API spec, in two parts:
#
# 1. Show what moved: the API diff (breaking changes first) between the spec pinned at the base and the spec
#    pinned now. The base is the merge base with the target branch (--base REF, else $GITHUB_BASE_REF, else
#    origin's default branch) when this is a branch that forked from it; otherwise (on the default branch
#    itself, or without a remote) the parent of the last commit that changed openapi/, so later commits that
#    do not touch openapi/ do not hide the diff; or HEAD when openapi/ has uncommitted changes (right after
#    `npm run spec:bump`). A shallow clone is deepened first (git fetch --unshallow).
# 2. Check what is committed: every openapi/CHANGES-v<old>-v<new>.md must be exactly what spec:diff prints
#    today for the two specs it names (found in openapi/ or, once replaced, in git history). A stale or
#    unverifiable report fails the build.
#
#   bash scripts/spec-ci.sh [--repo DIR] [--base REF]
#
# Exit status: 0 fine (whatever the diff says; a shallow clone that cannot be deepened is warned about), 1 a
# committed CHANGES file is stale or cannot be checked; other non-zero: this script or spec-diff broke.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
repo="$here"
base_ref=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --repo) repo="$(cd "${2:?--repo needs a directory}" && pwd)"; shift 2 ;;
    --base) base_ref="${2:?--base needs a git ref}"; shift 2 ;;
    *) echo "spec-ci: unknown argument $1; usage: spec-ci.sh [--repo DIR] [--base REF]" >&2; exit 2 ;;
  esac
done

say() { echo "spec-ci: $*"; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# The pinned file name from a pinned.json given on stdin.
pinned_file() { node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>{process.stdout.write(String(JSON.parse(s).file||""))})'; }
spec_diff() { (cd "$here" && node_modules/.bin/tsx scripts/spec-diff.ts "$@"); }
has_commit() { git cat-file -e "$1^{commit}" 2>/dev/null; }

cd "$repo"
if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  say "$repo is not a git work tree; no history to compare against"
  exit 0
fi

# A shallow clone cannot show where openapi/ last changed: get the history (CI checkouts are often depth 1).
if [[ "$(git rev-parse --is-shallow-repository)" == "true" ]]; then
  # (git fetch exits 0 without a remote, so ask again afterwards.)
  if git fetch --quiet --unshallow 2>/dev/null && [[ "$(git rev-parse --is-shallow-repository)" == "false" ]]; then
    say "shallow clone: fetched the full history"
  else
    # Loud, not fatal: a checkout we do not control (depth 1, no remote) must not fail every test run. Part 2
    # below still checks the committed CHANGES reports against the specs this checkout has.
    say "WARNING: shallow clone and the history cannot be fetched, so the API diff since the base cannot be shown;"
    say "WARNING: check out with full history (e.g. actions/checkout fetch-depth: 0) to see it"
    shallow_blind=1
  fi
fi

# --- 1. Which commit to compare against ---------------------------------------------------------------
target=""
if [[ -n "$base_ref" ]]; then target="$base_ref"
elif [[ -n "${GITHUB_BASE_REF:-}" ]]; then target="origin/$GITHUB_BASE_REF"
elif default="$(git symbolic-ref -q --short refs/remotes/origin/HEAD 2>/dev/null)" && has_commit "$default"; then target="$default"
fi
base=""
how=""
if [[ -n "$target" ]]; then
  if ! has_commit "$target"; then
    say "cannot find $target to compare against"
    exit 1
  fi
  mb="$(git merge-base HEAD "$target")"
  if [[ "$mb" != "$(git rev-parse HEAD)" ]]; then
    base="$mb"
    how="merge base with $target"
  fi
fi
if [[ -z "$base" ]] && { ! git diff --quiet HEAD -- openapi/ || [[ -n "$(git ls-files --others --exclude-standard -- openapi/)" ]]; }; then
  # Run locally right after `npm run spec:bump`, before the commit: show what the bump changes.
  base="$(git rev-parse HEAD)"
  how="HEAD; openapi/ has uncommitted changes"
fi
if [[ -z "$base" && -z "${shallow_blind:-}" ]]; then
  last="$(git log -1 --format=%H -- openapi/)"
  if [[ -z "$last" ]]; then
    say "no commit has changed openapi/; no spec diff to show"
  elif ! has_commit "$last^"; then
    say "openapi/ was last changed by the first commit ($(git rev-parse --short "$last")); no earlier spec to compare against"
  else
    base="$(git rev-parse "$last^")"
    how="before $(git rev-parse --short "$last"), the last commit that changed openapi/"
  fi
fi

short() { git rev-parse --short "$1"; }
show_diff() {
  if git diff --quiet "$base" -- openapi/; then
    say "openapi/ unchanged since $(short "$base") ($how)"
    return 0
  fi
  local old_json old_file new_file label
  if ! old_json="$(git show "$base:openapi/pinned.json" 2>/dev/null)"; then
    say "openapi/ changed since $(short "$base") ($how), which had no openapi/pinned.json; nothing to compare against"
    return 0
  fi
  if [[ ! -f openapi/pinned.json ]]; then
    say "openapi/ changed and no longer has a pinned.json; nothing to diff"
    return 0
  fi
  old_file="$(printf '%s' "$old_json" | pinned_file)"
  new_file="$(pinned_file < openapi/pinned.json)"
  label="$(short "$base"):openapi/$old_file"
  if ! git show "$base:openapi/$old_file" > "$tmp/old-$old_file" 2>/dev/null; then
    say "openapi/ changed, but $(short "$base") lacks openapi/$old_file; nothing to compare against"
    return 0
  fi
  say "openapi/ changed since $(short "$base") ($how); API diff of the pinned spec ($label → openapi/$new_file):"
  local rc=0
  spec_diff --old-label "$label" --new-label "openapi/$new_file" "$tmp/old-$old_file" "$repo/openapi/$new_file" > "$tmp/report.md" || rc=$?
  case "$rc" in
    0 | 1)
      # The count first, so it shows in a collapsed CI log; the report itself lists breaking changes first.
      breaking="$(sed -n 's/^[0-9]* changes\?, \([0-9]*\) breaking:.*/\1/p' "$tmp/report.md")"
      [[ -n "$breaking" && "$breaking" != "0" ]] && say "BREAKING: $breaking changes can break existing clients (listed first below)"
      cat "$tmp/report.md" ;;
    2) say "could not diff the specs (see the message above); not failing the build for it" ;;
    *) say "spec-diff crashed (exit $rc)"; exit "$rc" ;;
  esac
}
[[ -n "$base" && -z "${shallow_blind:-}" ]] && show_diff

# --- 2. Committed CHANGES reports are what spec:diff says today ------------------------------------------
# A spec by its path in openapi/: the working tree, else the version git last had before removing it.
spec_from_history() {
  local path="$1" out="$2" c
  if [[ -f "$path" ]]; then cp "$path" "$out"; return 0; fi
  c="$(git log -1 --format=%H -- "$path")"
  [[ -n "$c" ]] || return 1
  git show "$c:$path" > "$out" 2>/dev/null || git show "$c^:$path" > "$out" 2>/dev/null
}
label_of() { sed -n "s/^- $1: \`\\([^\`]*\\)\`.*/\\1/p" "$2" | head -1; }

failed=0
shopt -s nullglob
for changes in openapi/CHANGES-v*-v*.md; do
  name="$(basename "$changes" .md)"
  if [[ ! "$name" =~ ^CHANGES-v([0-9]+\.[0-9]+)-v([0-9]+\.[0-9]+)$ ]]; then
    say "$changes: name is not CHANGES-v<old>-v<new>.md; cannot check it"; failed=1; continue
  fi
  old_label="$(label_of old "$changes")"
  new_label="$(label_of new "$changes")"
  old_path="${old_label:-openapi/docker-engine-v${BASH_REMATCH[1]}.yaml}"
  new_path="${new_label:-openapi/docker-engine-v${BASH_REMATCH[2]}.yaml}"
  if ! spec_from_history "$old_path" "$tmp/a.yaml" || ! spec_from_history "$new_path" "$tmp/b.yaml"; then
    if [[ -n "${shallow_blind:-}" ]]; then
      say "WARNING: $changes: $old_path or $new_path is only in the history this shallow clone lacks; not checked"; continue
    fi
    say "$changes: cannot find $old_path and $new_path in openapi/ or in git history to check it"; failed=1; continue
  fi
  rc=0
  spec_diff --old-label "$old_path" --new-label "$new_path" "$tmp/a.yaml" "$tmp/b.yaml" > "$tmp/fresh.md" || rc=$?
  if [[ "$rc" -gt 1 ]]; then say "$changes: spec-diff failed (exit $rc)"; failed=1; continue; fi
  if cmp -s "$tmp/fresh.md" "$changes"; then
    say "$changes matches a fresh spec:diff"
  else
    say "$changes differs from a fresh spec:diff (- committed, + fresh); regenerate it:"
    say "  npm run spec:diff -- --old-label $old_path --new-label $new_path <old spec> <new spec> > $changes"
    diff -u --label "$changes" --label fresh "$changes" "$tmp/fresh.md" || true
    failed=1
  fi
done
exit "$failed"
