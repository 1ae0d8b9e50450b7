/**
 * The public `encodeFilters` building block (for raw `docker.api` calls): the public method names mapped to
 * their operationIds, whose filter keys are generated (core/filters.ts). Resources encode directly; this only
 * gathers them. A new resource adds one line to each of FiltersByEndpoint and OPERATIONS.
 */
import { DockerFilterError } from './core/errors.js';
import { encodeOperationFilters, type FilterOperation } from './core/filters.js';
import type { BuilderPruneFilters } from './builder/filters.js';
import type { ImageListFilters, ImagePruneFilters, ImageSearchFilters } from './images/filters.js';
import type { NetworkListFilters, NetworkPruneFilters } from './networks/filters.js';
import type { SystemEventsFilters } from './system/filters.js';
import type { VolumeListFilters, VolumePruneFilters } from './volumes/filters.js';

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

const OPERATIONS: { readonly [E in FilterEndpoint]: FilterOperation } = {
  'images.list': 'ImageList',
  'images.prune': 'ImagePrune',
  'builder.prune': 'BuildPrune',
  'images.search': 'ImageSearch',
  'volumes.list': 'VolumeList',
  'volumes.prune': 'VolumePrune',
  'networks.list': 'NetworkList',
  'networks.prune': 'NetworkPrune',
  'system.events': 'SystemEvents',
};

/**
 * The `filters` query parameter for `endpoint`, or undefined when there is nothing to filter on (no filters,
 * or every key undefined / an empty list) so that no parameter is sent.
 */
export function encodeFilters<E extends FilterEndpoint>(endpoint: E, filters: FiltersByEndpoint[E] | undefined): string | undefined {
  const operationId = Object.hasOwn(OPERATIONS, endpoint) ? OPERATIONS[endpoint] : undefined;
  if (operationId === undefined) {
    throw new DockerFilterError(String(endpoint), '', [], `no filters are defined for ${JSON.stringify(endpoint)} (known: ${Object.keys(OPERATIONS).join(', ')})`);
  }
  return encodeOperationFilters(endpoint, operationId, filters as never);
}
