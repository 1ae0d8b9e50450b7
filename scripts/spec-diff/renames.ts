/**
 * Which models were renamed between two specs (IdResponse → IDResponse, GraphDriverData → DriverData,
 * VolumeCreateOptions → VolumeCreateRequest). A model only in the old spec is paired with one only in the new
 * spec when they have the same shape, or when some place that referenced the old one (a parameter, body,
 * response, or a property of a model both specs have) references the new one instead. Paired models are
 * reported once as renamed (with any shape differences), not as removed + added + a type change at every use.
 */
import type { Operation, Schema, SpecDoc } from './load';
import { SchemaDiffer, type Rename } from './schema';
import { body, isMapping, refOf } from './types';

/** The model a schema names directly, or through one level of array items / map values. */
function namedAt(doc: SpecDoc, s: Schema | undefined): string | undefined {
  if (!isMapping(s)) return undefined;
  return refOf(doc, s) ?? (isMapping(s.items) ? refOf(doc, s.items) : undefined) ?? (isMapping(s.additionalProperties) ? refOf(doc, s.additionalProperties) : undefined);
}

/** Pairs of schemas at the same place in both specs: operation parameters/bodies/responses, properties of shared models. */
function samePlaces(oldDoc: SpecDoc, newDoc: SpecDoc): Array<[Schema | undefined, Schema | undefined]> {
  const pairs: Array<[Schema | undefined, Schema | undefined]> = [];
  const opSchemas = (op: Operation): Map<string, Schema | undefined> =>
    new Map<string, Schema | undefined>([
      ...op.params.map((p) => [`p:${p.in}:${p.name}`, p.schema] as [string, Schema]),
      ['body', op.body?.schema],
      ...Object.entries(op.responses).map(([code, s]) => [`r:${code}`, s] as [string, Schema | undefined]),
    ]);
  for (const [key, o] of oldDoc.operations) {
    const n = newDoc.operations.get(key);
    if (!n) continue;
    const so = opSchemas(o);
    const sn = opSchemas(n);
    for (const [k, v] of so) if (sn.has(k)) pairs.push([v, sn.get(k)]);
  }
  for (const [name, o] of Object.entries(oldDoc.models)) {
    const n = newDoc.models[name];
    const po = body(oldDoc, o)?.properties;
    const pn = n === undefined ? undefined : body(newDoc, n)?.properties;
    if (!isMapping(po) || !isMapping(pn)) continue;
    for (const [prop, v] of Object.entries(po)) if (prop in pn) pairs.push([v, pn[prop]]);
  }
  return pairs;
}

export function findRenames(oldDoc: SpecDoc, newDoc: SpecDoc): Map<string, Rename> {
  const gone = Object.keys(oldDoc.models).filter((m) => !(m in newDoc.models));
  const came = new Set(Object.keys(newDoc.models).filter((m) => !(m in oldDoc.models)));
  const renames = new Map<string, Rename>();
  if (!gone.length || !came.size) return renames;

  const sameShape = (from: string, to: string): boolean => {
    const out: never[] = [];
    const bo = body(oldDoc, oldDoc.models[from]);
    const bn = body(newDoc, newDoc.models[to]);
    if (!bo || !bn) return false;
    new SchemaDiffer(oldDoc, newDoc, out, renames).compare(bo, bn, { scope: 'model', path: '' });
    return out.length === 0;
  };
  // Evidence from use: old name → new names seen at the same place.
  const seen = new Map<string, Set<string>>();
  for (const [o, n] of samePlaces(oldDoc, newDoc)) {
    const a = namedAt(oldDoc, o);
    const b = namedAt(newDoc, n);
    if (a === undefined || b === undefined || !gone.includes(a) || !came.has(b)) continue;
    if (!seen.has(a)) seen.set(a, new Set());
    seen.get(a)!.add(b);
  }
  const taken = new Set<string>();
  for (const from of [...gone].sort()) {
    const used = [...(seen.get(from) ?? [])].filter((b) => !taken.has(b)).sort();
    // One unambiguous successor by use; otherwise the only identical new model.
    let to = used.length === 1 ? used[0] : undefined;
    if (to === undefined) {
      const twins = [...came].filter((b) => !taken.has(b) && (used.length === 0 || used.includes(b)) && sameShape(from, b));
      if (twins.length === 1) to = twins[0];
    }
    if (to === undefined) continue;
    taken.add(to);
    renames.set(from, { from, to, sameShape: sameShape(from, to) });
  }
  return renames;
}
