/**
 * Typed `docker.api` calls whose answer is a byte stream (save's tar, the JSON progress lines of pull, push,
 * build, import and load): the call goes through openapi-fetch, so path, query and headers are checked against
 * the generated `paths`, and the caller gets the undici response with its Node body not yet read.
 *
 * Why not `parseAs: 'stream'` on its own: openapi-fetch then returns `response.body`, and LiteResponse builds that
 * web stream with `Readable.toWeb`, which starts pulling from the Node body at once — anyone reading `nodeBody`
 * afterwards misses the chunks already moved into the web stream's queue. So the call gets its own `fetch` that
 * hands openapi-fetch a view of the response whose `body` is the raw Node body, which nothing here reads.
 */
import { apiError } from './call.js';
import type { DockerClient } from './client.js';
import type { LiteRequest, LiteResponse } from './fetch-adapter.js';

type ApiFetch = (input: Request) => Promise<Response>;

/** What the call site passes into its `docker.api` call's init, next to its own params. */
export interface StreamInit {
  fetch: ApiFetch;
  parseAs: 'stream';
  /** Send request bodies (tar streams) as they are: no JSON encoding. */
  bodySerializer: (body: unknown) => unknown;
}

interface ApiResult {
  error?: unknown;
  response: { status: number; url: string };
}

const passThrough = (body: unknown): unknown => body;

/**
 * Run `call` (a `docker.api` call spread with the given init) and resolve with the response when the engine
 * answered 2xx; any other status rejects with a DockerApiError carrying the daemon's message (the error body is
 * read, so it can never be mistaken for stream content). Transport failures reject with the transport's typed
 * errors.
 */
export async function openStream(docker: DockerClient, method: string, call: (init: StreamInit) => Promise<ApiResult>): Promise<LiteResponse> {
  let captured: LiteResponse | undefined;
  const fetch = async (input: LiteRequest) => {
    const res = await docker.transport.fetch(input);
    captured = res;
    return {
      status: res.status,
      ok: res.ok,
      url: res.url,
      headers: res.headers,
      // openapi-fetch hands this back as `data` on success; it is never read through this reference.
      body: res.nodeBody,
      text: () => res.text(),
    };
  };
  const { error, response } = await call({ fetch: fetch as unknown as ApiFetch, parseAs: 'stream', bodySerializer: passThrough });
  if (!captured) throw new Error('openStream: the call did not go through the given fetch');
  if (response.status < 200 || response.status >= 300) {
    // openapi-fetch read the error body unless it announced no content; release the connection either way.
    await captured.nodeBody.dump().catch(() => {});
    throw apiError(method, response.url, response.status, error);
  }
  return captured;
}
