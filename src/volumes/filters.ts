/**
 * The volume endpoints' filter keys: their types (what callers write, documented here) and their kinds, read
 * from the generated facts (generated/filter-keys.ts) so a key the spec adds or drops breaks the typecheck.
 */
import { FILTER_KEYS } from '../../generated/filter-keys.js';
import { kindsOf, type FilterTable, type FilterValues, type LabelFilter } from '../core/filters.js';

/** GET /volumes */
export interface VolumeListFilters {
  /** `true`: only volumes no container uses; `false`: only volumes in use. */
  dangling?: boolean;
  /** Volume driver name (`local`, …). */
  driver?: FilterValues;
  label?: LabelFilter;
  /** Volume name, or a part of it. */
  name?: FilterValues;
}

/** POST /volumes/prune */
export interface VolumePruneFilters {
  /** Prune only volumes with these labels. */
  label?: LabelFilter;
  /** Prune only volumes without these labels. */
  'label!'?: LabelFilter;
  /**
   * API ≥ 1.42, where prune removes only anonymous volumes unless this is `true`. Engines before 1.42 always
   * prune named volumes too: there `true` is what they do anyway (not sent) and `false` is refused.
   */
  all?: boolean;
}

export const VOLUME_LIST_FILTERS: FilterTable<VolumeListFilters> = kindsOf(FILTER_KEYS.VolumeList);
export const VOLUME_PRUNE_FILTERS: FilterTable<VolumePruneFilters> = kindsOf(FILTER_KEYS.VolumePrune);
/** API version that reads the prune filter `all`. */
export const VOLUME_PRUNE_ALL_SINCE: string = FILTER_KEYS.VolumePrune.all.since;
