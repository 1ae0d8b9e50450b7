/**
 * `docker.api` over the transport: every operation of the generated `paths`, typed by api-types.ts, sent by
 * api-client.ts as one `transport.request()` (undici `dispatcher.request()`): request bodies go out as they were
 * given (string, bytes, Node stream, async iterable — never re-buffered) and the answer is the transport's
 * LiteResponse. The call shape and results are openapi-fetch's (`{ data | error, response }`).
 */
import type { Transport } from '../transport/transport.js';
import { createApiClient } from './api-client.js';
import type { DockerApi } from './api-types.js';

export type { DockerApi };

/** The typed API over `transport`. */
export function createDockerApi(transport: Transport): DockerApi {
  return createApiClient({ send: (req) => transport.request(req) });
}
