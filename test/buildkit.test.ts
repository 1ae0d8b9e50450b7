/**
 * BuildKit builds (`version: '2'`) against the real engines of the rig: decoded trace events and the step view,
 * the cache mount, `target` and buildargs, the failing step named in the rejection, abort, and registry
 * credentials through a build session (FROM an image only the htpasswd registry has).
 *
 * Podman's Docker-compatible API ignores `version=2` (buildah builds, and answers like the classic builder) and
 * has no `POST /session` (404): every test asserts what Podman does instead. Builds use network "none"; the only
 * traffic is to the loopback registry, from the engine.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DockerAbortError, DockerBuildError, DockerClient, DockerStreamError, type BuildEvent, type BuildOptions } from '../src/index';
import { BuildkitSteps } from '../src/images/buildkit-steps';
import { engines } from './helpers/engines';
import { baseImage, registry } from './helpers/env';

/** Host processes whose command line contains `marker` (BuildKit's RUN containers are not in /containers/json). */
function processesWith(marker: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(marker)) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** Polls (200 ms apart, at most `tries` times) until `done()`; the caller asserts afterwards. */
async function waitFor(done: () => boolean, tries: number): Promise<void> {
  for (let i = 0; i < tries && !done(); i++) await new Promise((r) => setTimeout(r, 200));
}

describe.each(engines())('$name', (engine) => {
  let docker: DockerClient;
  let work: string;
  const run = `${engine.name}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const created = new Set<string>();
  const ignoresVersion2 =
    'Podman ignores version=2: buildah builds and answers like the classic builder (STEP lines in `stream`, no ' +
    'moby.buildkit.trace lines), and has no POST /session (404)';

  beforeAll(async () => {
    docker = engine.client();
    work = await mkdtemp(path.join(tmpdir(), 'dec-bk-'));
  });

  afterAll(async () => {
    if (docker === undefined) return;
    for (const name of created) await docker.images.remove(name, { force: true }).catch(() => {});
    await docker.close();
    await rm(work, { recursive: true, force: true });
  });

  async function contextDir(name: string, dockerfile: string): Promise<string> {
    const dir = path.join(work, name);
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, 'Dockerfile'), dockerfile);
    return dir;
  }

  /** Runs a BuildKit build, collecting its events and the step view folded from them. */
  async function build(dir: string, opts: BuildOptions) {
    const op = docker.images.build(dir, { version: '2', networkmode: 'none', ...opts });
    const events: BuildEvent[] = [];
    const steps = new BuildkitSteps();
    try {
      for await (const e of op) {
        events.push(e);
        if (e.buildkit) steps.update(e.buildkit);
      }
    } catch {
      // the awaited result below rejects with the same error
    }
    return { events, steps, result: op.then((r) => r) };
  }

  test('multi-stage build: cache mount, target, buildargs; decoded steps, RUN output, cached rebuild, id and tags', async () => {
    const marker = `bk-ms-${run}`;
    const dir = await contextDir(
      'multi',
      [
        `FROM ${baseImage()} AS base`,
        'ARG GREETING',
        'RUN --mount=type=cache,target=/c echo "$GREETING" >> /c/log && echo "cache-lines=$(wc -l < /c/log)" && echo "$GREETING" > /greeting',
        'FROM base AS final',
        `RUN echo ${marker} && cat /greeting`,
        'FROM final AS after',
        'RUN exit 9',
        '',
      ].join('\n'),
    );
    const tags = [`dec-bk-${run}:one`, `dec-bk-${run}:two`];
    tags.forEach((t) => created.add(t));
    const opts: BuildOptions = { t: tags, target: 'final', buildargs: { GREETING: `hello-${run}` } };
    const first = await build(dir, opts);
    const { id } = await first.result;
    expect(id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect((await docker.images.inspect(tags[0])).Id).toBe(id);

    await engine.differs(
      'podman',
      ignoresVersion2,
      async () => {
        expect(first.events.some((e) => e.buildkit !== undefined || e.id === 'moby.buildkit.trace')).toBe(false);
        const text = first.events.map((e) => e.stream ?? '').join('');
        expect(text).toMatch(/^\[1\/2\] STEP 3\/3: RUN --mount=type=cache,target=\/c /m);
        expect(text).toMatch(/^cache-lines=\d+$/m);
        expect(text).toContain(`hello-${run}`);
        expect(text).not.toContain('exit 9'); // target: the stage after `final` is not built
      },
      async () => {
        const names = first.steps.steps.map((s) => s.name);
        const cacheStep = first.steps.steps.find((s) => /^\[base 2\/2\] RUN --mount=type=cache,target=\/c /.test(s.name));
        const finalStep = first.steps.steps.find((s) => s.name === `[final 1/1] RUN echo ${marker} && cat /greeting`) ??
          first.steps.steps.find((s) => s.name.includes(`RUN echo ${marker}`));
        expect(names).toEqual(expect.arrayContaining([expect.stringMatching(/FROM docker\.io\/library\/dec-busybox:latest/), 'exporting to image']));
        expect(names.some((n) => n.includes('exit 9'))).toBe(false); // target: the stage after `final` is not built
        expect(cacheStep).toBeDefined();
        expect(finalStep).toBeDefined();
        // RUN output, decoded from the trace, as lines of the step that printed them.
        const lines = cacheStep!.logs.map((l) => /^cache-lines=(\d+)$/.exec(l)?.[1]).filter(Boolean);
        expect(lines).toHaveLength(1);
        expect(finalStep!.logs).toEqual([marker, `hello-${run}`]);
        expect(cacheStep!.cached).toBe(false);
        expect(cacheStep!.durationMs).toBeGreaterThanOrEqual(0);
        // Raw events keep `id` and `aux` as sent, next to the decoded status.
        const trace = first.events.find((e) => e.buildkit)!;
        expect(trace.id).toBe('moby.buildkit.trace');
        expect(typeof trace.aux).toBe('string');
        expect(Array.isArray(trace.buildkit!.vertexes)).toBe(true);
        expect(await first.result).toEqual({ id, tags });

        // The same build again: every RUN comes from the cache, same image.
        const again = await build(dir, opts);
        expect((await again.result).id).toBe(id);
        const runs = again.steps.steps.filter((s) => / RUN /.test(s.name));
        expect(runs.length).toBe(2);
        for (const s of runs) expect(s.cached).toBe(true);

        // Another buildarg: the RUN runs again and finds the cache mount's earlier content.
        const third = await build(dir, { ...opts, buildargs: { GREETING: `bye-${run}` } });
        const thirdId = (await third.result).id;
        expect(thirdId).not.toBe(id);
        const count = (s: BuildkitSteps) =>
          Number(s.steps.flatMap((x) => x.logs).map((l) => /^cache-lines=(\d+)$/.exec(l)?.[1]).find(Boolean));
        expect(count(third.steps)).toBe(count(first.steps) + 1);
      },
    );
  }, 120_000);

  test('a failing RUN rejects naming the step and carrying its output', async () => {
    const marker = `bk-fail-${run}`;
    const dir = await contextDir('fail', `FROM ${baseImage()}\nRUN echo ${marker} && exit 3\n`);
    const { result } = await build(dir, {});
    const err = (await result.then(
      () => undefined,
      (e: unknown) => e,
    )) as DockerStreamError;
    expect(err).toBeInstanceOf(DockerStreamError);
    expect(err.operation).toBe('build');
    engine.differs(
      'podman',
      ignoresVersion2,
      () => {
        expect(err).not.toBeInstanceOf(DockerBuildError);
        expect(err.daemonMessage).toBe(`building at STEP "RUN echo ${marker} && exit 3": while running runtime: exit status 3\n`);
      },
      () => {
        expect(err).toBeInstanceOf(DockerBuildError);
        const step = (err as DockerBuildError).step;
        expect(err.daemonMessage).toBe(`executor failed running [/bin/sh -c echo ${marker} && exit 3]: exit code: 3`);
        expect(step.name).toBe(`[2/2] RUN echo ${marker} && exit 3`);
        expect(step.logs).toEqual([marker]);
        expect(err.message).toBe(
          `build failed: executor failed running [/bin/sh -c echo ${marker} && exit 3]: exit code: 3\n` +
            `step [2/2] RUN echo ${marker} && exit 3 failed; its last output:\n  ${marker}`,
        );
      },
    );
  }, 60_000);

  test('abort during a RUN rejects with DockerAbortError and the engine stops the build', async () => {
    const marker = `bk-abort-${run}`;
    const tag = `dec-bk-aborted-${run}:1`;
    // Not ending in the sleep: busybox sh would exec it, and the marker would leave the process's command line.
    const dir = await contextDir('abort', `FROM ${baseImage()}\nRUN echo ${marker} && sleep 25 && echo ${marker}-done\n`);
    const ac = new AbortController();
    const op = docker.images.build(dir, { version: '2', networkmode: 'none', signal: ac.signal, t: tag });
    let running: number[] = [];
    const outcome = await (async () => {
      for await (const e of op) {
        const printed = e.buildkit
          ? e.buildkit.logs.some((l) => Buffer.from(l.msg).toString().trim() === marker)
          : e.stream?.trim() === marker;
        if (printed) {
          running = processesWith(`${marker} && sleep`);
          ac.abort();
        }
      }
    })().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(running.length).toBeGreaterThan(0); // the step's shell was running when the signal fired
    expect(outcome).toBeInstanceOf(DockerAbortError);
    await expect(op).rejects.toBeInstanceOf(DockerAbortError);
    await waitFor(() => processesWith(`${marker} && sleep`).length === 0, 50);
    engine.differs(
      'podman',
      'Podman 4.3 does not stop a build whose client went away: the RUN step runs to its end',
      () => expect(processesWith(`${marker} && sleep`).length).toBeGreaterThan(0),
      () => expect(processesWith(`${marker} && sleep`)).toEqual([]),
    );
    await expect(docker.images.inspect(tag)).rejects.toMatchObject({ status: 404 });
  }, 90_000);

  describe('a FROM image only the htpasswd registry has', () => {
    const reg = registry();
    const base = `${reg.address}/private/base-${run}`;
    const ref = `${base}:1`;
    const good = { [reg.address]: { username: reg.username, password: reg.password } };
    let dir: string;

    beforeAll(async () => {
      await docker.images.tag(baseImage(), { repo: base, tag: '1' });
      await docker.images.push(ref, { auth: { username: reg.username, password: reg.password, serveraddress: reg.address } });
      await docker.images.remove(ref);
      await expect(docker.images.inspect(ref)).rejects.toMatchObject({ status: 404 });
      dir = await contextDir('private', `FROM ${ref}\nRUN echo built-on-private\n`);
    });

    /** Podman keeps what a build pulled in its image store; every test starts with the base only in the registry. */
    beforeEach(async () => {
      await docker.images.remove(ref, { force: true }).catch(() => {});
    });

    /** The build's rejection, checked to carry no secret anywhere. */
    async function failure(opts: BuildOptions): Promise<DockerStreamError> {
      const { result } = await build(dir, opts);
      const err = (await result.then(
        () => undefined,
        (e: unknown) => e,
      )) as DockerStreamError;
      expect(err).toBeInstanceOf(DockerStreamError);
      for (const text of [err.message, String(err.stack), JSON.stringify(err), err.daemonMessage]) {
        expect(text).not.toContain(reg.password);
        expect(text).not.toContain('wrong-pass');
      }
      return err;
    }

    test('without credentials the build rejects with the registry refusal', async () => {
      const err = await failure({});
      engine.differs(
        'podman',
        ignoresVersion2,
        () => expect(err.daemonMessage).toMatch(/unauthorized|authentication required/i),
        // The session is open (BuildKit builds always get one), so BuildKit tries anonymously and reports the
      // registry's answer; without a session dockerd 20.10 would only say "no active sessions".
      () => expect(err.daemonMessage).toMatch(new RegExp(`pulling from host ${reg.address.replace(/\./g, '\\.')} failed with status code \\[manifests 1\\]: 401 Unauthorized`)),
      );
    }, 60_000);

    test('a wrong password rejects', async () => {
      const err = await failure({ registryConfig: { [reg.address]: { username: reg.username, password: 'wrong-pass' } } });
      expect(err.daemonMessage).toMatch(/401 Unauthorized|unauthorized|authentication required/i);
    }, 60_000);

    test('credentials for this registry through the session: the build succeeds; other hosts are never given them', async () => {
      const asked: string[] = [];
      const { result } = await build(dir, {
        registryConfig: { ...good, 'other.example:5000': { username: 'x', password: 'other-secret' } },
        credentials: async (host) => {
          asked.push(host);
          return undefined;
        },
        t: `dec-bk-private-${run}:1`,
      });
      created.add(`dec-bk-private-${run}:1`);
      expect((await result).id).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(asked).toEqual([]); // registryConfig named the registry; the fallback lookup was not needed
    }, 60_000);

    test('by default, the credentials `docker login` stored (config.json via docker.auth)', async () => {
      const config = await mkdtemp(path.join(tmpdir(), 'dec-bk-cfg-'));
      const auth = Buffer.from(`${reg.username}:${reg.password}`).toString('base64');
      await writeFile(path.join(config, 'config.json'), JSON.stringify({ auths: { [reg.address]: { auth } } }));
      const client = new DockerClient({ host: engine.host, credentials: { env: { DOCKER_CONFIG: config } } });
      try {
        // dockerd: BuildKit asks the session, which asks docker.auth; Podman (no session): docker.auth's
        // credentials for the Dockerfile's FROM registry go as X-Registry-Config.
        const op = client.images.build(dir, { version: '2', networkmode: 'none', buildargs: { DEFAULT_AUTH: run } });
        expect((await op).id).toMatch(/^sha256:[0-9a-f]{64}$/);
      } finally {
        await client.close();
        await rm(config, { recursive: true, force: true });
      }
    }, 60_000);

    test('credentials from the lookup function alone (the config.json / helper hook), asked for the registry host', async () => {
      const asked: string[] = [];
      const opts: BuildOptions = {
        credentials: async (host) => {
          asked.push(host);
          return host === reg.address ? { username: reg.username, password: reg.password } : undefined;
        },
        buildargs: { RUN_ID: run },
      };
      await engine.differs(
        'podman',
        `${ignoresVersion2}; without a session only X-Registry-Config carries credentials, so the lookup is never asked`,
        async () => {
          await failure(opts);
          expect(asked).toEqual([]);
        },
        async () => {
          const { result } = await build(dir, opts);
          expect((await result).id).toMatch(/^sha256:[0-9a-f]{64}$/);
          expect(new Set(asked)).toEqual(new Set([reg.address]));
        },
      );
    }, 60_000);
  });
});
