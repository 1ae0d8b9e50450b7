/**
 * Since-versions from the spec history: for every operation, the first spec version that documents each
 * query/header parameter and each request-body field, and each change of a parameter's wire type. Specs go
 * in oldest first, the pinned one last; the oldest is the floor (facts at the floor are not listed). The
 * hand-kept exceptions (scripts/facts/since-exceptions.ts) are applied here. Pure, no I/O.
 */
import { CORRECTIONS, RENAMES, type SinceCorrection, type SinceRename } from './since-exceptions';
import { walkOperations, type Doc, type Schema, type WalkOperation } from './spec-walk';

export interface SpecVersion {
  version: string;
  doc: Doc;
}

export interface ParamTypeChange {
  since: string;
  from: string;
  to: string;
}

/** What is newer than the floor in one operation (omitted: nothing is). */
export interface OperationSince {
  /** The operation itself, when newer than the floor; its parameters and fields are not listed again. */
  since?: string;
  /** Query/header parameter → first version. */
  params?: Record<string, string>;
  /** Request-body field path → first version; a field is not listed when its parent already says it. */
  body?: Record<string, string>;
  /** Parameter → its wire-type changes, oldest first (e.g. `string` → `array<string>:multi`). */
  changed?: Record<string, ParamTypeChange[]>;
  /** Parameter → first version whose spec no longer has it. */
  removed?: Record<string, string>;
  /** Parameter → its older name (hand-kept, see since-exceptions.ts). */
  renamed?: Record<string, { before: string; since: string }>;
}

export interface SinceFacts {
  floor: string;
  versions: string[];
  operations: Record<string, OperationSince>;
  /** Nodes of the newest (pinned) document → the version to show as `@since` in their JSDoc. */
  jsdoc: Map<Schema, string>;
}

interface Seen {
  since: string;
  signature?: string;
  changes?: ParamTypeChange[];
  removedIn?: string;
  /** The last version seen in. */
  last: string;
}

/** Orders API versions (`1.9` < `1.10`). */
export const cmp = (a: string, b: string): number => {
  const [a1, a2] = a.split('.').map(Number);
  const [b1, b2] = b.split('.').map(Number);
  return a1 - b1 || a2 - b2;
};
const max = (...vs: string[]) => vs.reduce((m, v) => (cmp(v, m) > 0 ? v : m));

/** `key` is in the spec of `version`; one that had disappeared starts over. */
function see(table: Map<string, Seen>, key: string, version: string, signature?: string): void {
  const prev = table.get(key);
  if (!prev || prev.removedIn) table.set(key, { since: version, signature, last: version });
  else {
    prev.last = version;
    if (signature !== undefined && prev.signature !== signature) {
      (prev.changes ??= []).push({ since: version, from: prev.signature!, to: signature });
      prev.signature = signature;
    }
  }
}

/** After one version: what it did not have is removed from it on. */
function sweep(table: Map<string, Seen>, version: string): void {
  for (const seen of table.values()) if (seen.last !== version && !seen.removedIn) seen.removedIn = version;
}

/** `Mounts[].ImageOptions.Subpath` → `Mounts[].ImageOptions`; `Labels.*` → `Labels`; top level → undefined. */
function parentPath(path: string): string | undefined {
  const m = /^(.*?)(?:\.[^.[\]]+|\[\])$/.exec(path);
  return m && m[1] ? m[1] : undefined;
}

function correct(tables: Map<string, Map<string, Seen>>, c: SinceCorrection, prefix: string): number {
  let n = 0;
  for (const [op, table] of tables) {
    if (c.operationIds && !c.operationIds.includes(op)) continue;
    for (const [key, seen] of table) {
      // The field wherever the model sits (`[].EnableIPv4`, `NetworksAttachments[].Network.EnableIPv4`) and its subtree.
      const segments = (path: string) => `.${path.replace(/\[\]/g, '.[]')}.`;
      const within = segments(key.slice(prefix.length)).includes(segments(c.name));
      if (key.startsWith(prefix) && within && seen.since === c.specSays) {
        seen.since = c.actual;
        n++;
      }
    }
  }
  return n;
}

/** The hand-kept exceptions to apply (tests pass their own). */
export interface SinceExceptions {
  corrections: SinceCorrection[];
  renames: SinceRename[];
}

export function computeSince(history: SpecVersion[], exceptions: SinceExceptions = { corrections: CORRECTIONS, renames: RENAMES }): SinceFacts {
  if (history.length === 0) throw new Error('computeSince: no specs');
  const floor = history[0].version;
  const opFirst = new Map<string, string>();
  // Per operation: `p:<name>` parameters, `b:<path>` body fields, `r:<path>` response fields.
  const tables = new Map<string, Map<string, Seen>>();
  let last: WalkOperation[] = [];
  for (const { version, doc } of history) {
    last = walkOperations(doc);
    for (const op of last) {
      if (!opFirst.has(op.operationId)) opFirst.set(op.operationId, version);
      const table = tables.get(op.operationId) ?? tables.set(op.operationId, new Map()).get(op.operationId)!;
      for (const p of op.params) see(table, `p:${p.name}`, version, p.signature);
      for (const path of op.body.keys()) see(table, `b:${path}`, version);
      for (const path of op.response.keys()) see(table, `r:${path}`, version);
      sweep(table, version);
    }
  }
  for (const c of exceptions.corrections) {
    const n = c.kind === 'param' ? correct(tables, c, 'p:') : correct(tables, c, 'b:') + correct(tables, c, 'r:');
    // Stale unless the history read does not reach the versions the correction is about (a very old pin).
    const versions = history.map((h) => h.version);
    if (n === 0 && versions.includes(c.specSays) && versions.includes(c.actual)) throw new Error(`since-exceptions: no ${c.kind} "${c.name}" is documented since ${c.specSays} any more; remove or update the correction`);
  }

  const operations: Record<string, OperationSince> = {};
  const votes = new Map<Schema, string>();
  const vote = (node: Schema, v: string) => votes.set(node, votes.has(node) && cmp(votes.get(node)!, v) <= 0 ? votes.get(node)! : v);
  for (const op of last) {
    const id = op.operationId;
    const table = tables.get(id)!;
    const opSince = opFirst.get(id)!;
    const entry: OperationSince = {};
    if (cmp(opSince, floor) > 0) {
      entry.since = opSince;
      vote(op.node, opSince);
    }
    /** The since to list for `key`, or undefined when the floor, the operation or the parent already says it. */
    const listed = (key: string, node: Schema): string | undefined => {
      const since = table.get(key)!.since;
      // A field of what an older spec documented as an open map (`IPAM.Config[]` in 1.40) is not new, only described.
      const up = parentPath(key.slice(2));
      const open = table.get(`${key[0]}:${up ? `${up}.` : ''}*`);
      if (open && cmp(open.since, since) < 0) return undefined;
      let parent = parentPath(key.slice(2));
      while (parent && !table.has(`${key[0]}:${parent}`)) parent = parentPath(parent);
      const covered = max(floor, opSince, parent ? table.get(`${key[0]}:${parent}`)!.since : floor);
      if (cmp(since, floor) <= 0) vote(node, floor);
      else if (cmp(since, covered) > 0) {
        vote(node, since);
        return since;
      }
      return undefined;
    };
    for (const p of op.params) {
      const since = listed(`p:${p.name}`, p.node);
      if (since) (entry.params ??= {})[p.name] = since;
      const changes = table.get(`p:${p.name}`)!.changes;
      if (changes) (entry.changed ??= {})[p.name] = changes;
    }
    for (const [path, node] of op.body) {
      const since = listed(`b:${path}`, node);
      if (since) (entry.body ??= {})[path] = since;
    }
    for (const [path, node] of op.response) listed(`r:${path}`, node);
    for (const [key, seen] of table) {
      if (key.startsWith('p:') && seen.removedIn) (entry.removed ??= {})[key.slice(2)] = seen.removedIn;
    }
    for (const r of exceptions.renames.filter((r) => r.operationId === id && cmp(r.since, history[history.length - 1].version) <= 0)) {
      if (entry.params?.[r.name] !== r.since || !table.has(`p:${r.before}`)) {
        throw new Error(`since-exceptions: ${id} no longer shows \`${r.before}\` and \`${r.name}\` since ${r.since}; update the rename`);
      }
      (entry.renamed ??= {})[r.name] = { before: r.before, since: r.since };
    }
    if (Object.keys(entry).length) operations[id] = entry;
  }
  const jsdoc = new Map([...votes].filter(([, v]) => cmp(v, floor) > 0));
  return { floor, versions: history.map((h) => h.version), operations, jsdoc };
}
