/**
 * `docker.raw`: the deliberate escape hatch for what the typed calls do not cover — endpoints outside the spec
 * (Podman's `/libpod/…`), exact wire control in tests, answers read by hand.
 */
import type { LiteResponse } from '../transport/response.js';
import type { RawRequest, Transport } from '../transport/transport.js';
import { unwrap, type FetchResult } from './result.js';

export type { RawRequest } from '../transport/transport.js';

export class RawApi {
  constructor(private readonly transport: Transport) {}

  /**
   * Send one request over the client's connection: `path` without the `/vX.Y` prefix (added after negotiation
   * unless `unversioned`), with its query string. Resolves with the response whatever its status (check
   * `res.ok` / `res.status`); read or discard its body (`text()`, `json()`, `chunks()`, `discard()`) to free the
   * connection. Transport failures reject with the typed errors.
   *
   * @example const res = await docker.raw.request({ method: 'GET', path: '/libpod/info' });
   */
  request(req: RawRequest): Promise<LiteResponse> {
    return this.transport.request(req);
  }

  /**
   * Await a `docker.api` call the way every resource method does: its data, or DockerApiError for any status
   * outside 2xx. `await docker.raw.unwrap(docker.api.GET('/containers/json'))`.
   */
  unwrap<T>(call: Promise<FetchResult<T>>): Promise<T> {
    return unwrap(call);
  }
}
