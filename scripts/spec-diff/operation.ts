/**
 * One operation present in both specs, compared: identity (path template, operationId, deprecation),
 * parameters by name, filter keys, request body, responses by status code, media types and response headers.
 * Also the signature of an operation that is new, so a report lists what the new endpoint takes.
 */
import { compareChanges, type Change, type Where } from './changes';
import { diffFilters, filterKeysOf } from './filters';
import type { Operation, Param, Schema, SpecDoc } from './load';
import { SchemaDiffer } from './schema';
import { isDeprecated, isMapping, refOf, typeOf } from './types';
import { diffWire, wireOf } from './wire';

export interface OperationRef {
  method: string;
  path: string;
  operationId?: string;
  summary?: string;
}

/** What an added operation takes and answers. */
export interface OperationSignature {
  parameters: Array<{ name: string; in: string; type: string; required?: true; collectionFormat?: string }>;
  filters?: string[];
  /** `fields`: the top-level properties of an inline object body (a named model is named by `type`). */
  body?: { type: string; required?: true; fields?: Record<string, string> };
  responses: Record<string, string>;
  produces?: string[];
  consumes?: string[];
}

export function sortedKeys(...maps: Array<Iterable<string>>): string[] {
  return [...new Set(maps.flatMap((m) => [...m]))].sort();
}

export function opRef(op: Operation): OperationRef {
  return {
    method: op.method,
    path: op.path,
    ...(op.operationId ? { operationId: op.operationId } : {}),
    ...(op.summary?.trim() ? { summary: op.summary.replace(/\s+/g, ' ').trim() } : {}),
  };
}

function bodySignature(doc: SpecDoc, b: NonNullable<Operation['body']>): NonNullable<OperationSignature['body']> {
  const props = b.schema && refOf(doc, b.schema) === undefined && isMapping(b.schema.properties) ? b.schema.properties : undefined;
  const fields = props && Object.fromEntries(Object.keys(props).sort().map((k) => [k, typeOf(doc, props[k])]));
  return { type: typeOf(doc, b.schema), ...(b.required ? { required: true as const } : {}), ...(fields && Object.keys(fields).length ? { fields } : {}) };
}

export function signature(doc: SpecDoc, op: Operation): OperationSignature {
  const wire = wireOf(doc, op);
  const filters = op.operationId ? Object.keys(filterKeysOf(doc)[op.operationId] ?? {}).sort() : [];
  return {
    parameters: [...op.params]
      .sort((a, b) => (a.in === b.in ? (a.name < b.name ? -1 : a.name > b.name ? 1 : 0) : a.in < b.in ? -1 : 1))
      .map((p) => ({
        name: p.name,
        in: p.in,
        type: typeOf(doc, p.schema),
        ...(p.required ? { required: true as const } : {}),
        ...(p.collectionFormat ? { collectionFormat: p.collectionFormat } : {}),
      })),
    ...(filters.length ? { filters } : {}),
    ...(op.body ? { body: bodySignature(doc, op.body) } : {}),
    responses: Object.fromEntries(Object.keys(op.responses).sort().map((c) => [c, typeOf(doc, op.responses[c])])),
    ...(wire.produces.length ? { produces: wire.produces } : {}),
    ...(wire.consumes.length ? { consumes: wire.consumes } : {}),
  };
}

/** Key parameters by name, or by name + location where one operation uses a name twice. */
function paramsByKey(params: Param[]): Map<string, Param> {
  const counts = new Map<string, number>();
  for (const p of params) counts.set(p.name, (counts.get(p.name) ?? 0) + 1);
  return new Map(params.map((p) => [counts.get(p.name)! > 1 ? `${p.name} (${p.in})` : p.name, p]));
}

export function diffOperation(d: SchemaDiffer, o: Operation, n: Operation): Change[] {
  const out: Change[] = [];
  const opAt: Where = { scope: 'operation', path: '' };
  if (o.path !== n.path) out.push({ ...opAt, kind: 'path-changed', from: o.path, to: n.path });
  if ((o.operationId ?? '') !== (n.operationId ?? '')) out.push({ ...opAt, kind: 'operation-id-changed', from: o.operationId ?? '', to: n.operationId ?? '' });
  const depO = o.deprecated || isDeprecated(o.raw);
  const depN = n.deprecated || isDeprecated(n.raw);
  if (depO !== depN) out.push({ ...opAt, kind: depN ? 'now-deprecated' : 'no-longer-deprecated' });

  const po = paramsByKey(o.params);
  const pn = paramsByKey(n.params);
  const sub = new SchemaDiffer(d.oldDoc, d.newDoc, out, d.renames);
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
  diffWire(sub, o, n, out);
  diffFilters(d.oldDoc, d.newDoc, o, n, out);
  return out.sort(compareChanges);
}

function compareBodies(d: SchemaDiffer, o: Schema | undefined, n: Schema | undefined, at: Where): void {
  if (o && n) d.compare(o, n, at);
  else if (o || n) d.emit(at, 'type-changed', { from: typeOf(d.oldDoc, o), to: typeOf(d.newDoc, n) });
}

