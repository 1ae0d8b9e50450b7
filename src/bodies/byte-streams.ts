/**
 * Adapters that turn every kind of byte source into a Node Readable (which undici streams as a request body),
 * pulling from the source only as fast as the body is read, and tearing the source down when the body is
 * destroyed (request aborted or failed) — without waiting for a stalled source to produce its next chunk.
 */
import { Readable } from 'node:stream';
import { DockerInputError } from '../core/errors.js';
import { kindOf } from '../core/input.js';

/** Bytes are handed out as views of this size: no copy, but an aborted request stops within one slice. */
const SLICE = 64 * 1024;

function badChunk(chunk: unknown): DockerInputError {
  return new DockerInputError(`tar source produced a ${kindOf(chunk, 'class')} chunk; expected Uint8Array chunks`);
}

/** An in-memory buffer as a stream of zero-copy slices. */
export function fromBytes(bytes: Uint8Array): Readable {
  let offset = 0;
  return new Readable({
    read() {
      if (offset >= bytes.byteLength) {
        this.push(null);
        return;
      }
      const end = Math.min(offset + SLICE, bytes.byteLength);
      const slice = bytes.subarray(offset, end);
      offset = end;
      this.push(slice);
    },
  });
}

/** A pull-based source: `open` is called on the first read; `stop` when the body is destroyed before the end. */
interface PullSource {
  open(): () => Promise<IteratorResult<unknown>>;
  stop(err: Error | null, opened: boolean): void;
}

/** One source pull per `read()`; a non-byte chunk or a source failure destroys the body. */
function pullReadable(source: PullSource): Readable {
  let next: (() => Promise<IteratorResult<unknown>>) | undefined;
  let finished = false;
  return new Readable({
    read() {
      try {
        next ??= source.open();
      } catch (err) {
        this.destroy(err as Error);
        return;
      }
      next().then(
        ({ done, value }) => {
          if (this.destroyed) return;
          if (done) {
            finished = true;
            this.push(null);
          } else if (!(value instanceof Uint8Array)) {
            this.destroy(badChunk(value));
          } else {
            this.push(value);
          }
        },
        (err: unknown) => {
          finished = true;
          this.destroy(err as Error);
        },
      );
    },
    destroy(err, callback) {
      if (!finished) {
        finished = true;
        source.stop(err, next !== undefined);
      }
      callback(err);
    },
  });
}

/**
 * A web ReadableStream read through its reader, so destroying the body cancels the stream (its source's
 * `cancel` runs) even while a read is pending.
 */
export function fromWebStream(stream: ReadableStream<Uint8Array>): Readable {
  let reader: ReadableStreamDefaultReader<Uint8Array> | undefined;
  return pullReadable({
    open() {
      try {
        reader = stream.getReader();
      } catch (err) {
        // Already locked by another reader, or errored.
        throw new DockerInputError(`cannot read the tar source ReadableStream: ${(err as Error).message}`, { cause: err });
      }
      const r = reader;
      return () => r.read();
    },
    stop(err, opened) {
      // cancel() settles a pending read() with done:true; the reason reaches the source's cancel().
      (opened && reader ? reader.cancel(err ?? undefined) : stream.cancel(err ?? undefined)).catch(() => {});
    },
  });
}

/**
 * An AsyncIterable<Uint8Array>: one `next()` per `read()`, `return()` on destroy. (An async *generator*
 * cannot be interrupted while it awaits; its `return()` runs once that await settles — the language's rule.)
 */
export function fromAsyncIterable(iterable: AsyncIterable<Uint8Array>): Readable {
  let iterator: AsyncIterator<Uint8Array> | undefined;
  return pullReadable({
    open() {
      const it = (iterator = iterable[Symbol.asyncIterator]());
      return () => it.next();
    },
    stop(_err, opened) {
      if (!opened) return;
      Promise.resolve()
        .then(() => iterator?.return?.())
        .catch(() => {});
    },
  });
}

/**
 * The subset of an event-based readable stream this adapter uses: a streamx Readable (tar-stream's `pack()`), or
 * a legacy `NodeJS.ReadableStream` that is not a `stream.Readable`.
 */
export interface EventReadable {
  on(event: 'data', listener: (chunk: unknown) => void): unknown;
  on(event: 'end' | 'close', listener: () => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  pause(): unknown;
  resume(): unknown;
  destroy?(err?: Error): unknown;
}

/**
 * Bridge an event-based readable to a Node Readable with backpressure: the source is paused whenever the
 * body's buffer is full and resumed when undici reads again; destroying the body destroys the source, and a
 * source error (optionally rewrapped by `mapError`) destroys the body.
 */
export function fromEventStream(source: EventReadable, mapError: (err: Error) => Error = (e) => e): Readable {
  let ended = false;
  const body = new Readable({
    read() {
      source.resume();
    },
    destroy(err, callback) {
      if (!ended) {
        ended = true;
        source.destroy?.(err ?? undefined);
      }
      callback(err);
    },
  });
  source.on('data', (chunk) => {
    if (body.destroyed) return;
    if (!(chunk instanceof Uint8Array)) {
      body.destroy(badChunk(chunk));
      return;
    }
    if (!body.push(chunk)) source.pause();
  });
  source.on('end', () => {
    ended = true;
    body.push(null);
  });
  source.on('error', (err) => {
    ended = true;
    body.destroy(mapError(err));
  });
  source.on('close', () => {
    // A source destroyed without an error must not look like a complete (truncated) tar.
    if (!ended && !body.destroyed) body.destroy(mapError(new Error('the tar source closed before it ended')));
  });
  // Attaching 'data' starts the flow; stay lazy until the body is first read.
  source.pause();
  return body;
}
