/**
 * What volumes, networks and system send for parameters newer than the rig's engines (API 1.41): a recording fake
 * engine claiming 1.55 or 1.41 (test/helpers/recording-engine.ts) — the real engines cannot be sent these. And the
 * body-field gate (core/since-body.ts) over the network and volume rows of the generated since table.
 */
import { API_SINCE } from '../../generated/api-since';
import { DockerInputError, isLegacyDiskUsage, type EventMessage } from '../../src/index';
import { gateBody } from '../../src/core/since-body';
import { recordingEngine, type RecordingEngine } from '../helpers/recording-engine';

const BIG_NANO = '1796201162189094726';
let engine: RecordingEngine;

beforeAll(async () => {
  engine = await recordingEngine((req, url) => {
    if (url.pathname.endsWith('/events')) {
      return { body: `{"Type":"container","Action":"start","time":1796201162,"timeNano":${BIG_NANO}}\n` };
    }
    if (url.pathname.endsWith('/system/df')) return { body: '{"ImageUsage":{"TotalCount":1,"Items":[]}}' };
    return { body: req.method === 'GET' && url.pathname.endsWith('/networks') ? '[]' : '{}' };
  });
});
afterAll(() => engine.close());

test('df on 1.55: `type` repeated once per value, `verbose` sent; the 1.52 shape is not legacy', async () => {
  let legacy: boolean | undefined;
  const [{ url }] = await engine.withVersion('1.55', async (c) => {
    legacy = isLegacyDiskUsage(await c.system.df({ type: ['volume', 'build-cache'], verbose: true }));
  });
  expect(url.pathname).toBe('/v1.55/system/df');
  expect(url.searchParams.getAll('type')).toEqual(['volume', 'build-cache']);
  expect(url.searchParams.get('verbose')).toBe('true');
  expect(legacy).toBe(false);
});

test('volumes.prune `all`: sent from 1.42 on; on 1.41 `true` is left out (that engine prunes named volumes anyway)', async () => {
  const [{ url: modern }] = await engine.withVersion('1.55', (c) => c.volumes.prune({ filters: { all: true, label: 'a=b' } }));
  expect(JSON.parse(modern.searchParams.get('filters')!)).toEqual({ all: ['true'], label: ['a=b'] });
  const [{ url: old }] = await engine.withVersion('1.41', (c) => c.volumes.prune({ filters: { all: true, label: 'a=b' } }));
  expect(JSON.parse(old.searchParams.get('filters')!)).toEqual({ label: ['a=b'] });
  const sent = await engine.withVersion('1.41', (c) => c.volumes.prune({ filters: { all: false } }).catch((e: unknown) => expect(e).toBeInstanceOf(DockerInputError)));
  expect(sent).toEqual([]);
});

test('networks: gated body fields go out as given on an engine that reads them', async () => {
  const sent = await engine.withVersion('1.55', async (c) => {
    await c.networks.create({ Name: 'n', Internal: true, EnableIPv4: false });
    await c.networks.connect('n', 'c', { EndpointConfig: { MacAddress: '02:42:ac:11:00:02', GwPriority: 1 } });
  });
  expect(sent.map((s) => [s.method, s.url.pathname, JSON.parse(s.body)])).toEqual([
    ['POST', '/v1.55/networks/create', { Name: 'n', Internal: true, EnableIPv4: false }],
    ['POST', '/v1.55/networks/n/connect', { Container: 'c', EndpointConfig: { MacAddress: '02:42:ac:11:00:02', GwPriority: 1 } }],
  ]);
});

test('events: Date and number times as Unix seconds, filters as JSON, timeNano kept exact', async () => {
  const got: EventMessage[] = [];
  const [{ url }] = await engine.withVersion('1.41', async (c) => {
    for await (const e of c.system.events({ since: new Date(1_700_000_000_500), until: 1700000001.25, filters: { type: 'container', label: { a: true } } })) got.push(e);
  });
  expect(url.searchParams.get('since')).toBe('1700000000.500');
  expect(url.searchParams.get('until')).toBe('1700000001.25');
  expect(JSON.parse(url.searchParams.get('filters')!)).toEqual({ type: ['container'], label: ['a'] });
  expect(got).toEqual([{ Type: 'container', Action: 'start', time: 1796201162, timeNano: BIG_NANO }]);
});

test('the body-field gate over the network rows: any value of a too-new field is refused, unset ones pass', () => {
  const row = API_SINCE.NetworkConnect.body;
  expect(() => gateBody(row, 'networks.connect', '1.41', { Container: 'c', EndpointConfig: { Aliases: ['a'] } })).not.toThrow();
  expect(() => gateBody(row, 'networks.connect', '1.41', { EndpointConfig: { GwPriority: 0 } })).toThrow(/body field "EndpointConfig\.GwPriority" needs Engine API v1\.48/);
  expect(() => gateBody(row, 'networks.connect', '1.48', { EndpointConfig: { GwPriority: 0 } })).not.toThrow();
  expect(() => gateBody(API_SINCE.NetworkCreate.body, 'networks.create', '1.47', { EnableIPv4: false })).toThrow(DockerInputError);
  expect(() => gateBody(API_SINCE.VolumeCreate.body, 'volumes.create', '1.41', { Name: 'v', ClusterVolumeSpec: {} })).toThrow(/v1\.42/);
});
