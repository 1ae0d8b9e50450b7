/**
 * The abort rule of every stream this client hands out (core/spec.ts `CallOptions`): once the caller's signal is
 * aborted, the next item rejects with DockerAbortError — even when more items were already received (a chunk of
 * the body can carry a whole replay of events or many progress lines) — and the stream never ends quietly.
 */
import { abortError } from '../transport/failures.js';

/** `items` as they come, until `signal` is aborted; leaving the loop early releases `items` (its `return()`). */
export async function* abortable<T>(items: AsyncIterable<T>, signal: AbortSignal | undefined): AsyncGenerator<T, void, undefined> {
  if (!signal) return yield* items;
  for await (const item of items) {
    if (signal.aborted) throw abortError(signal);
    yield item;
  }
  if (signal.aborted) throw abortError(signal);
}
