/**
 * The download connection: a GET whose answer is bytes handed to the caller (an image's tar, a container's
 * export or archive), sent on a connection of its own that reads the socket into one reused buffer (Node's
 * `onread`), parses the answer with http1-parser.ts and copies the payload out into the download reader's
 * batches (download-reader.ts). One request per connection (`Connection: close`): it lasts as long as the
 * transfer, so keeping it alive would save nothing. The stream lane's requests take such a connection too
 * (uploads — load, import, build, put archive — pulls, pushes, events: transport.ts), their bodies written by
 * body-writer.ts: a process that streams then never loads undici's Pool nor compiles its parser (a ~30 MB
 * transient of peak RSS, bench/README.md).
 *
 * Why not undici for these: each socket read undici makes is a new buffer, copied into llhttp's memory and handed
 * on as a view of the read; on a 1 GiB download that is ~30 MB of dead buffers waiting for a scavenge and
 * ~25 000 trips through Node's stream machinery (bench/README.md, "Downloads on a connection of their own").
 *
 * Failures are undici's error types (connect timeout, headers/body timeout, socket error, parser error), so the
 * transport maps them exactly as it maps undici's.
 */
import type { Socket } from 'node:net';
import undiciErrors from 'undici/lib/core/errors.js';
import { followAbort } from '../core/on-abort.js';
import { fixedLength, writeRequest, type SendBody } from './body-writer.js';
import type { DownloadDialer } from './dial.js';
import { CONNECT_TIMEOUT_MS } from './failures.js';
import { Http1Parser, type RawHeaders } from './http1-parser.js';
import { DownloadReader } from './download-reader.js';
import { declaredLength, requestHead } from './request-head.js';
import type { UpgradedConnection, UpgradeRequest, UpgradeTarget } from './upgrade.js';
import { upgradeSocket } from './upgrade-socket.js';

/** Each socket read lands here: larger than the ~32–64 KiB an engine writes at a time, so one read takes it all. */
export const READ_BUFFER_BYTES = 256 << 10;

export interface DownloadRequest {
  /** Default GET. */
  method?: string;
  /** The full path, with its version prefix and query. */
  path: string;
  headers: Record<string, string>;
  body?: SendBody;
  signal?: AbortSignal;
  /** ms for the answer's head, and at most between two reads of its body; 0 = no limit. */
  timeout: number;
  /** Maps failures of the body to the client's typed errors (the request's own failures are thrown raw). */
  mapError: (err: unknown, bytesReceived: number) => Error;
}

export interface DownloadResponse {
  statusCode: number;
  headers: RawHeaders;
  body: DownloadReader;
}

/**
 * One transport's download connections: opened while they and the stream lane's connections stay under the
 * connection cap, and tracked, so that close() can wait for them and destroy() can end them.
 */
export class DownloadLane {
  private readonly sockets = new Set<Socket>();
  constructor(private readonly dialer: DownloadDialer) {}

  /** See DownloadDialer.local. */
  get local(): boolean {
    return this.dialer.local === true;
  }

  /** Room for one more next to `connections` others, under `cap`. */
  fits(connections: number, cap: number): boolean {
    return this.sockets.size + connections < cap;
  }

  request(req: DownloadRequest): Promise<DownloadResponse> {
    return download(this.dialer, req, (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
  }

  /**
   * A connection upgrade on a connection of its own (upgrade-socket.ts): counted here until the engine's answer, then
   * the session's (as undici's Pool lets go of an upgraded socket).
   */
  upgrade(conn: UpgradeTarget, req: UpgradeRequest, timeout: number): Promise<UpgradedConnection> {
    return upgradeSocket(this.dialer, conn, req, timeout, (socket) => {
      this.sockets.add(socket);
      return () => this.sockets.delete(socket);
    });
  }

  /** Resolves when every download connection open now has closed. */
  closed(): Promise<void> {
    return Promise.all([...this.sockets].map((s) => new Promise((resolve) => (s.closed ? resolve(undefined) : s.once('close', resolve))))).then(() => undefined);
  }

  /** Ends every download now: its body fails with `reason`. */
  destroy(reason: Error): Promise<void> {
    for (const socket of this.sockets) socket.destroy(reason);
    return this.closed();
  }
}

/** Send the request on a new connection; resolves with the answer's head and its body reader. */
function download(dialer: DownloadDialer, req: DownloadRequest, opened: (socket: Socket) => void): Promise<DownloadResponse> {
  return new Promise<DownloadResponse>((resolve, reject) => {
    const method = req.method ?? 'GET';
    const length = fixedLength(req.body);
    const stream = req.body != null && length === undefined;
    const declared = stream ? declaredLength(req.headers) : undefined;
    const head = requestHead(method, req.path, dialer.host, req.headers, stream ? 'stream' : length, 'close');

    let reader: DownloadReader | undefined;
    let pause = false;
    let settled = false;
    const parser = new Http1Parser({
      onHead(statusCode, headers) {
        const contentType = headers['content-type'];
        reader = new DownloadReader({
          mapError: req.mapError,
          signal: req.signal,
          contentType: typeof contentType === 'string' ? contentType : undefined,
          resume: () => {
            socket.setTimeout(req.timeout);
            socket.resume();
          },
          abandon: () => socket.destroy(),
        });
        settled = true;
        resolve({ statusCode, headers, body: reader });
      },
      onPayload(buf, start, end) {
        if (!reader!.payload(buf, start, end)) pause = true;
      },
      onEnd() {
        reader!.end();
        socket.destroy();
      },
    }, method === 'HEAD');

    const fail = (err: unknown): void => {
      socket.destroy();
      // The whole answer is here (a body write failing after it, say): it stands.
      if (parser.done) return;
      if (reader) reader.fail(err);
      else if (!settled) {
        settled = true;
        reject(err);
      }
    };
    const onread = (bytes: number, buf: Buffer): boolean => {
      pause = false;
      try {
        parser.execute(buf, 0, bytes);
      } catch (err) {
        fail(err);
        return false;
      }
      // The read-ahead is full: no timeout while the consumer, not the engine, is what we wait for.
      if (pause) socket.setTimeout(0);
      return !pause;
    };
    const socket = dialer.connect({ buffer: Buffer.allocUnsafeSlow(READ_BUFFER_BYTES), callback: onread });
    opened(socket);

    const connectTimer = globalThis.setTimeout(() => fail(new undiciErrors.ConnectTimeoutError()), CONNECT_TIMEOUT_MS);
    socket.once(dialer.readyEvent, () => {
      clearTimeout(connectTimer);
      socket.setTimeout(req.timeout);
    });
    socket.on('timeout', () => fail(parser.inHead ? new undiciErrors.HeadersTimeoutError() : new undiciErrors.BodyTimeoutError()));
    // The engine's end of the connection completes a body framed by it, and fails any other unfinished answer.
    const closed = (): void => {
      if (parser.done) return;
      try {
        parser.end();
      } catch (err) {
        fail(err);
      }
    };
    socket.on('end', closed);
    socket.on('error', fail);
    socket.on('close', () => {
      clearTimeout(connectTimer);
      closed();
    });
    // Before the head: an abort rejects the request (after it, the reader follows the signal).
    const signal = req.signal;
    if (signal) {
      const stop = followAbort(signal, () => {
        if (!reader) fail(signal.reason);
      });
      socket.once('close', stop);
    }
    // A body that fails fails the request, or its answer's body once that has begun (as with undici).
    writeRequest(socket, head, req.body, declared).catch(fail);
  });
}
