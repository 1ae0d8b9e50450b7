/** The build-cache filter type: generated from the spec's filter keys, `type` narrowed to the spec's record types. */
import type { components } from '../../generated/docker-engine.js';
import type { FiltersOf } from '../core/filters.js';

/**
 * POST /build/prune. The daemon accepts a single value per key ("filters expect only one value"), and
 * `inuse`/`shared`/`private` are presence filters: buildkit matches them on the key alone, so only `true`
 * can be expressed (`shared: false` is `private: true`). `until`: older engines accept only Go durations (`24h`).
 */
export interface BuilderPruneFilters extends Omit<FiltersOf<'BuildPrune'>, 'type'> {
  type?: NonNullable<components['schemas']['BuildCache']['Type']>;
}
