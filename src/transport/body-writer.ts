/**
 * Writes a request body on a connection of the client's own (download.ts: uploads — load, import, build, put
 * archive — and any request with a body on the stream lane): bytes as they are, a stream with its declared
 * Content-Length as it is, any other stream in `Transfer-Encoding: chunked` (a directory's packed context, whose
 * length is unknown until it is packed). The call pool's connections write their string or bytes bodies with the
 * same `writeFixed()` (call-connection.ts).
 *
 * Backpressure is undici's iterable writer's (which sends the same bodies over ssh), and the reused upload buffers
 * rely on it (bodies/file-chunks.ts, "When a buffer may be reused"): the next chunk is asked for only after the
 * write of the last one returned true, or after the socket's 'drain' (every queued byte handed to the kernel) or
 * 'close'. A body longer or shorter than its declared length fails, as undici fails it
 * (RequestContentLengthMismatchError).
 */
import type { Socket } from 'node:net';
import undiciErrors from 'undici/lib/core/errors.js';
import { drainedOrClosed } from '../core/drained.js';

/** A body the transport sends (request.ts `RawRequest['body']`, a Blob already made a stream). */
export type SendBody = string | Uint8Array | AsyncIterable<Uint8Array> | ReadableStream<Uint8Array> | null | undefined;

/** The method of a PulledBody. */
export const PULL: unique symbol = Symbol('docker-engine-client.pull');

/**
 * A body that hands out its chunks when asked, synchronously when it has one ready (bodies/file-chunks.ts
 * ChunkSource, the client's own uploads; it is an async iterable too, for undici over ssh). Written by a callback
 * loop, not `for await`: an upload's JavaScript per chunk is then a few calls, too few for V8 to optimize, where the
 * async generator and `for await` pair got two TurboFan compiles whose memory stayed in the compile threads'
 * malloc arenas — 2 MB of a 1 GiB load's peak RSS (bench/README.md, "Stop 24").
 */
export interface PulledBody {
  /**
   * The next chunk, null after the last. Asked for only once the write of the chunk before it returned true, or
   * the socket drained or closed (file-chunks.ts reuses a chunk's buffer after that).
   */
  [PULL](): Uint8Array | null | Promise<Uint8Array | null>;
  /** Ends the body early (the socket closed, or the request failed): releases what it holds. */
  destroy(err?: Error): unknown;
  /**
   * Bytes before each chunk, in its ArrayBuffer, that the writer may overwrite: where the chunked encoding's size
   * line goes, so that a chunk is one socket write (with a write of its own too, Node's stream functions got hot
   * enough to be optimized, 1–2 MB more peak RSS on a 1 GiB build). 0: none.
   */
  readonly headroom: number;
}

/** The most a chunk's size line takes: the CRLF ending the chunk before, 8 hex digits, CRLF. */
export const SIZE_LINE_BYTES = 12;

function isPulled(body: object): body is PulledBody {
  return PULL in body;
}

/** The byte length of a body known before sending; undefined for none or a stream. */
export function fixedLength(body: SendBody): number | undefined {
  if (body == null) return undefined;
  if (typeof body === 'string') return Buffer.byteLength(body);
  return body instanceof Uint8Array ? body.byteLength : undefined;
}

/** Writes `head` and a body of known length (none, a string or bytes) on `socket`, as one write or one corked pair. */
export function writeFixed(socket: Socket, head: string, body: string | Uint8Array | null | undefined): void {
  if (body == null || typeof body === 'string') {
    socket.write(body ? head + body : head);
    return;
  }
  socket.cork();
  socket.write(head);
  socket.write(body);
  socket.uncork();
}

/**
 * Writes `head` and then `body` on `socket`. `declared`: the Content-Length the head carries for a stream (else the
 * stream goes chunked). Resolves when everything is written — or when the socket was closed meanwhile (the engine
 * answered and hung up, or the request failed: the caller hears that from the connection); rejects when the body
 * fails. The body is not read any further once the socket has closed (a Node stream is destroyed, an iterator returned).
 */
export async function writeRequest(socket: Socket, head: string, body: SendBody, declared: number | undefined): Promise<void> {
  if (body == null || typeof body === 'string' || body instanceof Uint8Array) return writeFixed(socket, head, body);
  return writePulled(socket, head, isPulled(body) ? body : pulledFrom(body), declared);
}

/**
 * Any other stream (a Node Readable, a web ReadableStream, an async iterable) as a PulledBody: its async iterator,
 * returned when the write ends early — as `for await` would return it (a Node stream is then destroyed).
 */
function pulledFrom(body: AsyncIterable<Uint8Array>): PulledBody {
  const chunks = body[Symbol.asyncIterator]();
  return {
    [PULL]: () => Promise.resolve(chunks.next()).then((r) => (r.done ? null : r.value)),
    destroy: () => Promise.resolve(chunks.return?.()).catch(() => {}),
    headroom: 0,
  };
}

/** Writes the chunks a PulledBody hands out, in a loop that awaits only when the body or the socket makes it. */
function writePulled(socket: Socket, head: string, body: PulledBody, declared: number | undefined): Promise<void> {
  const out = new ChunkWriter(socket, declared, body.headroom);
  socket.write(head);
  return new Promise<void>((resolve, reject) => {
    const failed = (err: unknown): void => {
      body.destroy();
      reject(err);
    };
    // Writes what the body has ready; returns at the first wait, with the wait set to call it again.
    const more = (chunk?: Uint8Array | null): void => {
      try {
        for (;;) {
          // Closed: the engine answered and hung up, or the request failed (the caller hears that from the connection).
          if (socket.destroyed) return void body.destroy(), resolve();
          if (chunk === undefined) {
            const next = body[PULL]();
            if (next instanceof Promise) return void next.then(more, failed);
            chunk = next;
          }
          if (chunk === null) return out.end(), resolve();
          const wrote = out.write(chunk);
          chunk = undefined;
          if (!wrote) return void drainedOrClosed(socket).then(() => more(), failed);
        }
      } catch (err) {
        failed(err);
      }
    };
    more();
  });
}

/** Writes a body's chunks on `socket`: as they are for a `declared` length (checked), else in chunked encoding. */
class ChunkWriter {
  private sent = 0;

  /** `headroom`: PulledBody's. */
  constructor(
    private readonly socket: Socket,
    private readonly declared: number | undefined,
    private readonly headroom = 0,
  ) {}

  /** false: wait for the socket to drain before the next. */
  write(chunk: Uint8Array): boolean {
    const n = chunk.byteLength;
    if (n === 0) return true;
    this.sent += n;
    const socket = this.socket;
    if (this.declared === undefined) {
      // The size line follows the CRLF that ends the chunk before: with headroom one write per chunk, else a corked pair.
      const line = `${this.sent === n ? '' : '\r\n'}${n.toString(16)}\r\n`;
      if (this.headroom >= line.length) {
        const framed = Buffer.from(chunk.buffer, chunk.byteOffset - line.length, line.length + n);
        framed.write(line, 0, 'latin1');
        return socket.write(framed);
      }
      socket.cork();
      socket.write(line);
      const more = socket.write(chunk);
      socket.uncork();
      return more;
    }
    if (this.sent > this.declared) throw new undiciErrors.RequestContentLengthMismatchError();
    return socket.write(chunk);
  }

  /** After the last chunk: the chunked terminator, or the check that the declared length was sent. */
  end(): void {
    if (this.declared === undefined) this.socket.write(this.sent === 0 ? '0\r\n\r\n' : '\r\n0\r\n\r\n');
    else if (this.sent !== this.declared) throw new undiciErrors.RequestContentLengthMismatchError();
  }
}
