/**
 * The network endpoints' filter keys: their types (what callers write, documented here) and their kinds, read
 * from the generated facts (generated/filter-keys.ts) so a key the spec adds or drops breaks the typecheck.
 */
import { FILTER_KEYS } from '../../generated/filter-keys.js';
import { kindsOf, type FilterTable, type FilterValues, type OneOrMore, type LabelFilter, type UntilFilter } from '../core/filters.js';

export type NetworkScope = (typeof FILTER_KEYS.NetworkList.scope.enum)[number];
/** `builtin`: the engine's own networks (`none`, `host`, `bridge`); `custom`: created ones. */
export type NetworkType = (typeof FILTER_KEYS.NetworkList.type.enum)[number];

/** GET /networks */
export interface NetworkListFilters {
  /** `true`: only networks no container uses (never the built-in ones). */
  dangling?: boolean;
  driver?: FilterValues;
  /** Network id, or a prefix of it. */
  id?: FilterValues;
  label?: LabelFilter;
  /** Network name, or a part of it. */
  name?: FilterValues;
  scope?: OneOrMore<NetworkScope>;
  type?: OneOrMore<NetworkType>;
}

/** POST /networks/prune */
export interface NetworkPruneFilters {
  /** Prune only networks created before this timestamp or Go duration ago. */
  until?: UntilFilter;
  /** Prune only networks with these labels. */
  label?: LabelFilter;
  /** Prune only networks without these labels. */
  'label!'?: LabelFilter;
}

export const NETWORK_LIST_FILTERS: FilterTable<NetworkListFilters> = kindsOf(FILTER_KEYS.NetworkList);
export const NETWORK_PRUNE_FILTERS: FilterTable<NetworkPruneFilters> = kindsOf(FILTER_KEYS.NetworkPrune);
