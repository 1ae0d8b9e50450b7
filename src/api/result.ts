/**
 * The one "is this an error" rule, for every call: a status outside 2xx rejects with a DockerApiError carrying
 * status, method, path and the daemon's text — JSON answers and streamed answers alike, 3xx included (a
 * redirect is never followed and never success).
 */
import { DockerApiError } from '../core/errors.js';
import type { LiteResponse } from '../transport/response.js';
import type { RawRequest } from '../transport/transport.js';

/** What an openapi-fetch call resolves with (its response is the transport's LiteResponse). */
export interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: { status: number; url: string };
}

/** The daemon's message from an error body: `{"message": …}` JSON (already parsed), or the raw text. */
export function daemonMessage(body: unknown, status: number): string {
  if (body && typeof body === 'object' && typeof (body as { message?: unknown }).message === 'string') {
    return (body as { message: string }).message;
  }
  if (typeof body === 'string' && body.trim()) {
    try {
      const parsed = JSON.parse(body) as { message?: unknown };
      if (typeof parsed?.message === 'string') return parsed.message;
    } catch {
      // not JSON: the text itself is the message
    }
    return body.trim();
  }
  return `HTTP ${status}`;
}

/** Path of a request URL without origin and query (queries may carry values callers consider private). */
export function pathOf(url: string): string {
  const noQuery = url.split('?')[0];
  const i = noQuery.indexOf('/', noQuery.indexOf('//') + 2);
  return i < 0 ? '/' : noQuery.slice(i);
}

/** The error for a response that is not 2xx; `body` is its (already read) error body. */
export function apiError(res: LiteResponse, body: unknown): DockerApiError {
  return new DockerApiError(res.status, res.method, pathOf(res.url), daemonMessage(body, res.status));
}

/** The rule itself: the call's response when 2xx, else its DockerApiError. */
function settle(result: FetchResult<unknown>): LiteResponse {
  const res = result.response as unknown as LiteResponse;
  if (!res.ok) throw apiError(res, result.error);
  return res;
}

/** Await an openapi-fetch call: its data, or a DockerApiError for any status outside 2xx. */
export function unwrap<T>(call: Promise<FetchResult<T>>): Promise<T> {
  // A `.then` with a shared callback rather than an async function: every high-level call ends here.
  // (Promise.resolve returns a native promise as it is; anything else given to `docker.raw.unwrap` still rejects.)
  return Promise.resolve(call).then(dataOf) as Promise<T>;
}

function dataOf(result: FetchResult<unknown>): unknown {
  settle(result);
  return result.data;
}

/** Await an openapi-fetch call whose answer is in its headers (HEAD): the response, or a DockerApiError. */
export async function responseOf(call: Promise<FetchResult<unknown>>): Promise<LiteResponse> {
  return settle(await call);
}

/** What a streamed call passes into its `docker.api` call's init, next to its own params. */
export interface StreamInit {
  parseAs: 'stream';
  /** Send request bodies (tar streams) as they are: no JSON encoding. */
  bodySerializer: (body: unknown) => unknown;
  /** The `stream` lane (transport.ts, Lane), so a long answer never holds a connection short calls wait for. */
  send?: (req: RawRequest) => Promise<LiteResponse>;
}

const STREAM_INIT: StreamInit = { parseAs: 'stream', bodySerializer: (body: unknown): unknown => body };

/** The init of streamed calls sent with `send`. */
export function streamInit(send: (req: RawRequest) => Promise<LiteResponse>): StreamInit {
  return { ...STREAM_INIT, send };
}

/**
 * Run `call` (a `docker.api` call spread with the given init) and resolve with the response, its body not yet
 * read (`parseAs: 'stream'` only touches LiteResponse's lazy web `body`), when the engine answered 2xx. Any
 * other status rejects with a DockerApiError (the error body is read, so it is never mistaken for content).
 */
export async function openStream(call: (init: StreamInit) => Promise<FetchResult<unknown>>, init: StreamInit = STREAM_INIT): Promise<LiteResponse> {
  const result = await call(init);
  const res = result.response as unknown as LiteResponse;
  // openapi-fetch read an error body unless it announced no content; release the connection either way.
  if (!res.ok) await res.discard();
  return settle(result);
}
