/**
 * Typed `docker.api` calls whose answer is a byte stream (save's tar, the JSON progress lines of pull, push,
 * build, import and load): the call goes through openapi-fetch, so path, query and headers are checked against
 * the generated `paths`, and the caller gets the undici response with its Node body not yet read
 * (`parseAs: 'stream'` only touches LiteResponse's lazy web `body`, which never reads unless read from).
 */
import { apiError } from './call.js';
import type { LiteResponse } from './fetch-adapter.js';

/** What the call site passes into its `docker.api` call's init, next to its own params. */
export interface StreamInit {
  parseAs: 'stream';
  /** Send request bodies (tar streams) as they are: no JSON encoding. */
  bodySerializer: (body: unknown) => unknown;
}

interface ApiResult {
  error?: unknown;
  response: { status: number; url: string };
}

const STREAM_INIT: StreamInit = { parseAs: 'stream', bodySerializer: (body: unknown): unknown => body };

/**
 * Run `call` (a `docker.api` call spread with the given init) and resolve with the response when the engine
 * answered 2xx; any other status rejects with a DockerApiError carrying the daemon's message (the error body is
 * read, so it can never be mistaken for stream content). Transport failures reject with the transport's typed
 * errors.
 */
export async function openStream(method: string, call: (init: StreamInit) => Promise<ApiResult>): Promise<LiteResponse> {
  const { error, response } = await call(STREAM_INIT);
  const res = response as unknown as LiteResponse;
  if (response.status < 200 || response.status >= 300) {
    // openapi-fetch read the error body unless it announced no content; release the connection either way.
    await res.nodeBody.dump().catch(() => {});
    throw apiError(method, response.url, response.status, error);
  }
  return res;
}
