/**
 * The public `encodeFilters` building block (for raw `docker.api` calls): every resource's filter table by the
 * name of its public method. Resources encode with their own table directly; this only gathers them.
 */
import { DockerFilterError } from './core/errors.js';
import { encodeFilterTable, type FilterTable } from './core/filters.js';
import { BUILDER_PRUNE_FILTERS, type BuilderPruneFilters } from './builder/filters.js';
import { IMAGE_LIST_FILTERS, IMAGE_PRUNE_FILTERS, IMAGE_SEARCH_FILTERS } from './images/filters.js';
import type { ImageListFilters, ImagePruneFilters, ImageSearchFilters } from './images/filters.js';
import { NETWORK_LIST_FILTERS, NETWORK_PRUNE_FILTERS, type NetworkListFilters, type NetworkPruneFilters } from './networks/filters.js';
import { SYSTEM_EVENTS_FILTERS, type SystemEventsFilters } from './system/filters.js';
import { VOLUME_LIST_FILTERS, VOLUME_PRUNE_FILTERS, type VolumeListFilters, type VolumePruneFilters } from './volumes/filters.js';

export type { FilterValues, LabelFilter, UntilFilter } from './core/filters.js';
export type { ImageListFilters, ImagePruneFilters, ImageSearchFilters } from './images/filters.js';
export type { BuilderPruneFilters } from './builder/filters.js';
export type { VolumeListFilters, VolumePruneFilters } from './volumes/filters.js';
export type { NetworkListFilters, NetworkPruneFilters, NetworkScope, NetworkType } from './networks/filters.js';
export type { SystemEventsFilters, EventType, EventScope } from './system/filters.js';

/** Filters by operation name (the names of the public API methods). */
export interface FiltersByEndpoint {
  'images.list': ImageListFilters;
  'images.prune': ImagePruneFilters;
  'builder.prune': BuilderPruneFilters;
  'images.search': ImageSearchFilters;
  'volumes.list': VolumeListFilters;
  'volumes.prune': VolumePruneFilters;
  'networks.list': NetworkListFilters;
  'networks.prune': NetworkPruneFilters;
  'system.events': SystemEventsFilters;
}
export type FilterEndpoint = keyof FiltersByEndpoint;

const TABLES: { readonly [E in FilterEndpoint]: FilterTable<FiltersByEndpoint[E]> } = {
  'images.list': IMAGE_LIST_FILTERS,
  'images.prune': IMAGE_PRUNE_FILTERS,
  'builder.prune': BUILDER_PRUNE_FILTERS,
  'images.search': IMAGE_SEARCH_FILTERS,
  'volumes.list': VOLUME_LIST_FILTERS,
  'volumes.prune': VOLUME_PRUNE_FILTERS,
  'networks.list': NETWORK_LIST_FILTERS,
  'networks.prune': NETWORK_PRUNE_FILTERS,
  'system.events': SYSTEM_EVENTS_FILTERS,
};

/**
 * The `filters` query parameter for `endpoint`, or undefined when there is nothing to filter on (no filters,
 * or every key undefined / an empty list) so that no parameter is sent.
 */
export function encodeFilters<E extends FilterEndpoint>(endpoint: E, filters: FiltersByEndpoint[E] | undefined): string | undefined {
  const table = Object.hasOwn(TABLES, endpoint) ? TABLES[endpoint] : undefined;
  if (table === undefined) {
    throw new DockerFilterError(String(endpoint), '', [], `no filters are defined for ${JSON.stringify(endpoint)} (known: ${Object.keys(TABLES).join(', ')})`);
  }
  return encodeFilterTable(endpoint, table as FilterTable<FiltersByEndpoint[E]>, filters);
}
