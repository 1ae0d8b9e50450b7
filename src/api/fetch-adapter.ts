/**
 * openapi-fetch over the transport: `docker.api`, typed by the generated `paths`, sending through undici.
 *
 * openapi-fetch only needs a small part of Request/Response: it builds a Request from (url, init), hands it to
 * `fetch`, then reads status, ok, headers.get() and text()/json()/body. Real WHATWG Request/Response objects
 * cost a web-stream per body and header copies on every call, and undici's fetch follows redirects by buffering
 * upload bodies. This adapter keeps openapi-fetch's typing but sends each call with `dispatcher.request()`:
 * request bodies go out as they were given (string, bytes, Node stream, async iterable — never re-buffered) and
 * the answer is the transport's LiteResponse.
 */
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { paths } from '../../generated/docker-engine.js';
import { checkedPathSerializer } from '../core/path-params.js';
import type { LiteResponse } from '../transport/response.js';
import type { Lane, RawRequest, Transport } from '../transport/transport.js';
import { responseRecorder, type ResponseRecorder } from './recorder.js';

/** Every operation of the pinned spec, typed: `docker.api.GET('/containers/json', { params: { query: { all: true } } })`. */
export type DockerApi = Client<paths, `${string}/${string}`>;

/** What openapi-fetch constructs with `new Request(url, init)`; stores its input, nothing more. */
export class LiteRequest {
  readonly url: string;
  readonly method: string;
  readonly headers: Headers;
  readonly body: unknown;
  readonly signal: AbortSignal | undefined;
  constructor(url: string, init: { method?: string; headers?: Headers; body?: unknown; signal?: AbortSignal | null } = {}) {
    this.url = url;
    this.method = (init.method ?? 'GET').toUpperCase();
    this.headers = init.headers ?? new Headers();
    this.body = init.body ?? undefined;
    this.signal = init.signal ?? undefined;
  }
}
/** openapi-fetch's `fetch` over one lane of `transport`: takes the LiteRequest it built and sends it. */
export function laneFetch(transport: Transport, lane: Lane): (input: Request) => Promise<Response> {
  const fetch = (input: LiteRequest): Promise<LiteResponse> => {
    const headers: Record<string, string> = {};
    input.headers.forEach((v, k) => {
      headers[k] = v;
    });
    return transport.request({
      method: input.method,
      path: input.url.slice(transport.origin.length),
      headers,
      body: input.body as RawRequest['body'],
      signal: input.signal,
      lane,
    });
  };
  return fetch as unknown as (input: Request) => Promise<Response>;
}

/** The openapi-fetch client over `transport` (the `call` lane; streamed calls pass the `stream` lane's fetch). */
export function createDockerApi(transport: Transport): DockerApi {
  const client = createClient<paths>({
    baseUrl: transport.origin,
    fetch: laneFetch(transport, 'call'),
    Request: LiteRequest as unknown as typeof Request,
    // Every path parameter of every call is checked here, once: no `.`/`..`/empty segment is ever sent.
    pathSerializer: checkedPathSerializer,
  });
  const recorder = responseRecorder();
  if (recorder) client.use(recording(recorder));
  return client;
}

/** Tee each parsed 2xx JSON answer to `record` (test-only, see recorder.ts): wraps the body reader openapi-fetch calls. */
function recording(record: ResponseRecorder): Middleware {
  return {
    onResponse({ request, response, schemaPath, options }) {
      const parseAs = (options as { parseAs?: string }).parseAs ?? 'json';
      const res = response as unknown as LiteResponse & { text(): Promise<string>; json(): Promise<unknown> };
      const meta = { method: request.method, schemaPath, status: res.status, server: res.headers.get('server'), apiVersion: res.headers.get('api-version') };
      if (!response.ok) return undefined;
      if (parseAs === 'stream') {
        // JSON-lines answers (events, stats, progress): each line is one answer to its schema.
        if (/json/.test(res.headers.get('content-type') ?? '')) teeLines(res, (body) => record({ ...meta, body }));
        return undefined;
      }
      if (parseAs !== 'json') return undefined;
      const { text, json } = res;
      res.text = async () => {
        const raw = await text.call(res);
        let body: unknown;
        try {
          body = raw ? (JSON.parse(raw) as unknown) : undefined;
        } catch {
          return raw; // not JSON: openapi-fetch's own parse reports it
        }
        if (body !== undefined) record({ ...meta, body });
        return raw;
      };
      res.json = async () => {
        const body = await json.call(res);
        record({ ...meta, body });
        return body;
      };
      return undefined;
    },
  };
}

/** Wrap `res.chunks()` so each complete JSON line read through it is passed to `record` (bytes pass unchanged). */
function teeLines(res: LiteResponse, record: (body: unknown) => void): void {
  const chunks = res.chunks.bind(res);
  res.chunks = async function* () {
    const decoder = new TextDecoder();
    let pending = '';
    const emit = (line: string): void => {
      if (!line.trim()) return;
      try {
        record(JSON.parse(line) as unknown);
      } catch {
        // not a JSON line: the stream's own decoder reports it
      }
    };
    for await (const chunk of chunks()) {
      pending += decoder.decode(chunk, { stream: true });
      const lines = pending.split('\n');
      pending = lines.pop()!;
      lines.forEach(emit);
      yield chunk;
    }
    emit(pending + decoder.decode());
  };
}
