/**
 * Uploads of a tar file read into reused buffers (src/bodies/file-chunks.ts): through the real client, undici and
 * a unix socket, to a stand-in engine that reads slowly — a daemon that lags, which a real engine does not do on
 * demand — so socket writes stay pending while the client would like to read on. A buffer reused before its
 * write completed would change the bytes the server hashes. The real-engine tests load and import tars too.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DockerClient } from '../../src/client.js';
import { PULL, SIZE_LINE_BYTES } from '../../src/transport/body-writer.js';
import { useSlowEngine } from '../helpers/slow-engine';

const rig = useSlowEngine('file-chunks-');

/** A file of random bytes that is not a whole number of 1 MiB chunks (the short last chunk too). */
function randomFile(name: string, bytes: number): { file: string; sha256: string } {
  const data = randomBytes(bytes);
  const file = path.join(rig.tmp, name);
  fs.writeFileSync(file, data);
  return { file, sha256: createHash('sha256').update(data).digest('hex') };
}

/** Descriptors of this process open on `file`. */
function openOn(file: string): number {
  return fs.readdirSync('/proc/self/fd').filter((fd) => {
    try {
      return fs.readlinkSync(`/proc/self/fd/${fd}`) === file;
    } catch {
      return false;
    }
  }).length;
}

test('a tar file reaches a slowly reading engine byte for byte, and the file is closed', async () => {
  const { file, sha256 } = randomFile('slow.tar', 9 * 1024 * 1024 + 4321);
  const docker = new DockerClient({ socketPath: rig.socketPath });
  try {
    rig.engine.received = [];
    await docker.images.load(file);
    expect(rig.engine.received).toEqual([{ url: '/v1.41/images/load', sha256, bytes: fs.statSync(file).size }]);
    // Twice over the same connection: the second upload reads into fresh buffers of its own.
    await docker.images.import(file, { repo: 'example.test/slow' });
    expect(rig.engine.received[1]).toEqual({ url: '/v1.41/images/create', sha256, bytes: fs.statSync(file).size });
  } finally {
    await docker.close();
  }
  expect(openOn(file)).toBe(0);
});

test('an upload cut by the engine rejects and closes the file', async () => {
  const { file } = randomFile('cut.tar', 6 * 1024 * 1024);
  const docker = new DockerClient({ socketPath: rig.socketPath });
  rig.engine.cutAfter = 2 * 1024 * 1024;
  try {
    await expect(docker.images.load(file)).rejects.toThrow();
  } finally {
    rig.engine.cutAfter = undefined;
    await docker.close();
  }
  // The close follows the read in flight; give it its turn.
  for (let i = 0; i < 50 && openOn(file) > 0; i++) await new Promise((r) => setTimeout(r, 10));
  expect(openOn(file)).toBe(0);
});

test('a short read in the middle of a file gets a buffer of its own (its write may still be queued)', async () => {
  // A regular file reads short only while it grows or on some filesystems: a fake filler (pure iteration, no
  // I/O) returns 100-byte reads of distinct bytes, sync and async. The consumer keeps every chunk, as a socket
  // queue would.
  const { ChunkSource } = await import('../../src/bodies/file-chunks.js');
  for (const ahead of [true, false]) {
    let reads = 0;
    let closed = false;
    const filler = {
      ahead,
      fill: (buf: Buffer): number | Promise<number> => {
        if (reads === 6) return 0;
        buf.fill(++reads, 0, 100);
        return reads % 2 ? 100 : Promise.resolve(100);
      },
      close: async () => {
        closed = true;
      },
    };
    const kept: Uint8Array[] = [];
    for await (const chunk of new ChunkSource(filler)) kept.push(chunk);
    expect(kept.map((c) => [c.length, c[0], c[99]])).toEqual([1, 2, 3, 4, 5, 6].map((v) => [100, v, v]));
    expect(closed).toBe(true);
  }
});

describe('reads on the event loop thread (local-reads.ts)', () => {
  test('local file systems are told from network and FUSE ones by their statfs type', async () => {
    const { isLocalFsType } = await import('../../src/bodies/local-reads.js');
    // ext4, xfs, btrfs, tmpfs, overlay: read on the loop.
    for (const type of [0xef53, 0x58465342, 0x9123683e, 0x01021994, 0x794c7630]) expect(isLocalFsType(type)).toBe(true);
    // nfs, smb2, cifs, fuse, 9p, and an unknown type: async reads.
    for (const type of [0x6969, 0xfe534d42, 0xff534d42, 0x65735546, 0x01021997, 0x12345678]) expect(isLocalFsType(type)).toBe(false);
    expect(isLocalFsType(BigInt(0xef53))).toBe(true);
  });

  /**
   * Through undici's own writer to the slowly reading engine, counting the FileHandle's async reads: with
   * `slowReadNs` 0 every read counts as one that waited for the device, so after two sync reads the rest of the
   * file is read async (the switch's timing is the only part a test cannot cause otherwise); with a limit no
   * read reaches, none is async. Both send the file byte for byte.
   */
  test.each([
    ['every read slow: two sync reads, then async', 0n, (chunks: number) => chunks + 1 - 2],
    ['no read slow: all sync', 10n ** 12n, () => 0],
  ])('%s', async (_name, slowReadNs, asyncReads) => {
    const { file, sha256 } = randomFile(`sync-${slowReadNs}.tar`, 7 * 1024 * 1024 + 99);
    const { FileChunks } = await import('../../src/bodies/file-chunks.js');
    const { Pool } = await import('undici');
    const handle = await fs.promises.open(file, 'r');
    // Async reads are fs.read on the handle's descriptor (local-reads.ts readAsync). Spied on the module object
    // itself: this file's `fs` is a namespace copy.
    const fd = handle.fd;
    const reads = jest.spyOn(process.getBuiltinModule('node:fs'), 'read');
    const pool = new Pool('http://localhost', { connect: { socketPath: rig.socketPath } });
    rig.engine.received = [];
    try {
      const body = new FileChunks(handle, { syncReads: true, slowReadNs });
      const res = await pool.request({ method: 'POST', path: '/v1.41/images/load', body: body as never, headers: { 'content-length': String(fs.statSync(file).size) } });
      await res.body.text();
      expect(res.statusCode).toBe(200);
    } finally {
      await pool.close();
    }
    expect(rig.engine.received).toEqual([{ url: '/v1.41/images/load', sha256, bytes: fs.statSync(file).size }]);
    expect(reads.mock.calls.filter((c) => c[0] === fd).length).toBe(asyncReads(8));
    reads.mockRestore();
    expect(openOn(file)).toBe(0);
  });

  test('readsLocally: the test\'s temporary directory is local; a file statfs cannot reach is not', async () => {
    const { readsLocally } = await import('../../src/bodies/local-reads.js');
    const { file } = randomFile('local.tar', 1024);
    // The test's temporary directory is on a local file system on every machine these tests run on.
    expect(await readsLocally(file)).toBe(true);
    expect(await readsLocally(rig.tmp)).toBe(true);
    expect(await readsLocally(path.join(rig.tmp, 'missing.tar'))).toBe(false);
  });
});

test('a packed directory is the same tar whether its files are read on the loop, async, or switch in between', async () => {
  const { ChunkSource } = await import('../../src/bodies/file-chunks.js');
  const { TarFiller } = await import('../../src/bodies/tar-chunks.js');
  const { LoopReads } = await import('../../src/bodies/local-reads.js');
  const big = randomFile('big.bin', 5 * 1024 * 1024 + 7);
  const small = randomFile('small.bin', 3000);
  const header = (name: string, size: number) => ({ name, type: 'file' as const, mode: 0o644, uid: 0, gid: 0, size, mtimeMs: 0 });
  async function* entries() {
    yield { header: header('small.bin', 3000), file: small.file };
    yield { header: header('big.bin', fs.statSync(big.file).size), file: big.file };
    yield { header: header('after.bin', 3000), file: small.file };
  }
  const pack = async (loop?: InstanceType<typeof LoopReads>) => {
    const out: Buffer[] = [];
    // `fresh`: this consumer keeps the chunks (not undici's writer).
    for await (const chunk of new ChunkSource(new TarFiller(entries(), (e) => e, loop), { fresh: true })) out.push(Buffer.from(chunk));
    return createHash('sha256').update(Buffer.concat(out)).digest('hex');
  };
  const asyncOnly = await pack();
  const fast = new LoopReads(10n ** 12n);
  expect(await pack(fast)).toBe(asyncOnly);
  expect(fast.on).toBe(true);
  // Every read slow: the third file read onwards (inside big.bin) is async.
  const slow = new LoopReads(0n);
  expect(await pack(slow)).toBe(asyncOnly);
  expect(slow.on).toBe(false);
});

test('reads on the loop fill one buffer for the whole upload; reads ahead alternate two (stop 24)', async () => {
  // Pulled as the client's body writer pulls (body-writer.ts PULL): each chunk only after the one before was
  // "written" — here, copied out at once. A fill that is not ahead can reuse the buffer just written; one that
  // runs ahead needs a second. The short last chunk shares its buffer too: nothing is filled after it.
  const { FileChunks } = await import('../../src/bodies/file-chunks.js');
  const { file, sha256 } = randomFile('one-buffer.tar', 4 * 1024 * 1024 + 10);
  const buffersUsed = async (syncReads: boolean): Promise<number> => {
    const body = new FileChunks(await fs.promises.open(file, 'r'), { syncReads, slowReadNs: 10n ** 12n });
    const chunks: Uint8Array[] = [];
    const copies: Buffer[] = [];
    for (let c = await body[PULL](); c !== null; c = await body[PULL]()) {
      chunks.push(c);
      copies.push(Buffer.from(c));
      // The room for a chunked size line lies before the chunk, in its own buffer.
      expect(c.byteOffset).toBe(SIZE_LINE_BYTES);
    }
    expect(createHash('sha256').update(Buffer.concat(copies)).digest('hex')).toBe(sha256);
    expect(chunks.map((c) => c.length)).toEqual([1, 1, 1, 1].map(() => 1024 * 1024).concat([10]));
    return new Set(chunks.map((c) => c.buffer)).size;
  };
  expect(await buffersUsed(true)).toBe(1);
  expect(await buffersUsed(false)).toBe(2);
  expect(openOn(file)).toBe(0);
});
