/**
 * What one request to the engine is (RawRequest) and where it goes (Lane): the shape every typed call and the
 * escape hatch hand to the Transport (transport.ts, which re-exports both).
 */
import type { Readable } from 'node:stream';

/** One request as sent: the escape hatch (`docker.raw.request`) and every typed call end up here. */
export interface RawRequest {
  method: string;
  /** Path without the version prefix, with its query string, e.g. `/images/json?all=true`. */
  path: string;
  headers?: Record<string, string>;
  // What undici's `DispatchOptions['body']` takes, spelt out (the public request type needs no undici types).
  body?: string | Uint8Array | Readable | null | Blob | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;
  signal?: AbortSignal;
  /** Send without the `/vX.Y` prefix (only `/_ping` negotiation does). */
  unversioned?: boolean;
  /**
   * `stream` for an answer that may last (a pull, a followed log); `download` for a GET whose body you read as
   * bytes with `res.readable()` (a tar): see Lane. Default `call`.
   */
  lane?: Lane;
  /**
   * The engine writes this answer message by message, flushing each (a log): on a connection of its own (`stream`,
   * `download`), after a read of less than 16 KiB the next read waits 1 ms, so the messages of that millisecond
   * come in one read instead of one wake-up each — at most 1 ms later. Not while the engine writes faster than a
   * wait can hold (a socket buffer per wait): transport/read-pacer.ts.
   */
  paced?: boolean;
}

/**
 * Where a request goes. `call` and `stream` each have connections of their own, capped at `maxConnections`: long
 * answers (`stream`: pulls, builds, followed logs, hijacked sessions) can never take every connection and leave
 * short calls (`call`) queued behind them, nor a burst of short calls delay a stream.
 * - `call`: the call pool's kept-alive connections (call-pool.ts) for a string or bytes body; a streamed body goes
 *   on `stream`. Over ssh, undici's Pool.
 * - `stream` and `download` (a GET whose body is bytes for the caller: save, export, archive): a connection of its
 *   own per request (download.ts), connection upgrades too (upgrade-socket.ts); beyond the cap they wait in order
 *   for one to close (download-lane.ts). Over ssh, undici's stream Pool, which queues the same way.
 * The file descriptors used stay ≤ 2 × the cap.
 */
export type Lane = 'call' | 'stream' | 'download';
