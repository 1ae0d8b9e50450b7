/**
 * DuplexSession: an attached container or exec, over the raw connection an upgraded attach / exec start left.
 *
 *  - `for await (const frame of session)` reads the output as frames (frames.ts, read by socket-frames.ts); it
 *    ends when the engine closes its side (the process exited, or for attach the container stopped). Leaving the
 *    loop early closes the session.
 *  - `session.stdin` is a Writable into the process; `stdin.end()` half-closes the connection's write side, so
 *    the process reads EOF while its output keeps arriving.
 *  - `close()` tears the connection down (idempotent; always settles); `signal` aborts like close(); an
 *    iteration still running then throws DockerAbortError. Neither stops the container or the exec'd process
 *    (dockerd then closes a StdinOnce container's stdin; Podman closes its stdin in any case).
 *
 * Failures of the connection (reset, abort) surface through the iteration as typed errors. `stdin` reports them
 * to its write callbacks and `pipeline()`/`finished()`, but never as an unhandled 'error' event: a caller who only
 * writes and iterates learns of the failure from the iteration, and the process does not crash.
 *
 * Output that nobody reads stays in the socket (the engine stops sending, and the process blocks on its writes),
 * so iterate while writing large inputs to a process that echoes them.
 */
import { Writable, type Duplex } from 'node:stream';
import { DockerAbortError } from '../core/errors.js';
import { followAbort } from '../core/on-abort.js';
import { abortError } from '../transport/failures.js';
import type { UpgradeConnection, UpgradeRequest } from '../transport/upgrade.js';
import type { Frame, FrameMode } from './frames.js';
import { SocketFrames } from './socket-frames.js';

export interface SessionOptions {
  /** `multiplexed` without a TTY, `raw` with one (from the container's / exec's `Tty`). */
  mode: FrameMode;
  /** Named in error messages: `attach`, `exec`. */
  operation: string;
  signal?: AbortSignal;
  /** Maps socket failures to the client's typed errors. */
  mapError?: (err: unknown) => Error;
}

const noop = (): void => {};

export class DuplexSession implements AsyncIterable<Frame> {
  /** Bytes to the process's stdin; `end()` sends EOF (half-close) while output keeps arriving. */
  readonly stdin: Writable;
  /** The output mode the frames are decoded in. */
  readonly mode: FrameMode;
  readonly #socket: Duplex;
  readonly #operation: string;
  readonly #signal: AbortSignal | undefined;
  readonly #mapError: (err: unknown) => Error;
  readonly #closed: Promise<void>;
  #iterated = false;
  #closing = false;

  constructor(socket: Duplex, options: SessionOptions) {
    this.#socket = socket;
    this.mode = options.mode;
    this.#operation = options.operation;
    this.#signal = options.signal;
    this.#mapError = options.mapError ?? ((err) => err as Error);
    this.#closed = new Promise<void>((resolve) => {
      if (socket.closed) resolve();
      else socket.once('close', () => resolve());
    });
    // Kept so that a failure nobody is reading yet cannot crash the process; the iteration reports it.
    socket.on('error', noop);
    this.stdin = new Writable({
      write: (chunk: Buffer, _encoding, callback) => {
        socket.write(chunk, callback);
      },
      writev: (chunks, callback) => {
        socket.write(chunks.length === 1 ? chunks[0].chunk : Buffer.concat(chunks.map((c) => c.chunk as Buffer)), callback);
      },
      final: (callback) => {
        socket.end(callback);
      },
      destroy: (err, callback) => {
        // Destroying stdin (e.g. a failed pipeline) ends input; it does not cut off the output.
        if (!socket.writableEnded && !socket.destroyed) socket.end();
        callback(err);
      },
    });
    this.stdin.on('error', noop);
    const signal = this.#signal;
    if (signal) {
      const stop = followAbort(signal, () => socket.destroy(abortError(signal)));
      void this.#closed.then(stop);
    }
  }

  /** Resolves when the connection is fully closed. */
  get closed(): Promise<void> {
    return this.#closed;
  }

  /** The output as frames; can be iterated once. */
  [Symbol.asyncIterator](): AsyncIterator<Frame, undefined> {
    if (this.#iterated) throw new TypeError(`${this.#operation}: the session output can be iterated only once`);
    this.#iterated = true;
    return new SocketFrames(this.#socket, this.mode, this.#operation, (err) => {
      if (this.#closing) return new DockerAbortError(`${this.#operation}: the session was closed`, { cause: err });
      const mapped = this.#mapError(err);
      return this.#signal?.aborted && !(mapped instanceof DockerAbortError) ? abortError(this.#signal, err) : mapped;
    });
  }

  /**
   * Tear the connection down now; resolves once it is closed. Safe to call any number of times. An iteration
   * still running (or started afterwards) throws DockerAbortError "the session was closed".
   */
  close(): Promise<void> {
    if (!this.#socket.destroyed) {
      this.#closing = true;
      this.#socket.destroy();
    }
    return this.#closed;
  }
}

export interface OpenSessionOptions {
  /** The output mode, or a promise of it (e.g. from an inspect running alongside the upgrade). */
  mode: FrameMode | Promise<FrameMode>;
  operation: string;
}

/**
 * Upgrade `req` over `conn` and wrap the connection in a DuplexSession. When the mode is still being looked up,
 * both run at once; if either fails the other's result is released (the socket destroyed) and the failure thrown.
 */
export async function openSession(conn: UpgradeConnection, req: UpgradeRequest, opts: OpenSessionOptions): Promise<DuplexSession> {
  const upgrading = conn.upgrade(req);
  let mode: FrameMode;
  try {
    mode = await opts.mode;
  } catch (err) {
    upgrading.then((up) => up.socket.destroy(), noop);
    throw err;
  }
  const { socket } = await upgrading;
  return new DuplexSession(socket, { mode, operation: opts.operation, signal: req.signal, mapError: (err) => conn.mapError(err, req.signal) });
}
