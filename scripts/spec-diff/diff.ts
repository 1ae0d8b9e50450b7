/**
 * Whole-document diff: operations matched by method + path template, parameters by name, responses by
 * status code, named models by name (renamed models matched by renames.ts). Every change inside a named model
 * is reported once under that model, with the operations that reach it (through any chain of `$ref`s, cycles
 * included) listed as `usedBy`.
 */
import { compareChanges, type Change } from './changes';
import type { SpecDoc } from './load';
import { diffOperation, opRef, signature, sortedKeys, type OperationRef, type OperationSignature } from './operation';
import { findRenames } from './renames';
import { SchemaDiffer } from './schema';
import { body } from './types';

export type { OperationRef, OperationSignature };

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
    /** New operations, each with what it takes and answers. */
    added: Array<OperationRef & { signature: OperationSignature }>;
    removed: OperationRef[];
    changed: Array<OperationRef & { changes: Change[] }>;
  };
  models: {
    added: string[];
    removed: string[];
    /** Models only in the old spec replaced by one only in the new spec; `changes` is empty when sameShape. */
    renamed: Array<{ from: string; to: string; sameShape: boolean; usedBy: string[]; changes: Change[] }>;
    changed: Array<{ name: string; usedBy: string[]; changes: Change[] }>;
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
  const renames = findRenames(oldDoc, newDoc);
  const d = new SchemaDiffer(oldDoc, newDoc, [], renames);
  const operations: DiffReport['operations'] = { added: [], removed: [], changed: [] };
  for (const key of sortedKeys(oldDoc.operations.keys(), newDoc.operations.keys())) {
    const o = oldDoc.operations.get(key);
    const n = newDoc.operations.get(key);
    if (!o && n) operations.added.push({ ...opRef(n), signature: signature(newDoc, n) });
    else if (o && !n) operations.removed.push(opRef(o));
    else if (o && n) {
      const changes = diffOperation(d, o, n);
      if (changes.length) operations.changed.push({ ...opRef(n), changes });
    }
  }
  operations.added.sort(byPathThenMethod);
  operations.removed.sort(byPathThenMethod);
  operations.changed.sort(byPathThenMethod);

  const models: DiffReport['models'] = { added: [], removed: [], renamed: [], changed: [] };
  const usageOld = modelUsage(oldDoc);
  const usageNew = modelUsage(newDoc);
  const usedBy = (oldName: string, newName: string): string[] => sortedKeys(usageOld.get(oldName) ?? [], usageNew.get(newName) ?? []).sort(byPathThenMethodLabel);
  const renamedTo = new Set([...renames.values()].map((r) => r.to));
  for (const name of sortedKeys(Object.keys(oldDoc.models), Object.keys(newDoc.models))) {
    const o = oldDoc.models[name];
    const n = newDoc.models[name];
    if (!o && n) {
      if (!renamedTo.has(name)) models.added.push(name);
    } else if (o && !n) {
      const r = renames.get(name);
      if (!r) {
        models.removed.push(name);
        continue;
      }
      const changes: Change[] = [];
      // Compare the contents: at the top, the two names are the rename itself.
      if (!r.sameShape) new SchemaDiffer(oldDoc, newDoc, changes, renames).compareStructure(body(oldDoc, o)!, body(newDoc, newDoc.models[r.to])!, { scope: 'model', path: '' });
      // A recursive model's references to itself are the rename itself, not news.
      const own = changes.filter((c) => !(c.kind === 'renamed' && c.from === name && c.to === r.to));
      models.renamed.push({ from: name, to: r.to, sameShape: r.sameShape, usedBy: usedBy(name, r.to), changes: own.sort(compareChanges) });
    } else if (o && n) {
      const changes: Change[] = [];
      const md = new SchemaDiffer(oldDoc, newDoc, changes, renames);
      md.compare(o, n, { scope: 'model', path: '' });
      if (changes.length) models.changed.push({ name, usedBy: usedBy(name, name), changes: changes.sort(compareChanges) });
    }
  }

  const changeCount =
    operations.added.length +
    operations.removed.length +
    operations.changed.reduce((s, c) => s + c.changes.length, 0) +
    models.added.length +
    models.removed.length +
    models.renamed.reduce((s, c) => s + 1 + c.changes.length, 0) +
    models.changed.reduce((s, c) => s + c.changes.length, 0);
  const info = (s: SpecDoc): SpecInfo => ({ label: s.label, format: s.format, version: s.version });
  return { old: info(oldDoc), new: info(newDoc), changeCount, operations, models };
}
