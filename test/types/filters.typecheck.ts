/**
 * Type-level tests for src/filters.ts: compiled by `npm run typecheck`, never run. Each @ts-expect-error must
 * stay an error, so an unknown filter key or a wrong value type keeps failing at compile time.
 */
import { encodeFilters, type BuilderPruneFilters, type ImageListFilters } from '../../src/filters';

export function typed(): void {
  // Documented keys and value shapes compile.
  encodeFilters('images.list', { reference: ['busybox:*', 'alpine'], dangling: false, label: { app: 'web', tier: true } });
  encodeFilters('images.list', { before: 'busybox:latest', since: 'sha256:abc', until: 1700000000, label: 'a=b' });
  encodeFilters('images.prune', { 'label!': ['keep'], until: '24h', dangling: true });
  encodeFilters('builder.prune', { until: '24h', type: 'exec.cachemount', inuse: true, id: 'abc' });
  encodeFilters('images.search', { 'is-official': true, stars: 3 });
  encodeFilters('images.list', undefined);
  const opts: ImageListFilters = { dangling: true };
  encodeFilters('images.list', opts);

  // @ts-expect-error — unknown key for images.list
  encodeFilters('images.list', { name: 'busybox' });
  // @ts-expect-error — `label!` exists for images.prune only
  encodeFilters('images.list', { 'label!': 'x' });
  // @ts-expect-error — `stars` is a search filter
  encodeFilters('images.prune', { stars: 1 });
  // @ts-expect-error — misspelt key
  encodeFilters('builder.prune', { inUse: true });
  // @ts-expect-error — unknown endpoint
  encodeFilters('containers.list', {});

  // @ts-expect-error — dangling is boolean-like, not a string
  encodeFilters('images.list', { dangling: 'true' });
  // @ts-expect-error — presence filters can only be `true`
  encodeFilters('builder.prune', { shared: false });
  // @ts-expect-error — builder.prune keys take a single value
  encodeFilters('builder.prune', { id: ['a', 'b'] });
  // @ts-expect-error — not a build-cache record type in the spec
  const t: BuilderPruneFilters = { type: 'layer' };
  void t;
  // @ts-expect-error — stars is a number
  encodeFilters('images.search', { stars: '3' });
  // @ts-expect-error — label object values are strings or `true`
  encodeFilters('images.list', { label: { app: 1 } });
}

/** Filter types come from the generated keys (generated/filter-keys.ts): kinds and spec enums become value types. */
import type { FiltersOf } from '../../src/core/filters';
export function generatedKinds(): void {
  const ok: FiltersOf<'ContainerList'> = { health: ['healthy', 'starting'], status: 'running', exited: 0, label: { a: true } };
  void ok;
  // @ts-expect-error — not a health value the spec enumerates
  const badEnum: FiltersOf<'ContainerList'> = { health: 'sick' };
  // @ts-expect-error — volume prune has no `dangling` key
  const badKey: FiltersOf<'VolumePrune'> = { dangling: true };
  void badEnum;
  void badKey;
}
