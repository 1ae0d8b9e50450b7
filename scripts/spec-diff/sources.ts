/**
 * What the shared spec store's SOURCES.md records: where each spec file came from upstream (path, git blob,
 * commit, sha256) and which API versions are released. spec:bump reads it to carry the provenance into
 * openapi/SOURCE.md and to warn about an unreleased version. Parsed, never hard-coded: a new snapshot only
 * has to update SOURCES.md.
 */
import { readFileSync } from 'node:fs';

export interface SourceRow {
  file: string;
  upstreamPath: string;
  /** Commit the file was copied from (the snapshot's HEAD). */
  commit: string;
  /** Last commit that touched the upstream path, with its date as written. */
  lastCommit?: string;
  blob: string;
  sha256: string;
}

export interface Sources {
  /** `owner/name` of the upstream repository. */
  repository?: string;
  rows: Map<string, SourceRow>;
  /** API version → the first release serving it, as written (`docker-v29.6.0`). */
  releases: Map<string, string>;
  /** API versions SOURCES.md calls unreleased. */
  unreleased: Set<string>;
}

const unquote = (cell: string): string => cell.replace(/`/g, '').trim();
const hash = (cell: string): string => /\b[0-9a-f]{40,64}\b/.exec(cell)?.[0] ?? unquote(cell);

export function parseSources(text: string): Sources {
  const rows = new Map<string, SourceRow>();
  let header: string[] | undefined;
  for (const line of text.split('\n')) {
    if (!line.startsWith('|')) {
      header = undefined;
      continue;
    }
    const cells = line.split('|').slice(1, -1).map((c) => c.trim());
    if (cells.every((c) => /^:?-+:?$/.test(c))) continue;
    if (!header) {
      header = cells.map((c) => c.toLowerCase());
      continue;
    }
    const col = (word: string): string => {
      const i = header!.findIndex((h) => h.includes(word));
      return i < 0 ? '' : (cells[i] ?? '');
    };
    const file = unquote(col('local file'));
    if (!file) continue;
    const last = col('last commit');
    rows.set(file, {
      file,
      upstreamPath: unquote(col('upstream path')),
      commit: hash(col('source commit')),
      ...(last ? { lastCommit: unquote(last) } : {}),
      blob: hash(col('blob')),
      sha256: hash(col('sha256')),
    });
  }
  const releases = new Map<string, string>();
  const unreleased = new Set<string>();
  // "v1.41 v20.10.0 · v1.42 v23.0.0 · … · v1.56 unreleased (master)."
  for (const m of text.matchAll(/(?:^|·)\s*v(\d+\.\d+)\s+([^·\n]+)/gm)) {
    const what = m[2].trim().replace(/\.$/, '');
    if (/^unreleased\b/i.test(what)) unreleased.add(m[1]);
    else if (/^(docker-)?v\d/.test(what)) releases.set(m[1], what.split(/\s/)[0]);
  }
  // "**v1.56 is unreleased**"
  for (const m of text.matchAll(/v(\d+\.\d+)\**\s+is\s+unreleased/gi)) unreleased.add(m[1]);
  const repository = /repository \*\*([\w.-]+\/[\w.-]+)\*\*/.exec(text)?.[1];
  return { ...(repository ? { repository } : {}), rows, releases, unreleased };
}

export function readSources(path: string): Sources | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
  return parseSources(text);
}

/** -1, 0, 1 for API versions like `1.9` < `1.10`. */
export function compareVersions(a: string, b: string): number {
  const [am, an] = a.split('.').map(Number);
  const [bm, bn] = b.split('.').map(Number);
  return Math.sign(am - bm || an - bn);
}

/**
 * 'released' (with the release when SOURCES.md names it), 'unreleased' (SOURCES.md says so, or the version is
 * newer than every release it lists), or 'unknown' without a SOURCES.md.
 */
export function releaseStatus(sources: Sources | undefined, version: string): { status: 'released' | 'unreleased' | 'unknown'; release?: string } {
  if (!sources) return { status: 'unknown' };
  if (sources.unreleased.has(version)) return { status: 'unreleased' };
  const release = sources.releases.get(version);
  if (release) return { status: 'released', release };
  const newest = [...sources.releases.keys()].sort(compareVersions).pop();
  if (newest === undefined) return { status: 'unknown' };
  return compareVersions(version, newest) <= 0 ? { status: 'released' } : { status: 'unreleased' };
}
