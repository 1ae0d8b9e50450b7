/** The container endpoints' filter keys: their types (what callers write) and their kinds (what the engine checks). */
import type { FilterTable, FilterValues, LabelFilter, UntilFilter } from '../core/filters.js';

export type ContainerStatus = 'created' | 'restarting' | 'running' | 'removing' | 'paused' | 'exited' | 'dead';
export type ContainerHealth = 'starting' | 'healthy' | 'unhealthy' | 'none';

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
  isolation?: 'default' | 'process' | 'hyperv';
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

export const CONTAINER_LIST_FILTERS: FilterTable<ContainerListFilters> = {
  ancestor: 'values',
  before: 'values',
  expose: 'values',
  exited: 'count',
  health: 'values',
  id: 'values',
  isolation: 'single',
  'is-task': 'bool',
  label: 'label',
  name: 'values',
  network: 'values',
  publish: 'values',
  since: 'values',
  status: 'values',
  volume: 'values',
};
export const CONTAINER_PRUNE_FILTERS: FilterTable<ContainerPruneFilters> = { until: 'until', label: 'label', 'label!': 'label' };
