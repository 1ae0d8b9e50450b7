/**
 * Downloads (save, export, getArchive) on a connection of their own (transport/download.ts), on each real engine:
 * the same bytes whoever consumes them (a plain file stream that gets reused batches, a consumer that keeps every
 * chunk, undici's stream lane), the connection closed when the body ends, aborts and destroy() mid-download, and
 * TLS. Containers are created, never started (network `none`).
 */
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createWriteStream, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { extract } from 'tar-stream';
import { DockerAbortError, DockerClient, DockerConnectionError } from '../src/index';
import { engines, type Engine } from './helpers/engines';
import { baseImage } from './helpers/env';
import { tarOf } from './helpers/tar-of';

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** Sockets open in this process (file descriptors): the clients' connections, and jest's own. */
function sockets(): number {
  return readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return readlinkSync(`/proc/self/fd/${fd}`).startsWith('socket:');
    } catch {
      return false; // closed between the listing and the look
    }
  }).length;
}

/** Every chunk kept as handed out: a buffer reused under a consumer that keeps chunks would change these bytes. */
async function keepEveryChunk(stream: Readable): Promise<Buffer> {
  const kept: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => kept.push(chunk));
  await new Promise<void>((resolve, reject) => stream.on('end', resolve).on('error', reject));
  return Buffer.concat(kept);
}

/** The one file's data in a tar. */
async function fileIn(tar: Buffer, name: string): Promise<Buffer> {
  const ex = extract();
  let data: Buffer | undefined;
  const done = (async () => {
    for await (const entry of ex) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      if (entry.header.name === name) data = Buffer.concat(chunks);
    }
  })();
  ex.end(tar);
  await done;
  if (!data) throw new Error(`${name} not in the tar`);
  return data;
}

describe.each(engines())('$name', (engine: Engine) => {
  let docker: DockerClient;
  let id: string;
  let dir: string;
  // Larger than the read-ahead and several 512 KiB batches: the reused batch buffers go round many times.
  const blob = randomBytes(24 * 1024 * 1024 + 12345);

  beforeAll(async () => {
    docker = engine.client();
    dir = mkdtempSync(join(tmpdir(), 'dec-downloads-'));
    ({ Id: id } = await docker.containers.create({ Image: baseImage(), Cmd: ['true'], HostConfig: { NetworkMode: 'none' } }));
    await docker.containers.putArchive(id, '/', await tarOf({ 'big.bin': blob }));
  });
  afterAll(async () => {
    await docker.containers.remove(id, { force: true }).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
    await docker.close();
  });

  test('getArchive: a plain file stream, a consumer keeping every chunk and the stream lane (undici) get the same bytes', async () => {
    const file = join(dir, 'archive.tar');
    await pipeline((await docker.containers.getArchive(id, '/big.bin')).tar, createWriteStream(file));
    const toFile = readFileSync(file);
    const kept = await keepEveryChunk((await docker.containers.getArchive(id, '/big.bin')).tar);
    const viaUndici = await docker.raw.request({ method: 'GET', path: `/containers/${id}/archive?path=%2Fbig.bin`, lane: 'stream' });
    const undiciBytes = await keepEveryChunk(viaUndici.readable());
    expect(sha(await fileIn(toFile, 'big.bin'))).toBe(sha(blob));
    expect([sha(toFile), sha(kept)]).toEqual([sha(undiciBytes), sha(undiciBytes)]);
  });

  test('save and export: a file stream gets the bytes a consumer keeping every chunk gets', async () => {
    for (const open of [() => docker.images.save(baseImage()), () => docker.containers.export(id)]) {
      const file = join(dir, 'out.tar');
      await pipeline(await open(), createWriteStream(file));
      const kept = await keepEveryChunk(await open());
      expect(sha(readFileSync(file))).toBe(sha(kept));
      expect(kept.length).toBeGreaterThan(1024 * 1024);
    }
  });

  test('a download has a connection of its own, closed when its body ends (no socket is left behind)', async () => {
    await docker.ping();
    const before = sockets();
    const tar = (await docker.containers.getArchive(id, '/big.bin')).tar;
    // While it streams, one more connection than the client's keep-alive ones; none left once it ended (a pooled
    // connection would stay open, idle, for its keep-alive time).
    expect(sockets()).toBe(before + 1);
    await pipeline(tar, createWriteStream(join(dir, 'x.tar')));
    await new Promise((resolve) => setImmediate(resolve));
    expect(sockets()).toBe(before);
  });

  test('an abort mid-download rejects with DockerAbortError and closes the connection', async () => {
    await docker.ping();
    const before = sockets();
    const ac = new AbortController();
    const tar = await docker.containers.export(id, { signal: ac.signal });
    let received = 0;
    const err = await new Promise<unknown>((resolve) => {
      tar.on('data', (chunk: Buffer) => {
        received += chunk.length;
        if (received > 2 * 1024 * 1024) ac.abort();
      });
      tar.on('error', resolve);
      tar.on('end', () => resolve(new Error('ended without an error')));
    });
    expect(err).toBeInstanceOf(DockerAbortError);
    await new Promise((resolve) => setImmediate(resolve));
    expect(sockets()).toBe(before);
  });

  test('destroy() of the client mid-download fails the stream with failure "closed" and settles', async () => {
    const own = engine.client();
    const tar = (await own.containers.getArchive(id, '/big.bin')).tar;
    const failed = new Promise<unknown>((resolve) => tar.on('error', resolve));
    tar.once('data', () => void own.destroy());
    const err = await failed;
    expect(err).toBeInstanceOf(DockerConnectionError);
    expect(err).toMatchObject({ failure: 'closed' });
  });

  test('a missing image: the download connection brings the engine\'s 404 and its message', async () => {
    const err = await docker.images.save('localhost/dec-no-such-image:1').catch((e: unknown) => e);
    expect(err).toMatchObject({ name: 'DockerApiError', status: 404, message: expect.stringMatching(/no such image|image not known|does not exist|not found/i) });
  });
});

test('a process that negotiates, downloads, makes calls and uploads over a unix socket never compiles undici\'s HTTP parser', () => {
  // The negotiating /_ping and the upload go on connections of their own (transport.ts, download.ts), calls on the
  // call pool's (call-pool.ts): llhttp's WebAssembly compile is a ~30 MB transient of peak RSS, and a wait at exit,
  // that such a process then never pays. A request through undici's own Pool at the end shows the count works.
  const root = join(__dirname, '..');
  const r = spawnSync(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'test', 'helpers', 'child-scenarios.ts'), 'download-only'], {
    cwd: root,
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, DOCKER_HOST: engines()[0].host, DEC_TEST_BASE_IMAGE: baseImage() },
  });
  expect(r.stderr).toBe('');
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { bytes: number };
  expect(out.bytes).toBeGreaterThan(1024 * 1024);
  // Nor do they load undici's Pool (and node:http2 with it).
  expect(out).toMatchObject({ modulesByDownload: 0, modulesAfterCalls: 0, modulesAfterUpload: 0, modulesByUndici: 1, poolByDownload: false, poolAfterCalls: false, poolAfterUpload: false });
  expect(r.status).toBe(0);
});

test('over TLS (tcp://, client certificates): export gives the bytes the unix socket gives', async () => {
  const host = process.env.DEC_TLS_HOST;
  const certs = process.env.DEC_TLS_CERTS;
  if (!host || !certs) throw new Error('DEC_TLS_HOST / DEC_TLS_CERTS are not set: run under the rig (`npm test`)');
  const local = engines()[0].client();
  const tls = new DockerClient({ host, tls: { certPath: certs } });
  const { Id } = await local.containers.create({ Image: baseImage(), Cmd: ['true'], HostConfig: { NetworkMode: 'none' } });
  try {
    const overTls = await keepEveryChunk(await tls.containers.export(Id));
    const overSocket = await keepEveryChunk(await local.containers.export(Id));
    expect(overTls.length).toBeGreaterThan(1024 * 1024);
    expect(sha(overTls)).toBe(sha(overSocket));
  } finally {
    await local.containers.remove(Id, { force: true });
    await Promise.all([local.close(), tls.close()]);
  }
});
