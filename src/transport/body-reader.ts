/**
 * The one reader for every response body the client hands out as bytes (save's tar, and the bodies the progress
 * decoders read): a Node Readable over undici's body that reads ahead.
 *
 * Why: a caller's `pipeline(body, fs.createWriteStream(file))` asks for the next chunk only when its write is
 * done, and the default write stream (16 KiB buffer) writes every chunk on its own — one thread-pool round trip
 * per 16–32 KiB socket chunk, while undici, its own small buffer full, stops reading the socket. Here the socket
 * keeps being read while the caller's write is pending (up to `limit` bytes), and what accumulated in the
 * meantime is handed out as one chunk: a slow consumer gets fewer, larger chunks (fewer writes), a fast one gets
 * undici's chunks as they come (no copy). Memory stays bounded by `limit` plus one socket chunk. The copy goes
 * into one reused buffer when the consumer provably no longer holds the last one (coalesce-buffer.ts).
 *
 * A consumer known to be a plain file stream (the same proof) gets batches of at least `batchBytes` even when it
 * keeps up: otherwise, on a fast disk, it writes every socket read (dockerd sends 32 KiB at a time) on its own,
 * and each write is a thread-pool round trip (a futex wake of a worker, an eventfd wake of the loop, the JS of
 * a write and its callback). Measured on a 1 GiB export: 7 500–25 000 writes before, ~1 500–2 300 with 512 KiB
 * batches, the client's CPU per GiB ~0.3–0.5 s lower (medians; bench/README.md). A batch waits at most
 * `batchWaitMs` for its bytes, so a slow trickle still reaches the file; any other consumer gets undici's chunks
 * as they come.
 */
import { Readable } from 'node:stream';
import { followAbort } from '../core/on-abort.js';
import { coalesceBuffer } from './coalesce-buffer.js';

/** Read ahead at most this many bytes (and hand out chunks of at most about this size). */
export const READ_AHEAD_BYTES = 1 << 20;
/** A plain file consumer gets chunks of at least this many bytes, or what came within BATCH_WAIT_MS. */
export const BATCH_BYTES = 512 << 10;
export const BATCH_WAIT_MS = 5;

export interface ReadAheadOptions {
  limit?: number;
  /**
   * Maps a failure of the body (abort, timeout, connection reset) to the error the reader is destroyed with;
   * `bytesReceived` is what the body delivered before it failed.
   */
  mapError?: (err: unknown, bytesReceived: number) => Error;
  /**
   * The request's signal. Aborting it destroys the reader (with `mapError(reason)`) unless the consumer has read
   * it to the end — also when the body itself had already arrived and only waits here: an abort never lets a
   * stream end quietly (core/spec.ts `CallOptions`).
   */
  signal?: AbortSignal;
  /** Batch size for a plain file consumer (default BATCH_BYTES; kept below `limit`). */
  batchBytes?: number;
  /** How long a batch waits for its bytes before it goes out as it is (default BATCH_WAIT_MS). */
  batchWaitMs?: number;
}

/**
 * A byte Readable over `body` (undici's response body, or any byte Readable) that reads it ahead. Destroying the
 * returned stream destroys `body` (the connection is released, not reused).
 */
export function readAhead(body: Readable, opts: ReadAheadOptions = {}): Readable {
  const limit = opts.limit ?? READ_AHEAD_BYTES;
  const mapError = opts.mapError ?? ((err: unknown) => err as Error);
  const batchBytes = Math.min(opts.batchBytes ?? BATCH_BYTES, limit);
  const batchWaitMs = opts.batchWaitMs ?? BATCH_WAIT_MS;
  const pending: Buffer[] = [];
  let pendingBytes = 0;
  /** The consumer asked for data and got none yet: the next chunk goes straight through. */
  let wanted = false;
  let ended = false;
  let paused = false;
  let bytesReceived = 0;
  /** Set while a batch for a consumer that asked waits for more bytes. */
  let timer: NodeJS.Timeout | undefined;

  const take = (): Buffer => {
    const chunk = pending.length === 1 ? pending[0] : coalesce.take(pending, pendingBytes);
    pending.length = 0;
    pendingBytes = 0;
    return chunk;
  };
  /** Pending bytes are enough to hand out now: a whole batch, the last bytes, or a consumer that takes any. */
  const ready = (): boolean => pendingBytes > 0 && (ended || pendingBytes >= batchBytes || !coalesce.batching());
  /** Hands what is pending to the consumer that asked (or ends the stream when nothing is). */
  const handOut = (): void => {
    clearTimeout(timer);
    timer = undefined;
    wanted = false;
    if (pendingBytes > 0) {
      const chunk = take();
      resume();
      coalesce.pushed(chunk.length);
      reader.push(chunk);
    }
    if (ended) reader.push(null);
  };
  /** The batch waited long enough: what came goes out. */
  const timeUp = (): void => {
    timer = undefined;
    if (wanted && pendingBytes > 0 && !reader.destroyed) handOut();
  };
  const resume = (): void => {
    if (paused && !ended) {
      paused = false;
      body.resume();
    }
  };

  const reader = new Readable({
    read() {
      if (ready() || ended) {
        handOut();
      } else {
        wanted = true;
        resume();
        if (pendingBytes > 0) timer ??= setTimeout(timeUp, batchWaitMs);
      }
    },
    destroy(err, callback) {
      clearTimeout(timer);
      pending.length = 0;
      pendingBytes = 0;
      if (!ended) {
        ended = true;
        body.destroy();
      }
      callback(err);
    },
  });

  // Pending bytes reach at most `limit` plus one chunk of the body (a socket read: ≤ 64 KiB).
  const coalesce = coalesceBuffer(reader, limit + (64 << 10));

  body.on('data', (chunk: Buffer) => {
    bytesReceived += chunk.length;
    if (reader.destroyed) return;
    if (wanted && pendingBytes === 0 && !coalesce.batching()) {
      // A consumer that keeps up and may keep chunks: undici's chunk as it is, no copy.
      wanted = false;
      coalesce.pushed(chunk.length);
      reader.push(chunk);
      return;
    }
    pending.push(chunk);
    pendingBytes += chunk.length;
    if (wanted) {
      if (ready()) handOut();
      else timer ??= setTimeout(timeUp, batchWaitMs);
      return;
    }
    if (pendingBytes >= limit && !paused) {
      paused = true;
      body.pause();
    }
  });
  body.on('end', () => {
    ended = true;
    if (reader.destroyed) return;
    // A consumer waiting for a batch gets the last bytes now; else the next read() hands them out and ends.
    if (wanted || pendingBytes === 0) handOut();
  });
  body.on('error', (err) => {
    ended = true;
    reader.destroy(mapError(err, bytesReceived));
  });
  // A body that closes without 'end' or 'error' (destroyed elsewhere) must not look complete.
  body.on('close', () => {
    if (!body.readableEnded && !reader.destroyed) {
      ended = true;
      reader.destroy(mapError(Object.assign(new Error('the response body closed before its end'), { code: 'ECONNRESET' }), bytesReceived));
    }
  });
  const signal = opts.signal;
  if (signal) {
    const stop = followAbort(signal, () => {
      if (!reader.readableEnded && !reader.destroyed) reader.destroy(mapError(signal.reason, bytesReceived));
    });
    reader.once('close', stop);
  }
  return reader;
}
