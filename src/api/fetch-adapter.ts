/**
 * `docker.api` over the transport: every operation of the generated `paths`, typed by api-types.ts, sent by
 * api-client.ts as one `transport.request()` (undici `dispatcher.request()`) on the `call` lane: request bodies
 * go out as they were given (string, bytes, Node stream, async iterable — never re-buffered) and the answer is
 * the transport's LiteResponse. The call shape and results are openapi-fetch's (`{ data | error, response }`).
 */
import { checkedPathSerializer } from '../core/path-params.js';
import type { LiteResponse } from '../transport/response.js';
import type { Lane, RawRequest, Transport } from '../transport/transport.js';
import { createApiClient } from './api-client.js';
import type { DockerApi } from './api-types.js';

export type { DockerApi };

/** Sends one request over one lane of `transport` (the request object is api-client's own, made per call). */
export function laneSend(transport: Transport, lane: Lane): (req: RawRequest) => Promise<LiteResponse> {
  return (req) => {
    req.lane = lane;
    return transport.request(req);
  };
}

/** The typed API over `transport` (the `call` lane; streamed calls pass the `stream` lane's send in their init). */
export function createDockerApi(transport: Transport): DockerApi {
  // Every path parameter of every call is checked here, once: no `.`/`..`/empty segment is ever sent.
  return createApiClient({ send: laneSend(transport, 'call'), pathSerializer: checkedPathSerializer });
}
