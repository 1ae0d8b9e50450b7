/** Short names for the generated spec types every resource derives its options and results from. */
import type { components, operations } from '../../generated/docker-engine.js';

/** The spec's models: `Schemas['ImageInspect']`. */
export type Schemas = components['schemas'];

/** An operation's query parameters, as the spec types them: `QueryOf<'ImageList'>`. */
export type QueryOf<K extends keyof operations> = NonNullable<operations[K]['parameters']['query']>;

/** What every call accepts besides its own options. */
export interface CallOptions {
  /**
   * Aborts the request; the call rejects with DockerAbortError (and the engine stops the work). The rule holds
   * for every stream too (events, logs, stats, attach and exec sessions, pulls, builds, saved tars): an abort
   * rejects the iteration or errors the stream, never ends it quietly. Leave a loop with `break` to stop quietly.
   */
  signal?: AbortSignal;
}
