/**
 * The whole spec:diff pipeline (resolve a version like the CLI does → parse → diff → Markdown) over every
 * consecutive pair of specs in ../shared/specs/, checked against the Engine's own API changelog
 * (moby api/docs/CHANGELOG.md at the snapshot commit SOURCES.md names, b985e2313a86, v1.42–v1.56).
 *
 * CHANGELOG lists every changelog statement that the swagger can show (a parameter, field, filter key, media
 * type, header, enum value, deprecation, endpoint), one row per fact, with the line the report must carry.
 * NOT_IN_SPEC lists the changelog statements the spec cannot show (behaviour, descriptions only), with why,
 * so the table is complete either way. Each spec is parsed once for the whole file.
 */
import { diffSpecs, type DiffReport } from '../scripts/spec-diff/diff';
import { loadSpec, resolveSpecArg, type SpecDoc } from '../scripts/spec-diff/load';
import { renderMarkdown } from '../scripts/spec-diff/markdown';
import { DEFAULT_DIRS } from '../scripts/spec-diff';
import { readdirSync } from 'node:fs';
import { SHARED_SPECS } from './helpers/spec-tools';

interface Fact {
  /** The changelog section (API version) it is listed under. */
  v: string;
  /** Section of the report: `METHOD /path`, a model name, or a `## ` title such as `## Operations added`. */
  at: string;
  /** Text one line of that section contains. */
  line: string;
  /** When the spec shows it in another pair than (v-1 → v): the pair's first version, and why. */
  from?: string;
  /** Also required in the section (e.g. the operation a model change reaches). */
  usedBy?: string;
}

const added = (name: string): string => `Property \`${name}\` added`;
const removed = (name: string): string => `Property \`${name}\` removed`;
const deprecated = (name: string): string => `Property \`${name}\` is now deprecated`;
const param = (name: string): string => `Query parameter \`${name}\` added`;
const multiplexed = 'Response media types added: `application/vnd.docker.multiplexed-stream`';

const CHANGELOG: Fact[] = [
  // v1.42
  { v: '1.42', at: 'POST /containers/{id}/stop', line: param('signal') },
  { v: '1.42', at: 'POST /containers/{id}/restart', line: param('signal') },
  { v: '1.42', at: 'GET /images/json', line: param('shared-size') },
  { v: '1.42', at: 'GET /system/df', line: 'Query parameter `type` added: `array<string>` (collection format `multi`)' },
  { v: '1.42', at: 'Resources', line: removed('KernelMemory'), usedBy: 'POST /containers/{id}/update' },
  { v: '1.42', at: 'SystemInfo', line: removed('KernelMemory') },
  { v: '1.42', at: 'GET /_ping', line: 'Response 200 header `Swarm` added: `string`' },
  { v: '1.42', at: 'HEAD /_ping', line: 'Response 200 header `Swarm` added: `string`' },
  { v: '1.42', at: 'POST /containers/{id}/attach', line: multiplexed },
  { v: '1.42', at: 'POST /exec/{id}/start', line: multiplexed },
  { v: '1.42', at: 'GET /containers/{id}/logs', line: multiplexed },
  { v: '1.42', at: 'GET /services/{id}/logs', line: multiplexed },
  { v: '1.42', at: 'GET /tasks/{id}/logs', line: multiplexed },
  { v: '1.42', at: 'VolumeCreateOptions', line: added('ClusterVolumeSpec'), usedBy: 'POST /volumes/create' },
  { v: '1.42', at: 'Volume', line: added('ClusterVolume'), usedBy: 'GET /volumes/{name}' },
  { v: '1.42', at: 'BuildCache', line: removed('Parent'), usedBy: 'GET /system/df' },
  { v: '1.42', at: 'BuildCache', line: added('Parents'), usedBy: 'GET /system/df' },
  { v: '1.42', at: '## Operations added', line: '`PUT /volumes/{name}`' },
  { v: '1.42', at: '## Operations added', line: '  - request body: `object` with `Spec`: `ClusterVolumeSpec`' },
  { v: '1.42', at: 'GET /containers/{id}/attach/ws', line: param('stdin') },
  { v: '1.42', at: 'GET /containers/{id}/attach/ws', line: param('stdout') },
  { v: '1.42', at: 'GET /containers/{id}/attach/ws', line: param('stderr') },
  { v: '1.42', at: 'Mount', line: added('BindOptions.CreateMountpoint'), usedBy: 'POST /containers/create' },
  { v: '1.42', at: 'POST /containers/{id}/exec', line: 'Request body property `ConsoleSize` added' },
  { v: '1.42', at: 'POST /volumes/prune', line: 'Filter key `all` added: `bool`' },
  // v1.43
  { v: '1.43', at: 'HostConfig', line: added('Annotations'), usedBy: 'POST /containers/create' },
  { v: '1.43', at: 'ImageInspect', line: deprecated('VirtualSize') },
  { v: '1.43', at: 'ImageSummary', line: deprecated('VirtualSize'), usedBy: 'GET /system/df' },
  // v1.44
  { v: '1.44', at: 'GET /images/json', line: 'Filter key `until` added' },
  { v: '1.44', at: 'ImageInspect', line: removed('VirtualSize') },
  { v: '1.44', at: 'ImageSummary', line: removed('VirtualSize'), usedBy: 'GET /system/df' },
  { v: '1.44', at: 'GET /images/search', line: 'Response 200 items `[].is_automated` is now deprecated' },
  { v: '1.44', at: 'GET /images/search', line: 'Filter key `is-automated` is now deprecated' },
  { v: '1.44', at: 'Mount', line: added('BindOptions.ReadOnlyNonRecursive'), usedBy: 'GET /containers/{id}/json' },
  { v: '1.44', at: 'Mount', line: added('BindOptions.ReadOnlyForceRecursive'), usedBy: 'GET /containers/{id}/json' },
  { v: '1.44', at: 'HealthConfig', line: added('StartInterval'), usedBy: 'POST /containers/create' },
  { v: '1.44', at: 'SystemInfo', line: added('CDISpecDirs') },
  { v: '1.44', at: 'POST /networks/create', line: 'Request body property `CheckDuplicate` is now deprecated' },
  { v: '1.44', at: 'TaskSpec', line: added('ContainerSpec.Privileges.Seccomp'), usedBy: 'POST /services/create' },
  { v: '1.44', at: 'TaskSpec', line: added('ContainerSpec.Privileges.AppArmor'), usedBy: 'POST /services/{id}/update' },
  { v: '1.44', at: 'ContainerConfig', line: deprecated('MacAddress'), usedBy: 'POST /containers/create' },
  { v: '1.44', at: 'ServiceSpec', line: deprecated('Networks'), usedBy: 'POST /services/create' },
  { v: '1.44', at: 'ImageInspect', line: deprecated('Container') },
  { v: '1.44', at: 'ImageInspect', line: deprecated('ContainerConfig') },
  { v: '1.44', at: 'Runtime', line: added('status'), usedBy: 'GET /info' },
  { v: '1.44', at: 'EndpointSettings', line: added('DNSNames'), usedBy: 'GET /containers/{id}/json' },
  ...['HairpinMode', 'LinkLocalIPv6Address', 'LinkLocalIPv6PrefixLen', 'SecondaryIPAddresses', 'SecondaryIPv6Addresses'].map(
    (f): Fact => ({ v: '1.44', at: 'NetworkSettings', line: deprecated(f) }),
  ),
  { v: '1.44', at: 'ImageInspect', line: 'Property `Created` type changed: `string` → `string(dateTime) | null`' },
  // v1.45
  { v: '1.45', at: 'Mount', line: added('VolumeOptions.Subpath'), usedBy: 'POST /containers/create' },
  { v: '1.45', at: 'GET /images/search', line: 'Filter key `is-automated` removed' },
  { v: '1.45', at: 'ImageInspect', line: removed('Container') },
  { v: '1.45', at: 'ImageInspect', line: removed('ContainerConfig') },
  // v1.46
  { v: '1.46', at: 'SystemInfo', line: added('Containerd') },
  { v: '1.46', at: 'ContainerSummary', line: added('HostConfig.Annotations'), usedBy: 'GET /containers/json' },
  { v: '1.46', at: 'POST /images/{name}/push', line: param('platform') },
  { v: '1.46', at: 'Mount', line: added('TmpfsOptions.Options'), usedBy: 'POST /containers/create' },
  { v: '1.46', at: 'Mount', line: added('TmpfsOptions.Options'), usedBy: 'POST /services/create' },
  ...['Hostname', 'Domainname', 'AttachStdin', 'AttachStdout', 'AttachStderr', 'Tty', 'OpenStdin', 'StdinOnce', 'Image', 'NetworkDisabled', 'StopTimeout'].map(
    (f): Fact => ({ v: '1.46', at: 'ImageConfig', line: deprecated(f), usedBy: 'GET /images/{name}/json' }),
  ),
  { v: '1.46', at: 'ImageConfig', line: deprecated('MacAddress'), from: '1.43' /* the spec marked it in 1.44, with ContainerConfig's */ },
  { v: '1.46', at: 'TaskSpec', line: added('ContainerSpec.OomScoreAdj'), usedBy: 'POST /services/create' },
  // v1.47
  { v: '1.47', at: 'ImageSummary', line: added('Manifests'), usedBy: 'GET /images/json' },
  { v: '1.47', at: 'GET /images/json', line: param('manifests') },
  // v1.48
  ...['CreateImageInfo', 'PushImageInfo', 'BuildInfo'].flatMap((m): Fact[] => [
    { v: '1.48', at: m, line: deprecated('error') },
    { v: '1.48', at: m, line: deprecated('progress') },
  ]),
  { v: '1.48', at: 'SystemInfo', line: deprecated('BridgeNfIptables') },
  { v: '1.48', at: 'SystemInfo', line: deprecated('BridgeNfIp6tables') },
  { v: '1.48', at: 'POST /build/prune', line: 'Query parameter `keep-storage` is now deprecated' },
  { v: '1.48', at: 'GET /images/{name}/history', line: param('platform') },
  { v: '1.48', at: 'POST /images/load', line: param('platform') },
  { v: '1.48', at: 'GET /images/{name}/get', line: param('platform') },
  { v: '1.48', at: 'MountType', line: 'Schema enum values added: `image`', usedBy: 'POST /containers/create' },
  { v: '1.48', at: 'Commit', line: deprecated('Expected'), usedBy: 'GET /info' },
  { v: '1.48', at: 'ImageSummary', line: added('Descriptor'), usedBy: 'GET /images/json' },
  { v: '1.48', at: 'ImageInspect', line: added('Descriptor') },
  { v: '1.48', at: 'ImageInspect', line: added('Manifests') },
  { v: '1.48', at: 'GET /images/{name}/json', line: param('manifests') },
  { v: '1.48', at: 'GET /containers/{id}/json', line: 'Response 200 property `ImageManifestDescriptor` added' },
  // Known spec error: EnableIPv4 is already in the v1.47 file although it shipped with 1.48.
  { v: '1.48', at: 'POST /networks/create', line: 'Request body property `EnableIPv4` added', from: '1.46' },
  { v: '1.48', at: 'Network', line: added('EnableIPv4'), from: '1.46', usedBy: 'GET /networks/{id}' },
  { v: '1.48', at: 'EndpointSettings', line: added('GwPriority'), usedBy: 'POST /networks/{id}/connect' },
  { v: '1.48', at: 'EndpointSettings', line: added('GwPriority'), usedBy: 'GET /containers/json' },
  { v: '1.48', at: 'POST /build/prune', line: param('reserved-space') },
  { v: '1.48', at: 'POST /build/prune', line: param('max-used-space') },
  { v: '1.48', at: 'POST /build/prune', line: param('min-free-space') },
  { v: '1.48', at: 'ContainerSummary', line: added('ImageManifestDescriptor'), usedBy: 'GET /containers/json' },
  // v1.49
  { v: '1.49', at: 'GET /images/{name}/json', line: param('platform') },
  { v: '1.49', at: 'SystemInfo', line: added('FirewallBackend') },
  { v: '1.49', at: 'RegistryServiceConfig', line: removed('AllowNondistributableArtifactsCIDRs') },
  { v: '1.49', at: 'RegistryServiceConfig', line: removed('AllowNondistributableArtifactsHostnames') },
  { v: '1.49', at: 'Commit', line: removed('Expected') },
  // v1.50
  { v: '1.50', at: 'SystemInfo', line: added('DiscoveredDevices') },
  { v: '1.50', at: 'DELETE /images/{name}', line: 'Query parameter `platforms` added: `array<string>`' },
  { v: '1.50', at: 'SystemInfo', line: removed('BridgeNfIptables') },
  { v: '1.50', at: 'SystemInfo', line: removed('BridgeNfIp6tables') },
  ...['Hostname', 'Domainname', 'AttachStdin', 'AttachStdout', 'AttachStderr', 'Tty', 'OpenStdin', 'StdinOnce', 'Image', 'NetworkDisabled', 'MacAddress', 'StopTimeout'].map(
    (f): Fact => ({ v: '1.50', at: 'ImageConfig', line: removed(f), usedBy: 'GET /images/{name}/json' }),
  ),
  // v1.51
  { v: '1.51', at: 'NetworkSettings', line: deprecated('Bridge') },
  { v: '1.51', at: 'Resources', line: deprecated('KernelMemoryTCP'), usedBy: 'POST /containers/{id}/update' },
  { v: '1.51', at: 'SystemInfo', line: deprecated('KernelMemoryTCP') },
  { v: '1.51', at: 'ImageInspect', line: deprecated('Parent') },
  { v: '1.51', at: 'ImageInspect', line: deprecated('DockerVersion') },
  { v: '1.51', at: 'Plugin', line: deprecated('Config.DockerVersion'), usedBy: 'GET /plugins' },
  // v1.52
  { v: '1.52', at: 'GET /images/{name}/get', line: 'Query parameter `platform` type changed: `string` → `array<string>` (collection format `multi`)' },
  { v: '1.52', at: 'POST /images/load', line: 'Query parameter `platform` type changed: `string` → `array<string>` (collection format `multi`)' },
  { v: '1.52', at: 'GET /networks/{id}', line: 'Response 200 property `Status` added' },
  { v: '1.52', at: 'ImageInspect', line: removed('Parent') },
  { v: '1.52', at: 'ImageInspect', line: removed('DockerVersion') },
  { v: '1.52', at: 'ImageInspect', line: 'Property `Comment` type changed: `string` → `string | null`' },
  { v: '1.52', at: 'ImageInspect', line: 'Property `Author` type changed: `string` → `string | null`' },
  ...[
    'Bridge',
    'HairpinMode',
    'LinkLocalIPv6Address',
    'LinkLocalIPv6PrefixLen',
    'SecondaryIPAddresses',
    'SecondaryIPv6Addresses',
    'EndpointID',
    'Gateway',
    'GlobalIPv6Address',
    'GlobalIPv6PrefixLen',
    'IPAddress',
    'IPPrefixLen',
    'IPv6Gateway',
    'MacAddress',
  ].map((f): Fact => ({ v: '1.52', at: 'NetworkSettings', line: removed(f), usedBy: 'GET /containers/{id}/json' })),
  { v: '1.52', at: 'Resources', line: removed('KernelMemoryTCP'), usedBy: 'POST /containers/{id}/update' },
  { v: '1.52', at: 'SystemInfo', line: removed('KernelMemoryTCP') },
  { v: '1.52', at: 'GET /events', line: 'Response media types added: `application/json-seq`, `application/x-ndjson`' },
  { v: '1.52', at: 'ContainerConfig', line: removed('MacAddress'), usedBy: 'POST /containers/create' },
  ...['GET /services', 'GET /services/{id}', 'POST /services/create', 'POST /services/{id}/update', 'GET /tasks', 'GET /tasks/{id}'].flatMap((op): Fact[] => [
    { v: '1.52', at: 'TaskSpec', line: added('Resources.SwapBytes'), usedBy: op },
    { v: '1.52', at: 'TaskSpec', line: added('Resources.MemorySwappiness'), usedBy: op },
  ]),
  { v: '1.52', at: 'ContainerStatsResponse', line: added('os_type'), usedBy: 'GET /containers/{id}/stats' },
  // The changelog says ImagesUsage/ContainersUsage/VolumesUsage; the spec names them singular.
  ...['ImageUsage', 'ContainerUsage', 'VolumeUsage', 'BuildCacheUsage'].map((f): Fact => ({ v: '1.52', at: 'GET /system/df', line: `Response 200 property \`${f}\` added` })),
  { v: '1.52', at: 'GET /system/df', line: param('verbose') },
  ...['LayersSize', 'Images', 'Containers', 'Volumes', 'BuildCache'].map((f): Fact => ({ v: '1.52', at: 'GET /system/df', line: `Response 200 property \`${f}\` removed` })),
  // v1.53
  { v: '1.53', at: 'SystemInfo', line: added('NRI') },
  { v: '1.53', at: 'GET /events', line: 'Response media types added: `application/jsonl`' },
  { v: '1.53', at: 'ImageInspect', line: added('Identity') },
  { v: '1.53', at: 'POST /session', line: 'Operation is now deprecated' },
  // v1.54
  { v: '1.54', at: 'GET /images/json', line: param('identity') },
  // v1.55
  { v: '1.55', at: '## Operations added', line: '`GET /images/{name}/attestations`' },
  { v: '1.55', at: '## Operations added', line: '  - query parameter `platform`: `array<string>` (collection format `multi`)' },
  { v: '1.55', at: '## Operations added', line: '  - query parameter `type`: `array<string>` (collection format `multi`)' },
  { v: '1.55', at: '## Operations added', line: '  - query parameter `statement`: `boolean`' },
  { v: '1.55', at: '## Operations added', line: '  - response 200: `array<AttestationStatement>`' },
  { v: '1.55', at: '## Models added', line: '`AttestationStatement`' },
];

/** Spec changes the changelog does not list, that the report must name for what they are. */
const SPEC_ONLY: Array<Fact & { what: string }> = [
  { what: 'inline → ContainerCreateResponse, same shape', v: '1.42', at: 'POST /containers/create', line: 'Response 201 inline schema is now the model `ContainerCreateResponse`, same shape' },
  { what: 'GraphDriverData → DriverData', v: '1.47', at: '## Models renamed', line: '`GraphDriverData` → `DriverData`, same shape' },
  { what: 'GraphDriverData → DriverData at its uses', v: '1.47', at: 'ImageInspect', line: 'Property `GraphDriver` model renamed, same shape: `GraphDriverData` → `DriverData`' },
  { what: 'IdResponse → IDResponse', v: '1.48', at: '## Models renamed', line: '`IdResponse` → `IDResponse`, same shape' },
  { what: 'IdResponse → IDResponse at its uses', v: '1.48', at: 'POST /commit', line: 'Response 201 model renamed, same shape: `IdResponse` → `IDResponse`' },
  { what: 'untyped stats object documented', v: '1.48', at: 'GET /containers/{id}/stats', line: 'Response 200 schema now documented: `ContainerStatsResponse` (was an untyped `object`)' },
  { what: 'VolumeCreateOptions → VolumeCreateRequest', v: '1.52', at: '## Models renamed', line: '`VolumeCreateOptions` → `VolumeCreateRequest`, same shape' },
  { what: 'VolumeCreateOptions → VolumeCreateRequest at its use', v: '1.52', at: 'POST /volumes/create', line: 'Request body model renamed, same shape: `VolumeCreateOptions` → `VolumeCreateRequest`' },
];

/** Changelog statements (v1.42–v1.56) the swagger cannot show, and why; listed so the count above is honest. */
const NOT_IN_SPEC: Array<[string, string]> = [
  ['1.42 BuilderSize removed from /system/df', 'already absent from the v1.41 spec'],
  ['1.42 /system/df concurrent, images/create platform arch, Windows device syntax, mount type checks, ConsoleSize respected', 'behaviour'],
  ['1.42 /containers/{id}/wait answers 400', 'the 400 response is already in v1.41'],
  ['1.42 Builder-Version header on /_ping', 'already in v1.41'],
  ['1.43 RepoTags without <none>, no-new-privileges in SecurityOptions', 'behaviour'],
  ['1.44 networks/create 400 on bad IPAM, duplicate names, several EndpointSettings, validation at create, Aliases', 'behaviour (response codes already documented)'],
  ['1.44 endpoint MacAddress', 'EndpointSettings.MacAddress already in v1.43; only its description changed'],
  ['1.46 sysctls in DriverOpts, image create event', 'description text only'],
  ['1.47 /info bridge-nf warnings', 'behaviour'],
  ['1.48 AllowNondistributableArtifacts* always null, VolumeDriver warning, Sysctls migration, debug endpoints under /v1.x', 'description text / behaviour; debug endpoints are not in the spec'],
  ['1.51 images/json Containers count', 'behaviour'],
  ['1.52 /events status/id/from, PortBindings backfill, image Config and OnBuild omitted when empty', 'not in the v1.51 spec / behaviour'],
  ['1.53 POST /grpc deprecated', 'the endpoint is not in the spec'],
  ['1.54 MacAddress applied on connect', 'behaviour'],
  ['1.55 container update blkio fields honoured', 'fields already in the request schema'],
];

const versions = readdirSync(SHARED_SPECS)
  .map((f) => /^docker-engine-v(\d+\.\d+)\.yaml$/.exec(f)?.[1])
  .filter((v): v is string => v !== undefined)
  .sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]));
const prev = (v: string): string => versions[versions.indexOf(v) - 1];

const parsed = new Map<string, SpecDoc>();
/** Resolved exactly as `npm run spec:diff -- 1.NN` would (openapi/ first, then ../shared/specs/), parsed once. */
function spec(version: string): SpecDoc {
  const path = resolveSpecArg(version, DEFAULT_DIRS);
  if (!parsed.has(path)) parsed.set(path, loadSpec(path, `v${version}`));
  return parsed.get(path)!;
}
const reports = new Map<string, { report: DiffReport; markdown: string }>();
function pair(from: string, to: string): { report: DiffReport; markdown: string } {
  const key = `${from}→${to}`;
  if (!reports.has(key)) {
    const report = diffSpecs(spec(from), spec(to));
    reports.set(key, { report, markdown: renderMarkdown(report) });
  }
  return reports.get(key)!;
}

/** The lines of one section of a report: `### \`X\`` up to the next heading, or a whole `## ` section. */
function section(markdown: string, at: string): string[] {
  const lines = markdown.split('\n');
  const top = at.startsWith('## ');
  const start = lines.indexOf(top ? at : `### \`${at}\``);
  if (start < 0) return [];
  const end = lines.findIndex((l, i) => i > start && (top ? l.startsWith('## ') : l.startsWith('#')));
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

function found(f: Fact): boolean {
  const lines = section(pair(f.from ?? prev(f.v), f.from ? versions[versions.indexOf(f.from) + 1] : f.v).markdown, f.at);
  return lines.some((l) => l.includes(f.line)) && (f.usedBy === undefined || lines.some((l) => l.startsWith('Used by') && l.includes(`\`${f.usedBy}\``)));
}

describe('every consecutive pair of shared specs', () => {
  test('the specs run from v1.40 to the newest without gaps', () => {
    expect(versions[0]).toBe('1.40');
    versions.forEach((v, i) => expect(Number(v.split('.')[1])).toBe(40 + i));
  });

  test('each pair diffs, renders, and its counts add up; JSON survives a round trip', () => {
    for (const v of versions.slice(1)) {
      const { report, markdown } = pair(prev(v), v);
      expect(markdown.startsWith(`# Engine API changes: v${prev(v)} → v${v}\n`)).toBe(true);
      expect(JSON.parse(JSON.stringify(report))).toEqual(report);
      const entries = [...report.operations.changed, ...report.models.changed, ...report.models.renamed].reduce((n, x) => n + x.changes.length, 0);
      const whole = report.operations.added.length + report.operations.removed.length + report.models.added.length + report.models.removed.length + report.models.renamed.length;
      expect({ v, count: report.changeCount }).toEqual({ v, count: entries + whole });
    }
  });
});

describe('moby api/docs/CHANGELOG.md v1.42–v1.56: every swagger-visible fact is in the report', () => {
  test.each(CHANGELOG.map((f) => [`${f.v} ${f.at}: ${f.line}${f.usedBy ? ` (used by ${f.usedBy})` : ''}`, f] as const))('%s', (_name, f) => {
    expect(found(f)).toBe(true);
  });

  test('all facts found, counted', () => {
    const missing = CHANGELOG.filter((f) => !found(f));
    expect(missing).toEqual([]);
    expect(CHANGELOG.length).toBeGreaterThanOrEqual(93);
    expect(NOT_IN_SPEC.length).toBeGreaterThan(0);
  });

  test.each(SPEC_ONLY.map((f) => [f.what, f] as const))('spec change not in the changelog: %s', (_name, f) => {
    expect(found(f)).toBe(true);
  });

  test('renamed models are not also reported as removed + added, and their uses are no type change', () => {
    const r48 = pair('1.47', '1.48').report;
    expect(r48.models.removed).not.toContain('IdResponse');
    expect(r48.models.added).not.toContain('IDResponse');
    const commit = r48.operations.changed.find((o) => o.path === '/commit')!.changes;
    expect(commit.map((c) => c.kind)).toEqual(['renamed']);
    expect(pair('1.41', '1.42').report.operations.changed.find((o) => o.path === '/containers/create')!.changes).toEqual([
      { scope: 'response', name: '201', path: '', kind: 'extracted', from: 'object', to: 'ContainerCreateResponse', sameShape: true },
    ]);
  });

  test('v1.55 → v1.56 (unreleased in this snapshot): no API changes', () => {
    expect(pair('1.55', '1.56').report.changeCount).toBe(0);
  });
});
