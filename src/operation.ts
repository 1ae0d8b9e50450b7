/**
 * StreamOperation: what pull, push, build, import and load return. It is both
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
 *  - errors of the request or the body (API error, connection loss, abort) propagate unchanged;
 *  - no unhandled rejection arises when only iterating or only awaiting.
 * The events can be consumed once: iterate at most once, and before awaiting (awaiting starts the draining).
 */
import type { components } from '../generated/docker-engine.js';
import { DockerAbortError, DockerInputError, DockerProtocolError, DockerStreamError } from './errors.js';
import { decodeJsonLines, type JsonLinesOptions } from './json-stream.js';

/** The error fields every progress message may carry. */
export interface StreamMessage {
  errorDetail?: components['schemas']['ErrorDetail'];
  /** Deprecated duplicate of `errorDetail.message`, no longer in the spec but still sent by dockerd and Podman. */
  error?: string;
}

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

const noop = (): void => {};

/** The DockerStreamError for an error line, or undefined when the line is not one. */
export function streamFailure(operation: string, message: StreamMessage): DockerStreamError | undefined {
  const { error, errorDetail } = message;
  if ((error === undefined || error === null) && (errorDetail === undefined || errorDetail === null)) return undefined;
  const detailText = typeof errorDetail?.message === 'string' && errorDetail.message !== '' ? errorDetail.message : undefined;
  const errorText = typeof error === 'string' ? error : error !== undefined && error !== null ? JSON.stringify(error) : undefined;
  const text = detailText ?? (errorText || 'the engine reported an error without a message');
  const detail = typeof errorDetail === 'object' && errorDetail !== null ? errorDetail : undefined;
  return new DockerStreamError(operation, text, detail);
}

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

export class StreamOperation<Event extends object, Result> implements AsyncIterable<Event>, PromiseLike<Result> {
  readonly #body: Promise<StreamBody>;
  readonly #reducer: StreamReducer<Event, Result>;
  readonly #decodeOptions: JsonLinesOptions;
  readonly #result: Promise<Result>;
  #resolve!: (result: Result) => void;
  #reject!: (error: unknown) => void;
  #consumer: 'none' | 'iterator' | 'drain' = 'none';

  /**
   * @param body the response body; the promise rejects with the request's error (API error, connection error,
   *   abort) when there is no body to read.
   * @param reducer folds the events into the result.
   */
  constructor(body: Promise<StreamBody>, reducer: StreamReducer<Event, Result>, decodeOptions: JsonLinesOptions = {}) {
    this.#body = body;
    this.#reducer = reducer;
    this.#decodeOptions = decodeOptions;
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

  /** Reads the body: decode, fail on error lines, feed the reducer, yield each event; returns the result. */
  async *#events(): AsyncGenerator<Event, Result, undefined> {
    const body = await this.#body;
    const operation = this.#reducer.operation;
    for await (const value of decodeJsonLines(body, this.#decodeOptions)) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        const text = JSON.stringify(value);
        throw new DockerProtocolError(`${operation}: progress line is not a JSON object: ${text.length > 200 ? `${text.slice(0, 200)}…` : text}`);
      }
      const failure = streamFailure(operation, value as StreamMessage);
      if (failure) throw failure;
      this.#reducer.next(value as Event);
      yield value as Event;
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
