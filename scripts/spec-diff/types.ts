/**
 * What one schema is, read without comparing: the named model it stands for, the schema that holds its
 * content, a short type description (`array<Mount>`, `string | null`), whether it is deprecated or an untyped
 * object. Shared by the differ, the rename finder and the report.
 */
import type { Schema, SpecDoc } from './load';
import { isMapping, resolvePointer } from './pointer';

export { isMapping };

/** Deprecation written into descriptions the way the Engine spec does it (`**Deprecated**:`, `Deprecated:`,
 * "This field is deprecated"), not passing mentions such as "MAINTAINER (deprecated)". */
const DEPRECATED_TEXT =
  /\*\*deprecated\*\*|(^|\n)\s*(>\s*)?deprecated\s*:|\b(this|the) (field|parameter|endpoint|property|option|value|flag) (is|was|has been) deprecated\b/i;

export function isDeprecated(s: Schema | undefined): boolean {
  if (!s) return false;
  return s['x-deprecated'] === true || s.deprecated === true || (typeof s.description === 'string' && DEPRECATED_TEXT.test(s.description));
}

/** The model a `$ref` names, if it points at a whole named model. */
function modelName(doc: SpecDoc, ref: unknown): string | undefined {
  if (typeof ref !== 'string' || !ref.startsWith(doc.modelPrefix)) return undefined;
  const rest = ref.slice(doc.modelPrefix.length);
  if (rest.includes('/')) return undefined;
  return decodeURIComponent(rest).replace(/~1/g, '/').replace(/~0/g, '~');
}

const ALIAS_NOISE = new Set(['allOf', 'description', 'example', 'examples', 'x-nullable', 'nullable', 'x-deprecated', 'deprecated', 'title', 'type', 'x-go-name', 'readOnly', 'default']);

/**
 * The named model a schema stands for: a plain `$ref`, or the spec's "ref with a description" idiom
 * `{description, allOf: [{$ref}]}` that carries nothing else.
 */
export function refOf(doc: SpecDoc, s: Schema | undefined): string | undefined {
  if (!s) return undefined;
  if (s.$ref !== undefined) return modelName(doc, s.$ref);
  if (Array.isArray(s.allOf) && s.allOf.length === 1 && isMapping(s.allOf[0]) && Object.keys(s).every((k) => ALIAS_NOISE.has(k))) {
    if (s.type !== undefined && s.type !== 'object') return undefined;
    return refOf(doc, s.allOf[0]);
  }
  return undefined;
}

/** Follow `$ref`s and single-ref allOf aliases to the schema that has the content. */
export function body(doc: SpecDoc, s: Schema | undefined): Schema | undefined {
  let cur: unknown = s;
  for (let hops = 0; hops < 64 && isMapping(cur); hops++) {
    if (typeof cur.$ref === 'string') cur = resolvePointer(doc.raw, cur.$ref);
    else if (refOf(doc, cur) !== undefined) cur = cur.allOf[0];
    else return cur;
  }
  return isMapping(cur) ? cur : undefined;
}

/** An object the spec says nothing about (`type: object` and no members): documenting it later is no type change. */
export function isUntypedObject(s: Schema): boolean {
  if (s.type !== undefined && s.type !== 'object') return false;
  const ap = s.additionalProperties;
  const openMap = ap === undefined || ap === true || (isMapping(ap) && Object.keys(ap).length === 0);
  const noProps = !isMapping(s.properties) || Object.keys(s.properties).length === 0;
  return openMap && noProps && !['allOf', 'oneOf', 'anyOf', 'items', 'enum', '$ref'].some((k) => s[k] !== undefined);
}

export function isNullable(s: Schema): boolean {
  return s['x-nullable'] === true || s.nullable === true || (Array.isArray(s.type) && s.type.includes('null'));
}

/** A short type description: `string`, `integer(int64)`, `array<Mount>`, `map<string>`, `object`, `Foo | null`. */
export function typeOf(doc: SpecDoc, s: Schema | undefined, depth = 0): string {
  if (!s) return 'none';
  const t = baseType(doc, s, depth);
  return isNullable(s) && !t.endsWith(' | null') ? `${t} | null` : t;
}

function baseType(doc: SpecDoc, s: Schema, depth: number): string {
  const ref = refOf(doc, s);
  if (ref !== undefined) return ref;
  if (depth > 16) return '…';
  if (typeof s.$ref === 'string') return typeOf(doc, body(doc, s), depth + 1);
  if (Array.isArray(s.oneOf)) return `oneOf(${s.oneOf.map((m: Schema) => typeOf(doc, m, depth + 1)).join(', ')})`;
  if (Array.isArray(s.anyOf)) return `anyOf(${s.anyOf.map((m: Schema) => typeOf(doc, m, depth + 1)).join(', ')})`;
  let t = Array.isArray(s.type) ? s.type.filter((x: unknown) => x !== 'null').join('|') : s.type;
  if (t === undefined && (s.properties || s.additionalProperties || Array.isArray(s.allOf))) t = 'object';
  if (t === undefined) return 'any';
  if (t === 'array') return `array<${isMapping(s.items) ? typeOf(doc, s.items, depth + 1) : 'any'}>`;
  if (t === 'object') {
    if (isMapping(s.additionalProperties) && !s.properties && !s.allOf) return `map<${typeOf(doc, s.additionalProperties, depth + 1)}>`;
    return 'object';
  }
  return s.format ? `${t}(${s.format})` : String(t);
}

