/**
 * Upload bodies read into two buffers that are reused for the whole upload: a tar file (FileChunks) and a packed
 * directory (tar-chunks.ts fills the chunks with headers and file contents).
 *
 * Why: a file ReadStream allocates a fresh 1 MiB buffer per read. Each is dead once its socket write is done,
 * but V8 frees ArrayBuffer backing stores only at a garbage collection, which it starts when external memory
 * has grown by tens of MB: a load or import peaked 25–35 MB of dead buffers over the idle process and took a
 * page fault per fresh page (bench/README.md, load/import). Two reused buffers keep it at 2 MiB.
 *
 * When a buffer may be reused — the whole argument, so keep it true when changing anything here, in a filler or
 * in how the body is sent:
 * 1. This object is an async iterable without `pipe`, so undici sends it with its iterable writer
 *    (client-h1.js `writeIterable`): `for await (chunk of body) if (!writer.write(chunk)) await waitForDrain()`.
 *    So undici asks for chunk k+1 only after the write of chunk k returned true, or after the socket's
 *    'drain' (every byte queued on it has been handed to the kernel and released by libuv) or 'close' (the
 *    handle is closed; pending writes were cancelled).
 * 2. `socket.write(chunk)` returns true only while the socket's queued bytes stay under its
 *    writableHighWaterMark: 64 KiB for the unix/TCP sockets undici opens, 16 KiB for TLS, the default for the
 *    ssh stream (whose writes complete when ssh's stdin has taken the bytes). Every chunk but the last is
 *    CHUNK_BYTES (1 MiB), far above: the write of a full chunk always returns false, so undici waits for 'drain'.
 * 3. Chunk k+1 is filled ahead (into the buffer chunk k-1 used) only once undici has asked for chunk k, i.e.
 *    after chunk k-1's write completed; a filler that is not `ahead` fills chunk k+1 only when undici asks for
 *    it, after chunk k's write completed. A short chunk's buffer is replaced, never reused.
 * If the process's default high-water mark was raised to a chunk or more, (2) may not hold, and every read
 * gets a fresh buffer instead. test/unit/file-chunks.test.ts and context-upload.test.ts send through a server
 * that reads slowly (writes stay pending) and compare digests; the real-engine tests load and import multi-MiB
 * tars and build directory contexts byte for byte.
 */
import { EventEmitter } from 'node:events';
import type { FileHandle } from 'node:fs/promises';
import { getDefaultHighWaterMark } from 'node:stream';
import { LoopReads, SLOW_READ_NS } from './local-reads.js';

/** Bytes per read: with 64 KiB reads an upload cost twice the CPU (bench/README.md). */
export const CHUNK_BYTES = 1 << 20;

/** What writes the bytes into the chunks. */
export interface ChunkFiller {
  /** Writes the next bytes from the start of `buffer`, up to its length; resolves how many (0: the end). */
  fill(buffer: Buffer): Promise<number>;
  /** Releases what the filler holds (an open file); called once, after no fill is in flight. */
  close(): Promise<void>;
  /**
   * false: fill the next chunk only when it is asked for, not while the current one is written — for a fill
   * that runs on this thread (it gains nothing from running ahead, and would push the chunk about to be written
   * out of the CPU cache). Read after each fill, for the next; default true.
   */
  readonly ahead?: boolean;
}

/**
 * The filler's bytes as an async iterable of views into two reused buffers, for undici's iterable writer only
 * (see above; never hand it to other code: a chunk is overwritten once the next-but-one is asked for), or, with
 * `fresh`, into a new buffer per chunk (any consumer may keep them). 'error' is emitted (when listened to)
 * before a fill failure is thrown to undici; `destroy()` closes the filler.
 */
export class ChunkSource extends EventEmitter implements AsyncIterable<Uint8Array> {
  destroyed = false;
  private started = false;
  private pending: Promise<unknown> | undefined;
  private closing: Promise<void> | undefined;

  private readonly chunkBytes: number;
  private readonly fresh: boolean;

  constructor(
    private readonly filler: ChunkFiller,
    opts: { chunkBytes?: number; fresh?: boolean } = {},
  ) {
    super();
    this.chunkBytes = opts.chunkBytes ?? CHUNK_BYTES;
    this.fresh = opts.fresh ?? false;
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    if (this.started) throw new Error('a chunked upload body can be sent once');
    this.started = true;
    const size = this.chunkBytes;
    const reuse = !this.fresh && getDefaultHighWaterMark(false) < size;
    const buffers = reuse ? [Buffer.allocUnsafeSlow(size), Buffer.allocUnsafeSlow(size)] : [];
    const bufferFor = (k: number): Buffer => (reuse ? buffers[k & 1] : Buffer.allocUnsafeSlow(size));
    let k = 0;
    let buffer = bufferFor(0);
    let next: Promise<number> | undefined;
    try {
      for (;;) {
        // Not `ahead`: nothing is read after a destroy (the file may be closing).
        const n = await (next ?? (this.destroyed ? 0 : this.read(buffer)));
        if (n === 0 || this.destroyed) return;
        const chunk = n === size ? buffer : buffer.subarray(0, n);
        // A short chunk's write may return true while its bytes are still queued (2): if another fill follows
        // (a regular file growing or on a filesystem that reads short), its buffer is never reused.
        if (reuse && n < size) buffers[k & 1] = Buffer.allocUnsafeSlow(size);
        k++;
        buffer = bufferFor(k);
        next = this.filler.ahead === false ? undefined : this.read(buffer);
        yield chunk;
      }
    } catch (err) {
      if (!this.destroyed && this.listenerCount('error') > 0) this.emit('error', err);
      throw err;
    } finally {
      await this.close();
    }
  }

  destroy(err?: Error): this {
    if (!this.destroyed) {
      this.destroyed = true;
      if (err && this.listenerCount('error') > 0) this.emit('error', err);
      this.close().catch(() => {});
    }
    return this;
  }

  private read(buffer: Buffer): Promise<number> {
    const read = this.filler.fill(buffer);
    this.pending = read.catch(() => {});
    return read;
  }

  /** Once: after a fill in flight settles (it writes into a buffer), close the filler. */
  private close(): Promise<void> {
    this.closing ??= Promise.resolve(this.pending).then(() => this.filler.close());
    return this.closing;
  }
}

/**
 * A tar file's bytes, read in order from its current position: async reads, or with `syncReads` (local-reads.ts
 * says why and when) `readSync` on this thread, not ahead, until two reads in a row took longer than
 * `slowReadNs` (they waited for the device), then async reads, ahead, for the rest of the file.
 */
export class FileChunks extends ChunkSource {
  constructor(handle: FileHandle, opts: { chunkBytes?: number; syncReads?: boolean; slowReadNs?: bigint } = {}) {
    super(opts.syncReads ? syncThenAsync(handle, opts.slowReadNs ?? SLOW_READ_NS) : asyncReads(handle), { chunkBytes: opts.chunkBytes });
  }
}

function asyncReads(handle: FileHandle): ChunkFiller {
  return { fill: (b) => handle.read(b, 0, b.length, null).then((r) => r.bytesRead), close: () => handle.close() };
}

function syncThenAsync(handle: FileHandle, slowReadNs: bigint): ChunkFiller {
  const async = asyncReads(handle);
  const loop = new LoopReads(slowReadNs);
  return {
    get ahead() {
      return !loop.on;
    },
    fill(b: Buffer): Promise<number> {
      if (!loop.on) return async.fill(b);
      try {
        // Position null: from the file position, which the async reads that may follow go on from.
        return Promise.resolve(loop.read(handle.fd, b, 0, b.length, null));
      } catch (err) {
        return Promise.reject(err as Error);
      }
    },
    close: async.close,
  };
}
