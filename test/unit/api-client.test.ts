/**
 * `docker.api`'s runtime (src/api/api-client.ts) against openapi-fetch's `createClient()`, the reference it
 * replaces: for the same call both must send the same request (method, path and query, headers, body) and
 * resolve with the same `{ data | error }` for the same answer. Pure request/answer shaping, so the transport is
 * a recorder here; real engines answer the same calls in client.test.ts and images-query.test.ts.
 */
import { Readable } from 'node:stream';
import createClient from 'openapi-fetch';
import { createApiClient } from '../../src/api/api-client';
import { LiteResponse } from '../../src/transport/response';
import type { RawRequest } from '../../src/transport/transport';

interface Answer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

/** An undici-like response body with the readers LiteResponse uses. */
function undiciData(a: Answer): ConstructorParameters<typeof LiteResponse>[0] {
  const text = a.body ?? '';
  const body = Object.assign(Readable.from([Buffer.from(text)]), {
    text: async () => text,
    json: async () => JSON.parse(text) as unknown,
    arrayBuffer: async () => new TextEncoder().encode(text).buffer,
    blob: async () => new Blob([text]),
    dump: async () => {},
    bodyUsed: false,
  });
  return { statusCode: a.status, headers: a.headers ?? {}, body } as unknown as ConstructorParameters<typeof LiteResponse>[0];
}

interface Sent {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

const ORIGIN = 'http://localhost';

/** Both clients over recorders answering `answer`; returns what each sent and resolved with. */
async function both(method: 'GET' | 'POST' | 'DELETE' | 'HEAD', path: string, init: Record<string, unknown> | undefined, answer: Answer) {
  const sent: Sent[] = [];
  const respond = (m: string, p: string) => new LiteResponse(undiciData(answer), m, ORIGIN + p);
  const ours = createApiClient({
    send: async (req: RawRequest) => {
      sent.push({ method: req.method, path: req.path, headers: req.headers ?? {}, body: req.body });
      return respond(req.method, req.path);
    },
  }) as unknown as Record<string, (p: string, i?: unknown) => Promise<{ data?: unknown; error?: unknown }>>;
  class Req {
    url: string;
    method: string;
    headers: Headers;
    body: unknown;
    constructor(url: string, i: { method: string; headers: Headers; body?: unknown }) {
      this.url = url;
      this.method = i.method;
      this.headers = i.headers;
      this.body = i.body;
    }
  }
  const reference = createClient<Record<string, never>>({
    baseUrl: ORIGIN,
    Request: Req as unknown as typeof Request,
    fetch: (async (r: Req) => {
      const headers: Record<string, string> = {};
      r.headers.forEach((v, k) => (headers[k] = v));
      sent.push({ method: r.method, path: r.url.slice(ORIGIN.length), headers, body: r.body });
      return respond(r.method, r.url.slice(ORIGIN.length));
    }) as unknown as typeof fetch,
  }) as unknown as Record<string, (p: string, i?: unknown) => Promise<{ data?: unknown; error?: unknown }>>;
  const a = await ours[method](path, init);
  const b = await reference[method](path, init);
  return { ours: { sent: sent[0], data: a.data, error: a.error }, reference: { sent: sent[1], data: b.data, error: b.error } };
}

const json = (body: unknown, extra: Record<string, string> = {}): Answer => {
  const text = JSON.stringify(body);
  return { status: 200, headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), ...extra }, body: text };
};

describe('docker.api runtime matches openapi-fetch', () => {
  const cases: [string, 'GET' | 'POST' | 'DELETE' | 'HEAD', string, Record<string, unknown> | undefined, Answer][] = [
    ['no init', 'GET', '/images/json', undefined, json([{ Id: 'a' }])],
    ['a missing path parameter stays a template (as openapi-fetch leaves it)', 'GET', '/images/{name}/json', { params: { path: {} } }, json({})],
    ['path parameter with reserved characters', 'GET', '/images/{name}/json', { params: { path: { name: 'localhost:5000/a b/c:tag' } } }, json({ Id: 'x' })],
    [
      'query: booleans, numbers, arrays repeated, objects as deepObject, undefined and null skipped, empty arrays skipped',
      'GET',
      '/images/json',
      { params: { query: { all: true, n: 3, t: ['a', 'b c'], labels: { 'k=1': 'v&2' }, skip: undefined, nul: null, none: [], f: '{"dangling":["true"]}' } } },
      json([]),
    ],
    ['JSON body with a declared header and extra headers', 'POST', '/containers/create', { params: { query: { name: 'n' }, header: { 'X-Registry-Auth': 'abc' } }, headers: { 'X-Extra': 1 }, body: { Image: 'i', Cmd: ['true'] } }, { status: 201, headers: { 'content-length': '17' }, body: '{"Id":"c","W":[]}' }],
    ['body serializer passes the body through', 'POST', '/images/load', { body: 'raw-bytes', bodySerializer: (b: unknown) => b, headers: { 'Content-Type': 'application/x-tar' } }, { status: 200, body: '{"stream":"ok"}\n' }],
    ['204: no data', 'DELETE', '/containers/{id}', { params: { path: { id: 'c' }, query: { force: true } } }, { status: 204 }],
    ['chunked JSON (no Content-Length)', 'GET', '/containers/json', { params: { query: { all: true } } }, { status: 200, headers: { 'transfer-encoding': 'chunked' }, body: '[{"Id":"q"}]' }],
    ['empty chunked body', 'GET', '/containers/json', undefined, { status: 200, headers: { 'transfer-encoding': 'chunked' }, body: '' }],
    ['parseAs text', 'GET', '/_ping', { parseAs: 'text' }, { status: 200, headers: { 'content-length': '2' }, body: 'OK' }],
    ['error with a JSON message', 'GET', '/images/{name}/json', { params: { path: { name: 'nope' } } }, { status: 404, headers: { 'content-length': '29' }, body: '{"message":"No such image: x"}' }],
    ['error with a text body', 'GET', '/info', undefined, { status: 500, body: 'plain failure\n' }],
    ['HEAD', 'HEAD', '/containers/{id}/archive', { params: { path: { id: 'c' }, query: { path: '/etc' } } }, { status: 200, headers: { 'x-docker-container-path-stat': 'e30=' } }],
  ];
  test.each(cases)('%s', async (_label, method, path, init, answer) => {
    const { ours, reference } = await both(method, path, init, answer);
    expect(ours.sent).toEqual(reference.sent);
    expect(ours.data).toEqual(reference.data);
    expect(ours.error).toEqual(reference.error);
  });

  test('a nested object in the query is refused as openapi-fetch refuses it', async () => {
    await expect(both('GET', '/images/json', { params: { query: { deep: { a: { b: 1 } } } } }, json([]))).rejects.toThrow(/Deeply-nested/);
  });
});
