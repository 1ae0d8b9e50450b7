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
 */
import { Readable } from 'node:stream';
import { followAbort } from '../core/on-abort.js';
import { coalesceBuffer } from './coalesce-buffer.js';

/** Read ahead at most this many bytes (and hand out chunks of at most about this size). */
export const READ_AHEAD_BYTES = 1 << 20;

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
}

/**
 * A byte Readable over `body` (undici's response body, or any byte Readable) that reads it ahead. Destroying the
 * returned stream destroys `body` (the connection is released, not reused).
 */
export function readAhead(body: Readable, opts: ReadAheadOptions = {}): Readable {
  const limit = opts.limit ?? READ_AHEAD_BYTES;
  const mapError = opts.mapError ?? ((err: unknown) => err as Error);
  const pending: Buffer[] = [];
  let pendingBytes = 0;
  /** The consumer asked for data and got none yet: the next chunk goes straight through. */
  let wanted = false;
  let ended = false;
  let paused = false;
  let bytesReceived = 0;

  const take = (): Buffer => {
    const chunk = pending.length === 1 ? pending[0] : coalesce.take(pending, pendingBytes);
    pending.length = 0;
    pendingBytes = 0;
    return chunk;
  };
  const resume = (): void => {
    if (paused && !ended) {
      paused = false;
      body.resume();
    }
  };

  const reader = new Readable({
    read() {
      if (pendingBytes > 0) {
        const chunk = take();
        resume();
        coalesce.pushed(chunk.length);
        this.push(chunk);
        if (ended) this.push(null);
      } else if (ended) {
        this.push(null);
      } else {
        wanted = true;
        resume();
      }
    },
    destroy(err, callback) {
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
    if (wanted) {
      wanted = false;
      coalesce.pushed(chunk.length);
      reader.push(chunk);
      return;
    }
    pending.push(chunk);
    pendingBytes += chunk.length;
    if (pendingBytes >= limit && !paused) {
      paused = true;
      body.pause();
    }
  });
  body.on('end', () => {
    ended = true;
    // With bytes still pending, the next read() hands them out and then ends the stream.
    if (pendingBytes === 0 && !reader.destroyed) reader.push(null);
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
