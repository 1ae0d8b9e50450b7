/**
 * The logs' answer (frame-output.ts) as frames: a body read chunk by chunk, its frames pulled from the FrameSource
 * of its mode (frames.ts). socket-frames.ts does the same for an upgraded connection (attach, exec).
 */
import { frameSource, type Frame, type FrameMode, type FrameSource } from './frames.js';

/**
 * Frames from a body (an async iterable of chunks, e.g. an undici body or a socket). Errors of the body propagate
 * unchanged; stopping the iteration early (`return()`) returns (and so releases) the body's iterator.
 *
 * An iterator object rather than an async generator: a chunk holds up to hundreds of frames, and handing each out
 * from the decoded batch costs one promise, where a generator (and every `yield*` above it) costs a resumption
 * per frame per layer — measurable at millions of small frames (bench figure 5).
 */
export function decodeFrames(body: AsyncIterable<Uint8Array>, mode: FrameMode, operation: string): AsyncIterableIterator<Frame> {
  return new FrameIterator(body[Symbol.asyncIterator](), frameSource(mode, operation));
}

class FrameIterator implements AsyncIterableIterator<Frame> {
  #done = false;

  constructor(
    private readonly source: AsyncIterator<Uint8Array>,
    private readonly decoder: FrameSource,
  ) {}

  [Symbol.asyncIterator](): AsyncIterableIterator<Frame> {
    return this;
  }

  /**
   * A frame the chunk read last still holds is decoded now and goes out in a promise made here: no async function
   * runs per frame. An async `next()` allocated its suspended frame for every call, ~290 of the ~650 bytes a frame
   * cost (V8's sampling heap profiler on 2.1 M frames of logs, bench/README.md "Stop 25").
   */
  next(): Promise<IteratorResult<Frame, undefined>> {
    if (this.#done) return Promise.resolve({ value: undefined, done: true });
    let frame: Frame | undefined;
    try {
      frame = this.decoder.take();
    } catch (err) {
      return Promise.reject(err);
    }
    if (frame) return Promise.resolve({ value: frame, done: false });
    return this.#refill();
  }

  /** Reads chunks until one completes a frame (or the body ends). */
  async #refill(): Promise<IteratorResult<Frame, undefined>> {
    for (;;) {
      const step = await this.source.next();
      if (this.#done) return { value: undefined, done: true };
      if (step.done) {
        this.#done = true;
        this.decoder.end();
        return { value: undefined, done: true };
      }
      this.decoder.feed(asBuffer(step.value));
      const frame = this.decoder.take();
      if (frame) return { value: frame, done: false };
    }
  }

  async return(): Promise<IteratorResult<Frame, undefined>> {
    if (!this.#done) {
      this.#done = true;
      await this.source.return?.();
    }
    return { value: undefined, done: true };
  }
}

function asBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}
