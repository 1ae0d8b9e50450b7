/**
 * The `filters` encoding engine: a typed filters object → the JSON map the daemon reads (`{"key":["v1","v2"]}`),
 * checked against one endpoint's keys. The keys, their kinds and their first versions are generated from the
 * spec (`generated/filter-keys.ts`, FILTER_KEYS by operationId), and so are their types (FiltersOf).
 *
 * An unknown key is a compile error (object literals) and a DockerFilterError at runtime, naming the key, the
 * endpoint and the keys it accepts. The daemon itself would answer 400 for most unknown keys, but only after a
 * round trip, and it ignores some silently. A key newer than the engine is refused by the version gate like a
 * parameter (core/since.ts, when the gate is given the operationId and the encoded string).
 *
 * Using it from a resource — the operationId is the whole table:
 *
 *     export interface ContainerListFilters extends FiltersOf<'ContainerList'> {}
 *     const filters = encodeOperationFilters('containers.list', 'ContainerList', opts.filters);
 *     const query = await ctx.gateQuery('containers.list', 'ContainerList', { ...rest, filters }, signal);
 *
 * Switching from a hand table is one line per call: `encodeFilterTable('containers.list', CONTAINER_LIST_FILTERS,
 * f)` → `encodeOperationFilters('containers.list', 'ContainerList', f)`. A key whose values the spec does not
 * enumerate but another schema does (BuildPrune `type`) narrows its type with `Omit<FiltersOf<…>, 'type'> & …`.
 */
import { FILTER_KEYS, type FilterKeySpec, type FilterKind } from '../../generated/filter-keys.js';
import { DockerFilterError } from './errors.js';
import { kindOf } from './input.js';

export type { FilterKind };

/** One or several values; several are OR-ed by the daemon. */
export type FilterValues = string | readonly string[];
/**
 * Label filter: `"key"`, `"key=value"`, a list of those, or an object — `{ key: "value" }` → `key=value`,
 * `{ key: true }` → `key` (has the label, any value). Several labels are AND-ed by the daemon.
 */
export type LabelFilter = string | readonly string[] | Readonly<Record<string, string | true>>;
/** One value of an enumeration, or several (OR-ed by the daemon). */
export type OneOrMore<T> = T | readonly T[];
/** Timestamp (RFC 3339, Unix seconds) or Go duration (`10m`, `1h30m`) relative to the daemon's clock. */
export type UntilFilter = string | number;

/** One endpoint's keys: every key of its filters type, each with its kind. */
export type FilterTable<F> = { readonly [K in keyof Required<F>]: FilterKind };

/** The operations that take a `filters` parameter (operationIds). */
export type FilterOperation = keyof typeof FILTER_KEYS;

type Enumerated<S> = S extends { readonly enum: readonly (infer E)[] } ? E : string;
/** The value type of one generated key spec, by its kind (and its enum, when the spec lists the values). */
export type FilterValueOf<S> = S extends { readonly kind: infer K }
  ? K extends 'values'
    ? Enumerated<S> | readonly Enumerated<S>[]
    : K extends 'single'
      ? Enumerated<S>
      : K extends 'bool'
        ? boolean
        : K extends 'label'
          ? LabelFilter
          : K extends 'until'
            ? UntilFilter
            : K extends 'presence'
              ? true
              : K extends 'count'
                ? number
                : never
  : never;

/** One operation's filters, typed from the generated keys: `FiltersOf<'ImageList'>`. Every key is optional. */
export type FiltersOf<Op extends FilterOperation> = { -readonly [K in keyof (typeof FILTER_KEYS)[Op]]?: FilterValueOf<(typeof FILTER_KEYS)[Op][K]> };

const kindTables = new Map<string, Readonly<Record<string, FilterKind>>>();
/** One operation's generated keys as an encoding table (key → kind), built once. */
export function filterTableOf<Op extends FilterOperation>(operationId: Op): FilterTable<FiltersOf<Op>> {
  let table = kindTables.get(operationId);
  if (!table) {
    table = kindsOf(FILTER_KEYS[operationId] as Readonly<Record<string, FilterKeySpec>>);
    kindTables.set(operationId, table);
  }
  return table as FilterTable<FiltersOf<Op>>;
}

/** A table from generated facts (`FILTER_KEYS.VolumeList`: key → { kind, enum?, since? }): the kinds alone. */
export function kindsOf<T extends { readonly [key: string]: { readonly kind: FilterKind } }>(keys: T): { readonly [K in keyof T]: FilterKind } {
  return Object.fromEntries(Object.entries(keys).map(([key, spec]) => [key, spec.kind])) as { [K in keyof T]: FilterKind };
}

const EXPECTED: Record<FilterKind, string> = {
  values: 'a string or an array of strings',
  bool: 'a boolean',
  label: 'a string, an array of strings or a { key: value | true } object',
  until: 'a string or a number',
  single: 'a string',
  presence: 'true',
  count: 'a non-negative integer',
};

function strings(value: unknown): string[] | undefined {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return [...value];
  return undefined;
}

/** The value as the daemon's list of strings, or undefined when the value is not of the kind's type. */
function toStrings(kind: FilterKind, value: unknown): string[] | undefined {
  switch (kind) {
    case 'values':
      return strings(value);
    case 'label':
      if (typeof value === 'string' || Array.isArray(value)) return strings(value);
      if (typeof value === 'object' && value !== null) {
        const out: string[] = [];
        for (const [k, v] of Object.entries(value)) {
          if (v === true) out.push(k);
          else if (typeof v === 'string') out.push(`${k}=${v}`);
          else return undefined;
        }
        return out;
      }
      return undefined;
    case 'bool':
      return typeof value === 'boolean' ? [String(value)] : undefined;
    case 'until':
      if (typeof value === 'string') return [value];
      return typeof value === 'number' && Number.isFinite(value) ? [String(value)] : undefined;
    case 'single':
      return typeof value === 'string' ? [value] : undefined;
    case 'presence':
      // The key with no values: buildkit's filter is the bare field name.
      return value === true ? [] : undefined;
    case 'count':
      return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? [String(value)] : undefined;
  }
}

/**
 * The `filters` query parameter of `endpoint` (a public method name, for messages) under `table`, or undefined
 * when there is nothing to filter on (no filters, or every key undefined / an empty list) so that no parameter
 * is sent.
 */
export function encodeFilterTable<F>(endpoint: string, table: FilterTable<F>, filters: F | undefined): string | undefined {
  if (filters === undefined || filters === null) return undefined;
  const kinds = table as Readonly<Record<string, FilterKind>>;
  const allowed = Object.keys(kinds);
  if (typeof filters !== 'object' || Array.isArray(filters)) {
    throw new DockerFilterError(endpoint, '', allowed, `${endpoint} filters must be an object, got ${kindOf(filters, 'value')}`);
  }
  const out: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(filters)) {
    const kind = Object.hasOwn(kinds, key) ? kinds[key] : undefined;
    if (kind === undefined) {
      throw new DockerFilterError(endpoint, key, allowed, `unknown ${endpoint} filter ${JSON.stringify(key)} (allowed: ${allowed.join(', ')})`);
    }
    if (value === undefined) continue;
    const list = toStrings(kind, value);
    if (list === undefined) {
      throw new DockerFilterError(endpoint, key, allowed, `${endpoint} filter ${JSON.stringify(key)} must be ${EXPECTED[kind]}, got ${kindOf(value, 'value')}`);
    }
    // An empty list would still make the key present, which some daemon filters treat differently from absent.
    if (list.length === 0 && kind !== 'presence') continue;
    out[key] = list;
  }
  return Object.keys(out).length === 0 ? undefined : JSON.stringify(out);
}

/** `encodeFilterTable` with the generated keys of `operationId`; `endpoint` is the public method name. */
export function encodeOperationFilters<Op extends FilterOperation>(endpoint: string, operationId: Op, filters: FiltersOf<Op> | undefined): string | undefined {
  return encodeFilterTable(endpoint, filterTableOf(operationId), filters);
}
