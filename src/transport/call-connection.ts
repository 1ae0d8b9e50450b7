/**
 * One kept-alive connection of the call pool (call-pool.ts): it sends one request at a time and parses the answer
 * with http1-parser.ts, reading the socket into a buffer of its own (`onread`) and copying the body into the
 * answer's reader (download-reader.ts, the same reader a download has). When the answer has ended it goes back to
 * the pool — unless the engine said `Connection: close` or framed the body by closing.
 *
 * Idle, the socket is unref'd (an idle pool never keeps the process alive) and closed after KEEP_ALIVE_MS.
 * Failures are undici's error types, as for downloads, so the transport maps them exactly as undici's.
 */
import type { Socket } from 'node:net';
import undiciErrors from 'undici/lib/core/errors.js';
import { followAbort } from '../core/on-abort.js';
import { writeFixed } from './body-writer.js';
import { connectWithin, type DownloadDialer } from './dial.js';
import type { DownloadResponse } from './download.js';
import { DownloadReader } from './download-reader.js';
import { Http1Parser, type Http1Handlers, type RawHeaders } from './http1-parser.js';

/** What one read may take: a call's answer is usually far smaller; a large one (a long list) takes a few reads. */
const READ_BYTES = 32 << 10;
/** An idle connection is closed after this long (undici's Pool was given the same). */
export const KEEP_ALIVE_MS = 10_000;

export interface CallRequest {
  method: string;
  /** The full path, with its version prefix and query. */
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array | null;
  signal?: AbortSignal;
  /** Maps failures of the body to the client's typed errors (the request's own failures are rejected raw). */
  mapError: (err: unknown, bytesReceived: number) => Error;
}

/** A request waiting for a connection, or on one. */
export interface Pending {
  req: CallRequest;
  /** The request head (request-head.ts), checked before the request was queued. */
  head: string;
  resolve(res: DownloadResponse): void;
  reject(err: unknown): void;
  /** Sent again once already, on a fresh connection (a kept-alive one was closed under it). */
  retried?: boolean;
}

/** What a connection tells its pool. */
export interface ConnectionOwner {
  /** The answer has ended: the connection takes the next request. */
  released(conn: CallConnection): void;
  /** The connection has closed. */
  lost(conn: CallConnection): void;
  /** The engine closed a kept-alive connection as this request went out: send it again on a new one. */
  retry(p: Pending): void;
}

/** The failures that mean "the engine had closed this idle connection" when nothing of the answer came yet. */
function closedUnder(err: unknown): boolean {
  const code = (err as { code?: string } | undefined)?.code;
  return code === 'UND_ERR_SOCKET' || code === 'ECONNRESET' || code === 'EPIPE' || code === 'ERR_STREAM_WRITE_AFTER_END' || code === 'ERR_STREAM_DESTROYED';
}

export class CallConnection implements Http1Handlers {
  private readonly socket: Socket;
  private current: Pending | undefined;
  private parser: Http1Parser | undefined;
  private reader: DownloadReader | undefined;
  private stopAbort: (() => void) | undefined;
  /** The current answer has ended (the connection is released after the read that ended it). */
  private finished = false;
  private keepAlive = true;
  private pause = false;
  /** Bytes of the current answer have arrived (a request that got some is never sent again). */
  private answered = false;
  private idling = false;
  /** Answers completed on this connection. */
  private served = 0;

  constructor(
    dialer: DownloadDialer,
    private readonly owner: ConnectionOwner,
    /** ms for the answer's head and between two reads of its body; 0 = none. */
    private readonly timeout: number,
  ) {
    const socket = (this.socket = connectWithin(dialer, (err) => this.fail(err), { buffer: Buffer.allocUnsafeSlow(READ_BYTES), callback: (n, buf) => this.onRead(n, buf) }));
    // With no timeout for calls, one timer for the idle close, never reset per call (a busy connection ignores it).
    socket.setTimeout(timeout > 0 ? timeout : KEEP_ALIVE_MS);
    socket.on('timeout', () => {
      if (this.idling) socket.destroy();
      else if (this.timeout > 0 && this.current) this.fail(this.parser?.inHead !== false ? new undiciErrors.HeadersTimeoutError() : new undiciErrors.BodyTimeoutError());
    });
    socket.on('error', (err) => this.fail(err));
    socket.on('end', () => this.ended());
    socket.on('close', () => {
      this.ended();
      // A request still on it (no 'end' nor 'error' settled it) failed with the connection.
      if (this.current) this.fail(new undiciErrors.SocketError('other side closed'));
      owner.lost(this);
    });
  }

  /** Can take a request: not closed, nor closing (an engine's end of the connection not yet seen through). */
  get usable(): boolean {
    return this.socket.writable;
  }

  /** Send `p` (the connection is idle or new). */
  send(p: Pending): void {
    this.current = p;
    this.finished = this.pause = this.answered = false;
    this.keepAlive = true;
    const { req } = p;
    this.parser = new Http1Parser(this, req.method === 'HEAD');
    if (this.idling) {
      this.idling = false;
      this.socket.ref();
      if (this.timeout > 0) this.socket.setTimeout(this.timeout);
    }
    const signal = req.signal;
    if (signal) {
      // Until the head: an abort fails the request (then the reader follows the signal).
      this.stopAbort = followAbort(signal, () => {
        if (!this.reader) this.fail(signal.reason, false);
      });
      if (this.current !== p) return;
    }
    writeFixed(this.socket, p.head, req.body);
  }

  /** Nothing to send: the connection waits in the pool. */
  idle(): void {
    this.idling = true;
    this.socket.unref();
    if (this.timeout > 0) this.socket.setTimeout(KEEP_ALIVE_MS);
  }

  /** End the connection now; a request on it fails with `reason`. */
  abort(reason: Error): void {
    this.fail(reason, false);
  }

  onHead(statusCode: number, headers: RawHeaders): void {
    const p = this.current!;
    const connection = headers.connection;
    if (this.parser!.untilClose || (connection !== undefined && /(^|,)\s*close\s*(,|$)/i.test(String(connection)))) this.keepAlive = false;
    const contentType = headers['content-type'];
    // The reader outlives its answer; once the answer has ended, the connection may carry another request, which
    // the reader must never pause, resume or close.
    const reader: DownloadReader = new DownloadReader({
      mapError: p.req.mapError,
      signal: p.req.signal,
      contentType: typeof contentType === 'string' ? contentType : undefined,
      resume: () => {
        if (this.reader !== reader) return;
        if (this.timeout > 0) this.socket.setTimeout(this.timeout);
        this.socket.resume();
      },
      // Destroyed before its end: the rest of the answer is still coming, so the connection cannot be reused.
      abandon: () => {
        if (this.reader === reader) this.socket.destroy();
      },
    });
    this.reader = reader;
    this.stopAbort?.();
    this.stopAbort = undefined;
    p.resolve({ statusCode, headers, body: reader });
  }

  onPayload(buf: Buffer, start: number, end: number): void {
    if (!this.reader!.payload(buf, start, end)) this.pause = true;
  }

  onEnd(): void {
    this.finished = true;
    this.reader!.end();
  }

  private onRead(bytes: number, buf: Buffer): boolean {
    const parser = this.parser;
    // Bytes on an idle connection: not an answer to anything of ours; the connection cannot be trusted.
    if (!parser || !this.current) {
      this.socket.destroy();
      return false;
    }
    this.answered = true;
    this.pause = false;
    try {
      parser.execute(buf, 0, bytes);
    } catch (err) {
      this.fail(err);
      return false;
    }
    if (this.finished) {
      this.done();
      return true;
    }
    // The read-ahead is full: no timeout while the consumer, not the engine, is what we wait for.
    if (this.pause && this.timeout > 0) this.socket.setTimeout(0);
    return !this.pause;
  }

  /** The answer has ended: back to the pool, or closed. */
  private done(): void {
    this.current = this.parser = this.reader = undefined;
    this.served++;
    if (this.keepAlive) this.owner.released(this);
    else this.socket.destroy();
  }

  /** The engine's end of the connection: completes a body framed by it, fails any other unfinished answer. */
  private ended(): void {
    if (!this.current || this.finished) return;
    try {
      this.parser!.end();
    } catch (err) {
      this.fail(err);
      return;
    }
    if (this.finished) this.done();
  }

  /** The request on this connection failed (or none is on it): the connection is closed. */
  private fail(err: unknown, mayRetry = true): void {
    const p = this.current;
    this.socket.destroy();
    if (!p) return;
    this.current = this.parser = undefined;
    this.stopAbort?.();
    this.stopAbort = undefined;
    const reader = this.reader;
    this.reader = undefined;
    if (reader) reader.fail(err);
    else if (mayRetry && this.served > 0 && !this.answered && !p.retried && (p.req.method === 'GET' || p.req.method === 'HEAD') && closedUnder(err)) {
      p.retried = true;
      this.owner.retry(p);
    } else p.reject(err);
  }
}
