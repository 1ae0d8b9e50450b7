/**
 * streams/ — response bytes → typed values. Changes when a wire format (JSON lines, progress messages) or the
 * iterate-or-await contract changes, never for one endpoint.
 *
 * StreamOperation: what pull, push, build, import and load return (and any endpoint that streams events whose
 * end yields a result). It is both
 *  - an AsyncIterable of the typed progress events the daemon streams, and
 *  - a PromiseLike of the operation's result (image id, digest, …), with `catch` and `finally`.
 *
 * These endpoints answer 200 and report failure as an `{"error", "errorDetail"}` line in the body, so the body
 * has to be read to the end to know whether the operation worked. Rules:
 *  - an error line rejects (iteration throws, await rejects) with DockerStreamError carrying the daemon's text;
 *  - awaiting without iterating drains the body event by event (nothing is buffered);
 *  - iterating first and awaiting afterwards gives the result the iteration saw;
 *  - breaking out of the iteration cancels the body (the connection is released) and the result then rejects
 *    with DockerAbortError — the outcome is unknown;
 *  - errors of the request or the body (API error, connection loss, abort) propagate unchanged; once the
 *    operation's signal is aborted, the next event rejects with DockerAbortError even when more were already
 *    received (an abort never ends the events quietly: core/spec.ts CallOptions);
 *  - no unhandled rejection arises when only iterating or only awaiting.
 * The events can be consumed once: iterate at most once, and before awaiting (awaiting starts the draining).
 * How bytes become events is the injected decoder's business (default: the progress lines of progress-lines.ts).
 */
import { DockerAbortError, DockerInputError } from '../core/errors.js';
import { abortable } from './abortable.js';
import { progressMessages } from './progress-lines.js';

/**
 * Folds the events of one operation into its result. One reducer instance serves one operation.
 */
export interface StreamReducer<Event, Result> {
  /** Operation name used in error messages (`pull`, `build`, …). */
  readonly operation: string;
  /** Sees every event in order (error lines excluded: they end the operation). */
  next(event: Event): void;
  /**
   * Called once when the body ended without error; returns the result, or throws DockerStreamError
   * ("stream ended without …") when the events never carried what the result needs.
   */
  finish(): Result;
}

export type StreamBody = AsyncIterable<Uint8Array>;

/**
 * Turns the body into events; throws to fail the operation (e.g. DockerStreamError for an error line).
 * `operation` names the operation in messages.
 */
export type StreamDecoder<Event> = (body: StreamBody, operation: string) => AsyncIterable<Event>;

const noop = (): void => {};

/** Releases a body nobody is going to read (Node Readable, web ReadableStream, or any async iterable). */
function cancelBody(body: StreamBody): void {
  const b = body as { destroy?: () => void; cancel?: () => Promise<void> };
  if (typeof b.destroy === 'function') {
    b.destroy();
  } else if (typeof b.cancel === 'function') {
    b.cancel().catch(noop);
  } else {
    const iterator = body[Symbol.asyncIterator]();
    Promise.resolve(iterator.return?.()).catch(noop);
  }
}

export interface StreamOperationOptions<Event> {
  decode?: StreamDecoder<Event>;
  signal?: AbortSignal;
}

export class StreamOperation<Event extends object, Result> implements AsyncIterable<Event>, PromiseLike<Result> {
  readonly #body: Promise<StreamBody>;
  readonly #reducer: StreamReducer<Event, Result>;
  readonly #decode: StreamDecoder<Event>;
  readonly #result: Promise<Result>;
  #resolve!: (result: Result) => void;
  #reject!: (error: unknown) => void;
  #consumer: 'none' | 'iterator' | 'drain' = 'none';
  readonly #signal: AbortSignal | undefined;

  /**
   * @param body the response body; the promise rejects with the request's error (API error, connection error,
   *   abort) when there is no body to read.
   * @param reducer folds the events into the result.
   * @param opts.decode turns the body into events (default: progress messages, one JSON object per line).
   * @param opts.signal the operation's signal: once aborted, no further event is handed out.
   */
  constructor(body: Promise<StreamBody>, reducer: StreamReducer<Event, Result>, opts: StreamOperationOptions<Event> = {}) {
    this.#body = body;
    this.#signal = opts.signal instanceof AbortSignal ? opts.signal : undefined;
    this.#reducer = reducer;
    this.#decode = opts.decode ?? (progressMessages as StreamDecoder<Event>);
    // Observed here so that a request error is never an unhandled rejection; it reaches the caller through
    // the iteration or the result.
    body.catch(noop);
    this.#result = new Promise<Result>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
    // The result is handed out through then(); a caller who only iterates must not get an unhandled rejection.
    this.#result.catch(noop);
  }

  get [Symbol.toStringTag](): string {
    return 'StreamOperation';
  }

  /** Reads the body: decode, feed the reducer, yield each event; returns the result. */
  async *#events(): AsyncGenerator<Event, Result, undefined> {
    const body = await this.#body;
    for await (const event of abortable(this.#decode(body, this.#reducer.operation), this.#signal)) {
      this.#reducer.next(event);
      yield event;
    }
    return this.#reducer.finish();
  }

  [Symbol.asyncIterator](): AsyncIterator<Event, undefined, undefined> {
    if (this.#consumer !== 'none') {
      throw new DockerInputError(
        this.#consumer === 'drain'
          ? `${this.#reducer.operation}: cannot iterate the events after awaiting the operation (awaiting consumes them); iterate first, then await`
          : `${this.#reducer.operation}: the events can be iterated only once`,
      );
    }
    this.#consumer = 'iterator';
    const events = this.#events();
    let started = false;
    let finished = false;
    const iterator: AsyncIterator<Event, undefined, undefined> & AsyncIterable<Event> = {
      next: async () => {
        started = true;
        try {
          const step = await events.next();
          if (step.done) {
            finished = true;
            this.#resolve(step.value);
            return { done: true, value: undefined };
          }
          return step;
        } catch (error) {
          finished = true;
          this.#reject(error);
          throw error;
        }
      },
      return: async () => {
        if (!finished) {
          finished = true;
          // A generator that never started would not run its cleanup, so release the body directly.
          if (!started) this.#body.then(cancelBody, noop);
          try {
            await events.return(undefined as never);
          } finally {
            this.#reject(new DockerAbortError(`${this.#reducer.operation}: iteration stopped before the stream ended; the outcome is unknown`));
          }
        }
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]() {
        return iterator;
      },
    };
    return iterator;
  }

  /** Drains the events when awaited without iterating. */
  #drain(): void {
    if (this.#consumer !== 'none') return;
    this.#consumer = 'drain';
    const events = this.#events();
    void (async () => {
      try {
        for (;;) {
          const step = await events.next();
          if (step.done) {
            this.#resolve(step.value);
            return;
          }
        }
      } catch (error) {
        this.#reject(error);
      }
    })();
  }

  then<T1 = Result, T2 = never>(
    onfulfilled?: ((value: Result) => T1 | PromiseLike<T1>) | null,
    onrejected?: ((reason: unknown) => T2 | PromiseLike<T2>) | null,
  ): Promise<T1 | T2> {
    this.#drain();
    return this.#result.then(onfulfilled, onrejected);
  }

  catch<T = never>(onrejected?: ((reason: unknown) => T | PromiseLike<T>) | null): Promise<Result | T> {
    return this.then(undefined, onrejected);
  }

  finally(onfinally?: (() => void) | null): Promise<Result> {
    this.#drain();
    return this.#result.finally(onfinally);
  }
}
