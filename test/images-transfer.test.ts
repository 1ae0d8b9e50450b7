/**
 * The streamed image operations against each real engine — dockerd and Podman's Docker-compatible API
 * (test/helpers/engines.ts) — and the real htpasswd registry of the rig: build, push, pull, save, load, import.
 * One body runs per engine; where Podman answers differently the test documents it with `engine.differs(…)`,
 * asserting what Podman does instead. Every image is real (built FROM the rig's busybox image or imported from
 * tar bytes made here); what went into an image is proven by saving it and reading its layer tars. Builds always
 * use network "none". No mocks.
 *
 * Podman talks to the loopback registry over plain http without any `tlsVerify=false` query parameter: the rig's
 * registries.conf for the podman service marks that registry insecure (and lists no unqualified-search registry,
 * so no short name can send Podman to docker.io).
 */
import { createHash, randomBytes } from 'node:crypto';
import fs, { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tarStream from 'tar-stream';
import { DockerAbortError, DockerApiError, DockerClient, DockerError, DockerInputError, DockerStreamError } from '../src/index';
import { engines } from './helpers/engines';
import { baseImage, registry } from './helpers/env';
import { savedDigests, savedImageFiles } from './helpers/image-tar';

describe.each(engines())('$name', (engine) => {
  let docker: DockerClient;
  let work: string;
  /** Unique per run and engine, so parallel test files, repeated runs and the two engines never share names. */
  const run = `${engine.name}-${process.pid}-${randomBytes(3).toString('hex')}`;
  /** How the engine reports a name it was given (Podman qualifies every name; see Engine.reportedName). */
  const reported = (name: string) => engine.reportedName(name);
  const created = new Set<string>();

  beforeAll(async () => {
    docker = engine.client();
    work = await mkdtemp(path.join(tmpdir(), 'dec-xfer-'));
  });

  afterAll(async () => {
    if (docker === undefined) return; // the engine was missing: every test already failed saying so
    for (const name of created) {
      await docker.images.remove(name, { force: true }).catch(() => {});
    }
    await docker.close();
    await rm(work, { recursive: true, force: true });
  });

  /** A build context directory holding `files` (relative path → content). */
  async function contextDir(name: string, files: Record<string, string>): Promise<string> {
    const dir = path.join(work, name);
    for (const [rel, content] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
      await writeFile(path.join(dir, rel), content);
    }
    return dir;
  }

  /** Build a small unique image FROM the base image; returns its ID. */
  async function buildTagged(tag: string, marker: string): Promise<string> {
    const dir = await contextDir(`img-${marker}`, { Dockerfile: `FROM ${baseImage()}\nLABEL dec.marker=${marker}\n` });
    created.add(tag);
    const { id } = await docker.images.build(dir, { t: tag, networkmode: 'none', forcerm: true });
    return id;
  }

  /** Containers (any state) whose command line contains `marker`. */
  async function containersWith(marker: string) {
    const { data } = await docker.api.GET('/containers/json', { params: { query: { all: true } } });
    return (data ?? []).filter((c) => (c.Command ?? '').includes(marker));
  }

  /**
   * Podman only: buildah's working containers for builds FROM the image repository `repo` (buildah names them
   * `<repo>-working-container[-N]`). The compat /containers/json never lists them; libpod's list does with
   * `external=true`. A build FROM a repository tagged for one test makes them identifiable.
   */
  async function podmanWorkingContainers(repo: string): Promise<{ Id: string; Names: string[] }[]> {
    const res = await docker.raw.request({ method: 'GET', path: '/libpod/containers/json?all=true&external=true' });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`libpod containers list answered ${res.status}: ${text}`);
    const name = `${repo}-working-container`;
    return (JSON.parse(text) as { Id: string; Names: string[] }[]).filter((c) => c.Names.some((n) => n === name || n.startsWith(`${name}-`)));
  }

  /** The base image under a repository name of its own (removed in afterAll), for `podmanWorkingContainers`. */
  async function privateBase(repo: string): Promise<string> {
    await docker.images.tag(baseImage(), { repo, tag: 'base' });
    created.add(`${repo}:base`);
    return `${repo}:base`;
  }

  describe('images.build', () => {
    test('a directory: custom Dockerfile path, buildargs, labels, multi-stage target, .dockerignore', async () => {
      const dir = await contextDir('ctx', {
        'docker/Build.dockerfile': [
          `FROM ${baseImage()} AS base`,
          'ARG GREETING=unset',
          'RUN echo "$GREETING" > /greeting',
          'COPY . /ctx/',
          'FROM base AS extra',
          'RUN echo extra > /extra-stage',
          '',
        ].join('\n'),
        'keep.txt': 'kept\n',
        'secret.txt': 'must not reach the daemon\n',
        'nested/also-secret.txt': 'nor this\n',
        '.dockerignore': 'secret.txt\nnested\n',
      });
      const tags = [`dec-xfer-build-${run}:one`, `dec-xfer-build-${run}:two`];
      tags.forEach((t) => created.add(t));
      const op = docker.images.build(dir, {
        dockerfile: 'docker/Build.dockerfile',
        t: tags,
        buildargs: { GREETING: 'hello-from-buildarg' },
        labels: { 'dec.test.label': 'label value with spaces' },
        target: 'base',
        networkmode: 'none',
        forcerm: true,
      });
      const output: string[] = [];
      for await (const event of op) if (event.stream) output.push(event.stream);
      const result = await op;

      // The typed events are the builder's own output.
      expect(output.join('')).toContain('RUN echo "$GREETING" > /greeting');
      expect(result.id).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(result.tags.sort()).toEqual([...tags].sort());
      const taggedLines = output
        .join('')
        .split('\n')
        .filter((line) => line.startsWith('Successfully tagged '))
        .map((line) => line.slice('Successfully tagged '.length));
      engine.differs(
        'podman',
        'Podman reports every tag twice, first fully qualified, then (after the image ID) in the given form; ' +
          'result.tags holds each once',
        () => expect(taggedLines).toEqual([...tags.map(reported), ...tags]),
        () => expect(taggedLines).toEqual(tags),
      );

      const image = await docker.images.inspect(tags[0]);
      expect(image.Id).toBe(result.id);
      expect(image.RepoTags?.sort()).toEqual(tags.map(reported).sort());
      expect(image.Config?.Labels?.['dec.test.label']).toBe('label value with spaces');

      const { files, entries, links } = await savedImageFiles(await docker.images.save(tags[0]));
      const layerLinks = [...links].filter(([name]) => name.endsWith('/layer.tar'));
      engine.differs(
        'podman',
        'Podman\'s save archive keeps each layer as <digest>.tar at its top level; <id>/layer.tar is only a symlink ' +
          'to it (dockerd: the layer itself). savedImageFiles reads both layouts',
        () => {
          expect(layerLinks.length).toBeGreaterThan(0);
          for (const [, target] of layerLinks) {
            expect(target).toMatch(/^\.\.\/[0-9a-f]{64}\.tar$/);
            expect(entries).toContain(target.slice('../'.length));
          }
        },
        () => {
          expect(layerLinks).toEqual([]);
          expect(entries.filter((e) => e.endsWith('/layer.tar')).length).toBeGreaterThan(0);
        },
      );
      expect(files.get('greeting')?.content).toBe('hello-from-buildarg\n');
      expect(files.get('ctx/keep.txt')?.content).toBe('kept\n');
      expect(files.has('ctx/docker/Build.dockerfile')).toBe(true);
      // .dockerignore: excluded from the context, so absent from every layer.
      expect(files.has('ctx/secret.txt')).toBe(false);
      expect([...files.keys()].filter((f) => f.startsWith('ctx/nested'))).toEqual([]);
      // target "base": the later stage was not built.
      expect(files.has('extra-stage')).toBe(false);
    });

    /** Why the container checks of the next two tests differ (and what they look at on Podman instead). */
    const buildContainersWhy =
      'Podman runs RUN steps in buildah working containers, which its compat /containers/json never lists (observed: ' +
      '[] while the step runs); libpod\'s list shows them with external=true, named after the FROM repository';

    test('a failing RUN rejects with the daemon text and, with forcerm, leaves no container', async () => {
      const marker = `dec-fail-${run}`;
      const baseRepo = `dec-xfer-failbase-${run}`;
      const dir = await contextDir('failing', { Dockerfile: `FROM ${await privateBase(baseRepo)}\nRUN echo ${marker} && exit 7\n` });
      const noContainerLeft = () =>
        engine.differs(
          'podman',
          buildContainersWhy,
          async () => {
            expect(await containersWith(marker)).toEqual([]);
            expect(await podmanWorkingContainers(baseRepo)).toEqual([]);
          },
          async () => expect(await containersWith(marker)).toEqual([]),
        );
      await noContainerLeft();

      const err = await docker.images.build(dir, { networkmode: 'none', forcerm: true }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(DockerStreamError);
      const streamErr = err as DockerStreamError;
      expect(streamErr.operation).toBe('build');
      expect(streamErr.daemonMessage).toContain(marker);
      engine.differs(
        'podman',
        'Podman (buildah) words a failed step as "building at STEP \"<instruction>\": while running runtime: exit ' +
          'status N" (with a trailing newline) and its errorDetail has no exit code',
        () => {
          expect(streamErr.daemonMessage).toBe(`building at STEP "RUN echo ${marker} && exit 7": while running runtime: exit status 7\n`);
          expect(streamErr.detail).toEqual({ message: streamErr.daemonMessage });
        },
        () => {
          expect(streamErr.daemonMessage).toMatch(/returned a non-zero code: 7/);
          expect(streamErr.detail?.code).toBe(7);
        },
      );
      await noContainerLeft();
    });

    test('aborting during a slow RUN step rejects with DockerAbortError and the engine stops the build', async () => {
      const marker = `dec-abort-${run}`;
      const baseRepo = `dec-xfer-abortbase-${run}`;
      const dir = await contextDir('slow', { Dockerfile: `FROM ${await privateBase(baseRepo)}\nRUN echo ${marker} && sleep 30\n` });
      /** Polls (200 ms apart, at most `tries` times) until `done()`; the caller asserts afterwards. */
      const waitFor = async (done: () => Promise<boolean>, tries: number) => {
        for (let i = 0; i < tries && !(await done()); i++) await new Promise((r) => setTimeout(r, 200));
      };
      const ac = new AbortController();
      const op = docker.images.build(dir, { networkmode: 'none', forcerm: true, signal: ac.signal, t: `dec-xfer-aborted-${run}` });
      let runningSeen = false;
      const outcome = await (async () => {
        for await (const event of op) {
          // The step's own output: its container is running the sleep now.
          // The echo's own output line (the step header line also contains the marker, before anything runs): the
          // step's container exists and is in its sleep. (Its listed State can still read "created" at this point.)
          if (event.stream?.trim() === marker) {
            runningSeen = true;
            await engine.differs(
              'podman',
              buildContainersWhy,
              async () => {
                expect(await containersWith(marker)).toEqual([]);
                expect(await podmanWorkingContainers(baseRepo)).toHaveLength(1);
              },
              async () => expect(await containersWith(marker)).toHaveLength(1),
            );
            ac.abort();
          }
        }
      })().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(runningSeen).toBe(true);
      expect(outcome).toBeInstanceOf(DockerAbortError);
      await expect(op).rejects.toBeInstanceOf(DockerAbortError);

      await engine.differs(
        'podman',
        'Podman 4.3 does not stop a build whose client went away: the RUN step runs to its end (the 30 s sleep), ' +
          'only then is its working container removed; nothing gets tagged',
        async () => {
          const gone = async () => (await podmanWorkingContainers(baseRepo)).length === 0;
          // The same bounded wait in which dockerd has removed its step container: Podman's is still there.
          await waitFor(gone, 100);
          expect(await podmanWorkingContainers(baseRepo)).toHaveLength(1);
          // It goes once the sleep ended by itself.
          await waitFor(gone, 100);
          expect(await podmanWorkingContainers(baseRepo)).toEqual([]);
        },
        async () => {
          // The engine kills and removes the step's container once the client is gone (bounded wait, then assert).
          await waitFor(async () => (await containersWith(marker)).length === 0, 100);
          expect(await containersWith(marker)).toEqual([]);
        },
      );
      await expect(docker.images.inspect(`dec-xfer-aborted-${run}`)).rejects.toMatchObject({ status: 404 });
    }, 90_000);

    test('bad options reject before anything is sent', async () => {
      const dir = await contextDir('bad-opts', { Dockerfile: `FROM ${baseImage()}\n` });
      await expect(docker.images.build(dir, { t: 'Not/Valid:Ref', networkmode: 'none' })).rejects.toBeInstanceOf(DockerInputError);
      await expect(
        docker.images.build(dir, { buildargs: { N: 1 as unknown as string }, networkmode: 'none' }),
      ).rejects.toThrow(/buildargs\["N"\] must be a string/);
    });
  });

  describe('push and pull with the htpasswd registry', () => {
    test('the right password pushes, a wrong one is refused, pull with auth brings back the same image', async () => {
      const reg = registry();
      const auth = { username: reg.username, password: reg.password, serveraddress: reg.address };
      // The rig's password makes the STANDARD base64 of the auth JSON contain both '+' and '/': a header sent in
      // that alphabet would not decode, and the daemon would go anonymous (and the push would fail).
      const standard = Buffer.from(JSON.stringify(auth)).toString('base64');
      expect(standard).toContain('+');
      expect(standard).toContain('/');

      const local = `dec-xfer-push-${run}:src`;
      const id = await buildTagged(local, `push-${run}`);
      const remote = `${reg.address}/dec-xfer/push-${run}`;
      await docker.images.tag(local, { repo: remote, tag: 'v1' });
      created.add(`${remote}:v1`);

      const refused = await docker.images.push(`${remote}:v1`, { auth: { ...auth, password: `${reg.password}-wrong` } }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(refused).toBeInstanceOf(DockerStreamError);
      expect((refused as DockerStreamError).daemonMessage).toMatch(/unauthorized|authentication required/);
      // The credentials never appear in what was thrown.
      expect(JSON.stringify({ ...(refused as object), message: (refused as Error).message })).not.toContain(reg.password);

      const push = docker.images.push(`${remote}:v1`, { auth });
      const pushEvents: { status?: string; aux?: unknown }[] = [];
      for await (const event of push) pushEvents.push(event);
      const pushed = await push;
      engine.differs(
        'podman',
        'Podman ends a push without an aux message: tag, digest and size come only from its ' +
          '"<tag>: digest: <digest> size: <n>" status line',
        () => {
          expect(pushEvents.filter((e) => e.aux !== undefined)).toEqual([]);
          expect(pushEvents.map((e) => e.status)).toContain(`v1: digest: ${pushed.digest} size: ${pushed.size}`);
        },
        () => expect(pushEvents.filter((e) => e.aux !== undefined).map((e) => e.aux)).toEqual([{ Tag: 'v1', Digest: pushed.digest, Size: pushed.size }]),
      );
      expect(pushed.tag).toBe('v1');
      expect(pushed.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(pushed.size).toBeGreaterThan(0);

      await docker.images.remove(`${remote}:v1`);
      await docker.images.remove(local);
      await expect(docker.images.inspect(id)).rejects.toMatchObject({ status: 404 });

      // Without credentials the registry refuses: proof that the pull below used them.
      const anonymous = await docker.images.pull(`${remote}:v1`).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(anonymous).toBeInstanceOf(DockerError);
      expect((anonymous as DockerError).message).toMatch(/no basic auth credentials|unauthorized|authentication required/);

      const pull = docker.images.pull(`${remote}:v1`, { auth });
      const statuses: string[] = [];
      for await (const event of pull) if (event.status) statuses.push(event.status);
      const pulled = await pull;
      engine.differs(
        'podman',
        'Podman\'s pull progress has neither a "Digest: …" nor a "Status: …" line: it ends with "Download complete" ' +
          'carrying the short image ID, so the result has that ID and no digest',
        () => {
          expect(statuses.filter((s) => /^(Digest|Status): /.test(s))).toEqual([]);
          expect(pulled).toEqual({ status: 'Download complete', id: id.replace(/^sha256:/, '').slice(0, 12) });
        },
        () => {
          expect(statuses).toContain(`Digest: ${pushed.digest}`);
          expect(pulled.digest).toBe(pushed.digest);
          expect(pulled.status).toMatch(/^Status: Downloaded newer image for /);
        },
      );
      expect((await docker.images.inspect(`${remote}:v1`)).Id).toBe(id);
    });

    test('invalid references are refused before contacting anything', async () => {
      await expect(docker.images.pull('dec/Upper:v1')).rejects.toThrow(/images\.pull: invalid image reference "dec\/Upper:v1": uppercase/);
      await expect(docker.images.push('localhost:5000/x@sha256:' + 'a'.repeat(64))).rejects.toThrow(/cannot push by digest/);
      await expect(docker.images.push('bad ref')).rejects.toBeInstanceOf(DockerInputError);
    });

    test('pushing an image that does not exist locally rejects with the daemon message', async () => {
      const name = `${registry().address}/dec-xfer/never-built-${run}`;
      const err = await docker.images.push(`${name}:v1`).then(
        () => undefined,
        (e: unknown) => e,
      );
      engine.differs(
        'podman',
        'Podman looks the image up before answering: HTTP 404 (an API error, not a stream error) "failed to find ' +
          'image <ref>: <ref>: image not known"',
        () => {
          expect(err).toBeInstanceOf(DockerApiError);
          expect((err as DockerApiError).status).toBe(404);
          expect((err as DockerApiError).daemonMessage).toBe(`failed to find image ${name}:v1: ${name}:v1: image not known`);
        },
        () => {
          // dockerd answers 200, writes "The push refers to repository …" and then the error line: a stream error.
          expect(err).toBeInstanceOf(DockerStreamError);
          expect((err as DockerStreamError).daemonMessage).toBe(`An image does not exist locally with the tag: ${name}`);
        },
      );
    });
  });

  describe('save, load, import', () => {
    test('save one image → remove → load from the .tar file → same ID', async () => {
      const tag = `dec-xfer-save1-${run}:v1`;
      const id = await buildTagged(tag, `save1-${run}`);
      const file = path.join(work, 'one.tar');
      await pipeline(await docker.images.save(tag), createWriteStream(file));
      await docker.images.remove(tag);
      await expect(docker.images.inspect(id)).rejects.toMatchObject({ status: 404 });

      const loaded = await docker.images.load(file);
      expect(loaded.names).toEqual([tag]);
      expect((await docker.images.inspect(tag)).Id).toBe(id);
    });

    test('save → the default fs.createWriteStream on a slow disk: the file is the image, byte for byte', async () => {
      // 8 MB of layer: several times the body reader's read-ahead, so it coalesces again and again.
      const tag = `dec-xfer-digest-${run}:v1`;
      const dir = await contextDir('digest', { Dockerfile: 'FROM scratch\nCOPY big /big\n', big: randomBytes(6 << 20).toString('base64') });
      created.add(tag);
      const { id } = await docker.images.build(dir, { t: tag, networkmode: 'none', forcerm: true });
      // Every file write waits a little, so the reader coalesces what arrives meanwhile — into its reused buffers
      // (transport/coalesce-buffer.ts): a buffer overwritten too early would corrupt the file.
      const write = fs.write;
      const slow = jest.spyOn(fs, 'write').mockImplementation(((...args: unknown[]) => {
        setTimeout(() => (write as (...a: unknown[]) => void)(...args), 2);
      }) as unknown as typeof fs.write);
      const file = path.join(work, 'digest.tar');
      try {
        await pipeline(await docker.images.save(tag), createWriteStream(file));
      } finally {
        slow.mockRestore();
      }
      const digests = await savedDigests(createReadStream(file));
      expect(digests.config).toBe(id);
      expect(digests.layers.length).toBeGreaterThan(0);
      expect(digests.layers).toEqual(digests.diffIds);
    });

    test('save several images → remove → load from a Node Readable → same IDs', async () => {
      const a = `dec-xfer-save2a-${run}:v1`;
      const b = `dec-xfer-save2b-${run}:v1`;
      const idA = await buildTagged(a, `save2a-${run}`);
      const idB = await buildTagged(b, `save2b-${run}`);
      const file = path.join(work, 'several.tar');
      await pipeline(await docker.images.save([a, b]), createWriteStream(file));
      const { entries } = await savedImageFiles(createReadStream(file));
      expect(entries).toContain('manifest.json');

      await docker.images.remove(a);
      await docker.images.remove(b);
      const op = docker.images.load(createReadStream(file));
      const lines: string[] = [];
      for await (const event of op) if (event.stream) lines.push(event.stream.trim());
      const loaded = await op;
      engine.differs(
        'podman',
        'Podman reports a load in one "Loaded image: …" line, the fully qualified names joined by commas',
        () => {
          expect(lines).toHaveLength(1);
          expect(lines[0]).toMatch(/^Loaded image: /);
          expect(lines[0].slice('Loaded image: '.length).split(',').sort()).toEqual([a, b].map(reported).sort());
        },
        () => expect(lines.sort()).toEqual([`Loaded image: ${a}`, `Loaded image: ${b}`].sort()),
      );
      expect(loaded.names.sort()).toEqual([a, b].sort());
      expect((await docker.images.inspect(a)).Id).toBe(idA);
      expect((await docker.images.inspect(b)).Id).toBe(idB);
    });

    test('platform on an engine API that predates it is refused, not silently ignored', async () => {
      const version = await docker.negotiate();
      const platform = { os: 'linux', architecture: 'amd64' };
      if (Number(version.split('.')[1]) >= 48) {
        // A new enough engine takes it: nothing to refuse.
        const tar = await docker.images.save(baseImage(), { platform });
        tar.destroy();
      } else {
        await expect(docker.images.save(baseImage(), { platform })).rejects.toThrow(/images\.save: option "platform" needs Engine API v1\.48/);
        await expect(docker.images.load(Buffer.alloc(0), { platform })).rejects.toThrow(/images\.load: option "platform" needs Engine API v1\.48/);
      }
    });

    test('save of an unknown image rejects with the API error instead of yielding its text as tar', async () => {
      const err = await docker.images.save(`dec-no-such-image-${run}:never`).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(DockerApiError);
      expect((err as DockerApiError).status).toBe(404);
      const name = `dec-no-such-image-${run}:never`;
      // The engine's text for an unknown name:tag, never tar bytes.
      engine.differs(
        'podman',
        'Podman words a missing image as "failed to find image <name>: <qualified name>: image not known"',
        () => expect((err as DockerApiError).daemonMessage).toBe(`failed to find image ${name}: ${reported(name)}: image not known`),
        () => expect((err as DockerApiError).daemonMessage).toMatch(/reference does not exist|No such image/),
      );
    });

    test('load of bytes that are not an image archive rejects with the daemon text', async () => {
      const err = await docker.images.load(Buffer.from('this is not a tar archive')).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(DockerError);
      expect((err as DockerError).message).toMatch(/tar|EOF|archive/i);
    });

    test('import and load of multi-MiB tar files keep every byte (files are sent from reused read buffers)', async () => {
      // 5 MiB + a bit of random data: several full 1 MiB reads and a short last one (src/bodies/file-chunks.ts).
      const data = randomBytes(5 * 1024 * 1024 + 12345);
      const pack = tarStream.pack();
      pack.entry({ name: 'big.bin', mode: 0o644 }, data);
      pack.finalize();
      const rootfs = path.join(work, 'big-rootfs.tar');
      await pipeline(Readable.from(pack as AsyncIterable<Uint8Array>), createWriteStream(rootfs));
      const name = `dec-xfer-big-${run}:latest`;
      created.add(name);
      const { id } = await docker.images.import(rootfs, { repo: name.split(':')[0], tag: 'latest' });
      const saved = path.join(work, 'big-saved.tar');
      await pipeline(await docker.images.save(name), createWriteStream(saved));
      const { files } = await savedImageFiles(createReadStream(saved));
      expect(files.get('big.bin')?.sha256).toBe(createHash('sha256').update(data).digest('hex'));

      // The engine checks every layer of a loaded archive against the image's diff IDs: a changed byte fails the load.
      await docker.images.remove(name);
      await expect(docker.images.inspect(id)).rejects.toMatchObject({ status: 404 });
      await docker.images.load(saved);
      expect((await docker.images.inspect(id)).Id).toBe(id);
    });

    test('import a root file system tar with changes (CMD, ENV) and a message', async () => {
      // A tiny root file system, packed here: real tar bytes, streamed from tar-stream's pack.
      const pack = tarStream.pack();
      pack.entry({ name: 'etc', type: 'directory', mode: 0o755 });
      pack.entry({ name: 'etc/imported.txt', mode: 0o644 }, `imported ${run}\n`);
      pack.finalize();
      const repo = `dec-xfer-import-${run}`;
      created.add(`${repo}:v1`);
      created.add(`${repo}:latest`);
      // (TarSource's type does not list streamx streams, though tarBody accepts them; it is async-iterable too.)
      const { id } = await docker.images.import(pack as AsyncIterable<Uint8Array>, {
        repo,
        tag: 'v1',
        changes: ['CMD ["/bin/sh", "-c", "cat /etc/imported.txt"]', 'ENV DEC_IMPORTED=yes'],
        message: `imported by ${run}`,
      });
      expect(id).toMatch(/^sha256:[0-9a-f]{64}$/);

      const name = await engine.differs(
        'podman',
        'Podman\'s import ignores the `tag` parameter: the image is tagged <repo>:latest (a tag written into `repo` ' +
          'itself, repo=name:tag, is honoured)',
        async () => {
          await expect(docker.images.inspect(`${repo}:v1`)).rejects.toMatchObject({ status: 404 });
          expect((await docker.images.inspect(`${repo}:latest`)).RepoTags).toEqual([reported(`${repo}:latest`)]);
          return `${repo}:latest`;
        },
        async () => {
          expect((await docker.images.inspect(`${repo}:v1`)).RepoTags).toEqual([`${repo}:v1`]);
          return `${repo}:v1`;
        },
      );
      const image = await docker.images.inspect(name);
      expect(image.Id).toBe(id);
      expect(image.Config?.Cmd).toEqual(['/bin/sh', '-c', 'cat /etc/imported.txt']);
      expect(image.Config?.Env).toContain('DEC_IMPORTED=yes');
      expect(image.Comment).toBe(`imported by ${run}`);
      const { files } = await savedImageFiles(await docker.images.save(name));
      expect(files.get('etc/imported.txt')?.content).toBe(`imported ${run}\n`);
    });
  });
});
