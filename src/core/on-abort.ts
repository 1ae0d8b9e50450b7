/**
 * The one way a long-lived object (a response body reader, an upgraded session) follows its caller's signal: run
 * `onAbort` now if the signal is already aborted, else once when it aborts — until the object is done and calls
 * the returned `stop`, so a finished stream does not keep a listener on a signal that may outlive it.
 */
export function followAbort(signal: AbortSignal, onAbort: () => void): () => void {
  if (signal.aborted) {
    onAbort();
    return noop;
  }
  signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}

function noop(): void {}
