import { followAbort } from './on-abort.js';

/**
 * A first-in, first-out queue of waiters that each follow their caller's signal: an aborted waiter leaves the
 * queue at once (and is told so), so it is never served. The call pool's queued calls and the download lane's
 * queued connections (call-pool.ts, download-lane.ts) wait here.
 */
export class AbortableQueue<T> {
  private readonly items: { value: T; stop?: () => void }[] = [];

  get length(): number {
    return this.items.length;
  }

  /** Queue `value`; if `signal` aborts while it waits, it leaves the queue and `aborted(value, reason)` runs. */
  push(value: T, signal: AbortSignal | undefined, aborted: (value: T, reason: unknown) => void): void {
    const item: { value: T; stop?: () => void } = { value };
    this.items.push(item);
    if (!signal) return;
    item.stop = followAbort(signal, () => {
      const at = this.items.indexOf(item);
      if (at < 0) return;
      this.items.splice(at, 1);
      aborted(value, signal.reason);
    });
  }

  /** The first waiter, no longer following its signal. */
  shift(): T | undefined {
    const item = this.items.shift();
    item?.stop?.();
    return item?.value;
  }
}
