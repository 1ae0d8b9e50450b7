/** The image endpoints' filter keys: their types (what callers write) and their kinds (what the engine checks). */
import type { FilterTable, FilterValues, LabelFilter, UntilFilter } from '../core/filters.js';

/** GET /images/json */
export interface ImageListFilters {
  /** Images created before this image (`name[:tag]`, id or `name@digest`). */
  before?: FilterValues;
  /** `true`: only untagged images; `false`: only tagged ones. */
  dangling?: boolean;
  label?: LabelFilter;
  /** `name[:tag]`, may contain glob patterns. */
  reference?: FilterValues;
  /** Images created after this image. */
  since?: FilterValues;
  until?: UntilFilter;
}

/** POST /images/prune */
export interface ImagePruneFilters {
  /** `true` (default): prune only untagged images; `false`: all unused images. */
  dangling?: boolean;
  until?: UntilFilter;
  /** Prune only images with these labels. */
  label?: LabelFilter;
  /** Prune only images without these labels. */
  'label!'?: LabelFilter;
}

/** GET /images/search */
export interface ImageSearchFilters {
  /** @deprecated Removed from the API spec (Docker Hub no longer has automated builds); older engines still accept it. */
  'is-automated'?: boolean;
  'is-official'?: boolean;
  /** At least this many stars. */
  stars?: number;
}

export const IMAGE_LIST_FILTERS: FilterTable<ImageListFilters> = {
  before: 'values',
  dangling: 'bool',
  label: 'label',
  reference: 'values',
  since: 'values',
  until: 'until',
};
export const IMAGE_PRUNE_FILTERS: FilterTable<ImagePruneFilters> = { dangling: 'bool', until: 'until', label: 'label', 'label!': 'label' };
export const IMAGE_SEARCH_FILTERS: FilterTable<ImageSearchFilters> = { 'is-automated': 'bool', 'is-official': 'bool', stars: 'count' };
