/**
 * The image endpoints' filter types: generated from the spec's filter keys (generated/filter-keys.ts), so a key
 * the spec adds or drops changes them on the next `npm run generate`.
 */
import type { FiltersOf } from '../core/filters.js';

/**
 * GET /images/json: `before` / `since` (images created before / after this one: `name[:tag]`, id or
 * `name@digest`), `dangling` (`true`: only untagged images), `label`, `reference` (`name[:tag]`, may contain
 * glob patterns), `until` (API 1.44+).
 */
export interface ImageListFilters extends FiltersOf<'ImageList'> {}

/**
 * POST /images/prune: `dangling` (`true`, the default: only untagged images; `false`: all unused images),
 * `until`, `label` (only images with these labels), `label!` (only images without them).
 */
export interface ImagePruneFilters extends FiltersOf<'ImagePrune'> {}

/**
 * GET /images/search: `is-official`, `stars` (at least this many). `is-automated` is no longer in the spec
 * (Docker Hub has no automated builds since 1.45); older engines still accept it.
 */
export interface ImageSearchFilters extends FiltersOf<'ImageSearch'> {}
