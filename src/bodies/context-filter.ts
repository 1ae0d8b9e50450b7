/**
 * Which paths of a build context go into the tar, following the Docker CLI's rules:
 * `.dockerignore` patterns (matched by @balena/dockerignore, a port of moby's matcher), `!` exceptions that
 * re-include paths under excluded directories, and the files the CLI always sends (the Dockerfile and
 * `.dockerignore` itself) even when a pattern matches them. Pure: no file-system access, so it is unit-tested
 * on its own.
 */
import { posix } from 'node:path';
import ignore from '@balena/dockerignore';

/** What to do with one path of the context (relative, `/`-separated, no leading `./`). */
export type ContextDecision =
  /** Put it in the tar (and walk into it when it is a directory). */
  | 'include'
  /** Leave it and, for a directory, everything under it out without reading the directory. */
  | 'skip'
  /**
   * An excluded directory under which an exception or an always-sent file may match: walk into it, but don't
   * write its own entry (the CLI doesn't either; the daemon creates the implied parent directories).
   */
  | 'descend';

export interface ContextFilter {
  /** `isDirectory` is asked for only when the answer depends on it (an excluded path that may hold exceptions). */
  decide(rel: string, isDirectory: () => boolean): ContextDecision;
}

export interface ContextFilterOptions {
  /** The `.dockerignore` text (undefined: no file). */
  dockerignore?: string;
  /** Paths sent whatever the patterns say (relative, `/`-separated). */
  alwaysInclude?: readonly string[];
}

const GLOB_CHARS = /[*?[\\]/;

/**
 * The exception (`!`) patterns of a .dockerignore, normalised the way the matcher does (trimmed, cleaned,
 * leading and trailing `/` removed), split into path segments. Only used to decide whether an excluded
 * directory must still be walked, so an imprecision here may cost a walk but never drops a re-included file:
 * any segment with glob or escape characters is treated as "may match anything".
 */
function exceptionSegments(text: string): string[][] {
  const out: string[][] = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line.startsWith('!')) continue;
    let pattern = line.slice(1).trim();
    // The matcher cleans the pattern like Go's filepath.Clean (`path.normalize`) and drops the leading `/`.
    pattern = posix.normalize(pattern).replace(/^\/+/, '').replace(/\/+$/, '');
    if (pattern === '' || pattern === '.') continue;
    out.push(pattern.split('/'));
  }
  return out;
}

/**
 * Could `segments` (an exception pattern) match `dir`, something under it, or one of its ancestors (an
 * exception matching an ancestor re-includes everything below it)? Conservative: true unless a literal
 * segment proves the pattern lives elsewhere.
 */
function mayMatchAtOrBelow(segments: readonly string[], dir: readonly string[]): boolean {
  for (let i = 0; i < segments.length && i < dir.length; i++) {
    const seg = segments[i];
    if (GLOB_CHARS.test(seg)) return true;
    if (seg !== dir[i]) return false;
  }
  return true;
}

export function createContextFilter(opts: ContextFilterOptions = {}): ContextFilter {
  // Docker matches case-sensitively; the library defaults to case-insensitive for node-ignore compatibility.
  const matcher = opts.dockerignore === undefined ? undefined : ignore({ ignorecase: false }).add(opts.dockerignore);
  const exceptions = opts.dockerignore === undefined ? [] : exceptionSegments(opts.dockerignore);
  const always = new Set(opts.alwaysInclude ?? []);
  // Ancestor directories of always-sent files: walked even when excluded.
  const alwaysAncestors = new Set<string>();
  for (const p of always) {
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) alwaysAncestors.add(parts.slice(0, i).join('/'));
  }

  return {
    decide(rel, isDirectory) {
      if (always.has(rel)) return 'include';
      if (!matcher || !matcher.ignores(rel)) return 'include';
      const segments = rel.split('/');
      const mayHoldIncluded = alwaysAncestors.has(rel) || exceptions.some((e) => mayMatchAtOrBelow(e, segments));
      if (!mayHoldIncluded) return 'skip';
      return isDirectory() ? 'descend' : 'skip';
    },
  };
}
