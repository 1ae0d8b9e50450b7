/**
 * Filter keys from the spec's own prose. Every list/prune/events endpoint takes a JSON `filters` query
 * parameter whose keys exist only in its description ("Available filters: - `dangling=<boolean>` …"). This
 * module reads that list into data: key → value kind (and the enumerated values where the prose lists them),
 * then applies FILTER_FIXES — documented corrections, overlay-style, for what the prose gets wrong or leaves
 * unsaid. Pure: no I/O, works on a parsed Swagger 2.0 or OpenAPI 3 document (only `paths` is read).
 *
 * Value kinds are the ones the runtime encoder (src/filters.ts) knows:
 *   values   one or several strings (OR-ed by the daemon)     bool     `true`/`false`
 *   label    `key` / `key=value` (AND-ed)                     until    timestamp or Go duration
 *   single   exactly one string                               presence the bare key, no value
 *   count    a non-negative integer
 */

import { byCodeUnit } from './spec-walk';

export type FilterKind = 'values' | 'bool' | 'label' | 'until' | 'single' | 'presence' | 'count';

export interface FilterKey {
  kind: FilterKind;
  /** The values the prose enumerates (e.g. container `status`), when it does. */
  enum?: string[];
  /** The prose marks the key deprecated. */
  deprecated?: true;
}

/** operationId → filter key → how its value looks. Operations without a `filters` parameter are absent. */
export type FilterKeys = Record<string, Record<string, FilterKey>>;

export interface FilterFix {
  name: string;
  why: string;
  /** Applies the fix when its defect is present; returns whether it changed anything. */
  apply(keys: FilterKeys): boolean;
}

/**
 * Corrections to the prose. Each checks for its defect first, so a spec that fixes the prose upstream passes
 * through untouched (the same rule as scripts/overlay.ts).
 */
export const FILTER_FIXES: FilterFix[] = [
  {
    name: 'build-prune-single-values',
    why:
      'POST /build/prune documents `id=<id>`, `type=<string>` … like any multi-value filter, but the daemon ' +
      'refuses more than one value per key ("filters expect only one value", builder-next prune).',
    apply(keys) {
      let changed = false;
      for (const key of Object.values(keys.BuildPrune ?? {})) {
        if (key.kind === 'values') {
          key.kind = 'single';
          changed = true;
        }
      }
      return changed;
    },
  },
  {
    name: 'events-scope-values',
    why:
      'GET /events documents `scope`=<string> "local or swarm" in words, not as a list of values; the ' +
      'daemon accepts exactly `local` and `swarm`.',
    apply(keys) {
      const scope = keys.SystemEvents?.scope;
      if (!scope || scope.enum) return false;
      scope.enum = ['local', 'swarm'];
      return true;
    },
  },
  // Not a fix: VolumeList's prose writes a label filter as `label=<key>:<value>`; the daemon matches
  // `key=value` like everywhere else, which is what the `label` kind means anyway.
];

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];

type Doc = { paths?: Record<string, Record<string, unknown>>; [k: string]: unknown };
type Param = { name?: string; in?: string; description?: string; $ref?: string };

function deref(doc: Doc, p: Param): Param {
  if (typeof p.$ref !== 'string' || !p.$ref.startsWith('#/')) return p;
  let cur: unknown = doc;
  for (const part of p.$ref.slice(2).split('/')) cur = (cur as Record<string, unknown> | undefined)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  return (cur as Param) ?? p;
}

/** The description of each operation's `filters` query parameter, by operationId. */
export function filterDescriptions(doc: Doc): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of Object.values(doc.paths ?? {})) {
    const shared = ((item as { parameters?: Param[] }).parameters ?? []).map((p) => deref(doc, p));
    for (const method of METHODS) {
      const op = item[method] as { operationId?: string; parameters?: Param[] } | undefined;
      if (!op?.operationId) continue;
      const params = [...shared, ...(op.parameters ?? []).map((p) => deref(doc, p))];
      const filters = params.find((p) => p.name === 'filters' && p.in === 'query');
      if (typeof filters?.description === 'string') out[op.operationId] = filters.description;
    }
  }
  return out;
}

/** `(`a`|`b`)`, `["a"|"b"]`, `(a | b)` or "one of `a`, `b` or `c`" → the literal values; undefined for placeholders. */
function enumerated(spec: string): string[] | undefined {
  const oneOf = /one of ((?:`[^`]+`(?:,\s*|\s+or\s+)?)+)/.exec(spec);
  const group = oneOf ? oneOf[1] : /^[`=]*[([]([^)\]]*)[)\]]/.exec(spec)?.[1];
  if (!group || group.includes('<')) return undefined;
  const values = group
    .split(oneOf ? /,\s*|\s+or\s+/ : '|')
    .map((v) => v.trim().replace(/^[`"]+|[`"]+$/g, ''))
    .filter(Boolean);
  return values.length > 1 && values.every((v) => /^[\w.-]+$/.test(v)) ? values : undefined;
}

function kindOf(key: string, spec: string | undefined): FilterKey {
  if (key === 'until') return { kind: 'until' };
  if (key === 'label' || key === 'label!' || key.endsWith('.label')) return { kind: 'label' };
  if (spec === undefined) return { kind: 'presence' };
  const values = enumerated(spec);
  if (values && values.length === 2 && values.includes('true') && values.includes('false')) return { kind: 'bool' };
  if (/^[`(]*<?(true|boolean)>?`?(\s|$|\))/.test(spec) || /^<true>\|<false>/.test(spec)) return { kind: 'bool' };
  if (/^`?<(int|number|integer)>/.test(spec)) return { kind: 'count' };
  return values ? { kind: 'values', enum: values } : { kind: 'values' };
}

/** One "- `key=…` …" line of the prose → its key(s); a `label` line that shows `label!=` documents `label!` too. */
function parseLine(line: string): Array<[string, FilterKey]> {
  const m = /^-\s+`([^`=\s]+)(=?)/.exec(line);
  if (!m) return [];
  const key = m[1];
  // What follows `key=` (inside or right after the backticks), or nothing when the key is shown bare.
  const inside = line.indexOf(`${key}=`, 2);
  const after = line.indexOf(`${key}\`=`, 2);
  const at = inside >= 0 ? inside + key.length + 1 : after >= 0 ? after + key.length + 2 : -1;
  const spec = at < 0 ? undefined : line.slice(at).replace(/^`(?=[(<\["])/, '');
  const info = kindOf(key, spec);
  if (/\(deprecated\b/i.test(line)) info.deprecated = true;
  const out: Array<[string, FilterKey]> = [[key, info]];
  if (key === 'label' && line.includes('label!=')) out.push(['label!', { kind: 'label' }]);
  return out;
}

/** The documented filter keys of one description (the bulleted list after "Available filters"). */
export function parseFilterProse(description: string): Record<string, FilterKey> {
  const start = description.search(/available filters/i);
  const keys: Record<string, FilterKey> = {};
  if (start < 0) return keys;
  for (const line of description.slice(start).split('\n')) {
    for (const [key, info] of parseLine(line.trim())) keys[key] ??= info;
  }
  return keys;
}

/**
 * Every operation's documented filter keys, with FILTER_FIXES applied. `fixesApplied` (when given) receives
 * the names of the fixes that changed something.
 */
export function extractFilterKeys(doc: Doc, fixesApplied?: string[]): FilterKeys {
  const out: FilterKeys = {};
  for (const [op, description] of Object.entries(filterDescriptions(doc)).sort(([a], [b]) => byCodeUnit(a, b))) {
    out[op] = parseFilterProse(description);
  }
  for (const fix of FILTER_FIXES) if (fix.apply(out)) fixesApplied?.push(fix.name);
  return out;
}

/** A filter key over the spec history: its kind in the newest spec that documents it, and when it came and went. */
export interface FilterKeyHistory extends FilterKey {
  /** First spec version that documents the key (the oldest spec read means "that version or earlier"). */
  since: string;
  /** First version whose prose marks it deprecated. */
  deprecatedSince?: string;
  /** First version whose prose no longer lists it (older engines still accept it). */
  removedIn?: string;
}

/**
 * Filter keys across specs given oldest first: every key any of them documents, with the kind the newest
 * documenting spec gives it. A key that disappears and comes back counts from its return.
 */
export function filterKeyHistory(specs: ReadonlyArray<{ version: string; keys: FilterKeys }>): Record<string, Record<string, FilterKeyHistory>> {
  const out: Record<string, Record<string, FilterKeyHistory>> = {};
  for (const { version, keys } of specs) {
    for (const [op, byKey] of Object.entries(keys)) {
      const table = (out[op] ??= {});
      for (const [key, info] of Object.entries(byKey)) {
        const prev = table[key];
        const since = prev && !prev.removedIn ? prev.since : version;
        const deprecatedSince = info.deprecated ? (prev?.deprecatedSince ?? version) : undefined;
        table[key] = { ...info, since, ...(deprecatedSince ? { deprecatedSince } : {}) };
      }
    }
    for (const [op, table] of Object.entries(out)) {
      for (const [key, info] of Object.entries(table)) if (!keys[op]?.[key] && !info.removedIn) info.removedIn = version;
    }
  }
  return out;
}
