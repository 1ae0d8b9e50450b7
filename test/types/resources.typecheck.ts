/**
 * Type-level tests of docker.volumes, docker.networks, docker.system.events / df and their filters: compiled by
 * `npm run typecheck`, never run. Each @ts-expect-error must stay an error, so filter keys and value types cannot
 * decay to `any`; the key checks at the end fail when a spec bump adds or drops a filter key.
 */
import type { FILTER_KEYS } from '../../generated/filter-keys';
import type { operations } from '../../generated/docker-engine';
import { encodeFilters, isLegacyDiskUsage, type DiskUsage, type DockerClient, type EventMessage } from '../../src/index';
import type { NetworkListFilters, NetworkPruneFilters, SystemEventsFilters, VolumeListFilters, VolumePruneFilters } from '../../src/filters';

export async function resourcesTyped(docker: DockerClient): Promise<void> {
  // Correct usage compiles, with the generated result types.
  const vols = await docker.volumes.list({ filters: { dangling: true, driver: 'local', label: { a: 'b', c: true }, name: ['x', 'y'] } });
  const volName: string | undefined = vols.Volumes?.[0].Name;
  const vol = await docker.volumes.create({ Name: 'v', Labels: { a: 'b' }, DriverOpts: { type: 'tmpfs' } });
  const mount: string = vol.Mountpoint;
  await docker.volumes.remove('v', { force: true });
  const vp = await docker.volumes.prune({ filters: { all: true, label: 'a', 'label!': ['b'] } });
  const reclaimed: number | undefined = vp.SpaceReclaimed;

  const nets = await docker.networks.list({ filters: { type: 'custom', scope: ['local', 'swarm'], dangling: false, id: 'abc', driver: 'bridge' } });
  const internal: boolean | undefined = nets[0].Internal;
  const created = await docker.networks.create({ Name: 'n', Internal: true, Labels: { a: 'b' }, IPAM: { Config: [{ Subnet: '10.9.0.0/24' }] } });
  const netId: string = created.Id;
  const inspected = await docker.networks.inspect('n', { verbose: true, scope: 'local' });
  const containers = inspected.Containers;
  await docker.networks.connect('n', 'c', { EndpointConfig: { Aliases: ['x'] } });
  await docker.networks.disconnect('n', 'c', { Force: true });
  const np = await docker.networks.prune({ filters: { until: '24h', label: { a: true } } });
  const deleted: string[] | null | undefined = np.NetworksDeleted; // null when nothing was deleted (overlay network-prune-deleted-null)

  for await (const e of docker.system.events({ since: new Date(), until: 1700000000.5, filters: { type: ['container', 'network'], container: 'c', event: 'die' } })) {
    const nano: `${bigint}` | undefined = e.timeNano;
    const action: string | undefined = e.Action;
    void [nano, action];
  }
  const df = await docker.system.df({ type: ['volume', 'build-cache'], verbose: false });
  if (isLegacyDiskUsage(df)) {
    const size: number | undefined = df.LayersSize;
    void size;
  } else {
    const images: number | undefined = df.ImageUsage?.TotalCount;
    const repoTags: string[] | null | undefined = df.ImageUsage?.Items?.[0].RepoTags; // null: overlay image-summary-nil-collections
    void [images, repoTags];
  }
  void [volName, mount, reclaimed, internal, netId, containers, deleted];

  // @ts-expect-error — unknown filter key for volumes.list
  await docker.volumes.list({ filters: { until: '1h' } });
  // @ts-expect-error — `all` is a boolean
  await docker.volumes.prune({ filters: { all: 'true' } });
  // @ts-expect-error — `label!` is a prune filter, not a list filter
  await docker.networks.list({ filters: { 'label!': 'x' } });
  // @ts-expect-error — not a network type
  await docker.networks.list({ filters: { type: 'user' } });
  // @ts-expect-error — networks.prune has no `dangling`
  await docker.networks.prune({ filters: { dangling: true } });
  // @ts-expect-error — Name is required
  await docker.networks.create({ Internal: true });
  // @ts-expect-error — misspelt endpoint field
  await docker.networks.connect('n', 'c', { EndpointConfig: { Alias: ['x'] } });
  // @ts-expect-error — not an event type
  docker.system.events({ filters: { type: 'task' } });
  // @ts-expect-error — unknown events filter key
  docker.system.events({ filters: { kind: 'container' } });
  // @ts-expect-error — since is a time, not a boolean
  docker.system.events({ since: true });
  // @ts-expect-error — not a df object type
  await docker.system.df({ type: ['network'] });
  // @ts-expect-error — timeNano is a decimal string, not a number
  const n: number = ({} as EventMessage).timeNano;
  void n;

  // The public encodeFilters knows the new endpoints.
  encodeFilters('volumes.prune', { all: true, label: 'a' });
  encodeFilters('system.events', { scope: 'local', type: 'volume' });
  // @ts-expect-error — wrong endpoint for the key
  encodeFilters('volumes.list', { all: true });
}

// The filter types have exactly the keys the pinned spec documents (generated/filter-keys.ts), both ways.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Keys<Op extends keyof typeof FILTER_KEYS> = keyof (typeof FILTER_KEYS)[Op];
export const filterKeysMatchSpec: [
  Same<keyof VolumeListFilters, Keys<'VolumeList'>>,
  Same<keyof VolumePruneFilters, Keys<'VolumePrune'>>,
  Same<keyof NetworkListFilters, Keys<'NetworkList'>>,
  Same<keyof NetworkPruneFilters, Keys<'NetworkPrune'>>,
  Same<keyof SystemEventsFilters, Keys<'SystemEvents'>>,
  // DiskUsage refines the spec's df answer (typed Items); it has the same keys.
  Same<keyof DiskUsage, keyof operations['SystemDataUsage']['responses'][200]['content']['application/json']>,
] = [true, true, true, true, true, true];
