/**
 * The output of an upgraded connection as an async iterator of frames, read in flowing mode: each 'data' chunk is
 * queued as it arrives, and `next()` decodes the next frame from the queue when one is asked for — without
 * waiting when the queue holds one, else waiting for the next chunk. One promise per wait and none per queued
 * frame keeps an interactive echo (write a line, read it back) as fast as an event listener, where a chain of
 * async generators over the socket's own iterator cost ~10–15%. Frames are decoded on demand (frames.ts
 * FrameDecoder), not as their chunk arrives: decoded frames waiting in a queue survive V8's scavenges, which makes
 * V8 grow its young generation on a long output (bench/README.md, "Stop 27").
 * Backpressure: the socket is paused while more than HIGH_WATER bytes wait to be decoded.
 */
import type { Duplex } from 'node:stream';
import { DockerAbortError, DockerProtocolError } from '../core/errors.js';
import { frameSource, type Frame, type FrameMode, type FrameSource } from './frames.js';

const HIGH_WATER = 1 << 20;

export class SocketFrames implements AsyncIterator<Frame, undefined> {
  readonly #socket: Duplex;
  readonly #decoder: FrameSource;
  /** Maps a failure (socket error, decoding error, premature close) to what the iteration throws. */
  readonly #fail: (err: unknown) => Error;
  /** Chunks not yet handed to the decoder, in order. */
  readonly #queue: Buffer[] = [];
  #head = 0;
  #queuedBytes = 0;
  /** The engine ended its side: what is queued is all there is. */
  #ended = false;
  /** The caller left the iteration (return()). */
  #left = false;
  #error: Error | undefined;
  #waiting: { resolve: (r: IteratorResult<Frame, undefined>) => void; reject: (e: Error) => void } | undefined;

  constructor(socket: Duplex, mode: FrameMode, operation: string, fail: (err: unknown) => Error) {
    this.#socket = socket;
    this.#decoder = frameSource(mode, operation);
    this.#fail = fail;
    socket.on('data', this.#onData);
    socket.once('end', this.#onEnd);
    socket.once('error', this.#onError);
    socket.once('close', this.#onClose);
    if (socket.destroyed) this.#onClose();
  }

  readonly #onData = (chunk: Buffer): void => {
    if (this.#error || this.#ended || this.#left || chunk.length === 0) return;
    const waiting = this.#waiting;
    if (waiting && this.#head === this.#queue.length) {
      // The common case of an interactive session: someone waits and nothing is queued, so the decoder has used up
      // its chunk (its take() said so) and takes this one at once — no queueing, no settling.
      let frame: Frame | undefined;
      try {
        this.#decoder.feed(chunk);
        frame = this.#decoder.take();
      } catch (err) {
        this.#failWith(err, true);
        return;
      }
      if (frame) {
        this.#waiting = undefined;
        waiting.resolve({ value: frame, done: false });
      }
      return;
    }
    this.#queue.push(chunk);
    this.#queuedBytes += chunk.length;
    this.#wake();
    if (this.#queuedBytes > HIGH_WATER && !this.#error) this.#socket.pause();
  };

  readonly #onEnd = (): void => {
    this.#ended = true;
    this.#wake();
  };

  readonly #onError = (err: unknown): void => this.#failWith(err);

  readonly #onClose = (): void => {
    // Closed without an end: destroyed (close(), abort) or cut off.
    if (!this.#ended) this.#failWith(new DockerProtocolError('the connection closed before the output ended'));
  };

  /** A failure of the connection (after its end, none counts) or of the decoding (at any time). */
  #failWith(err: unknown, decoding = false): void {
    if (this.#error || (this.#ended && !decoding) || this.#left) return;
    this.#error = this.#fail(err);
    // Aborted or closed by the caller: stop now; output already received but not taken is dropped.
    if (this.#error instanceof DockerAbortError) this.#drop();
    if (!this.#socket.destroyed) this.#socket.destroy();
    this.#wake();
  }

  #drop(): void {
    this.#queue.length = 0;
    this.#head = 0;
    this.#queuedBytes = 0;
  }

  /** The next frame of what was received, or undefined; throws what the decoder finds wrong. */
  #take(): Frame | undefined {
    for (;;) {
      const frame = this.#decoder.take();
      if (frame) return frame;
      if (this.#head === this.#queue.length) return undefined;
      const chunk = this.#queue[this.#head];
      this.#queue[this.#head++] = undefined as unknown as Buffer;
      if (this.#head === this.#queue.length) {
        this.#queue.length = 0;
        this.#head = 0;
      }
      this.#queuedBytes -= chunk.length;
      this.#decoder.feed(chunk);
    }
  }

  /**
   * A frame or the end when one is due; undefined while more bytes are needed — or when the iteration failed, which
   * `#error` then says (frames received before a failure of the connection come out first).
   */
  #settle(): IteratorResult<Frame, undefined> | undefined {
    if (this.#left) return { value: undefined, done: true };
    if (!(this.#error instanceof DockerAbortError)) {
      let frame: Frame | undefined;
      try {
        frame = this.#take();
      } catch (err) {
        this.#failWith(err, true);
      }
      if (frame) {
        if (this.#queuedBytes <= HIGH_WATER && this.#socket.isPaused() && !this.#socket.destroyed) this.#socket.resume();
        return { value: frame, done: false };
      }
    }
    if (this.#error || !this.#ended) return undefined;
    try {
      this.#decoder.end();
    } catch (err) {
      this.#failWith(err, true);
      return undefined;
    }
    this.#release();
    return { value: undefined, done: true };
  }

  /** Answers a waiting next() once something is due. */
  #wake(): void {
    const waiting = this.#waiting;
    if (!waiting) return;
    const result = this.#settle();
    // (A failure found while settling may have answered it already, through #failWith.)
    if (this.#waiting !== waiting) return;
    if (result) {
      this.#waiting = undefined;
      waiting.resolve(result);
    } else if (this.#error) {
      this.#waiting = undefined;
      waiting.reject(this.#error);
    }
  }

  /**
   * The engine closed its side and every frame was taken: nothing more will come, so the connection goes — also
   * when input is still queued for a process that exited without reading it (ending the socket would wait for
   * that input to be read, forever).
   */
  #release(): void {
    if (!this.#socket.destroyed) this.#socket.destroy();
  }

  next(): Promise<IteratorResult<Frame, undefined>> {
    const result = this.#settle();
    if (result) return Promise.resolve(result);
    if (this.#error) return Promise.reject(this.#error);
    if (this.#socket.isPaused()) this.#socket.resume();
    return new Promise((resolve, reject) => {
      this.#waiting = { resolve, reject };
    });
  }

  /** Leaving the iteration early: nothing more is wanted, so the connection goes. */
  return(): Promise<IteratorResult<Frame, undefined>> {
    this.#left = true;
    this.#drop();
    if (!this.#socket.destroyed) this.#socket.destroy();
    return Promise.resolve({ value: undefined, done: true });
  }
}
