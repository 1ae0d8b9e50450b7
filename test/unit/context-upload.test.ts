/**
 * Directory contexts uploaded from two reused buffers (src/bodies/tar-chunks.ts into file-chunks.ts's
 * ChunkSource): through the real client, undici and a unix socket, to a stand-in engine that reads slowly — a
 * daemon that lags, which a real engine does not do on demand — so socket writes stay pending while the client
 * would like to fill on. A buffer reused before its write completed would change the bytes the server hashes;
 * they must be exactly the tar the public `tarBody()` (fresh buffers) gives for the same directory. Also: files
 * that shrink or grow while they are packed. The real-engine tests build directory contexts too.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tarStream from 'tar-stream';
import { DockerClient } from '../../src/client.js';
import { DockerInputError } from '../../src/core/errors.js';
import { tarBody, uploadTar } from '../../src/bodies/tar-body.js';
import { useSlowEngine } from '../helpers/slow-engine';

const MiB = 1024 * 1024;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

const rig = useSlowEngine('context-upload-');

async function bytesOf(source: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of source) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}

/** Descriptors of this process open on a path under `dir`. */
function openUnder(dir: string): string[] {
  return fs.readdirSync('/proc/self/fd').flatMap((fd) => {
    try {
      const target = fs.readlinkSync(`/proc/self/fd/${fd}`);
      return target.startsWith(`${dir}/`) ? [target] : [];
    } catch {
      return [];
    }
  });
}

/** Random files of many sizes: small ones share chunks with headers, large ones span chunk boundaries. */
function context(name: string): string {
  const dir = path.join(rig.tmp, name);
  fs.mkdirSync(path.join(dir, 'sub', 'deeper'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM scratch\nCOPY . /\n');
  const sizes = [0, 1, 511, 512, 513, 4095, 70_000, MiB - 700, MiB, MiB + 1, 3 * MiB + 5];
  sizes.forEach((size, i) => fs.writeFileSync(path.join(dir, i % 2 ? 'sub' : 'sub/deeper', `f${i}`), randomBytes(size)));
  for (let i = 0; i < 40; i++) fs.writeFileSync(path.join(dir, `small-${i}`), randomBytes(i * 97));
  fs.symlinkSync('sub/f1', path.join(dir, 'link'));
  return dir;
}

test('build and load of a directory reach a slowly reading engine as exactly the tar tarBody() packs', async () => {
  const dir = context('slow');
  const docker = new DockerClient({ socketPath: rig.socketPath });
  try {
    rig.engine.received = [];
    const built = await docker.images.build(dir, { t: 'example.test/slow:1' });
    const expected = await bytesOf((await tarBody(dir)).body);
    expect(expected.length).toBeGreaterThan(6 * MiB);
    expect(rig.engine.received).toEqual([{ url: '/v1.41/build', sha256: sha(expected), bytes: expected.length }]);
    expect(built.id).toBe(`sha256:${sha(expected)}`);
    // A load packs the directory with owners kept and no .dockerignore (a root file system), over the same connection.
    await docker.images.load(dir);
    const rootfs = await bytesOf((await tarBody(dir, { dockerignore: false, keepOwnership: true })).body);
    expect(rig.engine.received[1]).toEqual({ url: '/v1.41/images/load', sha256: sha(rootfs), bytes: rootfs.length });
  } finally {
    await docker.close();
  }
  expect(openUnder(dir)).toEqual([]);
});

test('an upload cut by the engine rejects and leaves no file of the context open', async () => {
  const dir = context('cut');
  const docker = new DockerClient({ socketPath: rig.socketPath });
  rig.engine.cutAfter = 2 * MiB;
  try {
    await expect(docker.images.build(dir)).rejects.toThrow();
  } finally {
    rig.engine.cutAfter = undefined;
    await docker.close();
  }
  // The close follows the fill in flight; give it its turn.
  for (let i = 0; i < 50 && openUnder(dir).length > 0; i++) await new Promise((r) => setTimeout(r, 10));
  expect(openUnder(dir)).toEqual([]);
});

/** The upload body of `dir` read by hand: chunk 1, then `change()`, then the rest (or its error). */
async function packWhileChanging(dir: string, change: () => void): Promise<Buffer | unknown> {
  const { body } = await uploadTar(dir);
  const it = (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  // Copies: the chunks are views into the two reused buffers.
  const chunks = [Buffer.from((await it.next()).value as Uint8Array)];
  // The fill of chunk 2 is in flight; chunk 3 is filled only once chunk 2 is asked for, after this change.
  change();
  try {
    for (let r = await it.next(); !r.done; r = await it.next()) chunks.push(Buffer.from(r.value));
  } catch (err) {
    return err;
  }
  return Buffer.concat(chunks);
}

test('a file that shrinks while it is packed fails the pack, naming it; nothing stays open', async () => {
  const dir = path.join(rig.tmp, 'shrink');
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, 'big.bin'), randomBytes(6 * MiB));
  const err = await packWhileChanging(dir, () => fs.truncateSync(path.join(dir, 'big.bin'), MiB / 2));
  expect(err).toBeInstanceOf(DockerInputError);
  expect((err as Error).message).toMatch(
    /^cannot pack the build context \S+\/shrink: big\.bin shrank while it was being packed \(\d+ of the 6291456 bytes it had when listed\)$/,
  );
  expect(openUnder(dir)).toEqual([]);
});

test('a file that grows while it is packed is sent with the size it had when listed', async () => {
  const dir = path.join(rig.tmp, 'grow');
  fs.mkdirSync(dir);
  const data = randomBytes(3 * MiB + 10);
  fs.writeFileSync(path.join(dir, 'big.bin'), data);
  fs.writeFileSync(path.join(dir, 'z-after'), 'after');
  const tar = (await packWhileChanging(dir, () => fs.appendFileSync(path.join(dir, 'big.bin'), randomBytes(2 * MiB)))) as Buffer;
  const extract = tarStream.extract();
  extract.end(tar);
  const entries: [string, string][] = [];
  for await (const entry of extract) entries.push([entry.header.name, sha(await bytesOf(entry))]);
  expect(entries).toEqual([
    ['big.bin', sha(data)],
    ['z-after', sha(Buffer.from('after'))],
  ]);
  expect(openUnder(dir)).toEqual([]);
});
