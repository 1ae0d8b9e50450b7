/**
 * The body of a download (download.ts): a Node Readable filled from socket reads that land in one reused buffer,
 * so every byte is copied out during the read — into a reused batch buffer when the consumer provably no longer
 * holds it (a plain file stream, coalesce-buffer.ts), else into a copy of its own.
 *
 * Why: undici's reader allocates a new buffer for every socket read (~32–64 KiB); a 1 GiB download leaves ~30 MB
 * of dead reads between two scavenges (V8 frees external memory only when it sweeps), which is what put a
 * save → file ~15–35 MB over the process's idle peak (bench/README.md). Reading into one buffer and copying into
 * four reused 512 KiB batches allocates nothing per read for a file consumer: a 1 GiB save to a file peaks a few MB
 * above a process that has only loaded the client and negotiated.
 *
 * The consumer sees what body-reader.ts gives: a plain file stream gets batches of at least `batchBytes` (or what
 * came within `batchWaitMs`), anyone else gets what arrived since its last read; at most `limit` bytes are read
 * ahead, then the socket is paused. It also answers the body methods of a response (text, json, …) for an
 * error answer or a raw request.
 */
import { Readable } from 'node:stream';
import { followAbort } from '../core/on-abort.js';
import { BATCH_BYTES, BATCH_WAIT_MS, READ_AHEAD_BYTES } from './body-reader.js';
import { coalesceBuffer, type CoalesceBuffer } from './coalesce-buffer.js';

export interface DownloadReaderOptions {
  /** Maps a failure (abort, timeout, lost connection) to the error the reader is destroyed with. */
  mapError: (err: unknown, bytesReceived: number) => Error;
  /** The request's signal: aborting destroys the reader unless it was read to the end. */
  signal?: AbortSignal;
  /** Start reading the socket again after `payload()` returned false. */
  resume: () => void;
  /** The reader was destroyed before the end: close the connection. */
  abandon: () => void;
  contentType?: string;
  limit?: number;
  batchBytes?: number;
  batchWaitMs?: number;
}

/**
 * Reused batches per reader (see full()). With three, a socket read that crosses the end of the batch filling
 * when the read-ahead is full found no free one and allocated a new 512 KiB batch: ~150 of them on a 1 GiB save,
 * ~30 MB of dead buffers at the peak (bench/README.md, "Four batches, not three").
 */
const SPARES = 4;

export class DownloadReader extends Readable {
  private readonly opts: DownloadReaderOptions;
  private readonly limit: number;
  private readonly batchBytes: number;
  private readonly coalesce: CoalesceBuffer;
  /** Chunks ready to hand out, in order; then the batch being filled. */
  private ready: Buffer[] = [];
  private readyBytes = 0;
  private fill: Buffer | undefined;
  private fillBytes = 0;
  private wanted = false;
  private ended = false;
  private paused = false;
  private timer: NodeJS.Timeout | undefined;
  /** The batch waited `batchWaitMs`: it goes out as it is. */
  private waited = false;
  private bytesReceived = 0;
  /** A failure that came before anyone could hear it (failWith). */
  private pendingError: Error | undefined;

  constructor(opts: DownloadReaderOptions) {
    super();
    this.opts = opts;
    this.limit = opts.limit ?? READ_AHEAD_BYTES;
    this.batchBytes = Math.min(opts.batchBytes ?? BATCH_BYTES, this.limit);
    this.coalesce = coalesceBuffer(this, this.batchBytes, SPARES);
    const signal = opts.signal;
    if (signal) {
      const stop = followAbort(signal, () => {
        if (!this.readableEnded && !this.destroyed) {
          this.ended = true;
          this.opts.abandon();
          this.failWith(opts.mapError(signal.reason, this.bytesReceived));
        }
      });
      this.once('close', stop);
    }
  }

  /** Body bytes `buf[start, end)`, copied before returning; false when the socket should pause (read-ahead full). */
  payload(buf: Buffer, start: number, end: number): boolean {
    this.bytesReceived += end - start;
    if (this.destroyed) return true;
    if (this.coalesce.batching()) {
      while (start < end) {
        this.fill ??= this.coalesce.claim() ?? Buffer.allocUnsafeSlow(this.batchBytes);
        const n = Math.min(end - start, this.fill.length - this.fillBytes);
        buf.copy(this.fill, this.fillBytes, start, start + n);
        this.fillBytes += n;
        start += n;
        if (this.fillBytes === this.fill.length) this.seal();
      }
    } else {
      // A consumer that may keep what it gets: a copy of its own, after any batch begun before.
      this.seal();
      const chunk = Buffer.allocUnsafe(end - start);
      buf.copy(chunk, 0, start, end);
      this.ready.push(chunk);
      this.readyBytes += chunk.length;
    }
    if (this.wanted) this.handOut();
    if (!this.full()) return true;
    this.paused = true;
    return false;
  }

  /**
   * The read-ahead is full: what waits here and in the Readable's own buffer (a piped consumer that is busy still
   * gets one chunk pushed) reaches `limit`. With 512 KiB batches that is the one being written, one queued, one
   * sealed and — because the check comes after a whole read, and a read crossing a batch's end goes on into the
   * next — the one the rest of that read starts: four buffers (SPARES).
   */
  private full(): boolean {
    return this.readyBytes + this.fillBytes + this.readableLength >= this.limit;
  }

  /** The body is complete. */
  end(): void {
    this.ended = true;
    if (!this.destroyed) this.handOut();
  }

  /** The connection failed (or the answer was malformed). */
  fail(err: unknown): void {
    if (this.destroyed || this.readableEnded) return;
    this.ended = true;
    this.failWith(this.opts.mapError(err, this.bytesReceived));
  }

  /**
   * Destroys the reader with `err` — once someone can hear it. Before the caller got the stream (the head and
   * a broken body can come in one read) or while it has neither read nor listened for 'error', an 'error' event
   * would be an uncaught exception: the error waits for the first read, which reports it.
   */
  private failWith(err: Error): void {
    if (this.listenerCount('error') > 0 || this.readableDidRead || this.wanted) this.destroy(err);
    else this.pendingError = err;
  }

  override _read(): void {
    if (this.pendingError) {
      this.destroy(this.pendingError);
      return;
    }
    this.wanted = true;
    this.handOut();
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    clearTimeout(this.timer);
    this.ready = [];
    this.readyBytes = 0;
    this.fill = undefined;
    this.fillBytes = 0;
    if (!this.ended) {
      this.ended = true;
      this.opts.abandon();
    }
    callback(err);
  }

  /** Moves the batch being filled to the ready chunks. */
  private seal(): void {
    if (this.fill && this.fillBytes > 0) {
      this.ready.push(this.fill.subarray(0, this.fillBytes));
      this.readyBytes += this.fillBytes;
    }
    this.fill = undefined;
    this.fillBytes = 0;
  }

  /** Gives the consumer that asked its next chunk when one is due, ends the stream after the last one. */
  private handOut(): void {
    if (this.wanted) this.handOutNext();
    // Not full(): Readable#read() calls _read before it hands out the chunk it holds, which then leaves for good.
    if (this.paused && this.readyBytes + this.fillBytes < this.limit && !this.ended) {
      this.paused = false;
      this.opts.resume();
    }
    if (this.ended && this.readyBytes + this.fillBytes === 0 && !this.destroyed) this.push(null);
  }

  private handOutNext(): void {
    const batching = this.coalesce.batching();
    // (A full batch was sealed as it filled: what is left here is a partial one.)
    if (this.readyBytes === 0 && this.fillBytes > 0 && (this.ended || this.waited || !batching)) this.seal();
    if (this.readyBytes > 0) {
      const chunk = batching || this.ready.length === 1 ? this.ready.shift()! : this.coalesce.take(this.ready.splice(0), this.readyBytes);
      this.readyBytes -= chunk.length;
      clearTimeout(this.timer);
      this.timer = undefined;
      this.waited = false;
      this.wanted = false;
      this.coalesce.handingOut(chunk, chunk.length);
      this.coalesce.pushed(chunk.length);
      this.push(chunk);
    } else if (this.fillBytes > 0) {
      this.timer ??= setTimeout(() => {
        this.timer = undefined;
        this.waited = true;
        if (!this.destroyed) this.handOut();
      }, this.opts.batchWaitMs ?? BATCH_WAIT_MS);
    }
  }

  // The body methods of a response (an error answer, a raw request): read to the end, this reader's copies.
  get bodyUsed(): boolean {
    return this.readableDidRead || this.destroyed;
  }
  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.bytes();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
  }
  async text(): Promise<string> {
    const bytes = await this.bytes();
    // UTF-8, a byte-order mark dropped (what TextDecoder and undici's text() do).
    return bytes.toString('utf8', bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0);
  }
  async json(): Promise<unknown> {
    return JSON.parse(await this.text()) as unknown;
  }
  async blob(): Promise<Blob> {
    return new Blob([await this.bytes()], { type: this.opts.contentType ?? '' });
  }
  /** Drop the rest: the connection is closed (a download connection is never reused). */
  async dump(): Promise<void> {
    if (!this.destroyed && !this.readableEnded) this.destroy();
  }
  private async bytes(): Promise<Buffer> {
    // The whole body is here and nobody has read any of it (a call's answer, as a rule): taken as it is.
    if (this.ended && !this.readableDidRead && this.readableLength === 0 && !this.destroyed && !this.pendingError && !this.coalesce.batching()) {
      this.seal();
      const held = this.ready;
      this.ready = [];
      this.readyBytes = 0;
      this.destroy();
      return held.length === 1 ? held[0] : Buffer.concat(held);
    }
    const chunks: Buffer[] = [];
    // Async iteration adds a 'readable' listener: every chunk is a copy of its own (never a reused batch).
    for await (const chunk of this) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }
}
