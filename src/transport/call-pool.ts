/**
 * The call lane's pool (transport.ts): kept-alive connections of this client's own (call-connection.ts) for the
 * short calls — list, inspect, create, start, remove — over a unix socket, TCP or TLS. Over ssh the call lane is
 * undici's Pool (pools.ts).
 *
 * Why not undici's Pool for these: a call through undici's `request()` costs ~170 µs of client CPU against
 * ~100 µs for the same exchange written straight on a socket and parsed by http1-parser.ts (bench/README.md,
 * "Stop 22: calls, streams and upgrades on connections of the client's own"); and a process whose first call goes through undici compiles llhttp's WebAssembly, a ~30 MB
 * transient and a 90–120 ms wait at exit. The pool is what the call lane needs and nothing more: at most `max`
 * connections, further calls queued in order (an aborted one leaves the queue), one request per connection at a
 * time (no pipelining), idle connections reused most-recent first, bodies only as string or bytes (a streamed body
 * goes on the stream lane).
 *
 * A GET or HEAD sent on a kept-alive connection that the engine had closed (no byte of an answer came) is sent
 * once more on a new connection, as Go's and Node's clients do: nothing of it can have reached the engine's handler.
 */
import { AbortableQueue } from '../core/abortable-queue.js';
import { fixedLength } from './body-writer.js';
import { CallConnection, type CallRequest, type ConnectionOwner, type Pending } from './call-connection.js';
import type { DownloadDialer } from './dial.js';
import type { DownloadResponse } from './download.js';
import { requestHead } from './request-head.js';

export type { CallRequest } from './call-connection.js';

export class CallPool implements ConnectionOwner {
  private readonly conns = new Set<CallConnection>();
  /** Idle connections; the last one is the most recently used. */
  private readonly idle: CallConnection[] = [];
  private readonly queue = new AbortableQueue<Pending>();
  private closing = false;
  private drained: (() => void)[] = [];

  constructor(
    private readonly dialer: DownloadDialer,
    /** ms for an answer's head and between two reads of its body; 0 = none. */
    private readonly timeout: number,
    private readonly max: number,
  ) {}

  /** Send one request; resolves with the answer's head and its body reader. A malformed request rejects before anything is sent. */
  request(req: CallRequest): Promise<DownloadResponse> {
    return new Promise((resolve, reject) => {
      const head = requestHead(req.method, req.path, this.dialer.host, req.headers, fixedLength(req.body));
      this.dispatch({ req, head, resolve, reject });
    });
  }

  private dispatch(p: Pending, fresh = false): void {
    const conn = (fresh ? undefined : this.idleConnection()) ?? (this.conns.size < this.max ? this.open() : undefined);
    if (conn) return conn.send(p);
    this.queue.push(p, p.req.signal, (_, reason) => {
      p.reject(reason);
      this.checkDrained();
    });
  }

  /** The most recently used idle connection that can still take a request (one the engine is closing is dropped). */
  private idleConnection(): CallConnection | undefined {
    for (let conn = this.idle.pop(); conn; conn = this.idle.pop()) {
      if (conn.usable) return conn;
      conn.abort(new Error('closed by the engine'));
    }
    return undefined;
  }

  private open(): CallConnection {
    const conn = new CallConnection(this.dialer, this, this.timeout);
    this.conns.add(conn);
    return conn;
  }

  /** The next queued request, no longer following its signal. */
  private next(): Pending | undefined {
    return this.queue.shift();
  }

  released(conn: CallConnection): void {
    const p = this.next();
    if (p) return conn.send(p);
    conn.idle();
    this.idle.push(conn);
    this.checkDrained();
  }

  lost(conn: CallConnection): void {
    if (!this.conns.delete(conn)) return;
    const at = this.idle.indexOf(conn);
    if (at >= 0) this.idle.splice(at, 1);
    if (this.queue.length > 0 && this.conns.size < this.max) this.open().send(this.next()!);
    this.checkDrained();
  }

  retry(p: Pending): void {
    this.dispatch(p, true);
  }

  /** Resolves once every request (queued ones too) has had its answer and every connection has closed. */
  close(): Promise<void> {
    this.closing = true;
    return new Promise((resolve) => {
      this.drained.push(resolve);
      this.checkDrained();
    });
  }

  /** Fails every request, queued or in flight, with `reason`; resolves once every connection has closed. */
  destroy(reason: Error): Promise<void> {
    for (let p = this.next(); p; p = this.next()) p.reject(reason);
    for (const conn of [...this.conns]) conn.abort(reason);
    return this.close();
  }

  /** While closing: once nothing is queued or answered, close the idle connections, then tell the waiters. */
  private checkDrained(): void {
    if (!this.closing || this.queue.length > 0) return;
    if (this.idle.length === this.conns.size) for (const conn of this.idle.splice(0)) conn.abort(new Error('closed'));
    if (this.conns.size > 0) return;
    for (const resolve of this.drained.splice(0)) resolve();
  }
}
