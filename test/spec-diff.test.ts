/**
 * spec:diff against real Engine API spec pairs (facts taken from the engine's API changelog,
 * api/docs/CHANGELOG.md in moby) and against small synthetic specs for the edge cases.
 * The differ is a pure function of two documents, so most checks call it in-process; exit codes, stderr and
 * stdout are checked through the real CLI (`npx tsx`).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import type { Change } from '../scripts/spec-diff/changes';
import { exitCodeFor, parseCli, runCli } from '../scripts/spec-diff/cli';
import { SpecInputError } from '../scripts/spec-diff/errors';
import { diffSpecs, type DiffReport } from '../scripts/spec-diff/diff';
import { loadSpec, parseSpec, type SpecDoc } from '../scripts/spec-diff/load';
import { renderMarkdown } from '../scripts/spec-diff/markdown';
import { REPO, SHARED_SPECS, expectOneLineError, runTsx, swagger, tempDir, writeSpec } from './helpers/spec-tools';

// swagger2openapi ships no types.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const swagger2openapi = require('swagger2openapi') as { convertObj(spec: object, opts: object): Promise<{ openapi: Record<string, unknown> }> };

const docs = new Map<string, SpecDoc>();
function spec(version: string): SpecDoc {
  if (!docs.has(version)) docs.set(version, loadSpec(join(SHARED_SPECS, `docker-engine-v${version}.yaml`), `v${version}`));
  return docs.get(version)!;
}
const reports = new Map<string, DiffReport>();
function real(from: string, to: string): DiffReport {
  const key = `${from}→${to}`;
  if (!reports.has(key)) reports.set(key, diffSpecs(spec(from), spec(to)));
  return reports.get(key)!;
}

function op(r: DiffReport, method: string, path: string): Change[] {
  return r.operations.changed.find((o) => o.method === method && o.path === path)?.changes ?? [];
}
function model(r: DiffReport, name: string): Change[] {
  return r.models.changed.find((m) => m.name === name)?.changes ?? [];
}
function param(changes: Change[], name: string): Change[] {
  return changes.filter((c) => c.scope === 'parameter' && c.name === name);
}
/** Compact "kind path" strings, for readable assertions. */
function kinds(changes: Change[]): string[] {
  return changes.map((c) => `${c.kind} ${c.scope === 'parameter' ? c.name : c.scope === 'response' ? `${c.name}:` : ''}${c.path}`.trim());
}

describe('real Engine API version pairs', () => {
  test('1.47 → 1.48: platform on history/save/load, new build-prune knobs, keep-storage deprecated (not removed)', () => {
    const r = real('1.47', '1.48');
    for (const [m, p] of [
      ['GET', '/images/{name}/history'],
      ['GET', '/images/{name}/get'],
      ['POST', '/images/load'],
    ]) {
      expect(param(op(r, m, p), 'platform')).toEqual([{ scope: 'parameter', name: 'platform', in: 'query', path: '', kind: 'added', type: 'string' }]);
    }
    const prune = op(r, 'POST', '/build/prune');
    for (const name of ['reserved-space', 'max-used-space', 'min-free-space']) {
      expect(param(prune, name)).toEqual([{ scope: 'parameter', name, in: 'query', path: '', kind: 'added', type: 'integer(int64)' }]);
    }
    // "The `keep-storage` query parameter has been renamed to `reserved-space`" — still there in 1.48, deprecated.
    expect(param(prune, 'keep-storage').map((c) => c.kind)).toEqual(['now-deprecated']);
    // "Mount of type image": a new value of the MountType enum, reported once, under the model.
    expect(model(r, 'MountType')).toEqual([{ scope: 'model', path: '', kind: 'enum-values-added', values: ['image'] }]);
    // Descriptor / Manifests on image inspect, ImageManifestDescriptor on container inspect.
    expect(kinds(model(r, 'ImageInspect'))).toEqual(expect.arrayContaining(['added Descriptor', 'added Manifests']));
    expect(kinds(model(r, 'ImageSummary'))).toContain('added Descriptor');
    expect(kinds(op(r, 'GET', '/containers/{id}/json'))).toContain('added 200:ImageManifestDescriptor');
    expect(kinds(model(r, 'SystemInfo'))).toEqual(['now-deprecated BridgeNfIp6tables', 'now-deprecated BridgeNfIptables']);
    expect(kinds(model(r, 'Commit'))).toEqual(['now-deprecated Expected']);
    for (const m of ['PushImageInfo', 'CreateImageInfo', 'BuildInfo']) expect(kinds(model(r, m))).toEqual(expect.arrayContaining(['now-deprecated error', 'now-deprecated progress']));
  });

  test('1.47 → 1.48: a model change is reported once, under the model, not under each operation using it', () => {
    const r = real('1.47', '1.48');
    const hostConfig = r.models.changed.find((m) => m.name === 'HostConfig')!;
    expect(hostConfig.changes).toContainEqual({ scope: 'model', path: 'LogConfig.Type', kind: 'enum-values-added', values: ['local'] });
    expect(hostConfig.usedBy).toEqual(expect.arrayContaining(['POST /containers/create', 'GET /containers/{id}/json']));
    const everywhere = JSON.stringify(r.operations);
    expect(everywhere).not.toContain('"local"');
    expect(everywhere).not.toContain('"image"');
    expect(op(r, 'POST', '/containers/create')).toEqual([]);
  });

  test('1.48 → 1.49: platform on image inspect, FirewallBackend, deprecated fields now omitted', () => {
    const r = real('1.48', '1.49');
    expect(param(op(r, 'GET', '/images/{name}/json'), 'platform').map((c) => c.kind)).toEqual(['added']);
    expect(r.models.added).toContain('FirewallInfo');
    expect(model(r, 'SystemInfo')).toContainEqual({ scope: 'model', path: 'FirewallBackend', kind: 'added', type: 'FirewallInfo' });
    expect(kinds(model(r, 'Commit'))).toEqual(['removed Expected']);
    expect(kinds(model(r, 'RegistryServiceConfig'))).toEqual(['removed AllowNondistributableArtifactsCIDRs', 'removed AllowNondistributableArtifactsHostnames']);
  });

  test('1.49 → 1.50: DELETE /images/{name} platforms, DiscoveredDevices, BridgeNf* and image Config fields omitted', () => {
    const r = real('1.49', '1.50');
    expect(param(op(r, 'DELETE', '/images/{name}'), 'platforms')).toEqual([
      { scope: 'parameter', name: 'platforms', in: 'query', path: '', kind: 'added', type: 'array<string>', collectionFormat: 'csv' },
    ]);
    expect(model(r, 'SystemInfo')).toEqual(
      expect.arrayContaining([
        { scope: 'model', path: 'DiscoveredDevices', kind: 'added', type: 'array<DeviceInfo>' },
        { scope: 'model', path: 'BridgeNfIptables', kind: 'removed', type: 'boolean' },
        { scope: 'model', path: 'BridgeNfIp6tables', kind: 'removed', type: 'boolean' },
      ]),
    );
    const imageConfig = kinds(model(r, 'ImageConfig'));
    for (const f of ['Hostname', 'Domainname', 'AttachStdin', 'AttachStdout', 'AttachStderr', 'Tty', 'OpenStdin', 'StdinOnce', 'Image']) {
      expect(imageConfig).toContain(`removed ${f}`);
    }
  });

  test('1.51 → 1.52: multi-platform save/load, keep-storage removed, MacAddress and KernelMemoryTCP removed, df usage fields', () => {
    const r = real('1.51', '1.52');
    for (const [m, p] of [
      ['GET', '/images/{name}/get'],
      ['POST', '/images/load'],
    ]) {
      expect(param(op(r, m, p), 'platform')).toEqual([
        { scope: 'parameter', name: 'platform', in: 'query', path: '', kind: 'type-changed', from: 'string', to: 'array<string>', collectionFormat: 'multi' },
      ]);
    }
    expect(param(op(r, 'POST', '/build/prune'), 'keep-storage')).toEqual([
      { scope: 'parameter', name: 'keep-storage', in: 'query', path: '', kind: 'removed', type: 'integer(int64)' },
    ]);
    expect(kinds(model(r, 'ContainerConfig'))).toEqual(['removed MacAddress']);
    expect(kinds(model(r, 'Resources'))).toEqual(['removed KernelMemoryTCP']);
    expect(kinds(model(r, 'SystemInfo'))).toEqual(['removed KernelMemoryTCP']);
    expect(kinds(model(r, 'ContainerStatsResponse'))).toEqual(['added os_type']);
    expect(kinds(model(r, 'TaskSpec'))).toEqual(['added Resources.MemorySwappiness', 'added Resources.SwapBytes']);
    const df = kinds(op(r, 'GET', '/system/df'));
    // The changelog says ImagesUsage/ContainersUsage/VolumesUsage; the spec (what the client is generated from) names them singular.
    expect(df).toEqual(expect.arrayContaining(['added verbose', 'added 200:ImageUsage', 'added 200:ContainerUsage', 'added 200:VolumeUsage', 'added 200:BuildCacheUsage']));
    expect(df).toEqual(expect.arrayContaining(['removed 200:LayersSize', 'removed 200:Images', 'removed 200:Containers', 'removed 200:Volumes', 'removed 200:BuildCache']));
    // GET /networks/{id} now answers NetworkInspect = allOf(Network) + Status: the fields that moved into the
    // mixed-in Network model are not reported as removed.
    const inspect = op(r, 'GET', '/networks/{id}');
    expect(inspect).toContainEqual({ scope: 'response', name: '200', path: '', kind: 'type-changed', from: 'Network', to: 'NetworkInspect' });
    expect(inspect).toContainEqual({ scope: 'response', name: '200', path: '', kind: 'composition-added', values: ['Network'] });
    expect(inspect).toContainEqual({ scope: 'response', name: '200', path: 'Status', kind: 'added', type: 'NetworkStatus' });
    expect(kinds(inspect)).not.toContain('removed 200:Name');
  });

  test('1.52 → 1.53 and 1.53 → 1.54: NRI, image Identity, /session deprecated, identity query parameter', () => {
    const a = real('1.52', '1.53');
    expect(model(a, 'SystemInfo')).toEqual([{ scope: 'model', path: 'NRI', kind: 'added', type: 'NRIInfo' }]);
    expect(model(a, 'ImageInspect')).toEqual([{ scope: 'model', path: 'Identity', kind: 'added', type: 'Identity | null' }]);
    expect(op(a, 'POST', '/session')).toEqual([{ scope: 'operation', path: '', kind: 'now-deprecated' }]);
    const b = real('1.53', '1.54');
    expect(op(b, 'GET', '/images/json')).toEqual([{ scope: 'parameter', name: 'identity', in: 'query', path: '', kind: 'added', type: 'boolean' }]);
  });

  test('1.54 → 1.55: the attestations endpoint and its model are new', () => {
    const r = real('1.54', '1.55');
    expect(r.operations.added).toEqual([
      {
        method: 'GET',
        path: '/images/{name}/attestations',
        operationId: 'ImageAttestations',
        summary: 'Get attestation statements for an image',
        // What the new endpoint takes, as the changelog describes it.
        signature: {
          parameters: [
            { name: 'name', in: 'path', type: 'string', required: true },
            { name: 'platform', in: 'query', type: 'array<string>', collectionFormat: 'multi' },
            { name: 'statement', in: 'query', type: 'boolean' },
            { name: 'type', in: 'query', type: 'array<string>', collectionFormat: 'multi' },
          ],
          responses: { 200: 'array<AttestationStatement>', 400: 'ErrorResponse', 404: 'ErrorResponse', 500: 'ErrorResponse', 501: 'ErrorResponse' },
          produces: ['application/json'],
        },
      },
    ]);
    expect(r.models.added).toEqual(['AttestationStatement']);
    expect(r.changeCount).toBe(2);
  });

  test('1.41 → 1.43 (skipping 1.42): stop/restart signal, shared-size, df type, attach/ws streams, PUT /volumes/{name}, Annotations', () => {
    const r = real('1.41', '1.43');
    for (const p of ['/containers/{id}/stop', '/containers/{id}/restart']) expect(kinds(param(op(r, 'POST', p), 'signal'))).toEqual(['added signal']);
    expect(kinds(param(op(r, 'GET', '/images/json'), 'shared-size'))).toEqual(['added shared-size']);
    expect(param(op(r, 'GET', '/system/df'), 'type')).toEqual([
      { scope: 'parameter', name: 'type', in: 'query', path: '', kind: 'added', type: 'array<string>', collectionFormat: 'multi' },
    ]);
    expect(kinds(op(r, 'GET', '/containers/{id}/attach/ws'))).toEqual(['added stderr', 'added stdin', 'added stdout']);
    expect(r.operations.added.map((o) => `${o.method} ${o.path}`)).toEqual(['PUT /volumes/{name}']);
    expect(kinds(model(r, 'HostConfig'))).toContain('added Annotations');
    expect(kinds(model(r, 'BuildCache'))).toEqual(expect.arrayContaining(['added Parents']));
  });

  test('1.55 → 1.56 (this snapshot): only descriptions differ, so no API changes', () => {
    const r = real('1.55', '1.56');
    expect(r.changeCount).toBe(0);
    expect(readFileSync(join(SHARED_SPECS, 'docker-engine-v1.55.yaml'), 'utf8')).not.toBe(readFileSync(join(SHARED_SPECS, 'docker-engine-v1.56.yaml'), 'utf8'));
  });

  test('OpenAPI 3: the same specs converted by swagger2openapi give the same findings', async () => {
    const convert = async (v: string): Promise<SpecDoc> => {
      const sw = yaml.load(readFileSync(join(SHARED_SPECS, `docker-engine-v${v}.yaml`), 'utf8')) as object;
      const { openapi } = await swagger2openapi.convertObj(sw, { patch: true, warnOnly: true, resolve: false });
      return parseSpec(JSON.stringify(openapi), `oa3-v${v}`);
    };
    const [o47, o48] = [await convert('1.47'), await convert('1.48')];
    expect(o47.format).toBe('OpenAPI 3');
    // Cross-dialect: Swagger 2.0 v1.47 against its own OpenAPI 3 conversion is the same API.
    expect(diffSpecs(spec('1.47'), o47).changeCount).toBe(0);
    const r = diffSpecs(o47, o48);
    expect(param(op(r, 'GET', '/images/{name}/history'), 'platform').map((c) => c.type)).toEqual(['string']);
    expect(kinds(op(r, 'POST', '/build/prune'))).toEqual(['now-deprecated keep-storage', 'added max-used-space', 'added min-free-space', 'added reserved-space']);
    expect(model(r, 'MountType')).toEqual([{ scope: 'model', path: '', kind: 'enum-values-added', values: ['image'] }]);
  });
});

describe('synthetic specs: edge cases', () => {
  const dir = tempDir('spec-diff-test-');
  const diff = (a: object, b: object): DiffReport => diffSpecs(parseSpec(JSON.stringify(a), 'old'), parseSpec(JSON.stringify(b), 'new'));

  test('cyclic schemas terminate, and changes inside them are still found', () => {
    const node = (extra: Record<string, unknown> = {}) => ({
      type: 'object',
      properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#/definitions/Node' } }, ...extra },
    });
    const mutual = {
      A: { type: 'object', properties: { b: { $ref: '#/definitions/B' } } },
      B: { type: 'object', properties: { a: { $ref: '#/definitions/A' } } },
    };
    const paths = { '/tree': { get: { responses: { 200: { schema: { $ref: '#/definitions/Node' } } } } } };
    const r = diff(swagger({ Node: node(), ...mutual }, paths), swagger({ Node: node({ size: { type: 'integer' } }), ...mutual }, paths));
    expect(r.models.changed).toEqual([{ name: 'Node', usedBy: ['GET /tree'], changes: [{ scope: 'model', path: 'size', kind: 'added', type: 'integer' }] }]);

    // A response switches from one recursive model to another that both specs have: structural comparison
    // goes through both cycles, reports the real difference once and stops.
    const tree = { Tree: { type: 'object', properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#/definitions/Tree' } }, x: { type: 'boolean' } } } };
    const treePaths = { '/tree': { get: { responses: { 200: { schema: { $ref: '#/definitions/Tree' } } } } } };
    const r2 = diff(swagger({ Node: node(), ...tree }, paths), swagger({ Node: node(), ...tree }, treePaths));
    expect(op(r2, 'GET', '/tree')).toEqual([
      { scope: 'response', name: '200', path: '', kind: 'type-changed', from: 'Node', to: 'Tree' },
      { scope: 'response', name: '200', path: 'x', kind: 'added', type: 'boolean' },
    ]);
    // Node gone and Tree new, used in its place: a rename. The difference is reported once, with the rename,
    // and the use site only names it.
    const r3 = diff(swagger({ Node: node() }, paths), swagger(tree, treePaths));
    expect(op(r3, 'GET', '/tree')).toEqual([{ scope: 'response', name: '200', path: '', kind: 'renamed', from: 'Node', to: 'Tree' }]);
    expect(r3.models).toEqual({
      added: [],
      removed: [],
      renamed: [{ from: 'Node', to: 'Tree', sameShape: false, usedBy: ['GET /tree'], changes: [{ scope: 'model', path: 'x', kind: 'added', type: 'boolean' }] }],
      changed: [],
    });
  });

  test('allOf: changes of a mixed-in model stay with it; inline members and the composition itself are diffed', () => {
    const base = (extra: Record<string, unknown> = {}) => ({ type: 'object', properties: { id: { type: 'string' }, ...extra } });
    const child = (inline: Record<string, unknown>, refs = ['Base']) => ({
      allOf: [...refs.map((r) => ({ $ref: `#/definitions/${r}` })), { type: 'object', properties: inline }],
    });
    const old = swagger({ Base: base(), Other: base(), Child: child({ a: { type: 'string' } }) });
    const next = swagger({ Base: base({ added: { type: 'integer' } }), Other: base(), Child: child({ a: { type: 'string' }, b: { type: 'boolean' } }, ['Base', 'Other']) });
    const r = diff(old, next);
    expect(model(r, 'Base')).toEqual([{ scope: 'model', path: 'added', kind: 'added', type: 'integer' }]);
    expect(model(r, 'Child')).toEqual([
      { scope: 'model', path: '', kind: 'composition-added', values: ['Other'] },
      { scope: 'model', path: 'b', kind: 'added', type: 'boolean' },
    ]);

    // A field moving from the schema itself into a mixed-in model is neither "removed" nor "added".
    const moved = diff(swagger({ Base: base(), C: { type: 'object', properties: { id: { type: 'string' }, own: { type: 'string' } } } }), swagger({ Base: base(), C: child({ own: { type: 'string' } }) }));
    expect(model(moved, 'C')).toEqual([{ scope: 'model', path: '', kind: 'composition-added', values: ['Base'] }]);
  });

  test('x-nullable, enums, required and deprecations on model properties', () => {
    const m = (p: Record<string, unknown>, required: string[]) => swagger({ M: { type: 'object', required, properties: p } });
    const r = diff(
      m({ s: { type: 'string' }, ref: { $ref: '#/definitions/M' }, e: { type: 'string', enum: ['a', 'b'] }, old: { type: 'string' }, d: { type: 'string', description: 'fine' } }, ['s']),
      m(
        {
          s: { type: 'string', 'x-nullable': true },
          ref: { $ref: '#/definitions/M', 'x-nullable': true },
          e: { type: 'string', enum: ['b', 'c'] },
          old: { type: 'string', 'x-deprecated': true },
          d: { type: 'string', description: '> **Deprecated**: use `s` instead.' },
        },
        ['e'],
      ),
    );
    expect(model(r, 'M')).toEqual([
      { scope: 'model', path: 'd', kind: 'now-deprecated' },
      { scope: 'model', path: 'e', kind: 'enum-values-added', values: ['c'] },
      { scope: 'model', path: 'e', kind: 'enum-values-removed', values: ['a'] },
      { scope: 'model', path: 'e', kind: 'now-required' },
      { scope: 'model', path: 'old', kind: 'now-deprecated' },
      { scope: 'model', path: 'ref', kind: 'type-changed', from: 'M', to: 'M | null' },
      { scope: 'model', path: 's', kind: 'type-changed', from: 'string', to: 'string | null' },
      { scope: 'model', path: 's', kind: 'no-longer-required' },
    ]);
  });

  test('parameters: in, type, required, enum, collection format, items type, default', () => {
    const p = (params: unknown[]) => swagger({}, { '/x/{id}': { get: { parameters: params, responses: { 200: { description: 'ok' } } } } });
    const r = diff(
      p([
        { name: 'id', in: 'path', type: 'string', required: true },
        { name: 'f', in: 'query', type: 'array', items: { type: 'string', enum: ['a'] } },
        { name: 'n', in: 'query', type: 'integer', default: 1 },
        { name: 'h', in: 'query', type: 'string' },
        { name: 'gone', in: 'query', type: 'boolean' },
      ]),
      p([
        { name: 'id', in: 'path', type: 'string', required: true },
        { name: 'f', in: 'query', type: 'array', collectionFormat: 'multi', items: { type: 'string', enum: ['a', 'b'] } },
        { name: 'n', in: 'query', type: 'string', default: 2, required: true },
        { name: 'h', in: 'header', type: 'string' },
        { name: 'new', in: 'query', type: 'array', items: { type: 'integer' }, required: true },
      ]),
    );
    expect(op(r, 'GET', '/x/{id}')).toEqual([
      { scope: 'parameter', name: 'f', in: 'query', path: '', kind: 'collection-format-changed', from: 'csv', to: 'multi' },
      { scope: 'parameter', name: 'f', in: 'query', path: '[]', kind: 'enum-values-added', values: ['b'] },
      { scope: 'parameter', name: 'gone', in: 'query', path: '', kind: 'removed', type: 'boolean' },
      { scope: 'parameter', name: 'h', in: 'header', path: '', kind: 'location-changed', from: 'query', to: 'header' },
      { scope: 'parameter', name: 'n', in: 'query', path: '', kind: 'type-changed', from: 'integer', to: 'string' },
      { scope: 'parameter', name: 'n', in: 'query', path: '', kind: 'default-changed', from: '1', to: '2' },
      { scope: 'parameter', name: 'n', in: 'query', path: '', kind: 'now-required' },
      { scope: 'parameter', name: 'new', in: 'query', path: '', kind: 'added', type: 'array<integer>', required: true, collectionFormat: 'csv' },
    ]);
    // Items type change of an array parameter is reported at the items, once.
    const items = diff(p([{ name: 'f', in: 'query', type: 'array', items: { type: 'string' } }]), p([{ name: 'f', in: 'query', type: 'array', items: { type: 'integer' } }]));
    expect(op(items, 'GET', '/x/{id}')).toEqual([{ scope: 'parameter', name: 'f', in: 'query', path: '[]', kind: 'type-changed', from: 'string', to: 'integer' }]);
  });

  test('operations: matched across renamed path templates; operationId and deprecation changes; added/removed', () => {
    const doc = (path: string, param: string, extra: Record<string, unknown>, more: Record<string, unknown> = {}) =>
      swagger({}, { [path]: { get: { parameters: [{ name: param, in: 'path', type: 'string', required: true }], responses: { 200: { description: 'ok' } }, ...extra } }, ...more });
    const r = diff(
      doc('/things/{id}', 'id', { operationId: 'ThingGet' }, { '/old': { delete: { responses: {} } } }),
      doc('/things/{name}', 'name', { operationId: 'ThingInspect', deprecated: true }, { '/new': { post: { summary: ' Make \n a thing ', responses: {} } } }),
    );
    expect(r.operations.added).toEqual([{ method: 'POST', path: '/new', summary: 'Make a thing', signature: { parameters: [], responses: {} } }]);
    expect(r.operations.removed).toEqual([{ method: 'DELETE', path: '/old' }]);
    expect(r.operations.changed).toEqual([
      {
        method: 'GET',
        path: '/things/{name}',
        operationId: 'ThingInspect',
        changes: [
          { scope: 'operation', path: '', kind: 'path-changed', from: '/things/{id}', to: '/things/{name}' },
          { scope: 'operation', path: '', kind: 'operation-id-changed', from: 'ThingGet', to: 'ThingInspect' },
          { scope: 'operation', path: '', kind: 'now-deprecated' },
          { scope: 'parameter', name: 'id', in: 'path', path: '', kind: 'removed', type: 'string' },
          { scope: 'parameter', name: 'name', in: 'path', path: '', kind: 'added', type: 'string', required: true },
        ],
      },
    ]);
    expect(renderMarkdown(r)).toContain('### `GET /things/{name}`\n\n- Path template changed: `/things/{id}` → `/things/{name}`\n- operationId changed: `ThingGet` → `ThingInspect`\n- Operation is now deprecated\n');
  });

  test('request and response bodies: inline schemas under the operation, named ones under the model', () => {
    const doc = (bodyProps: Record<string, unknown>, modelProps: Record<string, unknown>, codes: Record<string, unknown>) =>
      swagger({ Out: { type: 'object', properties: modelProps } }, {
        '/y': {
          post: {
            parameters: [{ name: 'body', in: 'body', schema: { type: 'object', properties: bodyProps } }],
            responses: { 200: { description: 'ok', schema: { $ref: '#/definitions/Out' } }, ...codes },
          },
        },
      });
    const r = diff(doc({ a: { type: 'string' } }, { o: { type: 'string' } }, { 404: { description: 'no' } }), doc({ a: { type: 'integer' } }, { o: { type: 'string' }, p: { type: 'string' } }, { 409: { description: 'conflict' } }));
    expect(op(r, 'POST', '/y')).toEqual([
      { scope: 'request-body', path: 'a', kind: 'type-changed', from: 'string', to: 'integer' },
      { scope: 'response', name: '404', path: '', kind: 'removed', type: 'none' },
      { scope: 'response', name: '409', path: '', kind: 'added', type: 'none' },
    ]);
    expect(r.models.changed).toEqual([{ name: 'Out', usedBy: ['POST /y'], changes: [{ scope: 'model', path: 'p', kind: 'added', type: 'string' }] }]);
  });

  test('OpenAPI 3 documents: components/schemas, requestBody, style/explode, nullable, deprecated parameters', () => {
    const oa = (schemaProps: Record<string, unknown>, params: unknown[]) => ({
      openapi: '3.0.3',
      info: { title: 't', version: '2' },
      paths: {
        '/z': {
          put: {
            parameters: params,
            requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/In' } } } },
            responses: { 204: { description: 'done' } },
          },
        },
      },
      components: { schemas: { In: { type: 'object', properties: schemaProps } } },
    });
    const r = diff(
      oa({ v: { type: 'string' } }, [{ name: 'q', in: 'query', schema: { type: 'array', items: { type: 'string' } } }]),
      oa({ v: { type: 'string', nullable: true } }, [{ name: 'q', in: 'query', explode: false, deprecated: true, schema: { type: 'array', items: { type: 'string' } } }]),
    );
    expect(op(r, 'PUT', '/z')).toEqual([
      { scope: 'parameter', name: 'q', in: 'query', path: '', kind: 'collection-format-changed', from: 'multi', to: 'csv' },
      { scope: 'parameter', name: 'q', in: 'query', path: '', kind: 'now-deprecated' },
    ]);
    expect(r.models.changed).toEqual([{ name: 'In', usedBy: ['PUT /z'], changes: [{ scope: 'model', path: 'v', kind: 'type-changed', from: 'string', to: 'string | null' }] }]);
  });

  test('reports are deterministic: independent of key order in the documents, byte-identical on repeat', () => {
    const shuffle = (v: unknown): unknown => {
      if (Array.isArray(v)) return v.map(shuffle);
      if (!v || typeof v !== 'object') return v;
      return Object.fromEntries(Object.entries(v).reverse().map(([k, x]) => [k, shuffle(x)]));
    };
    const a = yaml.load(readFileSync(join(SHARED_SPECS, 'docker-engine-v1.51.yaml'), 'utf8'));
    const b = yaml.load(readFileSync(join(SHARED_SPECS, 'docker-engine-v1.52.yaml'), 'utf8'));
    const straight = renderMarkdown(diffSpecs(parseSpec(JSON.stringify(a), 'a'), parseSpec(JSON.stringify(b), 'b')));
    const reversed = renderMarkdown(diffSpecs(parseSpec(JSON.stringify(shuffle(a)), 'a'), parseSpec(JSON.stringify(shuffle(b)), 'b')));
    expect(reversed).toBe(straight);
    expect(straight).toContain('## Models changed');
  });

  describe('through the CLI', () => {
    test('identical inputs: empty report, exit 0 (Markdown and JSON)', () => {
      const p = writeSpec(dir, 'same.json', swagger({ A: { type: 'object', properties: { x: { type: 'string' } } } }));
      const md = runTsx('scripts/spec-diff.ts', [p, p]);
      expect(md.status).toBe(0);
      expect(md.stdout).toContain('No API changes.');
      expect(md.stdout).not.toContain('##');
      const js = runTsx('scripts/spec-diff.ts', ['--json', p, p]);
      expect(js.status).toBe(0);
      expect(JSON.parse(js.stdout)).toMatchObject({
        changeCount: 0,
        operations: { added: [], removed: [], changed: [] },
        models: { added: [], removed: [], changed: [] },
      });
    });

    test('versions resolve to openapi/ first, then ../shared/specs/; JSON shape; same bytes twice; exit 1', () => {
      const pinned = JSON.parse(readFileSync(join(REPO, 'openapi', 'pinned.json'), 'utf8')) as { version: string; file: string };
      const one = runTsx('scripts/spec-diff.ts', ['--json', '1.41', pinned.version]);
      const two = runTsx('scripts/spec-diff.ts', ['--json', '1.41', pinned.version]);
      expect(one.status).toBe(1);
      expect(two.stdout).toBe(one.stdout);
      const r = JSON.parse(one.stdout) as DiffReport;
      expect(r.old).toEqual({ label: '../shared/specs/docker-engine-v1.41.yaml', format: 'Swagger 2.0', version: '1.41' });
      expect(r.new).toEqual({ label: `openapi/${pinned.file}`, format: 'Swagger 2.0', version: pinned.version });
      expect(Object.keys(r)).toEqual(['old', 'new', 'changeCount', 'operations', 'models']);
      const counted = [...r.operations.changed, ...r.models.changed, ...r.models.renamed].reduce((n, x) => n + x.changes.length, 0) + r.models.renamed.length;
      expect(r.changeCount).toBe(counted + r.operations.added.length + r.operations.removed.length + r.models.added.length + r.models.removed.length);
      expect(r.operations.added).toContainEqual(
        expect.objectContaining({ method: 'PUT', path: '/volumes/{name}', operationId: 'VolumeUpdate', summary: '"Update a volume. Valid only for Swarm cluster volumes"' }),
      );
      for (const m of r.models.changed) {
        expect(m.changes.length).toBeGreaterThan(0);
        for (const c of m.changes) expect(c.scope).toBe('model');
      }

      const md = runTsx('scripts/spec-diff.ts', ['1.47', '1.48']);
      expect(md.status).toBe(1);
      expect(md.stdout).toContain('### `GET /images/{name}/history`\n\n- Query parameter `platform` added: `string`\n');
      expect(md.stdout).toContain('- Query parameter `keep-storage` is now deprecated\n');
      expect(md.stdout).toBe(runTsx('scripts/spec-diff.ts', ['1.47', '1.48']).stdout);
    });

    test('the runner both CLIs share: 0/1 from main, 2 for bad input, 3 for a bug, one line each; --help', async () => {
      const err = jest.spyOn(console, 'error').mockImplementation(() => undefined);
      const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
      const saved = process.exitCode;
      try {
        await runCli('spec-x', () => 1, []);
        expect(process.exitCode).toBe(1);
        await runCli('spec-x', async () => {
          throw new SpecInputError('nope.yaml: no such file');
        });
        expect(process.exitCode).toBe(2);
        // A bug (here a TypeError) is exit 3, one line, no stack unless SPEC_TOOLS_DEBUG asks for it.
        await runCli('spec-x', () => {
          throw new TypeError('cannot read x\nof undefined');
        });
        expect(process.exitCode).toBe(3);
        expect(err.mock.calls).toEqual([['spec-x: nope.yaml: no such file'], ['spec-x: internal error: cannot read x']]);
        process.env.SPEC_TOOLS_DEBUG = '1';
        expect(exitCodeFor('spec-x', new Error('boom'))).toBe(3);
        expect(String(err.mock.calls[3]?.[0])).toMatch(/^Error: boom\n\s+at /);

        expect(parseCli(['--help'], { json: { type: 'boolean' } }, 'usage: spec-x')).toBeUndefined();
        expect(log.mock.calls).toEqual([['usage: spec-x']]);
        expect(parseCli(['--json', 'a', 'b'], { json: { type: 'boolean' } }, 'usage: spec-x')).toEqual({ values: { json: true }, positionals: ['a', 'b'] });
        expect(() => parseCli(['--bogus'], {}, 'usage: spec-x')).toThrow(new SpecInputError("Unknown option '--bogus'; usage: spec-x"));
      } finally {
        delete process.env.SPEC_TOOLS_DEBUG;
        process.exitCode = saved;
        err.mockRestore();
        log.mockRestore();
      }
    });

    test('bad input: exit 2 with one clear line and no stack trace', () => {
      const unresolvable = writeSpec(dir, 'unresolvable.json', swagger({ A: { type: 'object', properties: { b: { $ref: '#/definitions/Nope' } } } }));
      const cases: Array<[string[], RegExp]> = [
        [[join(dir, 'missing.yaml'), '1.55'], /missing\.yaml: no such file$/],
        [[writeSpec(dir, 'broken.yaml', 'a: [b\n'), '1.55'], /broken\.yaml: not valid YAML or JSON \(.* at line 2, column 1\)$/],
        [[writeSpec(dir, 'list.yaml', '- 1\n- 2\n'), '1.55'], /list\.yaml: not a Swagger\/OpenAPI document/],
        [[writeSpec(dir, 'other.yaml', 'name: x\nversion: 1\n'), '1.55'], /other\.yaml: not a Swagger\/OpenAPI document \(no `swagger: "2.0"` or `openapi: 3.x` field\)$/],
        [['1.55', unresolvable], /unresolvable\.json: unresolvable \$ref "#\/definitions\/Nope" at \/definitions\/A\/properties\/b\/\$ref$/],
        [['9.99', '1.55'], /no spec for API version 9\.99/],
        [['1.55'], /expected two specs, got 1; usage: /],
      ];
      for (const [args, message] of cases) {
        const r = runTsx('scripts/spec-diff.ts', args);
        expect({ args, status: r.status }).toEqual({ args, status: 2 });
        expect(r.stdout).toBe('');
        expect(expectOneLineError(r, 'spec-diff')).toMatch(message);
      }
    });
  });
});

