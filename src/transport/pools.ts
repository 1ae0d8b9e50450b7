/**
 * The two keep-alive undici pools of a client over ssh (both lanes: request.ts, Lane) and how a request is sent on
 * one. transport.ts reaches this module only through `await import()` on the first request that needs it, so it
 * loads with that request, not with the package: undici's Pool loads its
 * HTTP/1 and HTTP/2 clients and with them node:http2, node:tls and node:crypto — about 30 ms of process start, three
 * quarters of what loading the package cost (bench/README.md, "Import cost") — and its first connection compiles
 * llhttp. A process that only makes calls, downloads, uploads and streams over a unix socket, TCP or TLS
 * (call-pool.ts, download.ts) never pays it.
 */
import type { Dispatcher } from 'undici';
// The parts of undici this client uses, not its index (which loads fetch, WebSocket, caches…); the modules are
// the ones the index re-exports (test/unit/undici-parts.test.ts), typed by undici-parts.d.ts.
import Pool from 'undici/lib/dispatcher/pool.js';
import dispatchRequest from 'undici/lib/api/api-request.js';
import type { Dial } from './dial.js';

export type PoolLane = 'call' | 'stream';

export class Pools {
  private readonly lanes: Readonly<Record<PoolLane, Pool>>;

  /** `timeout` (ms, 0 = none) bounds headers and the gap between body chunks; each lane holds ≤ `connections` sockets. */
  constructor(dial: Dial, timeout: number, connections: number) {
    const open = (): Pool =>
      new Pool(dial.origin, {
        connect: dial.connect,
        headersTimeout: timeout,
        bodyTimeout: timeout,
        keepAliveTimeout: 10_000,
        // Calls beyond the cap wait in the pool's queue (in order) instead of opening more sockets.
        connections,
        // Pull/build progress lines can be long; never cap response header size below undici's default.
      });
    this.lanes = { call: open(), stream: open() };
  }

  /** The lane's dispatcher (a connection upgrade dispatches on it itself). */
  get(lane: PoolLane): Dispatcher {
    return this.lanes[lane];
  }

  /** `pool.request()`: the same function, attached to Dispatcher.prototype only by undici's index. */
  request(lane: PoolLane, opts: Dispatcher.RequestOptions): Promise<Dispatcher.ResponseData> {
    return dispatchRequest.call(this.lanes[lane], opts);
  }

  /** Both lanes finish what they have queued and close. */
  close(): Promise<unknown> {
    return Promise.all([this.lanes.call.close(), this.lanes.stream.close()]);
  }

  /** Both lanes abort what they have with `reason` and close. */
  destroy(reason: Error): Promise<unknown> {
    return Promise.all([this.lanes.call.destroy(reason), this.lanes.stream.destroy(reason)]);
  }
}
