/**
 * Issue 12 (hardening) against the real dockerd of the rig: what the engine would have done with input that
 * should never have been sent (defects 1, 2, 7, 8), a build context that fails while packing (3), save's stream
 * destroyed unread (4), and 2000 concurrent calls in a process limited to 1024 file descriptors (6).
 * The faults a real engine cannot produce on demand are in test/unit/hardening-faults.test.ts.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DockerClient, DockerInputError } from '../src/index';
import { baseImage, engineHost } from './helpers/env';
import { rejectionOf, settlesWithin } from './helpers/fake-engine';

const ROOT = resolve(__dirname, '..');
const RUN = `dec-harden-${Date.now().toString(36)}-${process.pid}`;
const HANG_MS = 20_000;

let docker: DockerClient;
let work: string;
beforeAll(() => {
  docker = new DockerClient({ host: engineHost() });
  work = mkdtempSync(join(tmpdir(), 'dec-harden-'));
  writeFileSync(join(work, 'Dockerfile'), `FROM ${baseImage()}\nLABEL dec.test.run=${RUN}\n`);
});
afterAll(async () => {
  // Tags a defect may have put on the base image (which does not carry the label) go by name, before the built images.
  for (const img of await docker.images.list({ filters: { reference: [`localhost/${RUN}`] } })) {
    for (const tag of img.RepoTags ?? []) if (tag.startsWith(`localhost/${RUN}:`)) await docker.images.remove(tag).catch(() => undefined);
  }
  const mine = await docker.images.list({ filters: { label: [`dec.test.run=${RUN}`] } });
  for (const img of mine) await docker.images.remove(img.Id, { force: true }).catch(() => undefined);
  rmSync(work, { recursive: true, force: true });
  await docker.close();
});

/** The image IDs carrying this run's label. */
async function builtIds(): Promise<string[]> {
  return (await docker.images.list({ filters: { label: [`dec.test.run=${RUN}`] } })).map((i) => i.Id);
}

describe('defects 1 + 2: dot segments and empty segments never reach the engine (dockerd would answer 301)', () => {
  test('tag("a//b") rejects, and nothing is tagged', async () => {
    const err = await rejectionOf(docker.images.tag('a//b', { repo: `localhost/${RUN}` }));
    expect(err).toBeInstanceOf(DockerInputError);
    expect(await docker.images.list({ filters: { reference: [`localhost/${RUN}`] } })).toEqual([]);
  });

  test.each([
    ['inspect(".")', () => docker.images.inspect('.')],
    ['inspect("..")', () => docker.images.inspect('..')],
    ['remove("..")', () => docker.images.remove('..')],
    ['history("./x")', () => docker.images.history('./x')],
    ['tag("..", …)', () => docker.images.tag('..', { repo: `localhost/${RUN}` })],
  ])('%s rejects with DockerInputError instead of resolving undefined', async (_name, call) => {
    const err = await rejectionOf(call());
    expect(err).toBeInstanceOf(DockerInputError);
    expect(err.message).toMatch(/`\.{1,2}`|segment/);
  });
});

describe('defect 1: a 3xx is never success', () => {
  test('a real 301 from dockerd through the escape hatch: handed over as it is, not ok, never followed', async () => {
    // The typed calls cannot send a dot segment any more (above); docker.raw.request sends exactly what it is given.
    const res = await docker.raw.request({ method: 'GET', path: '/images/./json' });
    await res.discard();
    expect([res.status, res.ok]).toEqual([301, false]);
  });
});

describe('defect 3: a FIFO in the build context', () => {
  test('a fresh client (negotiation still ahead) rejects with DockerInputError naming the file', async () => {
    // Not under `work`: that is the other tests' build context.
    const dir = mkdtempSync(join(tmpdir(), 'dec-harden-fifo-'));
    writeFileSync(join(dir, 'Dockerfile'), `FROM ${baseImage()}\n`);
    execFileSync('mkfifo', [join(dir, '0-pipe')]);
    const fresh = new DockerClient({ host: engineHost() });
    try {
      const err = await rejectionOf(fresh.images.build(dir, { t: `localhost/${RUN}:fifo` }));
      expect(err).toBeInstanceOf(DockerInputError);
      expect(err.message).toMatch(/0-pipe is not a file, directory or symlink/);
    } finally {
      await fresh.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('defect 4: save() stream destroyed before reading', () => {
  test('close() settles afterwards (the request was aborted, the socket freed)', async () => {
    const own = new DockerClient({ host: engineHost() });
    const stream = await own.images.save(baseImage());
    stream.destroy();
    await settlesWithin(own.close(), HANG_MS, 'close() after destroying the save stream');
  });
});

describe('defect 6: 2000 concurrent inspects in a process limited to 1024 file descriptors', () => {
  test('all succeed (the pool is capped and queues)', () => {
    const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');
    const script = join(ROOT, 'test', 'helpers', 'child-scenarios.ts');
    const r = spawnSync('bash', ['-c', 'ulimit -n 1024 && exec "$0" "$@"', tsx, script, 'inspects', '2000'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 180_000,
      env: { ...process.env, DOCKER_HOST: engineHost(), DEC_TEST_BASE_IMAGE: baseImage() },
    });
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout.trim().split('\n').pop()!)).toEqual({ ok: 2000, errors: {} });
    expect(r.status).toBe(0);
  });
});

describe('defect 7: unknown and wrong-typed options are refused, naming the option (and the right one when close)', () => {
  test('build(ctx, { tags }) → did you mean `t`; nothing is built', async () => {
    const err = await rejectionOf(docker.images.build(work, { tags: `localhost/${RUN}:1` } as never));
    expect(err).toBeInstanceOf(DockerInputError);
    expect(err.message).toBe('unknown option `tags` for images.build — did you mean `t`?');
    expect(await builtIds()).toEqual([]);
  });

  test.each([
    ['build { tag }', () => docker.images.build(work, { tag: 'x' } as never), /unknown option `tag` for images\.build — did you mean `t`\?/],
    ['build { nocache: "yes" }', () => docker.images.build(work, { nocache: 'yes' } as never), /images\.build: option `nocache` must be a boolean, got string/],
    ['tag { tga }', () => docker.images.tag(baseImage(), { repo: `localhost/${RUN}`, tga: 'v' } as never), /unknown option `tga` for images\.tag — did you mean `tag`\?/],
    ['list("all")', () => docker.images.list('all' as never), /images\.list: options must be an object, got string/],
    ['list { al }', () => docker.images.list({ al: true } as never), /unknown option `al` for images\.list — did you mean `all`\?/],
    ['pull { platfrom }', () => docker.images.pull(`localhost/${RUN}:x`, { platfrom: 'linux/amd64' } as never), /unknown option `platfrom` for images\.pull — did you mean `platform`\?/],
    ['pull { platform: 5 }', () => docker.images.pull(`localhost/${RUN}:x`, { platform: 5 } as never), /images\.pull: option `platform` must be a string, got number/],
    ['remove { forse }', () => docker.images.remove(`localhost/${RUN}:x`, { forse: true } as never), /unknown option `forse` for images\.remove — did you mean `force`\?/],
    ['search { limt }', () => docker.images.search('localhost/x', { limt: 5 } as never), /unknown option `limt` for images\.search — did you mean `limit`\?/],
    ['prune { zzz }', () => docker.images.prune({ zzz: 1 } as never), /unknown option `zzz` for images\.prune$/],
    ['history { platform: "x" }', () => docker.images.history(baseImage(), { platform: 'linux' } as never), /images\.history: option `platform` must be an object, got string/],
  ])('%s', async (_name, call, message) => {
    const err = await rejectionOf(call());
    expect(err).toBeInstanceOf(DockerInputError);
    expect(err.message).toMatch(message);
  });

  test('tag { tga } did not tag :latest', async () => {
    await rejectionOf(docker.images.tag(baseImage(), { repo: `localhost/${RUN}`, tga: 'v' } as never));
    expect(await docker.images.list({ filters: { reference: [`localhost/${RUN}`] } })).toEqual([]);
  });

  test('the high-level names that differ from the spec are accepted (signal, auth, dockerignore, registryConfig, platform objects)', async () => {
    const ac = new AbortController();
    const built = await docker.images.build(work, { t: `localhost/${RUN}:ok`, signal: ac.signal, dockerignore: false, registryConfig: {}, nocache: true, networkmode: 'none' });
    expect(built.tags).toEqual([`localhost/${RUN}:ok`]);
    await docker.images.inspect(`localhost/${RUN}:ok`, { signal: ac.signal });
    await docker.images.remove(`localhost/${RUN}:ok`, { noprune: false, signal: ac.signal });
  });
});

describe('defect 8: wrong input types are DockerInputError, not TypeError', () => {
  test.each([
    ['list(null)', () => docker.images.list(null as never)],
    ['inspect(x, null)', () => docker.images.inspect(baseImage(), null as never)],
    ['history(x, null)', () => docker.images.history(baseImage(), null as never)],
    ['remove(x, null)', () => docker.images.remove(`localhost/${RUN}:none`, null as never)],
    ['prune(null)', () => docker.images.prune(null as never)],
    ['search(x, null)', () => docker.images.search('localhost/x', null as never)],
    ['list({ signal: "x" })', () => docker.images.list({ signal: 'x' as never })],
    ['build(ctx, { dockerfile: 5 })', () => docker.images.build(work, { dockerfile: 5 as never })],
    ['save(" ")', () => docker.images.save(' ')],
  ])('%s', async (_name, call) => {
    const err = await rejectionOf(call());
    expect(err).toBeInstanceOf(DockerInputError);
  });
});
