/**
 * The container endpoints' filter keys: their types (what callers write) and their kinds (what the engine checks).
 * Keys, kinds and enumerations come from the spec (generated/filter-keys.ts); the types add what a caller needs.
 */
import { FILTER_KEYS } from '../../generated/filter-keys.js';
import { kindsOf, type FilterTable, type FilterValues, type LabelFilter, type UntilFilter } from '../core/filters.js';

type ListKeys = typeof FILTER_KEYS.ContainerList;
export type ContainerStatus = ListKeys['status']['enum'][number];
export type ContainerHealth = ListKeys['health']['enum'][number];
export type ContainerIsolation = ListKeys['isolation']['enum'][number];

/** GET /containers/json */
export interface ContainerListFilters {
  /** Created from this image or a descendant (`name[:tag]`, id or `name@digest`). */
  ancestor?: FilterValues;
  /** Created before this container (id or name). */
  before?: FilterValues;
  /** Exposing this port: `port[/proto]` or a range `start-end[/proto]`. */
  expose?: FilterValues;
  /** Exited with this code (only with `all: true` or `status: 'exited'`). */
  exited?: number;
  health?: ContainerHealth | readonly ContainerHealth[];
  id?: FilterValues;
  isolation?: ContainerIsolation | readonly ContainerIsolation[];
  'is-task'?: boolean;
  label?: LabelFilter;
  name?: FilterValues;
  /** Connected to this network (id or name). */
  network?: FilterValues;
  /** Publishing this port: `port[/proto]` or a range. */
  publish?: FilterValues;
  /** Created after this container (id or name). */
  since?: FilterValues;
  status?: ContainerStatus | readonly ContainerStatus[];
  /** Mounting this volume (name) or a bind mount at this path. */
  volume?: FilterValues;
}

/** POST /containers/prune */
export interface ContainerPruneFilters {
  until?: UntilFilter;
  /** Prune only containers with these labels. */
  label?: LabelFilter;
  /** Prune only containers without these labels. */
  'label!'?: LabelFilter;
}

export const CONTAINER_LIST_FILTERS: FilterTable<ContainerListFilters> = kindsOf(FILTER_KEYS.ContainerList);
export const CONTAINER_PRUNE_FILTERS: FilterTable<ContainerPruneFilters> = kindsOf(FILTER_KEYS.ContainerPrune);
