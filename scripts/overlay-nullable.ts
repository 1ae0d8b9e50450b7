/**
 * `x-nullable` fixes found by the conformance check (scripts/conformance.ts): fields the published spec types as
 * a list, a map or a number that real engines send as `null`. Go's encoding/json writes a nil slice or nil map as
 * `null` unless the field is `omitempty`, and the swagger says so for only a few fields, so the generated types
 * promised `string[]` where a TypeScript user then crashes on `null.length`.
 *
 * Each fix names the fields and the engines whose answers showed `null` there (test suites recorded and
 * validated; see docs/conformance.md). A field is `Schema.path` (a definition, then properties; `allOf` members
 * are searched), `#OperationId.path` for an operation's inline 200 answer, or `#OperationId` for the answer itself. A fix applies only where the field
 * is not nullable yet, so a later spec that fixes the defect upstream passes through untouched.
 */

/** The engines the test rig runs (Debian's docker.io and podman packages). */
export const DOCKERD = 'dockerd 20.10.24+dfsg1 (API 1.41)';
export const PODMAN = 'podman 4.3.1 (API 1.41)';

export interface NullableFix {
  name: string;
  why: string;
  /** Field → the engines that sent `null` there. */
  fields: Readonly<Record<string, readonly string[]>>;
}

const BOTH = [DOCKERD, PODMAN] as const;
const D = [DOCKERD] as const;
const P = [PODMAN] as const;

export const NULLABLE_FIXES: readonly NullableFix[] = [
  {
    name: 'image-summary-nil-collections',
    why: 'GET /images/json: images without labels, digests (built or loaded locally) or tags (dangling) carry null lists/maps.',
    fields: { 'ImageSummary.Labels': BOTH, 'ImageSummary.RepoDigests': D, 'ImageSummary.RepoTags': P },
  },
  {
    name: 'image-config-nil-collections',
    why: 'Image inspect Config: an image without Cmd, Env, Entrypoint, Labels or Volumes (e.g. an import, `FROM scratch`) has them null.',
    fields: { 'ImageConfig.Cmd': BOTH, 'ImageConfig.Env': BOTH, 'ImageConfig.Entrypoint': BOTH, 'ImageConfig.Labels': BOTH, 'ImageConfig.Volumes': BOTH },
  },
  {
    name: 'image-history-tags-null',
    why: 'GET /images/{name}/history: layers that are not the top of a tagged image have `Tags: null` (the field is required).',
    fields: { 'ImageHistoryResponseItem.Tags': BOTH },
  },
  {
    name: 'container-config-nil-collections',
    why: 'Container inspect Config: Env, Entrypoint, Volumes the container was created without are null.',
    fields: { 'ContainerConfig.Env': D, 'ContainerConfig.Entrypoint': D, 'ContainerConfig.Volumes': BOTH },
  },
  {
    name: 'host-config-nil-collections',
    why: 'Container inspect HostConfig: every list or map option the container was created without is null (Go nil), and MemorySwappiness is null when unset.',
    fields: {
      'HostConfig.Binds': D,
      'HostConfig.CapAdd': D,
      'HostConfig.CapDrop': D,
      'HostConfig.Dns': D,
      'HostConfig.DnsOptions': D,
      'HostConfig.DnsSearch': D,
      'HostConfig.ExtraHosts': D,
      'HostConfig.GroupAdd': D,
      'HostConfig.Links': BOTH,
      'HostConfig.LogConfig.Config': P,
      'HostConfig.MaskedPaths': P,
      'HostConfig.PortBindings': D,
      'HostConfig.ReadonlyPaths': P,
      'HostConfig.SecurityOpt': D,
      'HostConfig.VolumesFrom': BOTH,
      'Resources.BlkioWeightDevice': BOTH,
      'Resources.BlkioDeviceReadBps': BOTH,
      'Resources.BlkioDeviceWriteBps': BOTH,
      'Resources.BlkioDeviceReadIOps': BOTH,
      'Resources.BlkioDeviceWriteIOps': BOTH,
      'Resources.DeviceCgroupRules': BOTH,
      'Resources.DeviceRequests': BOTH,
      'Resources.Devices': D,
      'Resources.MemorySwappiness': D,
      'Resources.Ulimits': D,
    },
  },
  {
    name: 'network-settings-nil-collections',
    why: 'Container list/inspect: an endpoint without aliases or links has them null; podman sends `Networks: null` for a container on network `none`.',
    fields: { 'EndpointSettings.Aliases': D, 'EndpointSettings.Links': D, 'ContainerSummary.NetworkSettings.Networks': P },
  },
  {
    name: 'health-log-null',
    why: 'Container inspect State.Health: podman sends a Health object for a container without a healthcheck, with `Log: null`.',
    fields: { 'Health.Log': P },
  },
  {
    name: 'container-wait-error-null',
    why: 'POST /containers/{id}/wait: `Error` is null when the container exited without a wait error (nearly always).',
    fields: { 'ContainerWaitResponse.Error': BOTH },
  },
  {
    name: 'system-info-nil-collections',
    why: 'GET /info: GenericResources and Plugins.Authorization are null without resources or authorization plugins; podman sends `Labels: null`.',
    fields: { 'SystemInfo.GenericResources': BOTH, 'PluginsInfo.Authorization': BOTH, 'SystemInfo.Labels': P },
  },
  {
    name: 'network-ipam-options-null',
    why: 'Network list/inspect: IPAM.Options is null when the network was created without IPAM driver options.',
    fields: { 'IPAM.Options': D },
  },
  {
    name: 'volume-nil-collections',
    why: 'Volumes: `Options` / `Labels` are null for a volume created without driver options / labels; the list answer has `Warnings: null` when there are none.',
    fields: { 'Volume.Options': BOTH, 'Volume.Labels': D, 'VolumeListResponse.Warnings': D },
  },
  {
    name: 'exec-inspect-nulls',
    why: 'GET /exec/{id}/json: `ExitCode` is null until the process has exited; podman sends `ProcessConfig.arguments: null` for a command without arguments.',
    fields: { '#ExecInspect.ExitCode': D, 'ProcessConfig.arguments': P },
  },
  {
    name: 'network-prune-deleted-null',
    why: 'POST /networks/prune: `NetworksDeleted` is null when nothing was deleted.',
    fields: { '#NetworkPrune.NetworksDeleted': D },
  },
  {
    name: 'container-changes-null',
    why: 'GET /containers/{id}/changes: a container whose file system has no changes answers `null`, not `[]`.',
    fields: { '#ContainerChanges': D },
  },
  {
    name: 'build-prune-caches-deleted-null',
    why: 'POST /build/prune: `CachesDeleted` is null when nothing was deleted.',
    fields: { '#BuildPrune.CachesDeleted': D },
  },
];

type Node = Record<string, any>;

function operation(spec: Node, operationId: string): Node | undefined {
  for (const item of Object.values<Node>(spec.paths ?? {})) {
    for (const op of Object.values<Node>(item)) if (op?.operationId === operationId) return op;
  }
  return undefined;
}

/** The property `name` of `schema` (its own, or an inline allOf member's), with the object holding it. */
function property(schema: Node | undefined, name: string): { holder: Node; key: string } | undefined {
  if (!schema) return undefined;
  if (schema.properties?.[name]) return { holder: schema.properties, key: name };
  for (const part of schema.allOf ?? []) {
    const found = part.$ref ? undefined : property(part, name);
    if (found) return found;
  }
  return undefined;
}

function locate(spec: Node, field: string): { holder: Node; key: string } | undefined {
  const [root, ...path] = field.split('.');
  if (root.startsWith('#') && path.length === 0) {
    // The whole answer (`#ContainerChanges`).
    const response = operation(spec, root.slice(1))?.responses?.['200'];
    return response?.schema ? { holder: response, key: 'schema' } : undefined;
  }
  let schema: Node | undefined = root.startsWith('#') ? operation(spec, root.slice(1))?.responses?.['200']?.schema : spec.definitions?.[root];
  let found: { holder: Node; key: string } | undefined;
  for (const name of path) {
    found = property(schema, name);
    schema = found?.holder[found.key];
  }
  return found;
}

/** Whether the spec has `field` (test/unit/overlay.test.ts checks every fix's fields against the pinned spec). */
export function hasField(spec: object, field: string): boolean {
  return locate(spec as Node, field) !== undefined;
}

/**
 * Mark `field` nullable; a `$ref` (whose siblings OpenAPI 3.0 ignores) is wrapped in allOf first. A field the
 * spec does not have (an older spec in the history) is left alone.
 */
function makeNullable(spec: Node, field: string): boolean {
  const at = locate(spec, field);
  if (!at) return false;
  const schema = at.holder[at.key] as Node;
  if (schema['x-nullable'] === true) return false;
  if (schema.$ref) {
    const { $ref, ...rest } = schema;
    at.holder[at.key] = { ...rest, allOf: [{ $ref }], 'x-nullable': true };
  } else {
    schema['x-nullable'] = true;
  }
  return true;
}

/** Apply every fix whose fields are not nullable yet; the names of those that changed something. */
export function applyNullableFixes(spec: object): string[] {
  return NULLABLE_FIXES.filter((fix) => Object.keys(fix.fields).map((f) => makeNullable(spec as Node, f)).includes(true)).map((f) => f.name);
}
