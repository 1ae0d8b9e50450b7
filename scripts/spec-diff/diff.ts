/**
 * Whole-document diff: operations matched by method + path template, parameters by name, responses by
 * status code, named models by name. Every change inside a named model is reported once under that model,
 * with the operations that reach it (through any chain of `$ref`s, cycles included) listed as `usedBy`.
 */
import { compareChanges, type Change, type Where } from './changes';
import type { Operation, Param, Schema, SpecDoc } from './load';
import { SchemaDiffer, isDeprecated, typeOf } from './schema';

export interface OperationRef {
  method: string;
  path: string;
  operationId?: string;
  summary?: string;
}

export interface SpecInfo {
  label: string;
  format: string;
  version: string;
}

export interface DiffReport {
  old: SpecInfo;
  new: SpecInfo;
  /** Number of change entries in the whole report; 0 means the APIs are the same. */
  changeCount: number;
  operations: {
    added: OperationRef[];
    removed: OperationRef[];
    changed: Array<OperationRef & { changes: Change[] }>;
  };
  models: {
    added: string[];
    removed: string[];
    changed: Array<{ name: string; usedBy: string[]; changes: Change[] }>;
  };
}

function opRef(op: Operation): OperationRef {
  return {
    method: op.method,
    path: op.path,
    ...(op.operationId ? { operationId: op.operationId } : {}),
    ...(op.summary?.trim() ? { summary: op.summary.replace(/\s+/g, ' ').trim() } : {}),
  };
}

function byPathThenMethod(a: OperationRef, b: OperationRef): number {
  const ka = `${a.path} ${a.method}`;
  const kb = `${b.path} ${b.method}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** Order `METHOD /path` labels by path, then method, like the operation sections. */
function byPathThenMethodLabel(a: string, b: string): number {
  const [ma, pa] = a.split(' ');
  const [mb, pb] = b.split(' ');
  return byPathThenMethod({ method: ma, path: pa }, { method: mb, path: pb });
}

function sortedKeys(...maps: Array<Iterable<string>>): string[] {
  return [...new Set(maps.flatMap((m) => [...m]))].sort();
}

/** Key parameters by name, or by name + location where one operation uses a name twice. */
function paramsByKey(params: Param[]): Map<string, Param> {
  const counts = new Map<string, number>();
  for (const p of params) counts.set(p.name, (counts.get(p.name) ?? 0) + 1);
  return new Map(params.map((p) => [counts.get(p.name)! > 1 ? `${p.name} (${p.in})` : p.name, p]));
}

function diffOperation(d: SchemaDiffer, o: Operation, n: Operation): Change[] {
  const out: Change[] = [];
  const opAt: Where = { scope: 'operation', path: '' };
  if (o.path !== n.path) out.push({ ...opAt, kind: 'path-changed', from: o.path, to: n.path });
  if ((o.operationId ?? '') !== (n.operationId ?? '')) out.push({ ...opAt, kind: 'operation-id-changed', from: o.operationId ?? '', to: n.operationId ?? '' });
  const depO = o.deprecated || isDeprecated(o.raw);
  const depN = n.deprecated || isDeprecated(n.raw);
  if (depO !== depN) out.push({ ...opAt, kind: depN ? 'now-deprecated' : 'no-longer-deprecated' });

  const po = paramsByKey(o.params);
  const pn = paramsByKey(n.params);
  const sub = new SchemaDiffer(d.oldDoc, d.newDoc, out);
  for (const key of sortedKeys(po.keys(), pn.keys())) {
    const a = po.get(key);
    const b = pn.get(key);
    if (!a && b) {
      out.push({
        scope: 'parameter',
        name: b.name,
        in: b.in,
        path: '',
        kind: 'added',
        type: typeOf(d.newDoc, b.schema),
        ...(b.required ? { required: true } : {}),
        ...(b.collectionFormat ? { collectionFormat: b.collectionFormat } : {}),
      });
      continue;
    }
    if (a && !b) {
      out.push({ scope: 'parameter', name: a.name, in: a.in, path: '', kind: 'removed', type: typeOf(d.oldDoc, a.schema) });
      continue;
    }
    if (!a || !b) continue;
    const at: Where = { scope: 'parameter', name: b.name, in: b.in, path: '' };
    if (a.in !== b.in) out.push({ ...at, kind: 'location-changed', from: a.in, to: b.in });
    if (a.required !== b.required) out.push({ ...at, kind: b.required ? 'now-required' : 'no-longer-required' });
    if (a.collectionFormat && b.collectionFormat && a.collectionFormat !== b.collectionFormat) {
      out.push({ ...at, kind: 'collection-format-changed', from: a.collectionFormat, to: b.collectionFormat });
    }
    const da = JSON.stringify(a.schema.default);
    const db = JSON.stringify(b.schema.default);
    if (da !== db) out.push({ ...at, kind: 'default-changed', from: da ?? 'none', to: db ?? 'none' });
    const before = out.length;
    sub.compare(a.schema, b.schema, at);
    if (!a.collectionFormat && b.collectionFormat) {
      // Became an array: how it is serialised is part of the new type.
      const t = out.slice(before).find((c) => c.scope === 'parameter' && c.name === b.name && c.path === '' && c.kind === 'type-changed');
      if (t) t.collectionFormat = b.collectionFormat;
    }
  }

  const bodyAt: Where = { scope: 'request-body', path: '' };
  if (!o.body && n.body) out.push({ ...bodyAt, kind: 'added', type: typeOf(d.newDoc, n.body.schema), ...(n.body.required ? { required: true } : {}) });
  else if (o.body && !n.body) out.push({ ...bodyAt, kind: 'removed', type: typeOf(d.oldDoc, o.body.schema) });
  else if (o.body && n.body) {
    if (o.body.required !== n.body.required) out.push({ ...bodyAt, kind: n.body.required ? 'now-required' : 'no-longer-required' });
    compareBodies(sub, o.body.schema, n.body.schema, bodyAt);
  }

  for (const code of sortedKeys(Object.keys(o.responses), Object.keys(n.responses))) {
    const at: Where = { scope: 'response', name: code, path: '' };
    const inO = code in o.responses;
    const inN = code in n.responses;
    if (!inO) out.push({ ...at, kind: 'added', type: typeOf(d.newDoc, n.responses[code]) });
    else if (!inN) out.push({ ...at, kind: 'removed', type: typeOf(d.oldDoc, o.responses[code]) });
    else compareBodies(sub, o.responses[code], n.responses[code], at);
  }
  return out.sort(compareChanges);
}

function compareBodies(d: SchemaDiffer, o: Schema | undefined, n: Schema | undefined, at: Where): void {
  if (o && n) d.compare(o, n, at);
  else if (o || n) d.emit(at, 'type-changed', { from: typeOf(d.oldDoc, o), to: typeOf(d.newDoc, n) });
}

/** Names of the models a schema (or any object) references, directly. */
function directRefs(doc: SpecDoc, node: unknown, acc: Set<string>, seen = new WeakSet<object>()): Set<string> {
  if (!node || typeof node !== 'object' || seen.has(node)) return acc;
  seen.add(node);
  if (Array.isArray(node)) {
    for (const v of node) directRefs(doc, v, acc, seen);
    return acc;
  }
  for (const [k, v] of Object.entries(node)) {
    if (k === '$ref' && typeof v === 'string' && v.startsWith(doc.modelPrefix)) {
      acc.add(decodeURIComponent(v.slice(doc.modelPrefix.length).split('/')[0]).replace(/~1/g, '/').replace(/~0/g, '~'));
    } else directRefs(doc, v, acc, seen);
  }
  return acc;
}

/** model name → `METHOD /path` of every operation that reaches it, transitively (visited sets stop cycles). */
function modelUsage(doc: SpecDoc): Map<string, Set<string>> {
  const direct = new Map<string, Set<string>>();
  for (const [name, schema] of Object.entries(doc.models)) direct.set(name, directRefs(doc, schema, new Set()));
  const usage = new Map<string, Set<string>>();
  for (const op of doc.operations.values()) {
    const label = `${op.method} ${op.path}`;
    const start = directRefs(doc, [op.params.map((p) => p.schema), op.body?.schema, Object.values(op.responses)], new Set());
    const stack = [...start];
    const reached = new Set<string>(start);
    while (stack.length) {
      for (const next of direct.get(stack.pop()!) ?? []) {
        if (!reached.has(next)) {
          reached.add(next);
          stack.push(next);
        }
      }
    }
    for (const m of reached) {
      if (!usage.has(m)) usage.set(m, new Set());
      usage.get(m)!.add(label);
    }
  }
  return usage;
}

export function diffSpecs(oldDoc: SpecDoc, newDoc: SpecDoc): DiffReport {
  const d = new SchemaDiffer(oldDoc, newDoc, []);
  const operations: DiffReport['operations'] = { added: [], removed: [], changed: [] };
  for (const key of sortedKeys(oldDoc.operations.keys(), newDoc.operations.keys())) {
    const o = oldDoc.operations.get(key);
    const n = newDoc.operations.get(key);
    if (!o && n) operations.added.push(opRef(n));
    else if (o && !n) operations.removed.push(opRef(o));
    else if (o && n) {
      const changes = diffOperation(d, o, n);
      if (changes.length) operations.changed.push({ ...opRef(n), changes });
    }
  }
  operations.added.sort(byPathThenMethod);
  operations.removed.sort(byPathThenMethod);
  operations.changed.sort(byPathThenMethod);

  const models: DiffReport['models'] = { added: [], removed: [], changed: [] };
  const usageOld = modelUsage(oldDoc);
  const usageNew = modelUsage(newDoc);
  for (const name of sortedKeys(Object.keys(oldDoc.models), Object.keys(newDoc.models))) {
    const o = oldDoc.models[name];
    const n = newDoc.models[name];
    if (!o && n) models.added.push(name);
    else if (o && !n) models.removed.push(name);
    else if (o && n) {
      const changes: Change[] = [];
      const md = new SchemaDiffer(oldDoc, newDoc, changes);
      md.compare(o, n, { scope: 'model', path: '' });
      if (changes.length) {
        const usedBy = sortedKeys(usageOld.get(name) ?? [], usageNew.get(name) ?? []).sort(byPathThenMethodLabel);
        models.changed.push({ name, usedBy, changes: changes.sort(compareChanges) });
      }
    }
  }

  const changeCount =
    operations.added.length +
    operations.removed.length +
    operations.changed.reduce((s, c) => s + c.changes.length, 0) +
    models.added.length +
    models.removed.length +
    models.changed.reduce((s, c) => s + c.changes.length, 0);
  const info = (s: SpecDoc): SpecInfo => ({ label: s.label, format: s.format, version: s.version });
  return { old: info(oldDoc), new: info(newDoc), changeCount, operations, models };
}
