/** The change records every part of the differ emits, and their canonical order. */

export type Scope = 'operation' | 'parameter' | 'request-body' | 'response' | 'model';

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
  | 'operation-id-changed';

export interface Where {
  scope: Scope;
  /** Parameter name, or response status code. */
  name?: string;
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
  /** Enum values, or allOf members. */
  values?: unknown[];
}

const SCOPES: Scope[] = ['operation', 'parameter', 'request-body', 'response', 'model'];
const KINDS: ChangeKind[] = [
  'path-changed',
  'operation-id-changed',
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
    cmp(a.name ?? '', b.name ?? '') ||
    cmp(a.path, b.path) ||
    cmp(KINDS.indexOf(a.kind), KINDS.indexOf(b.kind)) ||
    cmp(JSON.stringify(a), JSON.stringify(b))
  );
}
