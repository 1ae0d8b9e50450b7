/**
 * The only hand-kept version facts: what the spec files cannot show. Everything else in
 * generated/api-since.ts is computed from the spec history (scripts/facts/since.ts).
 *
 * - CORRECTIONS: a spec file that documents something in the wrong version. Each names what the files say
 *   (`specSays`) and the truth (`actual`); generation fails when no computed fact says `specSays` any more,
 *   so a correction that upstream has fixed (or that no longer matches) is noticed and removed, never kept
 *   silently.
 * - RENAMES: one setting under two names, which the spec shows only as one parameter appearing and another
 *   one being deprecated. A gate uses them to send the old name to an older engine instead of refusing.
 *
 * Which specs count: every docker-engine-v1.NN.yaml of the shared spec store up to and including the pinned
 * version. A newer, unreleased spec (v1.56 while v1.55 is pinned; ../shared/specs/SOURCES.md says which) is
 * ignored: it may still change, and the client never asks an engine for a version newer than its pin. Once
 * it is pinned (`npm run spec:bump -- 1.56`) it takes part. The oldest spec read (1.40, MIN_API_VERSION) is
 * the floor: "since 1.40" means "1.40 or earlier" and is not listed.
 */

export interface SinceCorrection {
  /** Operations the fact is about; omitted: every operation that has the parameter or field. */
  operationIds?: string[];
  kind: 'param' | 'field';
  /** Parameter name, or body field path (`EnableIPv4`, `HostConfig.Annotations`). */
  name: string;
  specSays: string;
  actual: string;
  why: string;
}

export interface SinceRename {
  operationId: string;
  /** The parameter's name from `since` on. */
  name: string;
  /** Its name before `since`: send this to an older engine. */
  before: string;
  since: string;
  why: string;
}

/** Operations whose request or response carries the Network model. */
const NETWORK_OPS = ['NetworkCreate', 'NetworkInspect', 'NetworkList', 'TaskInspect', 'TaskList'];

export const CORRECTIONS: SinceCorrection[] = [
  {
    kind: 'field',
    name: 'EnableIPv4',
    specSays: '1.47',
    actual: '1.48',
    why:
      'v1.47.yaml documents `EnableIPv4` on networks (create request and Network), but the daemon reads it ' +
      "from API 1.48 on (Docker 28.0; moby's CHANGELOG lists it under v1.48). A 1.47 engine ignores it.",
  },
  {
    operationIds: NETWORK_OPS,
    kind: 'field',
    name: 'Scope',
    specSays: '1.41',
    actual: '1.40',
    why:
      'Networks have had `Scope`, `ConfigOnly`, `ConfigFrom` (create and inspect) and `Peers` (inspect) since API ' +
      '1.30; v1.40.yaml does not document them, v1.41.yaml does.',
  },
  { operationIds: NETWORK_OPS, kind: 'field', name: 'ConfigOnly', specSays: '1.41', actual: '1.40', why: 'As `Scope`.' },
  { operationIds: NETWORK_OPS, kind: 'field', name: 'ConfigFrom', specSays: '1.41', actual: '1.40', why: 'As `Scope`.' },
  { operationIds: NETWORK_OPS, kind: 'field', name: 'Peers', specSays: '1.41', actual: '1.40', why: 'As `Scope`.' },
  {
    operationIds: ['ContainerCreate'],
    kind: 'field',
    name: 'HostConfig.ConsoleSize',
    specSays: '1.40',
    actual: '1.42',
    why:
      'The field is in every spec, but container create honours it only from 1.42 on ("now respects ' +
      '`HostConfig.ConsoleSize`", moby CHANGELOG v1.42); an older engine ignores it.',
  },
  {
    operationIds: ['ContainerCreate'],
    kind: 'field',
    name: 'NetworkingConfig.EndpointsConfig.*.MacAddress',
    specSays: '1.40',
    actual: '1.44',
    why: 'Endpoint settings always documented `MacAddress`, but container create reads it per endpoint only from 1.44 on (moby CHANGELOG v1.44).',
  },
  {
    operationIds: ['NetworkConnect'],
    kind: 'field',
    name: 'EndpointConfig.MacAddress',
    specSays: '1.40',
    actual: '1.54',
    why: 'Network connect ignored `EndpointConfig.MacAddress` until 1.54 ("now correctly applies", moby CHANGELOG v1.54).',
  },
  ...['BlkioWeightDevice', 'BlkioDeviceReadBps', 'BlkioDeviceWriteBps', 'BlkioDeviceReadIOps', 'BlkioDeviceWriteIOps'].map(
    (name): SinceCorrection => ({
      operationIds: ['ContainerUpdate'],
      kind: 'field',
      name,
      specSays: '1.40',
      actual: '1.55',
      why: 'Container update has these per-device blkio fields in every spec but ignored them before 1.55 (moby CHANGELOG v1.55).',
    }),
  ),
];

export const RENAMES: SinceRename[] = [
  {
    operationId: 'BuildPrune',
    name: 'reserved-space',
    before: 'keep-storage',
    since: '1.48',
    why:
      '1.48 renamed `keep-storage` to `reserved-space` (same meaning: the amount of disk space to keep for ' +
      'cache); the spec shows a new parameter and a deprecated one, not that they are the same setting.',
  },
];
