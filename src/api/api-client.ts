/**
 * The runtime of `docker.api` (typed by api-types.ts): each call turns (path, params, body) into one transport
 * request and its answer into openapi-fetch's `{ data | error, response }` — the same URL, query string, headers,
 * body and result openapi-fetch's `createClient()` produces for these inputs (test/unit/api-client.test.ts holds
 * the two side by side), without its generic per-call machinery.
 *
 * Why not openapi-fetch's runtime: per call it builds a WHATWG `Headers` (twice with a body) that the adapter
 * then iterates back into an object, creates a query serializer, runs the path template through a regex
 * and `new Request()`, and adds awaits; measured at 11–13 µs per call over the undici floor (bench/README.md),
 * and none of it can be switched off through its options. What it does for this client is small and fixed:
 * `{name}` path templates, form/deepObject query strings, JSON bodies, and four ways to read a 2xx body.
 */
import { serializePath } from '../core/path-params.js';
import type { LiteResponse } from '../transport/response.js';
import type { RawRequest } from '../transport/transport.js';
import type { DockerApi } from './api-types.js';

/** The init a call receives (typed per operation by api-types.ts; here only what the runtime reads). */
interface CallInit {
  params?: { path?: Record<string, unknown>; query?: Record<string, unknown>; header?: Record<string, unknown> };
  headers?: Record<string, unknown> | [string, string][] | Headers;
  body?: unknown;
  bodySerializer?: (body: unknown, headers: Record<string, string>) => unknown;
  querySerializer?: (query: Record<string, unknown>) => string;
  pathSerializer?: ApiClientOptions['pathSerializer'];
  parseAs?: 'json' | 'text' | 'blob' | 'arrayBuffer' | 'stream';
  signal?: AbortSignal | null;
  /** This client's own calls only (not in the public type): send this one call another way (e.g. another lane). */
  send?: ApiClientOptions['send'];
}

export interface ApiClientOptions {
  /** Sends one request (path without the version prefix, with its query string). */
  send: (req: RawRequest) => Promise<LiteResponse>;
  /** Replaces `{name}` templates of `path` with `params` (openapi-fetch's `pathSerializer` signature). */
  pathSerializer?: (path: string, params: Record<string, unknown>) => string;
  /** Sees every response before its body is read (test-only recording, fetch-adapter.ts); nothing when unset. */
  onResponse?: (info: { method: string; schemaPath: string; parseAs: string; response: LiteResponse }) => void;
}

/** openapi-fetch's default query serializer: arrays as repeated `k=v`, objects as `k[p]=v` (deepObject). */
export function serializeQuery(query: Record<string, unknown>): string {
  let out = '';
  for (const name in query) {
    const value = query[name];
    if (value === undefined || value === null) continue;
    let part: string;
    if (Array.isArray(value)) {
      if (value.length === 0) continue;
      part = value.map((v) => primitive(name, v)).join('&');
    } else if (typeof value === 'object') {
      const parts: string[] = [];
      for (const k in value) parts.push(primitive(`${name}[${k}]`, (value as Record<string, unknown>)[k]));
      part = parts.join('&');
    } else {
      part = primitive(name, value);
    }
    out = out === '' ? part : `${out}&${part}`;
  }
  return out;
}

function primitive(name: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') {
    throw new Error('Deeply-nested arrays/objects aren’t supported. Provide your own `querySerializer()` to handle these.');
  }
  return `${name}=${encodeURIComponent(value as string)}`;
}

/**
 * `value instanceof Headers` / `FormData` without naming the globals: Node defines them as lazy getters that load
 * its bundled undici on first access — about 35 ms of CPU and 12 MB of RSS in a process that never uses fetch
 * (every upload call passes here; bench/README.md, load/import). The tag also matches npm undici's own classes.
 */
function isTagged(value: unknown, tag: 'Headers' | 'FormData'): boolean {
  return typeof value === 'object' && value !== null && Object.prototype.toString.call(value) === `[object ${tag}]`;
}

/** Headers as openapi-fetch merges them (names lower-cased, `null` removes, arrays repeat), into `out`. */
function mergeHeaders(out: Record<string, string>, source: CallInit['headers'] | Record<string, unknown> | undefined): void {
  if (!source || typeof source !== 'object') return;
  const entries: Iterable<[string, unknown]> = isTagged(source, 'Headers') ? (source as Headers).entries() : Array.isArray(source) ? source : Object.entries(source);
  for (const [k, v] of entries) {
    const key = k.toLowerCase();
    if (v === null) delete out[key];
    else if (Array.isArray(v)) out[key] = v.map(String).join(', ');
    else if (v !== undefined) out[key] = String(v);
  }
}

async function call(options: ApiClientOptions, method: string, path: string, init: CallInit | undefined): Promise<object> {
  const params = init?.params;
  let url = params?.path ? (init?.pathSerializer ?? options.pathSerializer ?? serializePath)(path, params.path) : path;
  const query = params?.query;
  if (query) {
    let search = init?.querySerializer ? init.querySerializer(query) : serializeQuery(query);
    if (search.startsWith('?')) search = search.slice(1);
    if (search) url += `?${search}`;
  }
  const headers: Record<string, string> = {};
  if (init?.headers) mergeHeaders(headers, init.headers);
  if (params?.header) mergeHeaders(headers, params.header);
  let body: unknown;
  if (init?.body !== undefined) {
    if (init.bodySerializer) body = init.bodySerializer(init.body, headers);
    else if (headers['content-type'] === 'application/x-www-form-urlencoded') body = new URLSearchParams(init.body as Record<string, string>).toString();
    else body = JSON.stringify(init.body);
    if (body !== undefined && !isTagged(body, 'FormData')) headers['content-type'] ??= 'application/json';
  }
  const send = init?.send ?? options.send;
  const response = await send({ method, path: url, headers, body: body as RawRequest['body'], signal: init?.signal ?? undefined });
  options.onResponse?.({ method, schemaPath: path, parseAs: init?.parseAs ?? 'json', response });

  const contentLength = response.headers.get('content-length');
  if (response.status === 204 || method === 'HEAD' || (contentLength === '0' && !response.headers.get('transfer-encoding')?.includes('chunked'))) {
    return response.ok ? { data: undefined, response } : { error: undefined, response };
  }
  if (response.ok) {
    const parseAs = init?.parseAs ?? 'json';
    if (parseAs === 'stream') return { data: response.body, response };
    if (parseAs === 'json') {
      if (contentLength) return { data: await response.json(), response };
      const raw = await response.text();
      return { data: raw ? JSON.parse(raw) : undefined, response };
    }
    return { data: await response[parseAs](), response };
  }
  let error: unknown = await response.text();
  try {
    error = JSON.parse(error as string);
  } catch {
    // not JSON: the text is the error
  }
  return { error, response };
}

/** `docker.api` over `options.send`. */
export function createApiClient(options: ApiClientOptions): DockerApi {
  const method = (name: string) => (path: string, init?: CallInit) => call(options, name, path, init);
  return { GET: method('GET'), POST: method('POST'), PUT: method('PUT'), DELETE: method('DELETE'), HEAD: method('HEAD') } as unknown as DockerApi;
}
