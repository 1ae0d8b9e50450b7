/** The change records every part of the differ emits, and their canonical order. */

export type Scope = 'operation' | 'parameter' | 'filter' | 'request-body' | 'response' | 'response-header' | 'model';

export type ChangeKind =
  | 'added'
  | 'removed'
  | 'type-changed'
  | 'enum-values-added'
  | 'enum-values-removed'
  | 'now-required'
  | 'no-longer-required'
  | 'now-deprecated'
  | 'no-longer-deprecated'
  | 'location-changed'
  | 'collection-format-changed'
  | 'default-changed'
  | 'composition-added'
  | 'composition-removed'
  | 'path-changed'
  | 'operation-id-changed'
  /** A named model replaced by another one that is gone/new in the other spec (IdResponse → IDResponse). */
  | 'renamed'
  /** An inline schema replaced by a named model (inline → ContainerCreateResponse), or the reverse. */
  | 'extracted'
  | 'inlined'
  /** The old schema was an untyped `object`; the new one describes it. */
  | 'now-documented'
  /** Media types of an operation (`name` is `produces` or `consumes`). */
  | 'media-types-added'
  | 'media-types-removed';

export interface Where {
  scope: Scope;
  /** Parameter name, filter key, response status code, header name, or `produces`/`consumes`. */
  name?: string;
  /** Status code of the response a header belongs to. */
  status?: string;
  /** Parameter location (query, header, path, formData, cookie). */
  in?: string;
  /** Property path inside the schema: `Foo.Bar`, `Items[].Name`, `Labels{}`; '' is the schema itself. */
  path: string;
}

export interface Change extends Where {
  kind: ChangeKind;
  from?: string;
  to?: string;
  /** Type of an added or removed thing. */
  type?: string;
  /** An added property or parameter that is required. */
  required?: boolean;
  /** Serialisation of a parameter that is (now) an array. */
  collectionFormat?: string;
  /** Enum values, allOf members, or media types. */
  values?: unknown[];
  /** renamed / extracted / inlined: nothing differs underneath (otherwise the differences follow). */
  sameShape?: boolean;
}

/**
 * Kinds that can break a client written against the old spec. Deliberately by kind, not by direction (a
 * property removed from a response and one removed from a request body both count): CI flags them for a
 * human to read, it does not decide.
 */
export const BREAKING_KINDS: ReadonlySet<ChangeKind> = new Set<ChangeKind>(['removed', 'now-required', 'type-changed', 'enum-values-removed', 'location-changed', 'media-types-removed']);

export function isBreaking(c: Change): boolean {
  return BREAKING_KINDS.has(c.kind);
}

const SCOPES: Scope[] = ['operation', 'parameter', 'filter', 'request-body', 'response', 'response-header', 'model'];
const KINDS: ChangeKind[] = [
  'path-changed',
  'operation-id-changed',
  'media-types-added',
  'media-types-removed',
  'renamed',
  'extracted',
  'inlined',
  'now-documented',
  'added',
  'removed',
  'location-changed',
  'type-changed',
  'composition-added',
  'composition-removed',
  'collection-format-changed',
  'enum-values-added',
  'enum-values-removed',
  'default-changed',
  'now-required',
  'no-longer-required',
  'now-deprecated',
  'no-longer-deprecated',
];

function cmp(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Total, locale-independent order, so the same inputs always give byte-identical reports. */
export function compareChanges(a: Change, b: Change): number {
  return (
    cmp(SCOPES.indexOf(a.scope), SCOPES.indexOf(b.scope)) ||
    cmp(a.status ?? '', b.status ?? '') ||
    cmp(a.name ?? '', b.name ?? '') ||
    cmp(a.path, b.path) ||
    cmp(KINDS.indexOf(a.kind), KINDS.indexOf(b.kind)) ||
    cmp(JSON.stringify(a), JSON.stringify(b))
  );
}
