/**
 * Filter keys per operation. The Engine's list/prune/events endpoints take one JSON `filters` parameter whose
 * keys live only in its description; scripts/facts/filter-keys.ts reads them (with its documented fixes), and
 * this reports what moved: keys added or removed (1.44 `until` on GET /images/json, 1.42 `all` on volume
 * prune), a key's value kind or enumerated values, and deprecation (1.44 search `is-automated`).
 */
import { extractFilterKeys, type FilterKey, type FilterKeys } from '../facts/filter-keys';
import type { Change, Where } from './changes';
import type { Operation, SpecDoc } from './load';

const cache = new WeakMap<SpecDoc, FilterKeys>();

/** A spec's filter keys, extracted once per parsed document. */
export function filterKeysOf(doc: SpecDoc): FilterKeys {
  let keys = cache.get(doc);
  if (!keys) cache.set(doc, (keys = extractFilterKeys(doc.raw)));
  return keys;
}

function values(k: FilterKey): string[] {
  return [...(k.enum ?? [])].sort();
}

export function diffFilters(oldDoc: SpecDoc, newDoc: SpecDoc, o: Operation, n: Operation, out: Change[]): void {
  const ko = (o.operationId && filterKeysOf(oldDoc)[o.operationId]) || {};
  const kn = (n.operationId && filterKeysOf(newDoc)[n.operationId]) || {};
  for (const key of [...new Set([...Object.keys(ko), ...Object.keys(kn)])].sort()) {
    const a = ko[key];
    const b = kn[key];
    const at: Where = { scope: 'filter', name: key, path: '' };
    if (!a && b) {
      out.push({ ...at, kind: 'added', type: b.kind });
      if (b.deprecated) out.push({ ...at, kind: 'now-deprecated' });
      continue;
    }
    if (a && !b) {
      out.push({ ...at, kind: 'removed', type: a.kind });
      continue;
    }
    if (!a || !b) continue;
    if (a.kind !== b.kind) out.push({ ...at, kind: 'type-changed', from: a.kind, to: b.kind });
    const added = values(b).filter((v) => !values(a).includes(v));
    const removed = values(a).filter((v) => !values(b).includes(v));
    // Gaining an enumeration where there was none is the prose getting precise, not new values.
    if (added.length && a.enum) out.push({ ...at, kind: 'enum-values-added', values: added });
    if (removed.length && b.enum) out.push({ ...at, kind: 'enum-values-removed', values: removed });
    if (!!a.deprecated !== !!b.deprecated) out.push({ ...at, kind: b.deprecated ? 'now-deprecated' : 'no-longer-deprecated' });
  }
}
