/** Local JSON pointers (`#/definitions/Foo`) and the `$ref`s that use them. */
import { SpecInputError } from './errors';
import type { Schema } from './load';

export function isMapping(v: unknown): v is Schema {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** Resolve a local JSON pointer (`#/a/b~1c`); undefined when it points nowhere. */
export function resolvePointer(doc: Schema, ref: string): unknown {
  if (!ref.startsWith('#')) return undefined;
  const parts = ref.slice(1).split('/').slice(1);
  let cur: unknown = doc;
  for (const part of parts) {
    const key = decodeURIComponent(part).replace(/~1/g, '/').replace(/~0/g, '~');
    if (!cur || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, key)) return undefined;
    cur = (cur as Schema)[key];
  }
  return cur;
}

/** Follow `$ref`s of non-schema objects (parameters, responses, request bodies); refs were validated on load. */
export function deref(doc: Schema, node: unknown): Schema | undefined {
  let cur = node;
  for (let hops = 0; isMapping(cur) && typeof cur.$ref === 'string'; hops++) {
    if (hops > 100) throw new SpecInputError(`$ref chain too long or cyclic at "${cur.$ref}"`);
    cur = resolvePointer(doc, cur.$ref);
  }
  return isMapping(cur) ? cur : undefined;
}

