/** The build-cache filter keys: their types (what callers write) and their kinds (what the engine checks). */
import type { components } from '../../generated/docker-engine.js';
import type { FilterTable, UntilFilter } from '../core/filters.js';

/**
 * POST /build/prune. The daemon accepts a single value per key ("filters expect only one value"), and
 * `inuse`/`shared`/`private` are presence filters: buildkit matches them on the key alone, so only `true`
 * can be expressed (`shared: false` is `private: true`).
 */
export interface BuilderPruneFilters {
  /** Remove cache older than this (older engines accept only Go durations such as `24h`). */
  until?: UntilFilter;
  id?: string;
  parent?: string;
  type?: NonNullable<components['schemas']['BuildCache']['Type']>;
  description?: string;
  inuse?: true;
  shared?: true;
  private?: true;
}

export const BUILDER_PRUNE_FILTERS: FilterTable<BuilderPruneFilters> = {
  until: 'until',
  id: 'single',
  parent: 'single',
  type: 'single',
  description: 'single',
  inuse: 'presence',
  shared: 'presence',
  private: 'presence',
};
