/**
 * Upload bodies read into buffers that are reused for the whole upload: a tar file (FileChunks) and a packed
 * directory (tar-chunks.ts fills the chunks with headers and file contents). One buffer when the reads run on
 * the loop's thread (local-reads.ts, the usual case), two when a read runs ahead while the chunk before is written.
 *
 * Why: a file ReadStream allocates a fresh 1 MiB buffer per read. Each is dead once its socket write is done,
 * but V8 frees ArrayBuffer backing stores only at a garbage collection, which it starts when external memory
 * has grown by tens of MB: a load or import peaked 25–35 MB of dead buffers over the idle process and took a
 * page fault per fresh page (bench/README.md, load/import). Reused buffers keep it at 1–2 MiB.
 *
 * When a buffer may be reused — the whole argument, so keep it true when changing anything here, in a filler or
 * in how the body is sent:
 * 1. Whoever sends it asks for chunk k+1 only after the write of chunk k returned true, or after the socket's
 *    'drain' (every byte queued on it has been handed to the kernel and released by libuv) or 'close' (the
 *    handle is closed; pending writes were cancelled). The client's own connections pull it so
 *    (transport/body-writer.ts `[PULL]()`); over ssh undici sends it as the async iterable it also is, with its
 *    iterable writer (client-h1.js `writeIterable`: `for await (chunk of body) if (!writer.write(chunk)) await
 *    waitForDrain()`), which has no `pipe` to take instead.
 * 2. `socket.write(chunk)` returns true only while the socket's queued bytes stay under its
 *    writableHighWaterMark: 64 KiB for unix and TCP sockets, 16 KiB for TLS, the default for the ssh stream
 *    (whose writes complete when ssh's stdin has taken the bytes). Every chunk but the last is CHUNK_BYTES
 *    (1 MiB), far above: the write of a full chunk always returns false, so the writer waits for 'drain'.
 * 3. Chunk k+1 is filled ahead (into the buffer chunk k-1 used) only once chunk k is asked for, i.e. after chunk
 *    k-1's write completed; a filler that is not `ahead` fills chunk k+1 — into chunk k's buffer — only when it
 *    is asked for, after chunk k's write completed. A short chunk's buffer is replaced, never reused.
 * The `headroom` bytes before each chunk, in its buffer, are the writer's (a chunked size line): written with the
 * chunk, so (1)–(3) cover them. If the process's default high-water mark was raised to a chunk or more, (2) may
 * not hold, and every read gets a fresh buffer instead. test/unit/file-chunks.test.ts and context-upload.test.ts
 * send through a server that reads slowly (writes stay pending) and compare digests; the real-engine tests load
 * and import multi-MiB tars and build directory contexts byte for byte.
 */
import { EventEmitter } from 'node:events';
import type { FileHandle } from 'node:fs/promises';
import { getDefaultHighWaterMark } from 'node:stream';
import { PULL, SIZE_LINE_BYTES, type PulledBody } from '../transport/body-writer.js';
import { LoopReads, readAsync, SLOW_READ_NS } from './local-reads.js';

/** Bytes per read: with 64 KiB reads an upload cost twice the CPU (bench/README.md). */
export const CHUNK_BYTES = 1 << 20;

/** What writes the bytes into the chunks. */
export interface ChunkFiller {
  /**
   * Writes the next bytes from the start of `buffer`, up to its length; returns how many (0: the end) — as a number
   * when they were written on this thread (a sync read), else as a promise. May throw.
   */
  fill(buffer: Buffer): number | Promise<number>;
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
 * The filler's bytes as chunks that are views into reused buffers, for the client's own body writer and undici's
 * iterable writer only (see above; never hand it to other code: a chunk is overwritten once the next-but-one is
 * asked for — the next one, when the filler is not ahead), or, with `fresh`, into a new buffer per chunk (any
 * consumer may keep them). Read it once: by `[PULL]()` (body-writer.ts, chunks handed out synchronously when the
 * fill was) or as an async iterable. 'error' is emitted (when listened to) before a fill failure is thrown;
 * `destroy()` closes the filler.
 */
export class ChunkSource extends EventEmitter implements AsyncIterable<Uint8Array>, PulledBody {
  destroyed = false;
  private started = false;
  private ended = false;
  private pending: Promise<unknown> | undefined;
  private closing: Promise<void> | undefined;

  private readonly chunkBytes: number;
  private readonly fresh: boolean;
  private reuse = false;
  /** PulledBody's: room for the size line of a chunked upload (a build context); none in fresh buffers. */
  readonly headroom: number;
  // `cur`: the buffer the next fill writes into. `spare`: the one a fill ahead writes into while `cur`'s chunk is
  // written — allocated only once a fill does run ahead: a filler that is not ahead (reads on the loop's thread,
  // the usual case) fills chunk k+1 only after chunk k's write completed (3), so one buffer serves the whole
  // upload (1 MiB less resident than two, bench/README.md "Stop 24").
  private cur: Buffer | undefined;
  private spare: Buffer | undefined;
  /** The fill ahead in flight, for the chunk after the one handed out last. */
  private next: Promise<number> | undefined;

  constructor(
    private readonly filler: ChunkFiller,
    opts: { chunkBytes?: number; fresh?: boolean } = {},
  ) {
    super();
    this.chunkBytes = opts.chunkBytes ?? CHUNK_BYTES;
    this.fresh = opts.fresh ?? false;
    this.headroom = this.fresh ? 0 : SIZE_LINE_BYTES;
  }

  [PULL](): Uint8Array | null | Promise<Uint8Array | null> {
    if (this.ended) return null;
    if (!this.started) {
      this.started = true;
      this.reuse = !this.fresh && getDefaultHighWaterMark(false) < this.chunkBytes;
      this.cur = this.alloc();
    }
    const ahead = this.next;
    if (ahead) {
      this.next = undefined;
      return ahead.then((n) => this.took(n), (err: unknown) => this.failed(err));
    }
    // Not `ahead`: nothing is read after a destroy (the file may be closing).
    if (this.destroyed) return this.took(0);
    let n: number | Promise<number>;
    try {
      n = this.fillInto(this.cur!);
    } catch (err) {
      return this.failed(err);
    }
    return typeof n === 'number' ? this.took(n) : n.then((m) => this.took(m), (err: unknown) => this.failed(err));
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    if (this.started) throw new Error('a chunked upload body can be sent once');
    try {
      for (;;) {
        const chunk = await this[PULL]();
        if (chunk === null) return;
        yield chunk;
      }
    } finally {
      // The consumer stopped early (a closed socket): nothing more is read.
      if (!this.ended) this.destroy();
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

  /** A buffer for one chunk, with `headroom` bytes before it in its ArrayBuffer. */
  private alloc(): Buffer {
    const room = this.headroom;
    return room ? Buffer.allocUnsafeSlow(room + this.chunkBytes).subarray(room) : Buffer.allocUnsafeSlow(this.chunkBytes);
  }

  /** `n` bytes were filled into `cur`: hands them out and sets up the next fill. */
  private took(n: number): Uint8Array | null | Promise<null> {
    if (n === 0 || this.destroyed) {
      this.ended = true;
      // The end: the file is closed before the last (empty) chunk is handed out, and a failing close fails it.
      return this.close().then(() => null);
    }
    const held = this.cur!;
    const size = this.chunkBytes;
    const chunk = n === size ? held : held.subarray(0, n);
    // A short chunk's write may return true while its bytes are still queued (2): if another fill follows
    // (a regular file growing or on a filesystem that reads short), its buffer is never reused.
    const reusable = this.reuse && n === size;
    if (this.filler.ahead === false) {
      this.cur = reusable ? held : this.alloc();
    } else {
      this.cur = this.reuse && this.spare ? this.spare : this.alloc();
      this.spare = reusable ? held : undefined;
      let next: number | Promise<number>;
      try {
        next = this.fillInto(this.cur);
      } catch (err) {
        next = Promise.reject(err as Error);
      }
      this.next = typeof next === 'number' ? Promise.resolve(next) : next;
      // Observed here too: after a destroy it may never be pulled.
      this.next.catch(() => {});
    }
    return chunk;
  }

  private failed(err: unknown): Promise<never> {
    this.ended = true;
    if (!this.destroyed && this.listenerCount('error') > 0) this.emit('error', err);
    return this.close().then(() => Promise.reject(err as Error));
  }

  // Not named `read`: undici calls a body's `read(0)` when it has one (client-h1.js, for a stream's length).
  private fillInto(buffer: Buffer): number | Promise<number> {
    const read = this.filler.fill(buffer);
    if (typeof read !== 'number') this.pending = read.catch(() => {});
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
  return { fill: (b) => readAsync(handle.fd, b, 0, b.length, null), close: () => handle.close() };
}

function syncThenAsync(handle: FileHandle, slowReadNs: bigint): ChunkFiller {
  const async = asyncReads(handle);
  const loop = new LoopReads(slowReadNs);
  return {
    get ahead() {
      return !loop.on;
    },
    fill(b: Buffer): number | Promise<number> {
      // Position null: from the file position, which the async reads that may follow go on from.
      return loop.on ? loop.read(handle.fd, b, 0, b.length, null) : async.fill(b);
    },
    close: async.close,
  };
}
