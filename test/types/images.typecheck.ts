/**
 * Type-level tests of docker.images / docker.builder query methods: compiled by `npm run typecheck`, never run.
 * Each @ts-expect-error must stay an error, so option and filter typing cannot decay to `any`.
 */
import type { DockerClient } from '../../src/index';

export async function imagesTyped(docker: DockerClient): Promise<void> {
  // Correct usage compiles, with the generated result types.
  const list = await docker.images.list({ all: true, digests: true, filters: { label: { a: 'b', c: true }, dangling: true, reference: ['x:*'] } });
  const id: string = list[0].Id;
  const img = await docker.images.inspect(id, { platform: { os: 'linux', architecture: 'amd64' } });
  // null when the image has no command (dockerd and podman send it; overlay fix image-config-nil-collections).
  const cmd: string[] | null | undefined = img.Config?.Cmd;
  const hist = await docker.images.history(id);
  const createdBy: string = hist[0].CreatedBy;
  await docker.images.tag(id, { repo: 'a/b', tag: 'c' });
  const removed = await docker.images.remove(id, { force: true, noprune: true, platforms: [{ os: 'linux' }] });
  const untagged: string | undefined = removed[0].Untagged;
  const pruned = await docker.images.prune({ filters: { dangling: false, until: '24h', label: ['k'], 'label!': { k: 'v' } } });
  const reclaimed: number | undefined = pruned.SpaceReclaimed;
  const found = await docker.images.search('x', { limit: 5, filters: { stars: 3, 'is-official': true }, auth: { username: 'u', password: 'p' } });
  const stars: number | undefined = found[0].star_count;
  const committed = await docker.images.commit('c', { repo: 'r', tag: 't', changes: ['CMD ["sh"]'], config: { Env: ['A=b'] }, pause: false });
  const newId: string = committed.Id;
  const cache = await docker.builder.prune({ all: true, 'reserved-space': 1, filters: { until: '1h', type: 'regular', inuse: true } });
  const cacheReclaimed: number | undefined = cache.SpaceReclaimed;
  void [cmd, createdBy, untagged, reclaimed, stars, newId, cacheReclaimed];

  // @ts-expect-error — unknown filter key for images.list
  await docker.images.list({ filters: { labels: 'x' } });
  // @ts-expect-error — `dangling` is a boolean, not a string
  await docker.images.list({ filters: { dangling: 'true' } });
  // @ts-expect-error — `reference` is not an images.prune filter
  await docker.images.prune({ filters: { reference: 'x' } });
  // @ts-expect-error — unknown search filter
  await docker.images.search('x', { filters: { official: true } });
  // @ts-expect-error — `stars` is a number
  await docker.images.search('x', { filters: { stars: '3' } });
  // @ts-expect-error — `label` is not a builder.prune filter
  await docker.builder.prune({ filters: { label: 'x' } });
  // @ts-expect-error — builder prune filters take one value per key
  await docker.builder.prune({ filters: { id: ['a', 'b'] } });

  // @ts-expect-error — filters are structured, not a pre-encoded JSON string
  await docker.images.list({ filters: '{"dangling":["true"]}' });
  // @ts-expect-error — platform is an OCI platform object, not a string
  await docker.images.inspect(id, { platform: 'linux/amd64' });
  // @ts-expect-error — platforms is a list of OCI platform objects
  await docker.images.remove(id, { platforms: ['{"os":"linux"}'] });
  // @ts-expect-error — misspelt option (`noPrune`)
  await docker.images.remove(id, { noPrune: true });
  // @ts-expect-error — tag needs `repo`
  await docker.images.tag(id, { tag: 'x' });
  // @ts-expect-error — `limit` is a number
  await docker.images.search('x', { limit: '5' });
  // @ts-expect-error — auth fields are the spec's AuthConfig names
  await docker.images.search('x', { auth: { user: 'u' } });
  // @ts-expect-error — commit's config is the spec's ContainerConfig (Env is a string array)
  await docker.images.commit('c', { config: { Env: 'A=b' } });
  // @ts-expect-error — ImageInspect has no field `Tags`
  void img.Tags;
}
