/**
 * The query-style image operations (list, inspect, history, tag, remove, prune, search, commit) and
 * builder.prune, against each real engine: dockerd and Podman's Docker-compatible API (test/helpers/engines.ts).
 * One body runs per engine; where Podman answers differently the test documents it with `engine.differs(…)`,
 * asserting what Podman does instead. Test images are built from the base image with a tiny in-memory build
 * context (raw POST /build, so these tests do not depend on images.build), each labelled with this run's id and
 * removed in afterAll.
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
import {
  DockerAbortError,
  DockerApiError,
  DockerClient,
  DockerFilterError,
  DockerInputError,
  encodeRegistryConfig,
  type ImageSearchResult,
} from '../src/index';
import { compareVersions } from '../src/core/versions';
import { engines } from './helpers/engines';
import { recordingEngine, type RecordingEngine } from './helpers/recording-engine';
import { baseImage, registry } from './helpers/env';

/** Label every image of this run carries. */
const RUN_LABEL = 'dec.test.run';

async function tarOf(files: Record<string, string>): Promise<Buffer> {
  const p = pack();
  for (const [name, content] of Object.entries(files)) p.entry({ name }, content);
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of p) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (err) {
    return err;
  }
  throw new Error('expected the call to reject, but it resolved');
}

const ids = (list: { Id: string }[]) => list.map((i) => i.Id).sort();
/** An image ID without its `sha256:` prefix (how Podman reports IDs in several answers). */
const bare = (id: string) => id.replace(/^sha256:/, '');

describe.each(engines())('$name', (engine) => {
  // Both engines' blocks share the loopback registry: the engine's name keeps their repositories apart.
  const RUN = `dec-iq-${engine.name}-${Date.now().toString(36)}-${process.pid}`;
  /** How the engine reports a name it was given (Podman qualifies every name; see Engine.reportedName). */
  const reported = (name: string) => engine.reportedName(name);

  let docker: DockerClient;
  let apiVersion: string;
  const createdImages: string[] = [];
  const createdContainers: string[] = [];

  // ---- helpers (raw API calls, independent of the wrappers under test) ----------------------------------------

  /** Classic-builder build of `dockerfile`; returns the image id. */
  async function buildRaw(dockerfile: string, tag?: string): Promise<string> {
    const query = new URLSearchParams({ rm: 'true', forcerm: 'true', networkmode: 'none' });
    if (tag) query.set('t', tag);
    const res = await docker.raw.request({
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

  async function createContainer(image: string, cmd: string[]): Promise<string> {
    const { data, error } = await docker.api.POST('/containers/create', {
      params: { query: { name: `${RUN}-${createdContainers.length}` } },
      // Network "none" on both engines (Podman has no bridge plugin here on purpose).
      body: { Image: image, Cmd: cmd, Labels: { [RUN_LABEL]: RUN }, HostConfig: { NetworkMode: 'none' } },
    });
    if (!data) throw new Error(`container create failed: ${JSON.stringify(error)}`);
    createdContainers.push(data.Id);
    return data.Id;
  }

  /** Contents of a file in a container's filesystem, via GET /containers/{id}/archive (a tar). */
  async function readFileFromContainer(id: string, path: string): Promise<string> {
    const res = await docker.raw.request({ method: 'GET', path: `/containers/${id}/archive?path=${encodeURIComponent(path)}` });
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

  beforeAll(async () => {
    docker = engine.client();
    apiVersion = await docker.negotiate();
  });

  afterAll(async () => {
    if (docker === undefined) return; // the engine was missing: every test already failed saying so
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
      expect(img.RepoTags?.slice().sort()).toEqual([reported(`${repo}:one`), reported(`${repo}:two`)]);
      expect(img.Config?.Labels).toEqual(expect.objectContaining({ [RUN_LABEL]: RUN, 'dec.test.role': 'inspect' }));
      expect(img.Os).toBe('linux');
      expect(img.Architecture).toBe(base.Architecture);
      // A LABEL step adds no layer: same layers and size as the base image.
      expect(img.RootFS?.Type).toBe('layers');
      expect(img.RootFS?.Layers).toEqual(base.RootFS?.Layers);
      engine.differs(
        'podman',
        'Podman\'s Size also counts the image\'s own metadata (config and manifest blobs), so a LABEL-only image is ' +
          'a little (about 1.4 KB) bigger than its base although its layers are exactly the base\'s',
        () => {
          expect(img.Size).toBeGreaterThan(base.Size!);
          expect(img.Size! - base.Size!).toBeLessThan(16 * 1024);
        },
        () => expect(img.Size).toBe(base.Size),
      );
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
      engine.differs(
        'podman',
        'Podman words a missing image as "failed to find image <name>: <qualified name>: image not known"',
        () => {
          expect((err as DockerApiError).daemonMessage).toBe(
            `failed to find image ${RUN}/missing:x: ${reported(`${RUN}/missing:x`)}: image not known`,
          );
        },
        () => {
          expect((err as DockerApiError).daemonMessage).toMatch(/no such image/i);
        },
      );
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
      expect(hist[0].CreatedBy).toMatch(/LABEL/);
      expect(hist[0].Size).toBe(0);
      await engine.differs(
        'podman',
        'Podman fills history Ids from layers, not from the image: the newest entry names some image whose top ' +
          'layer is that entry\'s layer (for a LABEL-only image, one sharing the base\'s layer; bare hex, no ' +
          '"sha256:"), every older entry is "<missing>", and Tags is null',
        async () => {
          expect(hist[0].Id).toMatch(/^[0-9a-f]{64}$/);
          const named = await docker.images.inspect(`sha256:${hist[0].Id}`);
          expect(named.RootFS?.Layers).toEqual((await docker.images.inspect(id)).RootFS?.Layers);
          expect(hist[0].Tags).toBeNull();
          expect(hist.slice(1).map((h) => h.Id)).toEqual(hist.slice(1).map(() => '<missing>'));
        },
        () => {
          expect(hist[0].Id).toBe(id);
          expect(hist[0].Tags).toEqual(expect.arrayContaining([`${repo}:one`]));
          expect(hist.slice(1).map((h) => h.Id)).toEqual(baseHist.map((h) => h.Id));
        },
      );
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
      expect(await docker.images.list({ filters: { label: { 'dec.test.list': `${LIST}-nothing` } } })).toEqual([]);
      const both = ids(await docker.images.list({ filters: { label: [`dec.test.list=${LIST}`, 'dec.test.role=b'] } }));
      const withKey = ids(await docker.images.list({ filters: { label: { 'dec.test.list': LIST, 'dec.test.role': true } } }));
      engine.differs(
        'podman',
        'Podman 4.3 lists nothing at all when two or more label filters are given, even for an image carrying ' +
          'every one of them (observed: [] for ["dec.test.list=…", "dec.test.role=b"]); one label filter works',
        () => {
          expect(both).toEqual([]);
          expect(withKey).toEqual([]);
        },
        () => {
          expect(both).toEqual([b]);
          expect(withKey).toEqual([a, b, dangling].sort());
        },
      );
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
      expect(exact[0].RepoTags).toEqual([reported(`${RUN}/list-a:1`)]);
      expect(exact[0].Labels).toEqual(expect.objectContaining({ 'dec.test.role': 'a' }));
      expect(typeof exact[0].Size).toBe('number');
      expect(ids(await docker.images.list({ filters: { reference: `${RUN}/list-*` } }))).toEqual([a, b].sort());
      const several = ids(await docker.images.list({ filters: { reference: [`${RUN}/list-a`, `${RUN}/list-b:1`] } }));
      engine.differs(
        'podman',
        'Podman 4.3 lists nothing when the reference filter has several values (observed: [] for two references ' +
          'that each match one image), as with several label filters; one value, glob or not, works',
        () => expect(several).toEqual([]),
        () => expect(several).toEqual([a, b].sort()),
      );
    });

    test('an unknown filter key is a DockerInputError at runtime (JavaScript callers), before any request', async () => {
      const err = await rejection(docker.images.list({ filters: { labels: 'x' } as any }));
      expect(err).toBeInstanceOf(DockerInputError);
      expect(err).toBeInstanceOf(DockerFilterError);
      expect((err as DockerFilterError).key).toBe('labels');
      expect((err as Error).message).toContain('images.list');
      expect(await rejection(docker.images.prune({ filters: { reference: 'x' } as any }))).toBeInstanceOf(DockerInputError);
      expect(await rejection(docker.images.search('x', { filters: { official: true } as any }))).toBeInstanceOf(DockerInputError);
      expect(await rejection(docker.builder.prune({ filters: { label: 'x' } as any }))).toBeInstanceOf(DockerInputError);
      // A wrong value type is refused too, instead of being sent as "[object Object]".
      expect(await rejection(docker.images.list({ filters: { dangling: 'yes' } as any }))).toBeInstanceOf(DockerInputError);
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
      expect(res).toEqual([{ Untagged: reported(`${RUN}/rm:one`) }]);
      expect((await docker.images.inspect(id)).RepoTags).toEqual([reported(`${RUN}/rm:two`)]);
    });

    test('by id with several tags: 409 conflict unless force, then untags all and deletes', async () => {
      const id = await buildRaw(labelled({ 'dec.test.role': 'rm-force' }), `${RUN}/rmf:one`);
      await docker.images.tag(id, { repo: `${RUN}/rmf`, tag: 'two' });
      const err = (await rejection(docker.images.remove(id))) as DockerApiError;
      expect(err).toBeInstanceOf(DockerApiError);
      engine.differs(
        'podman',
        'Podman refuses with 500 (not 409 Conflict) and its own text: "unable to delete image … by ID with more than ' +
          'one tag ([…]): please force removal"',
        () => {
          expect(err.status).toBe(500);
          expect(err.daemonMessage).toBe(
            `unable to delete image "${bare(id)}" by ID with more than one tag ` +
              `([${reported(`${RUN}/rmf:one`)} ${reported(`${RUN}/rmf:two`)}]): please force removal`,
          );
        },
        () => {
          expect(err.status).toBe(409);
          expect(err.daemonMessage).toMatch(/must be forced/);
        },
      );
      expect(await exists(id)).toBe(true);

      const res = await docker.images.remove(id, { force: true });
      const untagged = res.filter((r) => r.Untagged).map((r) => r.Untagged);
      expect(untagged.sort()).toEqual([reported(`${RUN}/rmf:one`), reported(`${RUN}/rmf:two`)]);
      const deleted = res.filter((r) => r.Deleted).map((r) => r.Deleted);
      engine.differs(
        'podman',
        'Podman reports Deleted IDs as bare hex, without "sha256:"',
        () => expect(deleted).toEqual([bare(id)]),
        () => expect(deleted).toContain(id),
      );
      expect(await exists(id)).toBe(false);
    });

    test('noprune keeps the untagged parent; without it the parent is deleted too', async () => {
      const podmanWhy =
        'Podman images do not depend on a parent image (only layers are shared): removing the last tag of the ' +
        'parent deletes it at once although a child was built FROM it — and the answer lists only {Untagged}, no ' +
        '{Deleted}. So there is no untagged parent left for noprune to keep: removing the child deletes the child ' +
        'alone (bare-hex ID) with or without noprune';
      async function parentAndChild(name: string) {
        const parent = await buildRaw(labelled({ 'dec.test.role': `${name}-parent` }), `${RUN}/${name}-parent:1`);
        const child = await buildRaw(labelled({ 'dec.test.role': `${name}-child` }, `${RUN}/${name}-parent:1`), `${RUN}/${name}-child:1`);
        // dockerd cannot delete the parent when untagging it (it has a child): it becomes an untagged parent.
        expect(await docker.images.remove(`${RUN}/${name}-parent:1`)).toEqual([{ Untagged: reported(`${RUN}/${name}-parent:1`) }]);
        await engine.differs(
          'podman',
          podmanWhy,
          async () => expect(await exists(parent)).toBe(false),
          // (`Parent` left the spec's ImageInspect; the history shows the same link.)
          async () => expect((await docker.images.history(child))[1].Id).toBe(parent),
        );
        return { parent, child };
      }

      const kept = await parentAndChild('np');
      const res = await docker.images.remove(`${RUN}/np-child:1`, { noprune: true });
      const pruned = await parentAndChild('pr');
      const res2 = await docker.images.remove(`${RUN}/pr-child:1`);
      const deleted = (r: typeof res) => r.filter((d) => d.Deleted).map((d) => d.Deleted);
      await engine.differs(
        'podman',
        podmanWhy,
        async () => {
          expect(deleted(res)).toEqual([bare(kept.child)]);
          expect(deleted(res2)).toEqual([bare(pruned.child)]);
          expect(await exists(kept.child)).toBe(false);
        },
        async () => {
          expect(deleted(res)).toEqual([kept.child]);
          expect(await exists(kept.parent)).toBe(true);
          expect(deleted(res2)).toEqual([pruned.child, pruned.parent]);
        },
      );
      expect(await exists(pruned.parent)).toBe(false);
    });

    test('unknown image → DockerApiError 404 with the daemon text', async () => {
      const name = `${RUN}/never-built:x`;
      const err = (await rejection(docker.images.remove(name, { force: true }))) as DockerApiError;
      expect(err).toBeInstanceOf(DockerApiError);
      expect(err.status).toBe(404);
      expect(err.method).toBe('DELETE');
      engine.differs(
        'podman',
        'Podman words a missing image as "failed to find image <name>: <qualified name>: image not known"',
        () => expect(err.daemonMessage).toBe(`failed to find image ${name}: ${reported(name)}: image not known`),
        () => expect(err.daemonMessage).toBe(`No such image: ${name}`),
      );
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
      const committed = `sha256:${bare(res.Id)}`;
      createdImages.push(committed);
      engine.differs(
        'podman',
        'Podman answers commit with a bare-hex Id, without "sha256:" (and refuses a bare 64-hex string as an image ' +
          'name in other calls, so it is prefixed before use)',
        () => expect(res.Id).toMatch(/^[a-f0-9]{64}$/),
        () => expect(res.Id).toMatch(/^sha256:[a-f0-9]{64}$/),
      );

      const img = await docker.images.inspect(`${repo}:v1`);
      expect(img.Id).toBe(committed);
      expect(img.Config?.Cmd).toEqual(['cat', '/f']);
      expect(img.Config?.Env).toContain('DEC_X=1');
      engine.differs(
        'podman',
        'Podman 4.3 requires the config body (see the 404 test below) but does not apply it: the image has the ' +
          'container\'s labels only, config.Labels is dropped (changes, comment and author are applied)',
        () => expect(img.Config?.Labels).toEqual({ [RUN_LABEL]: RUN }),
        () => expect(img.Config?.Labels).toEqual(expect.objectContaining({ [RUN_LABEL]: RUN, 'dec.test.role': 'commit' })),
      );
      expect(img.Comment).toBe('made by images-query.test');
      expect(img.Author).toBe('dec tests <dec@example.invalid>');
      expect(img.RootFS?.Layers?.length).toBe(((await docker.images.inspect(baseImage())).RootFS?.Layers?.length ?? 0) + 1);

      // The container's change (/f) is in the image: read it from a container of the new image, never started.
      const probe = await createContainer(committed, ['true']);
      expect(await readFileFromContainer(probe, '/f')).toBe('x\n');
    });

    test('a single change string works like a one-element list', async () => {
      const container = await createContainer(baseImage(), ['true']);
      const res = await docker.images.commit(container, { changes: 'ENV DEC_SINGLE=yes', config: { Labels: { [RUN_LABEL]: RUN } } });
      // (Podman's Id is bare hex: see the test above.)
      const committed = `sha256:${bare(res.Id)}`;
      createdImages.push(committed);
      expect((await docker.images.inspect(committed)).Config?.Env).toContain('DEC_SINGLE=yes');
    });

    test('invalid repo/tag is refused before sending; an unknown container → 404', async () => {
      const container = await createContainer(baseImage(), ['true']);
      expect(await rejection(docker.images.commit(container, { repo: 'Bad/Repo' }))).toBeInstanceOf(DockerInputError);
      expect(await rejection(docker.images.commit(container, { repo: `${RUN}/ok`, tag: 'bad tag' }))).toBeInstanceOf(DockerInputError);
      expect(await rejection(docker.images.commit(container, { tag: 'orphan' }))).toBeInstanceOf(DockerInputError);
      expect(await docker.images.list({ filters: { reference: `${RUN}/ok` } })).toEqual([]);

      const err = (await rejection(docker.images.commit(`${RUN}-no-such-container`))) as DockerApiError;
      expect(err).toBeInstanceOf(DockerApiError);
      await engine.differs(
        'podman',
        'Podman 4.3 requires a JSON body on POST /commit (the spec makes it optional, and the client sends none ' +
          'without `config`): without one it answers 500 "Decode(): EOF" before looking at the container, even a ' +
          'real one; with a body it answers 404 naming the container',
        async () => {
          expect(err.status).toBe(500);
          expect(err.daemonMessage).toBe('Decode(): EOF');
          const withBody = (await rejection(docker.images.commit(`${RUN}-no-such-container`, { config: {} }))) as DockerApiError;
          expect(withBody).toBeInstanceOf(DockerApiError);
          expect(withBody.status).toBe(404);
          expect(withBody.daemonMessage).toContain(`${RUN}-no-such-container`);
          const real = (await rejection(docker.images.commit(container))) as DockerApiError;
          expect([real.status, real.daemonMessage]).toEqual([500, 'Decode(): EOF']);
        },
        () => {
          expect(err.status).toBe(404);
          expect(err.daemonMessage).toContain(`${RUN}-no-such-container`);
        },
      );
    });
  });

  describe('prune', () => {
    test('a label filter removes only the labelled dangling image', async () => {
      const target = await buildRaw(labelled({ 'dec.test.prune': `${RUN}-target` }));
      const bystander = await buildRaw(labelled({ 'dec.test.prune': `${RUN}-bystander` }));
      const res = await docker.images.prune({ filters: { dangling: true, label: { 'dec.test.prune': `${RUN}-target` } } });
      const deleted = res.ImagesDeleted?.map((d) => d.Deleted).filter(Boolean);
      engine.differs(
        'podman',
        'Podman reports Deleted IDs as bare hex, without "sha256:"',
        () => expect(deleted).toEqual([bare(target)]),
        () => expect(deleted).toEqual([target]),
      );
      expect(typeof res.SpaceReclaimed).toBe('number');
      expect(res.SpaceReclaimed).toBeGreaterThanOrEqual(0);
      expect(await exists(target)).toBe(false);
      expect(await exists(bystander)).toBe(true);
    });

    test('label! excludes: pruning "run label but not the bystander label" spares the bystander', async () => {
      const bystander = await buildRaw(labelled({ 'dec.test.prune': `${RUN}-keep` }));
      const gone = await buildRaw(labelled({ 'dec.test.prune': `${RUN}-drop` }));
      await engine.differs(
        'podman',
        'Podman 4.3 ORs the prune filters instead of AND-ing them: observed with label + label! that every dangling ' +
          'image matching either filter was deleted — with a label! that is nearly every dangling image of the ' +
          'store, so that request is not sent to Podman here. The OR is shown with two label values no image has ' +
          'together: both images go, where AND-ing would delete none',
        async () => {
          const res = await docker.images.prune({ filters: { label: [`dec.test.prune=${RUN}-keep`, `dec.test.prune=${RUN}-drop`] } });
          const deleted = res.ImagesDeleted?.map((d) => d.Deleted).filter(Boolean) ?? [];
          expect(deleted.sort()).toEqual([bare(bystander), bare(gone)].sort());
          expect(await exists(bystander)).toBe(false);
        },
        async () => {
          const res = await docker.images.prune({ filters: { label: { [RUN_LABEL]: RUN, 'dec.test.prune': true }, 'label!': `dec.test.prune=${RUN}-keep` } });
          const deleted = res.ImagesDeleted?.map((d) => d.Deleted).filter(Boolean) ?? [];
          expect(deleted).toContain(gone);
          expect(deleted).not.toContain(bystander);
          expect(await exists(bystander)).toBe(true);
        },
      );
      expect(await exists(gone)).toBe(false);
    });
  });

  describe('builder.prune', () => {
    const noBuildPrune = 'Podman 4.3 has no POST /build/prune (no separate build cache): 404 with the body "Not Found"';
    async function expectNoBuildPrune(call: Promise<unknown>) {
      const err = (await rejection(call)) as DockerApiError;
      expect(err).toBeInstanceOf(DockerApiError);
      expect([err.status, err.method, err.daemonMessage]).toEqual([404, 'POST', 'Not Found']);
    }

    test('returns SpaceReclaimed in bytes (typed shape)', async () => {
      await engine.differs(
        'podman',
        noBuildPrune,
        () => expectNoBuildPrune(docker.builder.prune()),
        async () => {
          const res = await docker.builder.prune();
          const reclaimed: number | undefined = res.SpaceReclaimed;
          expect(typeof reclaimed).toBe('number');
          expect(reclaimed).toBeGreaterThanOrEqual(0);
          expect(res.CachesDeleted == null || Array.isArray(res.CachesDeleted)).toBe(true);
          expect(Object.keys(res).every((k) => k === 'SpaceReclaimed' || k === 'CachesDeleted')).toBe(true);
        },
      );
    });

    test('with filters and reserved-space (sent as keep-storage to engines before 1.48)', async () => {
      const call = () => docker.builder.prune({ 'reserved-space': 1 << 30, filters: { until: '87600h', type: 'regular' } });
      await engine.differs(
        'podman',
        noBuildPrune,
        () => expectNoBuildPrune(call()),
        async () => expect((await call()).SpaceReclaimed).toBe(0),
      );
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
        // Filter keys too (generated FILTER_KEYS): dockerd 20.10 would answer 400 "invalid filter 'until'".
        ['list until filter', () => docker.images.list({ filters: { until: '1h' } }), 'filter "until"', '1.44'],
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
      expect((await docker.images.inspect(name, { manifests: false })).RepoTags).toContain(reported(name));
      expect(Array.isArray(await docker.images.list({ 'shared-size': false, manifests: false, filters: { reference: name } }))).toBe(true);
    });

    test('this engine is old enough for the refusal to be exercised', () => {
      // The rig's dockerd speaks 1.41; if it is ever upgraded past 1.50 the test above only checks acceptance.
      expect(compareVersions(apiVersion, '1.50')).toBeLessThan(0);
    });
  });

  /**
   * dockerd speaks only the v1 search API, to the index named in the term: a fake v1 index on loopback serves it.
   * Podman 4.3 speaks only the v2 registry API: it refuses the v1 index and instead lists the catalog of a v2
   * registry (the rig's htpasswd registry, insecure in the podman service's registries.conf), so its alternates
   * search that registry for repositories this block pushed.
   */
  describe('search', () => {
    let server: Server;
    let index: string;
    let requests: { path: string; query: URLSearchParams; authorization?: string }[];
    const entries = [
      { name: 'dec/alpha', description: 'one star', star_count: 1, is_official: false, is_automated: false },
      { name: 'dec/beta', description: 'five stars, official', star_count: 5, is_official: true, is_automated: false },
      { name: 'dec/gamma', description: 'ten stars', star_count: 10, is_official: false, is_automated: true },
    ];
    /** Repositories pushed to the rig's registry for the catalog searches (`<registry>/<RUN>/a`, `…/b`). */
    let catalogTerm: string;
    let pushed: string[];

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

    function registryAuth() {
      const reg = registry();
      return { username: reg.username, password: reg.password, serveraddress: reg.address };
    }

    /**
     * Podman only: a search with the registry's credentials as a registry → AuthConfig map (X-Registry-Config), the
     * one form Podman 4.3's search reads; `query` may hold Podman's own parameters. Raw, since the client's
     * `auth` sends the Engine API's single AuthConfig.
     */
    async function podmanCatalogSearch(query: Record<string, string> = {}) {
      const { username, password, serveraddress } = registryAuth();
      const res = await docker.raw.request({
        method: 'GET',
        path: `/images/search?${new URLSearchParams({ term: catalogTerm, ...query })}`,
        headers: { 'X-Registry-Config': encodeRegistryConfig({ [serveraddress]: { username, password } }) },
      });
      return { status: res.status, body: JSON.parse(await res.text()) as unknown };
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

      catalogTerm = `${registry().address}/${RUN}`;
      pushed = [`${catalogTerm}/a`, `${catalogTerm}/b`];
      for (const repo of pushed) {
        await docker.images.tag(baseImage(), { repo, tag: 'v1' });
        await docker.images.push(`${repo}:v1`, { auth: registryAuth() });
        await docker.images.remove(`${repo}:v1`);
      }
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
    beforeEach(() => {
      requests = [];
    });

    const searches = () => requests.filter((r) => r.path === '/v1/search');

    test('the engine queries the v1 index named in the term; typed results; auth arrives as Basic credentials', async () => {
      const auth = { username: 'dec-searcher', password: 'p?ss~word/+=' };
      await engine.differs(
        'podman',
        'Podman 4.3 cannot use a v1 index: it pings https://<index>/v2/ first and fails on plain http; with its own ' +
          'query parameter tlsVerify=false it pings /v2/ and /v1/_ping over http and gives up with "can\'t talk to a ' +
          'V1 container registry" — /v1/search is never asked (500 both times)',
        async () => {
          const https = (await rejection(docker.images.search(`${index}/dec`, { auth }))) as DockerApiError;
          expect(https).toBeInstanceOf(DockerApiError);
          expect(https.status).toBe(500);
          expect(https.daemonMessage).toContain(
            `couldn't search registry "${index}": pinging container registry ${index}: Get "https://${index}/v2/": ` +
              'http: server gave HTTP response to HTTPS client',
          );
          expect(requests).toEqual([]); // a TLS handshake, never an HTTP request

          const res = await docker.raw.request({ method: 'GET', path: `/images/search?term=${index}/dec&tlsVerify=false` });
          expect(res.status).toBe(500);
          expect(JSON.parse(await res.text()).message).toContain(`couldn't search registry "${index}": can't talk to a V1 container registry`);
          expect(requests.map((r) => r.path)).toEqual(['/v2/', '/v1/_ping']);
        },
        async () => {
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
        },
      );
    });

    test('without auth the index sees no credentials', async () => {
      await engine.differs(
        'podman',
        'Podman 4.3\'s search reads credentials only from a registry → AuthConfig map (X-Registry-Config, or a map ' +
          'in X-Registry-Auth); the single AuthConfig of the Engine API, which `auth` sends, is ignored: the ' +
          'registry is asked without credentials with or without `auth`, and refuses (500)',
        async () => {
          for (const opts of [{}, { auth: registryAuth() }]) {
            const err = (await rejection(docker.images.search(catalogTerm, opts))) as DockerApiError;
            expect(err).toBeInstanceOf(DockerApiError);
            expect(err.status).toBe(500);
            expect(err.daemonMessage).toContain('unable to retrieve auth token: invalid username/password: unauthorized: authentication required');
          }
        },
        async () => {
          await docker.images.search(`${index}/dec`);
          expect(searches()).toHaveLength(1);
          expect(searches()[0].authorization).toBeUndefined();
        },
      );
    });

    test('a v2-only registry (the rig\'s): its catalog on Podman, an error on dockerd', async () => {
      await engine.differs(
        'podman',
        'Podman lists the repositories of the registry\'s v2 catalog whose name contains the term, in its own result ' +
          'shape (Index, Name, Description, Stars, Official, Automated, Tag) instead of the Engine API\'s (name, ' +
          'description, star_count, is_official, is_automated) — the typed fields of the result are all absent',
        async () => {
          const { status, body } = await podmanCatalogSearch();
          expect(status).toBe(200);
          const shape = (name: string) => ({ Index: registry().address, Name: name, Description: '', Stars: 0, Official: '', Automated: '', Tag: '' });
          expect(body).toEqual(pushed.map(shape));
          expect((body as ImageSearchResult).map((r) => r.name)).toEqual([undefined, undefined]);
        },
        async () => {
          // dockerd asks the registry for /v1/search, which a v2 registry does not have.
          const err = (await rejection(docker.images.search(catalogTerm, { auth: registryAuth() }))) as DockerApiError;
          expect(err).toBeInstanceOf(DockerApiError);
          expect([err.status, err.daemonMessage]).toEqual([500, 'Unexpected status code 404']);
        },
      );
    });

    test('limit is passed to the index as n (the daemon default is 25)', async () => {
      await engine.differs(
        'podman',
        'Podman applies limit to the catalog entries itself (no v1 index to pass n to)',
        async () => {
          expect(((await podmanCatalogSearch()).body as unknown[]).length).toBe(2);
          const limited = await podmanCatalogSearch({ limit: '1' });
          expect([limited.status, (limited.body as { Name: string }[]).map((r) => r.Name)]).toEqual([200, [pushed[0]]]);
        },
        async () => {
          expect(await docker.images.search(`${index}/dec`, { limit: 2 })).toEqual(entries.slice(0, 2));
          await docker.images.search(`${index}/dec`);
          expect(searches().map((r) => r.query.get('n'))).toEqual(['2', '25']);
        },
      );
    });

    test('the daemon rejects a limit outside 1..100 with its own message', async () => {
      await engine.differs(
        'podman',
        'Podman does not check the limit: 101 is accepted and the search runs',
        async () => {
          const { status, body } = await podmanCatalogSearch({ limit: '101' });
          expect([status, (body as { Name: string }[]).map((r) => r.Name)]).toEqual([200, pushed]);
        },
        async () => {
          const err = (await rejection(docker.images.search(`${index}/dec`, { limit: 101 }))) as DockerApiError;
          expect(err).toBeInstanceOf(DockerApiError);
          expect(err.daemonMessage).toMatch(/101/);
          expect(searches()).toHaveLength(0);
        },
      );
    });

    test('filters are applied by the daemon to the index answer', async () => {
      await engine.differs(
        'podman',
        'Podman applies the filters to the catalog entries (0 stars, not official); when none is left the compat ' +
          'API answers 404 "image not known" instead of an empty list',
        async () => {
          const official = await podmanCatalogSearch({ filters: JSON.stringify({ 'is-official': ['false'] }) });
          expect([official.status, (official.body as { Name: string }[]).map((r) => r.Name)]).toEqual([200, pushed]);
          const starred = await podmanCatalogSearch({ filters: JSON.stringify({ stars: ['5'] }) });
          expect([starred.status, (starred.body as { message: string }).message]).toEqual([404, 'image not known']);
        },
        async () => {
          expect((await docker.images.search(`${index}/dec`, { filters: { stars: 5 } })).map((r) => r.name)).toEqual(['dec/beta', 'dec/gamma']);
          expect((await docker.images.search(`${index}/dec`, { filters: { 'is-official': true } })).map((r) => r.name)).toEqual(['dec/beta']);
          expect((await docker.images.search(`${index}/dec`, { filters: { 'is-official': false, stars: 2 } })).map((r) => r.name)).toEqual(['dec/gamma']);
        },
      );
    });
  });
});

describe('wire format of parameters this engine is too old for (recording fake engine)', () => {
  let engine: RecordingEngine;
  beforeAll(async () => {
    engine = await recordingEngine((req, url) => ({ body: url.pathname.endsWith('/history') || req.method === 'DELETE' ? '[]' : '{}' }));
  });
  afterAll(() => engine.close());
  const withEngine = (version: string, fn: (client: DockerClient) => Promise<unknown>) => engine.withVersion(version, fn);

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
    const [{ url, body, headers }] = await withEngine('1.41', (c) =>
      c.images.commit('ctr', { repo: 'r/s', changes: ['CMD ["sh"]', 'ENV A=b'], config }),
    );
    expect(url.searchParams.get('container')).toBe('ctr');
    expect(url.searchParams.get('repo')).toBe('r/s');
    expect(url.searchParams.get('changes')).toBe('CMD ["sh"]\nENV A=b');
    expect(headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(body)).toEqual(config);
  });

  test('search: auth goes out as X-Registry-Auth, padded base64url JSON', async () => {
    const sent = await withEngine('1.41', (c) => c.images.search('127.0.0.1:1/x', { auth: { username: 'u', password: '??>>' } }));
    const header = sent.find(({ url }) => url.pathname.endsWith('/images/search'))?.headers['x-registry-auth'] as string | undefined;
    expect(header).toMatch(/^[A-Za-z0-9_-]+=*$/);
    expect(JSON.parse(Buffer.from(header!, 'base64url').toString())).toEqual({ username: 'u', password: '??>>' });
  });
});
