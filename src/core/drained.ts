/**
 * The one wait of a writer that respects backpressure: after a `write()` that returned false, until the stream has
 * drained — or closed, since a closed stream never drains (the writer then sees it closed and stops).
 */
import type { Writable } from 'node:stream';

/** Resolves once `stream` emits 'drain' or 'close'. */
export function drainedOrClosed(stream: Pick<Writable, 'on' | 'off'>): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}
