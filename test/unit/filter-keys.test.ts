/** Filter keys read from the spec prose (scripts/facts/filter-keys.ts), over the real specs in ../shared/specs. */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import yaml from 'js-yaml';
import { extractFilterKeys, filterKeyHistory, parseFilterProse, type FilterKeys } from '../../scripts/facts/filter-keys';

const SPECS = resolve(__dirname, '..', '..', '..', 'shared', 'specs');
const cache = new Map<string, any>();
const spec = (v: string) => {
  if (!cache.has(v)) cache.set(v, yaml.load(readFileSync(join(SPECS, `docker-engine-v${v}.yaml`), 'utf8')));
  return cache.get(v);
};
const released = Array.from({ length: 16 }, (_, i) => `1.${40 + i}`);

describe('extractFilterKeys', () => {
  test('1.55: the image endpoints have exactly the keys of the hand tables, with their kinds', () => {
    const fixes: string[] = [];
    const k = extractFilterKeys(spec('1.55'), fixes);
    expect(k.ImageList).toEqual({
      before: { kind: 'values' },
      dangling: { kind: 'bool' },
      label: { kind: 'label' },
      reference: { kind: 'values' },
      since: { kind: 'values' },
      until: { kind: 'until' },
    });
    expect(k.ImagePrune).toEqual({ dangling: { kind: 'bool' }, until: { kind: 'until' }, label: { kind: 'label' }, 'label!': { kind: 'label' } });
    expect(k.ImageSearch).toEqual({ 'is-official': { kind: 'bool' }, stars: { kind: 'count' } });
    // The prose lists id/parent/type as ordinary keys; the fix makes them single-valued as the daemon demands.
    expect(k.BuildPrune).toEqual({
      until: { kind: 'until' },
      id: { kind: 'single' },
      parent: { kind: 'single' },
      type: { kind: 'single' },
      description: { kind: 'single' },
      inuse: { kind: 'presence' },
      shared: { kind: 'presence' },
      private: { kind: 'presence' },
    });
    expect(fixes).toEqual(['build-prune-single-values', 'events-scope-values']);
    expect(k.SystemEvents.scope).toEqual({ kind: 'values', enum: ['local', 'swarm'] });
  });

  test('enumerations, counts and label! are read from the prose of the other endpoints', () => {
    const k = extractFilterKeys(spec('1.55'));
    expect(k.ContainerList.status).toEqual({ kind: 'values', enum: ['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead'] });
    expect(k.ContainerList['is-task']).toEqual({ kind: 'bool' });
    expect(k.ContainerList.exited).toEqual({ kind: 'count' });
    expect(k.NetworkList.scope).toEqual({ kind: 'values', enum: ['swarm', 'global', 'local'] });
    expect(k.SystemEvents.type.enum).toContain('config');
    expect(k.NodeList.role).toEqual({ kind: 'values', enum: ['manager', 'worker'] });
    expect(Object.keys(k.VolumePrune).sort()).toEqual(['all', 'label', 'label!']);
    expect(k.VolumeList.label).toEqual({ kind: 'label' });
    expect(k.ContainerList).not.toHaveProperty('label!');
    expect(Object.keys(k)).not.toContain('ImageInspect');
  });

  test('1.43 has no ImageList `until`; 1.44 adds it; 1.44 marks search `is-automated` deprecated, 1.45 drops it', () => {
    expect(extractFilterKeys(spec('1.43')).ImageList).not.toHaveProperty('until');
    expect(extractFilterKeys(spec('1.44')).ImageList.until).toEqual({ kind: 'until' });
    expect(extractFilterKeys(spec('1.43')).ImageSearch['is-automated']).toEqual({ kind: 'bool' });
    expect(extractFilterKeys(spec('1.44')).ImageSearch['is-automated']).toEqual({ kind: 'bool', deprecated: true });
    expect(extractFilterKeys(spec('1.45')).ImageSearch).not.toHaveProperty('is-automated');
  });

  test('history over 1.40–1.55: since, deprecatedSince and removedIn', () => {
    const h = filterKeyHistory(released.map((version) => ({ version, keys: extractFilterKeys(spec(version)) })));
    expect(h.ImageList.until).toEqual({ kind: 'until', since: '1.44' });
    expect(h.VolumePrune.all).toEqual({ kind: 'bool', since: '1.42' });
    expect(h.ImageSearch['is-automated']).toEqual({ kind: 'bool', deprecated: true, since: '1.40', deprecatedSince: '1.44', removedIn: '1.45' });
    expect(h.ImageList.dangling).toEqual({ kind: 'bool', since: '1.40' });
    // Only these three keys moved between 1.40 and 1.55.
    const moved = Object.entries(h).flatMap(([op, t]) => Object.entries(t).filter(([, i]) => i.since !== '1.40' || i.removedIn).map(([key]) => `${op}.${key}`));
    expect(moved.sort()).toEqual(['ImageList.until', 'ImageSearch.is-automated', 'VolumePrune.all']);
  });

  test('a key that disappears and comes back counts from its return', () => {
    const keys = (present: boolean): FilterKeys => ({ X: present ? { a: { kind: 'values' } } : {} });
    const h = filterKeyHistory([
      { version: '1.40', keys: keys(true) },
      { version: '1.41', keys: keys(false) },
      { version: '1.42', keys: keys(true) },
    ]);
    expect(h.X.a).toEqual({ kind: 'values', since: '1.42' });
  });

  test('prose forms: bare presence key, backtick after the key, no list at all', () => {
    expect(parseFilterProse('Available filters:\n- `inuse`\n- `enable=<true>|<false>`\n- `health`=(`a`|`b`)')).toEqual({
      inuse: { kind: 'presence' },
      enable: { kind: 'bool' },
      health: { kind: 'values', enum: ['a', 'b'] },
    });
    expect(parseFilterProse('A JSON map; see the docs.')).toEqual({});
  });
});
