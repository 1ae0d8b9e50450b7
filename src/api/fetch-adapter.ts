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
import createClient, { type Client } from 'openapi-fetch';
import type { paths } from '../../generated/docker-engine.js';
import { checkedPathSerializer } from '../core/path-params.js';
import type { LiteResponse } from '../transport/response.js';
import type { Lane, RawRequest, Transport } from '../transport/transport.js';

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
  return createClient<paths>({
    baseUrl: transport.origin,
    fetch: laneFetch(transport, 'call'),
    Request: LiteRequest as unknown as typeof Request,
    // Every path parameter of every call is checked here, once: no `.`/`..`/empty segment is ever sent.
    pathSerializer: checkedPathSerializer,
  });
}
