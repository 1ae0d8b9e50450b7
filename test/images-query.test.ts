/**
 * The query-style image operations (list, inspect, history, tag, remove, prune, search, commit) and
 * builder.prune, against the real engine. Test images are built from the base image with a tiny in-memory
 * build context (raw POST /build, so these tests do not depend on images.build), each labelled with this run's
 * id and removed in afterAll.
 *
 * Two fakes, both loopback HTTP servers:
 * - the search index: the engine contacts the index named in the search term, and no real index is reachable
 *   here, so a minimal v1 search endpoint is served on loopback (the engine is the real one);
 * - a recording "engine" claiming API 1.55 / 1.41, only to check the wire format of parameters the real engine
 *   (API 1.41) cannot be sent: repeated JSON `platforms`, JSON `platform`, `reserved-space` vs `keep-storage`.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extract, pack } from 'tar-stream';
import { DockerAbortError, DockerApiError, DockerClient, DockerFilterError, DockerInputError } from '../src/index';
import { compareVersions } from '../src/versions';
import { baseImage, engineHost } from './helpers/env';

const RUN = `dec-iq-${Date.now().toString(36)}-${process.pid}`;
/** Label every image of this run carries. */
const RUN_LABEL = 'dec.test.run';

let docker: DockerClient;
let apiVersion: string;
const createdImages: string[] = [];
const createdContainers: string[] = [];

// ---- helpers (raw API calls, independent of the wrappers under test) ----------------------------------------

async function tarOf(files: Record<string, string>): Promise<Buffer> {
  const p = pack();
  for (const [name, content] of Object.entries(files)) p.entry({ name }, content);
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of p) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Classic-builder build of `dockerfile`; returns the image id. */
async function buildRaw(dockerfile: string, tag?: string): Promise<string> {
  const query = new URLSearchParams({ rm: 'true', forcerm: 'true', networkmode: 'none' });
  if (tag) query.set('t', tag);
  const res = await docker.transport.request({
    method: 'POST',
    path: `/build?${query}`,
    headers: { 'content-type': 'application/x-tar' },
    body: await tarOf({ Dockerfile: dockerfile }),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`build answered ${res.status}: ${text}`);
  let id: string | undefined;
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const msg = JSON.parse(line) as { error?: string; aux?: { ID?: string } };
    if (msg.error) throw new Error(`build failed: ${msg.error}`);
    if (msg.aux?.ID) id = msg.aux.ID;
  }
  if (!id) throw new Error(`build reported no image id:\n${text}`);
  createdImages.push(id);
  return id;
}

/** `FROM <from>` plus labels (a LABEL-only step adds no layer: cheap and fast). */
function labelled(labels: Record<string, string>, from = baseImage()): string {
  const pairs = Object.entries({ [RUN_LABEL]: RUN, ...labels }).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return `FROM ${from}\nLABEL ${pairs.join(' ')}\n`;
}

async function exists(image: string): Promise<boolean> {
  const { response } = await docker.api.GET('/images/{name}/json', { params: { path: { name: image } } });
  return response.status === 200;
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to reject, but it resolved');
}

async function createContainer(image: string, cmd: string[]): Promise<string> {
  const { data, error } = await docker.api.POST('/containers/create', {
    params: { query: { name: `${RUN}-${createdContainers.length}` } },
    body: { Image: image, Cmd: cmd, Labels: { [RUN_LABEL]: RUN }, HostConfig: { NetworkMode: 'none' } },
  });
  if (!data) throw new Error(`container create failed: ${JSON.stringify(error)}`);
  createdContainers.push(data.Id);
  return data.Id;
}

/** Contents of a file in a container's filesystem, via GET /containers/{id}/archive (a tar). */
async function readFileFromContainer(id: string, path: string): Promise<string> {
  const res = await docker.transport.request({ method: 'GET', path: `/containers/${id}/archive?path=${encodeURIComponent(path)}` });
  const tar = Buffer.from(await res.arrayBuffer());
  if (res.status !== 200) throw new Error(`archive answered ${res.status}: ${tar.toString()}`);
  const ex = extract();
  const files = new Map<string, string>();
  const done = (async () => {
    for await (const entry of ex) {
      const chunks: Buffer[] = [];
      for await (const c of entry) chunks.push(c as Buffer);
      files.set(entry.header.name, Buffer.concat(chunks).toString());
    }
  })();
  ex.end(tar);
  await done;
  const name = path.split('/').pop()!;
  if (!files.has(name)) throw new Error(`${path} not in archive (has ${[...files.keys()].join(', ')})`);
  return files.get(name)!;
}

const ids = (list: { Id: string }[]) => list.map((i) => i.Id).sort();

beforeAll(async () => {
  docker = new DockerClient({ host: engineHost() });
  apiVersion = await docker.negotiate();
});

afterAll(async () => {
  for (const id of createdContainers) {
    await docker.api.DELETE('/containers/{id}', { params: { path: { id }, query: { force: true } } });
  }
  // Newest first, so children go before their parents.
  for (const id of [...createdImages].reverse()) {
    await docker.api.DELETE('/images/{name}', { params: { path: { name: id }, query: { force: true } } });
  }
  const left = await docker.images.list({ all: true, filters: { label: { [RUN_LABEL]: RUN } } });
  await docker.close();
  // Cleanup itself is checked: a leak here would pile up in the shared engine.
  expect(left.map((i) => i.RepoTags)).toEqual([]);
});

// ---- tests --------------------------------------------------------------------------------------------------

describe('tag, inspect, history', () => {
  let id: string;
  let base: Awaited<ReturnType<DockerClient['images']['inspect']>>;
  const repo = `${RUN}/tagged`;

  beforeAll(async () => {
    id = await buildRaw(labelled({ 'dec.test.role': 'inspect' }), `${repo}:one`);
    base = await docker.images.inspect(baseImage());
  });

  test('tag adds a reference; inspect by it shows the typed fields', async () => {
    await docker.images.tag(id, { repo, tag: 'two' });
    const img = await docker.images.inspect(`${repo}:two`);
    expect(img.Id).toBe(id);
    expect(img.RepoTags?.slice().sort()).toEqual([`${repo}:one`, `${repo}:two`]);
    expect(img.Config?.Labels).toEqual(expect.objectContaining({ [RUN_LABEL]: RUN, 'dec.test.role': 'inspect' }));
    expect(img.Os).toBe('linux');
    expect(img.Architecture).toBe(base.Architecture);
    // A LABEL step adds no layer: same layers and size as the base image.
    expect(img.RootFS?.Type).toBe('layers');
    expect(img.RootFS?.Layers).toEqual(base.RootFS?.Layers);
    expect(img.Size).toBe(base.Size);
    expect(typeof img.Created).toBe('string');
    expect(Date.parse(img.Created!)).not.toBeNaN();
  });

  test('tag without a tag means latest', async () => {
    await docker.images.tag(id, { repo });
    expect((await docker.images.inspect(`${repo}:latest`)).Id).toBe(id);
  });

  test('tag validates the reference before sending anything', async () => {
    for (const bad of [{ repo: `${RUN}/Upper` }, { repo: `${repo}:tag-in-repo` }, { repo, tag: '-bad' }, { repo, tag: 'a'.repeat(129) }]) {
      const err = await rejection(docker.images.tag(id, bad));
      expect(err).toBeInstanceOf(DockerInputError);
    }
    const img = await docker.images.inspect(id);
    expect(img.RepoTags?.some((t) => /upper|tag-in-repo|-bad/i.test(t))).toBe(false);
  });

  test('tag of an unknown image → DockerApiError 404 with the daemon message', async () => {
    const err = await rejection(docker.images.tag(`${RUN}/missing:x`, { repo: `${RUN}/other` }));
    expect(err).toBeInstanceOf(DockerApiError);
    expect((err as DockerApiError).status).toBe(404);
    expect((err as DockerApiError).daemonMessage).toMatch(/no such image/i);
  });

  test('inspect of an unknown image → 404 naming it', async () => {
    const name = `${RUN}/missing:nope`;
    const err = (await rejection(docker.images.inspect(name))) as DockerApiError;
    expect(err).toBeInstanceOf(DockerApiError);
    expect(err.status).toBe(404);
    expect(err.isNotFound).toBe(true);
    expect(err.daemonMessage).toContain(name);
  });

  test('history: newest entry is the image itself, then the base image layers', async () => {
    const hist = await docker.images.history(`${repo}:one`);
    const baseHist = await docker.images.history(baseImage());
    expect(hist).toHaveLength(baseHist.length + 1);
    expect(hist[0].Id).toBe(id);
    expect(hist[0].CreatedBy).toMatch(/LABEL/);
    expect(hist[0].Tags).toEqual(expect.arrayContaining([`${repo}:one`]));
    expect(hist[0].Size).toBe(0);
    expect(hist.slice(1).map((h) => h.Id)).toEqual(baseHist.map((h) => h.Id));
  });

  test('name validation: an empty name is refused before sending', async () => {
    expect(await rejection(docker.images.inspect(''))).toBeInstanceOf(DockerInputError);
    expect(await rejection(docker.images.history(' '))).toBeInstanceOf(DockerInputError);
  });
});

describe('list with filters', () => {
  let a: string;
  let b: string;
  let dangling: string;
  const LIST = `${RUN}-list`;

  beforeAll(async () => {
    a = await buildRaw(labelled({ 'dec.test.list': LIST, 'dec.test.role': 'a' }), `${RUN}/list-a:1`);
    b = await buildRaw(labelled({ 'dec.test.list': LIST, 'dec.test.role': 'b' }), `${RUN}/list-b:1`);
    dangling = await buildRaw(labelled({ 'dec.test.list': LIST, 'dec.test.role': 'dangling' }));
  });

  test('label filter: object form, and several labels are AND-ed', async () => {
    expect(ids(await docker.images.list({ filters: { label: { 'dec.test.list': LIST } } }))).toEqual([a, b, dangling].sort());
    expect(ids(await docker.images.list({ filters: { label: [`dec.test.list=${LIST}`, 'dec.test.role=b'] } }))).toEqual([b]);
    expect(ids(await docker.images.list({ filters: { label: { 'dec.test.list': LIST, 'dec.test.role': true } } }))).toEqual([a, b, dangling].sort());
    expect(await docker.images.list({ filters: { label: { 'dec.test.list': `${LIST}-nothing` } } })).toEqual([]);
  });

  test('dangling filter: true → only untagged, false → only tagged', async () => {
    const label = { 'dec.test.list': LIST };
    const onlyDangling = await docker.images.list({ filters: { label, dangling: true } });
    expect(ids(onlyDangling)).toEqual([dangling]);
    // Engines before 1.44-ish report an untagged image as ["<none>:<none>"], newer ones as [] — no real tag either way.
    expect((onlyDangling[0].RepoTags ?? []).filter((t) => t !== '<none>:<none>')).toEqual([]);
    expect(ids(await docker.images.list({ filters: { label, dangling: false } }))).toEqual([a, b].sort());
  });

  test('reference filter: exact name and glob', async () => {
    const exact = await docker.images.list({ filters: { reference: `${RUN}/list-a:1` } });
    expect(ids(exact)).toEqual([a]);
    expect(exact[0].RepoTags).toEqual([`${RUN}/list-a:1`]);
    expect(exact[0].Labels).toEqual(expect.objectContaining({ 'dec.test.role': 'a' }));
    expect(typeof exact[0].Size).toBe('number');
    expect(ids(await docker.images.list({ filters: { reference: `${RUN}/list-*` } }))).toEqual([a, b].sort());
    expect(ids(await docker.images.list({ filters: { reference: [`${RUN}/list-a`, `${RUN}/list-b:1`] } }))).toEqual([a, b].sort());
  });

  test('an unknown filter key is a TypeError at runtime (JavaScript callers), before any request', async () => {
    const err = await rejection(docker.images.list({ filters: { labels: 'x' } as any }));
    expect(err).toBeInstanceOf(TypeError);
    expect(err).toBeInstanceOf(DockerFilterError);
    expect((err as DockerFilterError).key).toBe('labels');
    expect((err as Error).message).toContain('images.list');
    expect(await rejection(docker.images.prune({ filters: { reference: 'x' } as any }))).toBeInstanceOf(TypeError);
    expect(await rejection(docker.images.search('x', { filters: { official: true } as any }))).toBeInstanceOf(TypeError);
    expect(await rejection(docker.builder.prune({ filters: { label: 'x' } as any }))).toBeInstanceOf(TypeError);
    // A wrong value type is refused too, instead of being sent as "[object Object]".
    expect(await rejection(docker.images.list({ filters: { dangling: 'yes' } as any }))).toBeInstanceOf(TypeError);
  });

  test('a signal that is already aborted rejects with DockerAbortError', async () => {
    const ac = new AbortController();
    ac.abort();
    expect(await rejection(docker.images.list({ signal: ac.signal }))).toBeInstanceOf(DockerAbortError);
    expect(await rejection(docker.images.inspect(a, { signal: ac.signal }))).toBeInstanceOf(DockerAbortError);
  });
});

describe('remove', () => {
  test('by one of several tags: only untags; the image stays', async () => {
    const id = await buildRaw(labelled({ 'dec.test.role': 'rm-tags' }), `${RUN}/rm:one`);
    await docker.images.tag(id, { repo: `${RUN}/rm`, tag: 'two' });
    const res = await docker.images.remove(`${RUN}/rm:one`);
    expect(res).toEqual([{ Untagged: `${RUN}/rm:one` }]);
    expect((await docker.images.inspect(id)).RepoTags).toEqual([`${RUN}/rm:two`]);
  });

  test('by id with several tags: 409 conflict unless force, then untags all and deletes', async () => {
    const id = await buildRaw(labelled({ 'dec.test.role': 'rm-force' }), `${RUN}/rmf:one`);
    await docker.images.tag(id, { repo: `${RUN}/rmf`, tag: 'two' });
    const err = (await rejection(docker.images.remove(id))) as DockerApiError;
    expect(err).toBeInstanceOf(DockerApiError);
    expect(err.status).toBe(409);
    expect(err.daemonMessage).toMatch(/must be forced/);
    expect(await exists(id)).toBe(true);

    const res = await docker.images.remove(id, { force: true });
    const untagged = res.filter((r) => r.Untagged).map((r) => r.Untagged);
    expect(untagged.sort()).toEqual([`${RUN}/rmf:one`, `${RUN}/rmf:two`]);
    expect(res.filter((r) => r.Deleted).map((r) => r.Deleted)).toContain(id);
    expect(await exists(id)).toBe(false);
  });

  test('noprune keeps the untagged parent; without it the parent is deleted too', async () => {
    async function parentAndChild(name: string) {
      const parent = await buildRaw(labelled({ 'dec.test.role': `${name}-parent` }), `${RUN}/${name}-parent:1`);
      const child = await buildRaw(labelled({ 'dec.test.role': `${name}-child` }, `${RUN}/${name}-parent:1`), `${RUN}/${name}-child:1`);
      // Untagging the parent cannot delete it (it has a child): it becomes an untagged parent.
      expect(await docker.images.remove(`${RUN}/${name}-parent:1`)).toEqual([{ Untagged: `${RUN}/${name}-parent:1` }]);
      // (`Parent` left the spec's ImageInspect; the history shows the same link.)
      expect((await docker.images.history(child))[1].Id).toBe(parent);
      return { parent, child };
    }

    const kept = await parentAndChild('np');
    const res = await docker.images.remove(`${RUN}/np-child:1`, { noprune: true });
    expect(res.filter((r) => r.Deleted).map((r) => r.Deleted)).toEqual([kept.child]);
    expect(await exists(kept.parent)).toBe(true);

    const pruned = await parentAndChild('pr');
    const res2 = await docker.images.remove(`${RUN}/pr-child:1`);
    expect(res2.filter((r) => r.Deleted).map((r) => r.Deleted)).toEqual([pruned.child, pruned.parent]);
    expect(await exists(pruned.parent)).toBe(false);
  });

  test('unknown image → DockerApiError 404 with the daemon text', async () => {
    const name = `${RUN}/never-built:x`;
    const err = (await rejection(docker.images.remove(name, { force: true }))) as DockerApiError;
    expect(err).toBeInstanceOf(DockerApiError);
    expect(err.status).toBe(404);
    expect(err.method).toBe('DELETE');
    expect(err.daemonMessage).toBe(`No such image: ${name}`);
    expect(err.message).toContain(err.daemonMessage);
  });
});

describe('commit', () => {
  test('a container (network none) with changes (CMD, ENV) and config visible in inspect, and its file in the image', async () => {
    const container = await createContainer(baseImage(), ['sh', '-c', 'echo x > /f']);
    await docker.api.POST('/containers/{id}/start', { params: { path: { id: container } } });
    const { data: waited } = await docker.api.POST('/containers/{id}/wait', { params: { path: { id: container } } });
    expect(waited?.StatusCode).toBe(0);

    const repo = `${RUN}/committed`;
    const res = await docker.images.commit(container, {
      repo,
      tag: 'v1',
      comment: 'made by images-query.test',
      author: 'dec tests <dec@example.invalid>',
      changes: ['CMD ["cat", "/f"]', 'ENV DEC_X=1'],
      config: { Labels: { [RUN_LABEL]: RUN, 'dec.test.role': 'commit' } },
    });
    expect(res.Id).toMatch(/^sha256:[a-f0-9]{64}$/);
    createdImages.push(res.Id);

    const img = await docker.images.inspect(`${repo}:v1`);
    expect(img.Id).toBe(res.Id);
    expect(img.Config?.Cmd).toEqual(['cat', '/f']);
    expect(img.Config?.Env).toContain('DEC_X=1');
    expect(img.Config?.Labels).toEqual(expect.objectContaining({ 'dec.test.role': 'commit' }));
    expect(img.Comment).toBe('made by images-query.test');
    expect(img.Author).toBe('dec tests <dec@example.invalid>');
    expect(img.RootFS?.Layers?.length).toBe(((await docker.images.inspect(baseImage())).RootFS?.Layers?.length ?? 0) + 1);

    // The container's change (/f) is in the image: read it from a container of the new image, never started.
    const probe = await createContainer(res.Id, ['true']);
    expect(await readFileFromContainer(probe, '/f')).toBe('x\n');
  });

  test('a single change string works like a one-element list', async () => {
    const container = await createContainer(baseImage(), ['true']);
    const res = await docker.images.commit(container, { changes: 'ENV DEC_SINGLE=yes', config: { Labels: { [RUN_LABEL]: RUN } } });
    createdImages.push(res.Id);
    expect((await docker.images.inspect(res.Id)).Config?.Env).toContain('DEC_SINGLE=yes');
  });

  test('invalid repo/tag is refused before sending; an unknown container → 404', async () => {
    const container = await createContainer(baseImage(), ['true']);
    expect(await rejection(docker.images.commit(container, { repo: 'Bad/Repo' }))).toBeInstanceOf(DockerInputError);
    expect(await rejection(docker.images.commit(container, { repo: `${RUN}/ok`, tag: 'bad tag' }))).toBeInstanceOf(DockerInputError);
    expect(await rejection(docker.images.commit(container, { tag: 'orphan' }))).toBeInstanceOf(DockerInputError);
    expect(await docker.images.list({ filters: { reference: `${RUN}/ok` } })).toEqual([]);

    const err = (await rejection(docker.images.commit(`${RUN}-no-such-container`))) as DockerApiError;
    expect(err).toBeInstanceOf(DockerApiError);
    expect(err.status).toBe(404);
    expect(err.daemonMessage).toContain(`${RUN}-no-such-container`);
  });
});

describe('prune', () => {
  test('a label filter removes only the labelled dangling image', async () => {
    const target = await buildRaw(labelled({ 'dec.test.prune': `${RUN}-target` }));
    const bystander = await buildRaw(labelled({ 'dec.test.prune': `${RUN}-bystander` }));
    const res = await docker.images.prune({ filters: { dangling: true, label: { 'dec.test.prune': `${RUN}-target` } } });
    expect(res.ImagesDeleted?.map((d) => d.Deleted).filter(Boolean)).toEqual([target]);
    expect(typeof res.SpaceReclaimed).toBe('number');
    expect(res.SpaceReclaimed).toBeGreaterThanOrEqual(0);
    expect(await exists(target)).toBe(false);
    expect(await exists(bystander)).toBe(true);
  });

  test('label! excludes: pruning "run label but not the bystander label" spares the bystander', async () => {
    const bystander = await buildRaw(labelled({ 'dec.test.prune': `${RUN}-keep` }));
    const gone = await buildRaw(labelled({ 'dec.test.prune': `${RUN}-drop` }));
    const res = await docker.images.prune({ filters: { label: { [RUN_LABEL]: RUN, 'dec.test.prune': true }, 'label!': `dec.test.prune=${RUN}-keep` } });
    const deleted = res.ImagesDeleted?.map((d) => d.Deleted).filter(Boolean) ?? [];
    expect(deleted).toContain(gone);
    expect(deleted).not.toContain(bystander);
    expect(await exists(bystander)).toBe(true);
  });
});

describe('builder.prune', () => {
  test('returns SpaceReclaimed in bytes (typed shape)', async () => {
    const res = await docker.builder.prune();
    const reclaimed: number | undefined = res.SpaceReclaimed;
    expect(typeof reclaimed).toBe('number');
    expect(reclaimed).toBeGreaterThanOrEqual(0);
    expect(res.CachesDeleted == null || Array.isArray(res.CachesDeleted)).toBe(true);
    expect(Object.keys(res).every((k) => k === 'SpaceReclaimed' || k === 'CachesDeleted')).toBe(true);
  });

  test('with filters and reserved-space (sent as keep-storage to engines before 1.48)', async () => {
    const res = await docker.builder.prune({ 'reserved-space': 1 << 30, filters: { until: '87600h', type: 'regular' } });
    expect(res.SpaceReclaimed).toBe(0);
  });
});

describe('parameters newer than the engine API', () => {
  test('are refused before sending, naming the parameter and its version; false values are dropped', async () => {
    const name = baseImage();
    const cases: [string, () => Promise<unknown>, string, string][] = [
      ['platform', () => docker.images.inspect(name, { platform: { os: 'linux', architecture: 'amd64' } }), '"platform"', '1.49'],
      ['manifests', () => docker.images.inspect(name, { manifests: true }), '"manifests"', '1.48'],
      ['history platform', () => docker.images.history(name, { platform: { os: 'linux' } }), '"platform"', '1.48'],
      ['remove platforms', () => docker.images.remove(`${RUN}/never:x`, { platforms: [{ os: 'linux' }] }), '"platforms"', '1.50'],
      ['shared-size', () => docker.images.list({ 'shared-size': true, filters: { reference: 'none' } }), '"shared-size"', '1.42'],
      ['max-used-space', () => docker.builder.prune({ 'max-used-space': 1, filters: { until: '87600h' } }), '"max-used-space"', '1.48'],
    ];
    for (const [, call, param, since] of cases) {
      if (compareVersions(apiVersion, since) >= 0) continue; // a newer engine accepts it; nothing to refuse
      const err = (await rejection(call())) as DockerInputError;
      expect(err).toBeInstanceOf(DockerInputError);
      expect(err.message).toContain(param);
      expect(err.message).toContain(`v${since}`);
      expect(err.message).toContain(`v${apiVersion}`);
    }
    // `false` is what older engines do anyway: accepted everywhere.
    expect((await docker.images.inspect(name, { manifests: false })).RepoTags).toContain(name);
    expect(Array.isArray(await docker.images.list({ 'shared-size': false, manifests: false, filters: { reference: name } }))).toBe(true);
  });

  test('this engine is old enough for the refusal to be exercised', () => {
    // The rig's dockerd speaks 1.41; if it is ever upgraded past 1.50 the test above only checks acceptance.
    expect(compareVersions(apiVersion, '1.50')).toBeLessThan(0);
  });
});

describe('search (a loopback v1 index)', () => {
  let server: Server;
  let index: string;
  let requests: { path: string; query: URLSearchParams; authorization?: string }[];
  const entries = [
    { name: 'dec/alpha', description: 'one star', star_count: 1, is_official: false, is_automated: false },
    { name: 'dec/beta', description: 'five stars, official', star_count: 5, is_official: true, is_automated: false },
    { name: 'dec/gamma', description: 'ten stars', star_count: 10, is_official: false, is_automated: true },
  ];

  function answer(req: IncomingMessage) {
    const url = new URL(req.url ?? '/', 'http://index');
    requests.push({ path: url.pathname, query: url.searchParams, authorization: req.headers.authorization });
    if (url.pathname === '/v1/_ping') return { status: 200, body: true };
    if (url.pathname === '/v1/search') {
      const n = Number(url.searchParams.get('n') ?? 25);
      const q = url.searchParams.get('q') ?? '';
      const results = entries.filter((e) => e.name.includes(q)).slice(0, n);
      return { status: 200, body: { num_results: results.length, query: q, results } };
    }
    return { status: 404, body: { error: 'not found' } };
  }

  beforeAll(async () => {
    requests = [];
    server = createServer((req, res) => {
      const { status, body } = answer(req);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    index = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  beforeEach(() => {
    requests = [];
  });

  const searches = () => requests.filter((r) => r.path === '/v1/search');

  test('the engine queries the index named in the term; typed results; auth arrives as Basic credentials', async () => {
    const auth = { username: 'dec-searcher', password: 'p?ss~word/+=' };
    const results = await docker.images.search(`${index}/dec`, { auth });
    expect(results).toEqual(entries);
    const name: string | undefined = results[0].name;
    const stars: number | undefined = results[0].star_count;
    expect([name, stars]).toEqual(['dec/alpha', 1]);

    const seen = searches();
    expect(seen).toHaveLength(1);
    expect(seen[0].query.get('q')).toBe('dec');
    const basic = seen[0].authorization ?? '';
    expect(basic.startsWith('Basic ')).toBe(true);
    expect(Buffer.from(basic.slice('Basic '.length), 'base64').toString()).toBe(`${auth.username}:${auth.password}`);
  });

  test('without auth the index sees no credentials', async () => {
    await docker.images.search(`${index}/dec`);
    expect(searches()).toHaveLength(1);
    expect(searches()[0].authorization).toBeUndefined();
  });

  test('limit is passed to the index as n (the daemon default is 25)', async () => {
    expect(await docker.images.search(`${index}/dec`, { limit: 2 })).toEqual(entries.slice(0, 2));
    await docker.images.search(`${index}/dec`);
    expect(searches().map((r) => r.query.get('n'))).toEqual(['2', '25']);
  });

  test('the daemon rejects a limit outside 1..100 with its own message', async () => {
    const err = (await rejection(docker.images.search(`${index}/dec`, { limit: 101 }))) as DockerApiError;
    expect(err).toBeInstanceOf(DockerApiError);
    expect(err.daemonMessage).toMatch(/101/);
    expect(searches()).toHaveLength(0);
  });

  test('filters are applied by the daemon to the index answer', async () => {
    expect((await docker.images.search(`${index}/dec`, { filters: { stars: 5 } })).map((r) => r.name)).toEqual(['dec/beta', 'dec/gamma']);
    expect((await docker.images.search(`${index}/dec`, { filters: { 'is-official': true } })).map((r) => r.name)).toEqual(['dec/beta']);
    expect((await docker.images.search(`${index}/dec`, { filters: { 'is-official': false, stars: 2 } })).map((r) => r.name)).toEqual(['dec/gamma']);
  });
});

describe('wire format of parameters this engine is too old for (recording fake engine)', () => {
  let server: Server;
  let engineVersion: string;
  let seen: { url: URL; body: string; contentType?: string }[];

  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://engine');
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        res.setHeader('Api-Version', engineVersion);
        if (url.pathname === '/_ping') return res.end('OK');
        seen.push({ url, body, contentType: req.headers['content-type'] });
        res.setHeader('content-type', 'application/json');
        res.end(url.pathname.endsWith('/history') || req.method === 'DELETE' ? '[]' : '{}');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  async function withEngine(version: string, fn: (client: DockerClient) => Promise<unknown>) {
    engineVersion = version;
    seen = [];
    const client = new DockerClient({ host: `tcp://127.0.0.1:${(server.address() as AddressInfo).port}` });
    try {
      await fn(client);
    } finally {
      await client.close();
    }
    return seen;
  }

  test('remove: platforms go out repeated, one JSON-encoded OCI platform each', async () => {
    const platforms = [{ os: 'linux', architecture: 'arm', variant: 'v7' }, { os: 'linux', architecture: 'amd64' }];
    const [{ url }] = await withEngine('1.55', (c) => c.images.remove('a/b:c', { platforms, noprune: true }));
    expect(decodeURIComponent(url.pathname)).toBe('/v1.55/images/a/b:c');
    expect(url.searchParams.getAll('platforms').map((p) => JSON.parse(p))).toEqual(platforms);
    expect(url.searchParams.get('noprune')).toBe('true');
  });

  test('inspect/history: platform goes out as one JSON string', async () => {
    const platform = { os: 'linux', architecture: 'arm64', variant: 'v8' };
    const sent = await withEngine('1.55', async (c) => {
      await c.images.inspect('x', { platform });
      await c.images.history('x', { platform });
    });
    expect(sent.map(({ url }) => url.searchParams.getAll('platform').map((p) => JSON.parse(p)))).toEqual([[platform], [platform]]);
  });

  test('builder.prune: reserved-space from 1.48 on, keep-storage before', async () => {
    const [{ url: modern }] = await withEngine('1.55', (c) => c.builder.prune({ 'reserved-space': 1000, 'min-free-space': 5 }));
    expect(modern.searchParams.get('reserved-space')).toBe('1000');
    expect(modern.searchParams.get('min-free-space')).toBe('5');
    expect(modern.searchParams.has('keep-storage')).toBe(false);
    const [{ url: old }] = await withEngine('1.41', (c) => c.builder.prune({ 'reserved-space': 1000, filters: { until: '24h', inuse: true } }));
    expect(old.pathname).toBe('/v1.41/build/prune');
    expect(old.searchParams.get('keep-storage')).toBe('1000');
    expect(old.searchParams.has('reserved-space')).toBe(false);
    expect(JSON.parse(old.searchParams.get('filters')!)).toEqual({ until: ['24h'], inuse: [] });
  });

  test('commit: changes go out newline-joined, config as the JSON body', async () => {
    const config = { Env: ['A=b'], Labels: { k: 'v' } };
    const [{ url, body, contentType }] = await withEngine('1.41', (c) =>
      c.images.commit('ctr', { repo: 'r/s', changes: ['CMD ["sh"]', 'ENV A=b'], config }),
    );
    expect(url.searchParams.get('container')).toBe('ctr');
    expect(url.searchParams.get('repo')).toBe('r/s');
    expect(url.searchParams.get('changes')).toBe('CMD ["sh"]\nENV A=b');
    expect(contentType).toMatch(/^application\/json/);
    expect(JSON.parse(body)).toEqual(config);
  });

  test('search: auth goes out as X-Registry-Auth, padded base64url JSON', async () => {
    let header: string | undefined;
    const listener = (req: IncomingMessage) => {
      if (req.url?.includes('/images/search')) header = req.headers['x-registry-auth'] as string;
    };
    server.on('request', listener);
    try {
      await withEngine('1.41', (c) => c.images.search('127.0.0.1:1/x', { auth: { username: 'u', password: '??>>' } }));
    } finally {
      server.off('request', listener);
    }
    expect(header).toMatch(/^[A-Za-z0-9_-]+=*$/);
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toEqual({ username: 'u', password: '??>>' });
  });
});
