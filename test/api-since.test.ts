/**
 * generated/api-since.ts and generated/filter-keys.ts checked against the spec files themselves, read here
 * with a deliberately separate, simpler reader (not scripts/facts): every listed since-version must be the
 * first spec that has the parameter or field, and every parameter added after the floor must be listed.
 * Spot checks are moby CHANGELOG facts, each verified against the YAML files.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import yaml from 'js-yaml';
import { API_SINCE, API_SINCE_EXCEPTIONS, API_SINCE_FLOOR, API_SINCE_VERSIONS } from '../generated/api-since';
import { FILTER_KEYS } from '../generated/filter-keys';
import { OPERATION_OPTIONS } from '../generated/operation-options';
import { SPEC_API_VERSION } from '../generated/spec-info';
import { computeSince } from '../scripts/facts/since';

const SPECS = resolve(__dirname, '..', '..', 'shared', 'specs');
const docs = new Map<string, any>();
const spec = (v: string): any => {
  if (!docs.has(v)) docs.set(v, yaml.load(readFileSync(join(SPECS, `docker-engine-v${v}.yaml`), 'utf8')));
  return docs.get(v);
};
const previous = (v: string) => API_SINCE_VERSIONS[API_SINCE_VERSIONS.indexOf(v as never) - 1];

function operation(v: string, id: string): any {
  for (const item of Object.values<any>(spec(v).paths)) for (const op of Object.values<any>(item)) if (op?.operationId === id) return op;
  return undefined;
}
function param(v: string, id: string, name: string): any {
  return operation(v, id)?.parameters?.find((p: any) => p.name === name && (p.in === 'query' || p.in === 'header'));
}
/** The schema at a body field path (`HostConfig.Mounts[].BindOptions`), following $ref and allOf. */
function field(v: string, id: string, path: string): any {
  const doc = spec(v);
  const deref = (s: any): any => (s?.$ref ? deref(doc.definitions[s.$ref.split('/').pop()]) : s);
  const prop = (s: any, name: string): any => {
    s = deref(s);
    if (!s) return undefined;
    if (name === '*') return s.additionalProperties;
    return s.properties?.[name] ?? (s.allOf ?? []).map((part: any) => prop(part, name)).find(Boolean);
  };
  let cur = operation(v, id)?.parameters?.find((p: any) => p.in === 'body')?.schema;
  for (const seg of path.split('.')) {
    const [name, ...arrays] = seg.split('[]');
    cur = prop(cur, name);
    for (let i = 0; i < arrays.length; i++) cur = deref(cur)?.items;
  }
  return cur;
}
const corrected = (path: string) => API_SINCE_EXCEPTIONS.find((e) => e.kind === 'field' && (path === e.name || path.endsWith(`.${e.name}`)));

describe('generated/api-since.ts against the spec files', () => {
  test('reads every released spec up to the pin, and ignores newer ones', () => {
    const store = readdirSync(SPECS).filter((f) => /^docker-engine-v1\.\d+\.yaml$/.test(f)).map((f) => f.slice(15, -5));
    const pinMinor = Number(SPEC_API_VERSION.split('.')[1]);
    expect([...API_SINCE_VERSIONS]).toEqual(store.filter((v) => Number(v.split('.')[1]) <= pinMinor).sort((a, b) => Number(a.slice(2)) - Number(b.slice(2))));
    expect(API_SINCE_FLOOR).toBe('1.40');
    expect(API_SINCE_VERSIONS.at(-1)).toBe(SPEC_API_VERSION);
  });

  test('changelog spot checks', () => {
    expect(API_SINCE.ImageList.params).toMatchObject({ 'shared-size': '1.42', manifests: '1.47' });
    expect(API_SINCE.ImageInspect.params).toEqual({ manifests: '1.48', platform: '1.49' });
    expect(API_SINCE.ImageHistory.params).toEqual({ platform: '1.48' });
    expect(API_SINCE.ImagePush.params).toEqual({ platform: '1.46' });
    expect(API_SINCE.ContainerStop.params).toEqual({ signal: '1.42' });
    expect(API_SINCE.ContainerRestart.params).toEqual({ signal: '1.42' });
    expect(API_SINCE.SystemDataUsage.params).toMatchObject({ type: '1.42' });
    expect(API_SINCE.ImageDelete.params).toEqual({ platforms: '1.50' });
    expect(API_SINCE.ContainerCreate.body).toMatchObject({ 'Healthcheck.StartInterval': '1.44', 'HostConfig.Annotations': '1.43', 'HostConfig.ConsoleSize': '1.42' });
    expect(API_SINCE.ContainerCreate.params).toEqual({ platform: '1.41' });
    expect(API_SINCE.VolumeUpdate).toEqual({ since: '1.42' });
    // save/load: one JSON platform from 1.48, repeatable from 1.52 (1.48–1.51 answer 400 to several).
    for (const op of ['ImageGet', 'ImageLoad'] as const) {
      expect(API_SINCE[op].params).toEqual({ platform: '1.48' });
      expect(API_SINCE[op].changed).toEqual({ platform: [{ since: '1.52', from: 'string', to: 'array<string>:multi' }] });
      expect(param('1.51', op, 'platform')).toMatchObject({ type: 'string' });
      expect(param('1.52', op, 'platform')).toMatchObject({ type: 'array', collectionFormat: 'multi' });
    }
  });

  test('hand-kept: keep-storage → reserved-space (1.48) and EnableIPv4 (in the 1.47 file, shipped in 1.48)', () => {
    expect(API_SINCE.BuildPrune.renamed).toEqual({ 'reserved-space': { before: 'keep-storage', since: '1.48' } });
    expect(param('1.47', 'BuildPrune', 'reserved-space')).toBeUndefined();
    expect(param('1.47', 'BuildPrune', 'keep-storage')).toBeDefined();
    expect(field('1.47', 'NetworkCreate', 'EnableIPv4')).toBeDefined();
    expect(field('1.46', 'NetworkCreate', 'EnableIPv4')).toBeUndefined();
    expect(API_SINCE.NetworkCreate.body).toEqual({ EnableIPv4: '1.48' });
    // Fields every spec has but engines honour only later (moby CHANGELOG v1.44, v1.54, v1.55).
    expect(field('1.40', 'NetworkConnect', 'EndpointConfig.MacAddress')).toBeDefined();
    expect(API_SINCE.NetworkConnect.body).toMatchObject({ 'EndpointConfig.MacAddress': '1.54' });
    expect(API_SINCE.ContainerCreate.body).toMatchObject({ 'NetworkingConfig.EndpointsConfig.*.MacAddress': '1.44' });
    expect(field('1.40', 'ContainerUpdate', 'BlkioDeviceReadBps')).toBeDefined();
    expect(API_SINCE.ContainerUpdate.body).toMatchObject({ BlkioWeightDevice: '1.55', BlkioDeviceReadBps: '1.55' });
  });

  test('every listed parameter first appears in its spec, and every parameter added after the floor is listed', () => {
    for (const [op, entry] of Object.entries(API_SINCE) as Array<[string, any]>) {
      for (const [name, since] of Object.entries<string>(entry.params ?? {})) {
        expect({ op, name, at: since, present: !!param(since, op, name) }).toEqual({ op, name, at: since, present: true });
        expect({ op, name, before: !!param(previous(since), op, name) }).toEqual({ op, name, before: false });
      }
    }
    for (const [op, options] of Object.entries(OPERATION_OPTIONS)) {
      if (!operation(API_SINCE_FLOOR, op)) continue; // a newer operation: its own since covers its parameters
      for (const name of [...Object.keys(options.query), ...options.header]) {
        const listed = (API_SINCE as any)[op]?.params?.[name];
        if (!param(API_SINCE_FLOOR, op, name)) expect({ op, name, listed: !!listed }).toEqual({ op, name, listed: true });
      }
    }
  });

  test('every listed body field is absent from the spec before its version (or a documented correction)', () => {
    for (const [op, entry] of Object.entries(API_SINCE) as Array<[string, any]>) {
      for (const [path, since] of Object.entries<string>(entry.body ?? {})) {
        expect({ op, path, present: !!field(SPEC_API_VERSION, op, path) }).toEqual({ op, path, present: true });
        if (corrected(path)) continue;
        expect({ op, path, at: !!field(since, op, path), before: !!field(previous(since), op, path) }).toEqual({ op, path, at: true, before: false });
      }
    }
  });

  test('filter keys: ImageList until 1.44, volume prune all 1.42, search is-automated deprecated 1.44 and gone in 1.45', () => {
    expect(FILTER_KEYS.ImageList.until).toEqual({ kind: 'until', since: '1.44' });
    expect(FILTER_KEYS.VolumePrune.all).toEqual({ kind: 'bool', since: '1.42' });
    expect(FILTER_KEYS.ImageSearch['is-automated']).toEqual({ kind: 'bool', deprecatedSince: '1.44', removedIn: '1.45' });
    const prose = (v: string, op: string) => String(operation(v, op).parameters.find((p: any) => p.name === 'filters').description);
    expect(prose('1.41', 'VolumePrune')).not.toMatch(/`all`/);
    expect(prose('1.42', 'VolumePrune')).toMatch(/`all`/);
    expect(prose('1.43', 'ImageList')).not.toMatch(/`until=/);
    expect(prose('1.44', 'ImageList')).toMatch(/`until=/);
  });

  test('the generated JSDoc says @since on parameters and fields newer than the floor', () => {
    const types = readFileSync(join(__dirname, '..', 'generated', 'docker-engine.ts'), 'utf8');
    /** The JSDoc comments right before each `member` line. */
    const jsdocBefore = (member: string) => [...types.matchAll(new RegExp(`/\\*\\*((?:(?!\\*/)[\\s\\S])*)\\*/\\s*${member}`, 'g'))].map((m) => m[1]);
    expect(types).toMatch(/@since 1\.44\s*\*\/\s*StartInterval\?: number;/);
    expect(types).toMatch(/@since 1\.42\s*\*\/\s*signal\?: string;/);
    expect(types).toMatch(/@since 1\.43\s*\*\/\s*Annotations\?:/);
    // A field as old as the floor says nothing.
    expect(jsdocBefore('Memory\\?: number;').length).toBeGreaterThan(0);
    for (const d of jsdocBefore('Memory\\?: number;')) expect(d).not.toContain('@since');
    expect(jsdocBefore('platform\\?: string;').some((d) => d.includes('@since 1.49'))).toBe(true);
  });
});

describe('computeSince exceptions', () => {
  const doc = (version: string, fields: string[]) => ({
    version,
    doc: {
      paths: {
        '/x': { post: { operationId: 'X', parameters: [{ name: 'body', in: 'body', schema: { type: 'object', properties: Object.fromEntries(fields.map((f) => [f, { type: 'string' }])) } }] } },
      },
    },
  });

  test('a correction applies where the spec says its version, and fails loudly once nothing matches', () => {
    const history = [doc('1.40', ['A']), doc('1.41', ['A', 'B']), doc('1.42', ['A', 'B'])];
    const correction = { kind: 'field' as const, name: 'B', specSays: '1.41', actual: '1.42', why: 'test' };
    expect(computeSince(history, { corrections: [correction], renames: [] }).operations.X).toEqual({ body: { B: '1.42' } });
    expect(() => computeSince(history, { corrections: [{ ...correction, specSays: '1.40' }], renames: [] })).toThrow(/no field "B" is documented since 1\.40 any more/);
  });

  test('fields of what an older spec left an open map are not new', () => {
    const open = { version: '1.40', doc: { paths: { '/x': { post: { operationId: 'X', parameters: [{ name: 'b', in: 'body', schema: { type: 'object', additionalProperties: { type: 'string' } } }] } } } } };
    expect(computeSince([open, doc('1.41', ['A'])], { corrections: [], renames: [] }).operations).toEqual({});
  });
});
