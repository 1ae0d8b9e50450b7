/**
 * Structural comparison of two schemas. A `$ref` to the same named model on both sides ends the walk: that
 * model's own changes are reported once, under its name, by the caller; so does a ref to a model renamed
 * between the specs (reported as `renamed`). When the two sides reference different things (inline ↔ model,
 * model A ↔ model B), the walk continues through both targets, so what really changed underneath is shown
 * too, and the top is reported as `extracted`/`inlined` when only the naming moved, `now-documented` when the
 * old side was an untyped object, and `type-changed` otherwise. Pairs of schemas already being compared
 * further up are skipped, which is what makes recursive models (the Docker spec has them) terminate.
 */
import type { Change, ChangeKind, Where } from './changes';
import type { Schema, SpecDoc } from './load';
import { body, isDeprecated, isMapping, isNullable, isUntypedObject, refOf, typeOf } from './types';

/** A model that exists only in the old spec, matched to the one that replaces it in the new spec. */
export interface Rename {
  from: string;
  to: string;
  /** Nothing but the name differs. */
  sameShape: boolean;
}

interface Flat {
  /** Property → its schema and, when it comes from a model mixed in through allOf, that model's name. */
  properties: Map<string, { schema: Schema; from?: string }>;
  required: Set<string>;
  /** Named models mixed in directly through allOf (what `composition-*` changes report). */
  includes: Set<string>;
  /** All named models mixed in, transitively. */
  allIncludes: Set<string>;
}

/**
 * Own properties plus those of allOf members. Properties of a mixed-in named model are kept (so moving a
 * field between the schema and a base model is not reported as removed + added) but tagged with the model,
 * so the caller can leave changes inside that model to the model's own report.
 */
function flatten(doc: SpecDoc, s: Schema): Flat {
  const out: Flat = { properties: new Map(), required: new Set(), includes: new Set(), allIncludes: new Set() };
  const visit = (node: Schema, from: string | undefined, depth: number): void => {
    if (depth > 32) return;
    if (Array.isArray(node.allOf)) {
      for (const m of node.allOf) {
        if (!isMapping(m)) continue;
        const name = refOf(doc, m);
        if (name !== undefined) {
          if (depth === 0) out.includes.add(name);
          if (out.allIncludes.has(name)) continue; // cyclic or diamond composition
          out.allIncludes.add(name);
        }
        const b = body(doc, m);
        if (b) visit(b, name ?? from, depth + 1);
      }
    }
    if (isMapping(node.properties)) for (const [k, v] of Object.entries(node.properties)) if (isMapping(v)) out.properties.set(k, { schema: v, from });
    if (from === undefined && Array.isArray(node.required)) for (const r of node.required) out.required.add(String(r));
  };
  visit(s, undefined, 0);
  return out;
}

/** A flattened old schema with its model names spelled as in the new spec, so a renamed base model still matches. */
function renamed(f: Flat, name: (x: string) => string): Flat {
  const map = (xs: Set<string>): Set<string> => new Set([...xs].map(name));
  const properties = new Map([...f.properties].map(([k, v]) => [k, v.from === undefined ? v : { ...v, from: name(v.from) }] as const));
  return { properties, required: f.required, includes: map(f.includes), allIncludes: map(f.allIncludes) };
}

/** Whether a schema can have properties at all (so comparing them against the other side means something). */
function isObjectLike(s: Schema): boolean {
  const t = s.type;
  if (t === undefined) return true;
  return t === 'object' || (Array.isArray(t) && t.includes('object'));
}

/** For arrays and maps the container's own type, so `array<A>` → `array<B>` is reported once, at the items. */
function shallowType(doc: SpecDoc, s: Schema): string | undefined {
  if (refOf(doc, s) !== undefined || s.$ref !== undefined) return undefined;
  const full = typeOf(doc, s);
  const nullable = full.endsWith(' | null') ? ' | null' : '';
  if (full.startsWith('array<')) return `array${nullable}`;
  if (full.startsWith('map<')) return `map${nullable}`;
  return undefined;
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

export class SchemaDiffer {
  private readonly ids = new WeakMap<object, number>();
  private nextId = 1;
  /** Pairs (old schema, new schema) on the current comparison path. */
  private readonly active = new Set<string>();

  constructor(
    readonly oldDoc: SpecDoc,
    readonly newDoc: SpecDoc,
    private readonly out: Change[],
    /** Old model name → the model it became in the new spec (see renames.ts). */
    readonly renames: ReadonlyMap<string, Rename> = new Map(),
  ) {}

  /** An old model's name as the new spec spells it. */
  private newName(name: string): string {
    return this.renames.get(name)?.to ?? name;
  }

  emit(at: Where, kind: ChangeKind, extra: Partial<Change> = {}): void {
    this.out.push({ ...at, kind, ...extra });
  }

  private id(o: object): number {
    let v = this.ids.get(o);
    if (v === undefined) this.ids.set(o, (v = this.nextId++));
    return v;
  }

  private pairKey(o: Schema, n: Schema): string {
    return `${this.id(o)}|${this.id(n)}`;
  }

  /** Compare what sits at one place in both specs (a property, a parameter, a body). */
  compare(o: Schema, n: Schema, at: Where): void {
    if (isDeprecated(o) !== isDeprecated(n)) this.emit(at, isDeprecated(n) ? 'now-deprecated' : 'no-longer-deprecated');
    const to = typeOf(this.oldDoc, o);
    const tn = typeOf(this.newDoc, n);
    const so = shallowType(this.oldDoc, o);
    const sn = shallowType(this.newDoc, n);
    // Both arrays or both maps: element types are compared (and reported) one level down, so here only the
    // container itself (its nullability) counts.
    const sameContainer = so !== undefined && sn !== undefined && so.split(' ')[0] === sn.split(' ')[0];
    const typeDiffers = sameContainer ? so !== sn : to !== tn;
    const ro = refOf(this.oldDoc, o);
    const rn = refOf(this.newDoc, n);
    if (ro !== undefined && ro === rn) {
      // Same model on both sides: its changes are reported under its own name. Only nullability can differ here.
      if (typeDiffers) this.emit(at, 'type-changed', { from: to, to: tn });
      return;
    }
    const rename = ro === undefined ? undefined : this.renames.get(ro);
    if (rename && rename.to === rn) {
      // A renamed model: what differs inside it is reported once, with the rename.
      this.emit(at, 'renamed', { from: ro, to: rn, ...(rename.sameShape ? { sameShape: true } : {}) });
      if (isNullable(o) !== isNullable(n)) this.emit(at, 'type-changed', { from: to, to: tn });
      return;
    }
    const bo = body(this.oldDoc, o);
    const bn = body(this.newDoc, n);
    if (!bo || !bn) {
      if (typeDiffers) this.emit(at, 'type-changed', { from: to, to: tn });
      return;
    }
    if (this.active.has(this.pairKey(bo, bn))) return; // already being compared further up: a cycle
    if (!typeDiffers) {
      this.compareStructure(bo, bn, at);
      return;
    }
    if (ro === undefined && isUntypedObject(bo) && !isUntypedObject(bn) && isObjectLike(bn)) {
      // Every member would show as "added": one line says it better.
      this.emit(at, 'now-documented', { from: to, to: tn });
      return;
    }
    const start = this.out.length;
    this.compareStructure(bo, bn, at);
    // Inline ↔ named model of the same base type: the naming moved; any real difference was reported underneath.
    const sameBase = typeOf(this.oldDoc, bo) === typeOf(this.newDoc, bn) && isNullable(o) === isNullable(n);
    const kind: ChangeKind = !sameBase ? 'type-changed' : ro === undefined && rn !== undefined ? 'extracted' : ro !== undefined && rn === undefined ? 'inlined' : 'type-changed';
    const same = kind !== 'type-changed' && this.out.length === start;
    this.out.splice(start, 0, { ...at, kind, from: to, to: tn, ...(same ? { sameShape: true } : {}) });
  }

  /** Compare the content of two (dereferenced) schemas. */
  compareStructure(o: Schema, n: Schema, at: Where): void {
    const key = this.pairKey(o, n);
    if (this.active.has(key)) return;
    this.active.add(key);
    try {
      this.compareEnums(o, n, at);
      if (isObjectLike(o) && isObjectLike(n)) this.compareProperties(o, n, at);
      if (isMapping(o.items) && isMapping(n.items)) this.compare(o.items, n.items, { ...at, path: `${at.path}[]` });
      if (isMapping(o.additionalProperties) && isMapping(n.additionalProperties)) {
        this.compare(o.additionalProperties, n.additionalProperties, { ...at, path: `${at.path}{}` });
      }
    } finally {
      this.active.delete(key);
    }
  }

  private compareProperties(o: Schema, n: Schema, at: Where): void {
    const fo = renamed(flatten(this.oldDoc, o), (x) => this.newName(x));
    const fn = flatten(this.newDoc, n);
    const gone = [...fo.includes].filter((x) => !fn.includes.has(x)).sort();
    const came = [...fn.includes].filter((x) => !fo.includes.has(x)).sort();
    if (came.length) this.emit(at, 'composition-added', { values: came });
    if (gone.length) this.emit(at, 'composition-removed', { values: gone });
    const names = [...new Set([...fo.properties.keys(), ...fn.properties.keys()])].sort();
    for (const name of names) {
      const po = fo.properties.get(name);
      const pn = fn.properties.get(name);
      // A property that belongs to a model mixed in on both sides is that model's business.
      if (po && pn && po.from !== undefined && po.from === pn.from) continue;
      if (!po && pn?.from !== undefined && fo.allIncludes.has(pn.from)) continue;
      if (po?.from !== undefined && !pn && fn.allIncludes.has(po.from)) continue;
      const here = { ...at, path: join(at.path, name) };
      if (!po && pn) {
        this.emit(here, 'added', { type: typeOf(this.newDoc, pn.schema), ...(fn.required.has(name) ? { required: true } : {}) });
      } else if (po && !pn) {
        this.emit(here, 'removed', { type: typeOf(this.oldDoc, po.schema) });
      } else if (po && pn) {
        const ro = fo.required.has(name);
        const rn = fn.required.has(name);
        if (ro !== rn) this.emit(here, rn ? 'now-required' : 'no-longer-required');
        this.compare(po.schema, pn.schema, here);
      }
    }
  }

  private compareEnums(o: Schema, n: Schema, at: Where): void {
    if (!Array.isArray(o.enum) && !Array.isArray(n.enum)) return;
    const eo = new Map<string, unknown>((Array.isArray(o.enum) ? o.enum : []).map((v: unknown) => [JSON.stringify(v), v]));
    const en = new Map<string, unknown>((Array.isArray(n.enum) ? n.enum : []).map((v: unknown) => [JSON.stringify(v), v]));
    // Gaining or losing the whole enum is a constraint change on an existing value: report the values.
    const added = [...en.keys()].filter((k) => !eo.has(k)).sort();
    const removed = [...eo.keys()].filter((k) => !en.has(k)).sort();
    if (added.length) this.emit(at, 'enum-values-added', { values: added.map((k) => en.get(k)) });
    if (removed.length) this.emit(at, 'enum-values-removed', { values: removed.map((k) => eo.get(k)) });
  }
}
