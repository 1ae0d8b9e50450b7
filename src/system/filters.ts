/**
 * The system endpoints' filter keys (GET /events): their types (what callers write, documented here) and their
 * kinds, read from the generated facts (generated/filter-keys.ts).
 */
import { FILTER_KEYS } from '../../generated/filter-keys.js';
import { kindsOf, type FilterTable, type FilterValues, type OneOrMore, type LabelFilter } from '../core/filters.js';

/** The kinds of object an event is about. */
export type EventType = (typeof FILTER_KEYS.SystemEvents.type.enum)[number];
export type EventScope = (typeof FILTER_KEYS.SystemEvents.scope.enum)[number];

/** GET /events. Different keys are AND-ed, several values of one key OR-ed. */
export interface SystemEventsFilters {
  /** Swarm config name or id. */
  config?: FilterValues;
  /** Container name or id. */
  container?: FilterValues;
  /** Daemon name or id. */
  daemon?: FilterValues;
  /** The event's action: `create`, `start`, `die`, `destroy`, `pull`, `connect`, … */
  event?: FilterValues;
  /** Image name or id. */
  image?: FilterValues;
  /** A label of the object (image, container, volume, network). */
  label?: LabelFilter;
  /** Network name or id. */
  network?: FilterValues;
  /** Swarm node id. */
  node?: FilterValues;
  /** Plugin name or id. */
  plugin?: FilterValues;
  scope?: OneOrMore<EventScope>;
  /** Swarm secret name or id. */
  secret?: FilterValues;
  /** Swarm service name or id. */
  service?: FilterValues;
  type?: OneOrMore<EventType>;
  /** Volume name. */
  volume?: FilterValues;
}

export const SYSTEM_EVENTS_FILTERS: FilterTable<SystemEventsFilters> = kindsOf(FILTER_KEYS.SystemEvents);
