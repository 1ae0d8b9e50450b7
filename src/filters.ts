/**
 * Typed `filters` for the image endpoints, encoded as the JSON map the daemon reads (`{"key":["v1","v2"]}`).
 *
 * Each endpoint has exactly the keys its spec documents; an unknown key is a compile error (object literals) and
 * a DockerFilterError (a TypeError) at runtime, naming the key, the endpoint and the keys it accepts. The daemon
 * itself would answer 400 for most unknown keys, but only after a round trip, and it ignores some silently.
 */
import type { components } from '../generated/docker-engine.js';
import { DockerFilterError } from './errors.js';

/** One or several values; several are OR-ed by the daemon. */
export type FilterValues = string | readonly string[];
/**
 * Label filter: `"key"`, `"key=value"`, a list of those, or an object — `{ key: "value" }` → `key=value`,
 * `{ key: true }` → `key` (has the label, any value). Several labels are AND-ed by the daemon.
 */
export type LabelFilter = string | readonly string[] | Readonly<Record<string, string | true>>;
/** Timestamp (RFC 3339, Unix seconds) or Go duration (`10m`, `1h30m`) relative to the daemon's clock. */
export type UntilFilter = string | number;

/** GET /images/json */
export interface ImageListFilters {
  /** Images created before this image (`name[:tag]`, id or `name@digest`). */
  before?: FilterValues;
  /** `true`: only untagged images; `false`: only tagged ones. */
  dangling?: boolean;
  label?: LabelFilter;
  /** `name[:tag]`, may contain glob patterns. */
  reference?: FilterValues;
  /** Images created after this image. */
  since?: FilterValues;
  until?: UntilFilter;
}

/** POST /images/prune */
export interface ImagePruneFilters {
  /** `true` (default): prune only untagged images; `false`: all unused images. */
  dangling?: boolean;
  until?: UntilFilter;
  /** Prune only images with these labels. */
  label?: LabelFilter;
  /** Prune only images without these labels. */
  'label!'?: LabelFilter;
}

/**
 * POST /build/prune. The daemon accepts a single value per key ("filters expect only one value"), and
 * `inuse`/`shared`/`private` are presence filters: buildkit matches them on the key alone, so only `true`
 * can be expressed (`shared: false` is `private: true`).
 */
export interface BuilderPruneFilters {
  /** Remove cache older than this (older engines accept only Go durations such as `24h`). */
  until?: UntilFilter;
  id?: string;
  parent?: string;
  type?: NonNullable<components['schemas']['BuildCache']['Type']>;
  description?: string;
  inuse?: true;
  shared?: true;
  private?: true;
}

/** GET /images/search */
export interface ImageSearchFilters {
  /** @deprecated Removed from the API spec (Docker Hub no longer has automated builds); older engines still accept it. */
  'is-automated'?: boolean;
  'is-official'?: boolean;
  /** At least this many stars. */
  stars?: number;
}

/** Filters by operation name (the names of the public API methods). */
export interface FiltersByEndpoint {
  'images.list': ImageListFilters;
  'images.prune': ImagePruneFilters;
  'builder.prune': BuilderPruneFilters;
  'images.search': ImageSearchFilters;
}
export type FilterEndpoint = keyof FiltersByEndpoint;

/** How each key's value is checked and turned into the daemon's list of strings. */
type Kind = 'values' | 'bool' | 'label' | 'until' | 'single' | 'presence' | 'count';

const KEYS: { readonly [E in FilterEndpoint]: { readonly [K in keyof Required<FiltersByEndpoint[E]>]: Kind } } = {
  'images.list': { before: 'values', dangling: 'bool', label: 'label', reference: 'values', since: 'values', until: 'until' },
  'images.prune': { dangling: 'bool', until: 'until', label: 'label', 'label!': 'label' },
  'builder.prune': {
    until: 'until',
    id: 'single',
    parent: 'single',
    type: 'single',
    description: 'single',
    inuse: 'presence',
    shared: 'presence',
    private: 'presence',
  },
  'images.search': { 'is-automated': 'bool', 'is-official': 'bool', stars: 'count' },
};

const EXPECTED: Record<Kind, string> = {
  values: 'a string or an array of strings',
  bool: 'a boolean',
  label: 'a string, an array of strings or a { key: value | true } object',
  until: 'a string or a number',
  single: 'a string',
  presence: 'true',
  count: 'a non-negative integer',
};

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return typeof value;
}

/** The value as the daemon's list of strings, or undefined when the value is not of the kind's type. */
function toStrings(kind: Kind, value: unknown): string[] | undefined {
  switch (kind) {
    case 'values':
      if (typeof value === 'string') return [value];
      if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return [...value];
      return undefined;
    case 'label':
      if (typeof value === 'string') return [value];
      if (Array.isArray(value)) return value.every((v) => typeof v === 'string') ? [...value] : undefined;
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
 * The `filters` query parameter for `endpoint`, or undefined when there is nothing to filter on (no filters,
 * or every key undefined / an empty list) so that no parameter is sent.
 */
export function encodeFilters<E extends FilterEndpoint>(endpoint: E, filters: FiltersByEndpoint[E] | undefined): string | undefined {
  const table = KEYS[endpoint] as Readonly<Record<string, Kind>> | undefined;
  if (table === undefined) {
    throw new DockerFilterError(String(endpoint), '', [], `no filters are defined for ${JSON.stringify(endpoint)} (known: ${Object.keys(KEYS).join(', ')})`);
  }
  if (filters === undefined || filters === null) return undefined;
  const allowed = Object.keys(table);
  if (typeof filters !== 'object' || Array.isArray(filters)) {
    throw new DockerFilterError(endpoint, '', allowed, `${endpoint} filters must be an object, got ${describe(filters)}`);
  }
  const out: Record<string, string[]> = {};
  for (const [key, value] of Object.entries(filters)) {
    const kind = Object.hasOwn(table, key) ? table[key] : undefined;
    if (kind === undefined) {
      throw new DockerFilterError(endpoint, key, allowed, `unknown ${endpoint} filter ${JSON.stringify(key)} (allowed: ${allowed.join(', ')})`);
    }
    if (value === undefined) continue;
    const strings = toStrings(kind, value);
    if (strings === undefined) {
      throw new DockerFilterError(endpoint, key, allowed, `${endpoint} filter ${JSON.stringify(key)} must be ${EXPECTED[kind]}, got ${describe(value)}`);
    }
    // An empty list would still make the key present, which some daemon filters treat differently from absent.
    if (strings.length === 0 && kind !== 'presence') continue;
    out[key] = strings;
  }
  return Object.keys(out).length === 0 ? undefined : JSON.stringify(out);
}
