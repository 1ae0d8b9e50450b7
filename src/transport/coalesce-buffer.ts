/**
 * The body reader's coalescing buffers (body-reader.ts): two buffers it copies the read-ahead into again and
 * again, each reused only while it can prove that nothing still holds what it handed out in it before.
 *
 * Why: a slow consumer (a `pipeline` into the default `fs.createWriteStream`) gets what accumulated during its
 * last write as one chunk, a copy of up to 1 MiB. A fresh copy every time doubles the bytes the process
 * allocates per byte streamed (the socket's chunks plus the copy), and V8 frees dead backing stores only when a
 * scavenge sweeps them; the 1 MiB copies also come from glibc's heap once its mmap threshold has risen past them.
 * Measured on a 1 GiB save: twice the scavenges and +10 MB of brk heap at the peak against the same save into a
 * sink (bench/README.md, "save → file"). Reused buffers put that case at the sink's allocation and peak.
 *
 * When reuse is sound: a chunk is handed out only through the reader's buffer to a `data` listener or a `read()`
 * caller, and may be kept by whoever gets it. So a buffer is reused only when its one consumer is known not to
 * keep chunks once it is done with them, and is done:
 * - the reader is piped (`pipe`, which `stream.pipeline` uses) to exactly one destination, a plain
 *   `fs.WriteStream` writing through Node's own fs (no subclass, no own write methods, no custom `fs` option):
 *   it releases a chunk when its write callback has run, and its `writableLength` counts every chunk it has not
 *   finished;
 * - no other `data` or `readable` listener was ever added to the reader (checked as listeners are added, so one
 *   added and removed again between two reads still counts), and it was never unpiped or piped elsewhere;
 * - the last chunk handed out in that buffer has left the reader's own buffer (FIFO: no more bytes are queued there
 *   than were pushed after it) and the destination's unwritten bytes (`writableLength`) all came after it (it was
 *   written and released).
 * Anything else — async iteration, `data` listeners, other writables — gets a fresh copy, as before. What no
 * check can see: a caller calling `read()` on a stream that is piped (Node's stream contract rules that out:
 * "read() should only be called on streams in paused mode"), or one that replaced Node's own `fs.write` itself.
 */
import fs, { WriteStream } from 'node:fs';
import type { Readable } from 'node:stream';

export interface CoalesceBuffer {
  /** `pending` (≥ 2 chunks, `bytes` in all) as one chunk: in a reused buffer when that is sound, else a copy. */
  take(pending: Buffer[], bytes: number): Buffer;
  /**
   * A free reused buffer of `size` bytes to fill in place (the download reader copies socket reads into it), or
   * undefined when none is provably free. It counts as held until `handingOut()` says it goes out.
   */
  claim(): Buffer | undefined;
  /** A claimed buffer goes out next with `bytes` bytes in it (call before `pushed()`). */
  handingOut(buf: Buffer, bytes: number): void;
  /** The reader pushed `bytes` bytes (every push, whatever its source). */
  pushed(bytes: number): void;
  /**
   * The one consumer is so far a plain file stream (the conditions of reuse, whether or not a spare is free):
   * larger chunks cost it fewer writes, and it never waits on a chunk to answer anyone.
   */
  batching(): boolean;
}

/**
 * Watches `reader`'s consumers from now on; `size` is each reused buffer's size (allocated on first use). At
 * least two, because Readable#read() asks for the next chunk (calls _read) before it hands out the one it has
 * queued: when the reader is asked to coalesce again, the last spare is often still in its buffer.
 */
export function coalesceBuffer(reader: Readable, size: number, count = 2): CoalesceBuffer {
  const spares: Spare[] = Array.from({ length: count }, () => ({ pushedSince: Infinity }));
  let dest: WriteStream | undefined;
  let sound = true;
  let piping = false;

  reader.on('newListener', (event: string | symbol) => {
    if (event === 'readable' || (event === 'data' && !piping)) sound = false;
  });
  const pipe = reader.pipe;
  reader.pipe = function <T extends NodeJS.WritableStream>(this: Readable, destination: T, options?: { end?: boolean }): T {
    if (dest || !isPlainFileStream(destination)) sound = false;
    else dest = destination;
    piping = true;
    try {
      return pipe.call(this, destination, options) as T;
    } finally {
      piping = false;
    }
  };
  const unpipe = reader.unpipe;
  reader.unpipe = function (this: Readable, destination?: NodeJS.WritableStream): Readable {
    sound = false;
    return unpipe.call(this, destination);
  };

  /** A spare nobody holds: never handed out, or out of the reader's buffer and written by the destination. */
  const free = (bytes: number): Spare | undefined => {
    if (!sound || !dest || bytes > size || reader.listenerCount('data') !== 1 || dest.destroyed) return undefined;
    const queued = reader.readableLength;
    const unwritten = dest.writableLength;
    // Both queues are FIFO and the pipe is the reader's only consumer: of the bytes pushed after the spare's chunk,
    // `pushedSince - queued` have left the reader for the destination, and the destination's unwritten bytes are the
    // last `unwritten` it was given (or more, if the caller also writes to it: the check only gets stricter). When
    // those fit among the bytes that came after the spare's chunk, that chunk is written and released.
    return spares.find((s) => unwritten <= s.pushedSince - queued);
  };

  return {
    take(pending, bytes) {
      const spare = free(bytes);
      if (!spare) return Buffer.concat(pending, bytes);
      spare.buf ??= Buffer.allocUnsafeSlow(size);
      let at = 0;
      for (const chunk of pending) at += chunk.copy(spare.buf, at);
      // The reader pushes it next: from then on, what is pushed after it counts.
      spare.pushedSince = -bytes;
      return spare.buf.subarray(0, bytes);
    },
    claim() {
      const spare = free(size);
      if (!spare) return undefined;
      // Held while it is being filled: no count of later pushes makes it free.
      spare.pushedSince = -Infinity;
      spare.buf ??= Buffer.allocUnsafeSlow(size);
      return spare.buf;
    },
    handingOut(buf, bytes) {
      const spare = spares.find((s) => s.buf !== undefined && s.buf.buffer === buf.buffer);
      if (spare) spare.pushedSince = -bytes;
    },
    pushed(bytes) {
      for (const s of spares) s.pushedSince += bytes;
    },
    batching() {
      return sound && dest !== undefined && !dest.destroyed && reader.listenerCount('data') === 1;
    },
  };
}

interface Spare {
  buf?: Buffer;
  /** Bytes the reader pushed after this spare was last handed out; Infinity while it never was. */
  pushedSince: number;
}

/** An `fs.WriteStream` as `fs.createWriteStream` makes it, writing with Node's own fs functions. */
function isPlainFileStream(dest: NodeJS.WritableStream): dest is WriteStream {
  if (!(dest instanceof WriteStream) || Object.getPrototypeOf(dest) !== WriteStream.prototype) return false;
  if (Object.hasOwn(dest, 'write') || Object.hasOwn(dest, '_write') || Object.hasOwn(dest, '_writev')) return false;
  // The `fs` option replaces the functions it writes with; Node keeps them under an internal symbol. Not found
  // (another Node version): not provably plain.
  const kFs = Object.getOwnPropertySymbols(dest).find((s) => s.description === 'kFs');
  return kFs !== undefined && (dest as unknown as Record<symbol, unknown>)[kFs] === fs;
}
