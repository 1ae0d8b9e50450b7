/**
 * FrameOutput: what logs (and other one-way frame streams) return. It is both
 *  - an AsyncIterable of output frames `{ stream, data }`, read as they arrive (nothing is buffered), and
 *  - a PromiseLike of the whole output, `{ stdout, stderr }` as Buffers (each stream joined once at the end).
 * The request is sent when the output is first iterated or awaited (a FrameOutput nobody reads holds nothing
 * open); it can be consumed once, one way. Errors (API error, abort, a type-3 frame) reject the iteration or the
 * promise; leaving the iteration early releases the connection.
 */
import { DockerInputError } from '../core/errors.js';
import { abortError } from '../transport/failures.js';
import { decodeFrames } from './body-frames.js';
import { collectFrames, type CollectedOutput, type Frame, type FrameMode } from './frames.js';

/** Opens the body and says how it is framed. */
export type OpenFrames = () => Promise<{ body: AsyncIterable<Uint8Array>; mode: FrameMode }>;

export class FrameOutput implements AsyncIterable<Frame>, PromiseLike<CollectedOutput> {
  readonly #open: OpenFrames;
  readonly #operation: string;
  #consumed: 'iterated' | 'awaited' | undefined;
  #collected: Promise<CollectedOutput> | undefined;

  readonly #signal: AbortSignal | undefined;

  /** `signal`: once aborted, the iteration stops at the next frame even when more were already received. */
  constructor(open: OpenFrames, operation: string, signal?: AbortSignal) {
    this.#open = open;
    this.#operation = operation;
    this.#signal = signal;
  }

  get [Symbol.toStringTag](): string {
    return 'FrameOutput';
  }

  /** Opens on the first next(); afterwards hands straight through to the frame iterator (no extra layer). */
  #frames(): AsyncIterableIterator<Frame> {
    let inner: AsyncIterator<Frame, undefined> | undefined;
    let opening: Promise<AsyncIterator<Frame, undefined>> | undefined;
    const open = (): Promise<AsyncIterator<Frame, undefined>> =>
      (opening ??= this.#open().then(({ body, mode }) => (inner = decodeFrames(body, mode, this.#operation))));
    const iterator: AsyncIterableIterator<Frame> = {
      next: () => {
        if (this.#signal?.aborted) {
          void iterator.return!();
          return Promise.reject(abortError(this.#signal));
        }
        return inner ? inner.next() : open().then((it) => it.next());
      },
      return: async () => {
        // Not opened yet: nothing to release (and nothing will be sent); opening: release once it is open.
        if (opening) await (await opening.catch(() => undefined))?.return?.();
        return { value: undefined, done: true };
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  [Symbol.asyncIterator](): AsyncIterator<Frame> {
    if (this.#consumed) {
      throw new DockerInputError(`${this.#operation}: the output was already ${this.#consumed}; it can be consumed once`);
    }
    this.#consumed = 'iterated';
    return this.#frames();
  }

  then<T1 = CollectedOutput, T2 = never>(
    onfulfilled?: ((value: CollectedOutput) => T1 | PromiseLike<T1>) | null,
    onrejected?: ((reason: unknown) => T2 | PromiseLike<T2>) | null,
  ): Promise<T1 | T2> {
    if (!this.#collected) {
      if (this.#consumed === 'iterated') {
        this.#collected = Promise.reject(new DockerInputError(`${this.#operation}: the output was already iterated; await it instead of iterating, not after`));
      } else {
        this.#consumed = 'awaited';
        this.#collected = collectFrames(this.#frames());
      }
    }
    return this.#collected.then(onfulfilled, onrejected);
  }

  catch<T = never>(onrejected?: ((reason: unknown) => T | PromiseLike<T>) | null): Promise<CollectedOutput | T> {
    return this.then(undefined, onrejected);
  }

  finally(onfinally?: (() => void) | null): Promise<CollectedOutput> {
    return this.then().finally(onfinally);
  }
}
