/**
 * Files in and out of containers on each real engine: putArchive (a directory, a .tar file, bytes), getArchive
 * back byte-identical, statPath (Go FileMode decoding), export. Containers run with network `none`.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { extract } from 'tar-stream';
import { DockerApiError, DockerClient } from '../src/index';
import { engines, type Engine } from './helpers/engines';
import { baseImage } from './helpers/env';
import { tarOf } from './helpers/tar-of';

interface Entry {
  type: string;
  mode: number;
  data: Buffer;
  linkname?: string;
}

async function readTar(tar: Readable | AsyncIterable<Uint8Array>): Promise<Map<string, Entry>> {
  const entries = new Map<string, Entry>();
  const ex = extract();
  const done = (async () => {
    for await (const entry of ex) {
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      entries.set(entry.header.name.replace(/\/$/, ''), {
        type: entry.header.type ?? 'file',
        mode: entry.header.mode ?? 0,
        data: Buffer.concat(chunks),
        linkname: entry.header.linkname ?? undefined,
      });
    }
  })();
  Readable.from(tar).pipe(ex as unknown as NodeJS.WritableStream);
  await done;
  return entries;
}

describe.each(engines())('$name', (engine: Engine) => {
  let docker: DockerClient;
  let id: string;
  let dir: string;
  const blob = randomBytes(300 * 1024);

  beforeAll(async () => {
    docker = engine.client();
    dir = mkdtempSync(join(tmpdir(), 'dec-files-'));
    ({ Id: id } = await docker.containers.create({ Image: baseImage(), Cmd: ['sleep', '300'], HostConfig: { NetworkMode: 'none' } }));
    await docker.containers.start(id);
  });
  afterAll(async () => {
    await docker.containers.remove(id, { force: true }).catch(() => {});
    rmSync(dir, { recursive: true, force: true });
    await docker.close();
  });

  test('putArchive a directory, getArchive it back byte-identical', async () => {
    const src = join(dir, 'src');
    mkdirSync(join(src, 'sub'), { recursive: true });
    writeFileSync(join(src, 'a.txt'), 'hello\n');
    writeFileSync(join(src, 'sub', 'blob.bin'), blob);
    symlinkSync('a.txt', join(src, 'link'));
    await docker.containers.exec(id, ['mkdir', '-p', '/dst']);
    await docker.containers.putArchive(id, '/dst', src);
    const { stat, tar } = await docker.containers.getArchive(id, '/dst');
    expect(stat).toMatchObject({ name: 'dst', isDirectory: true, isSymbolicLink: false });
    const entries = await readTar(tar);
    expect(entries.get('dst/a.txt')?.data.toString()).toBe('hello\n');
    expect(entries.get('dst/sub/blob.bin')?.data.equals(blob)).toBe(true);
    expect(entries.get('dst/link')).toMatchObject({ type: 'symlink', linkname: 'a.txt' });
    // What the process inside sees, too.
    expect((await docker.containers.exec(id, ['cat', '/dst/a.txt'])).stdout.toString()).toBe('hello\n');
  });

  test('putArchive a .tar file and bytes; modes are kept', async () => {
    const tarPath = join(dir, 'in.tar');
    writeFileSync(tarPath, await tarOf({ 'from-file.bin': blob }, 0o640));
    await docker.containers.putArchive(id, '/tmp', tarPath);
    await docker.containers.putArchive(id, '/tmp', await tarOf({ 'from-bytes.txt': Buffer.from('bytes\n') }));
    const fromFile = await readTar((await docker.containers.getArchive(id, '/tmp/from-file.bin')).tar);
    expect(fromFile.get('from-file.bin')?.data.equals(blob)).toBe(true);
    // Go's archive/tar also sets the file-type bits (0o100000) in the header's mode.
    expect((fromFile.get('from-file.bin')?.mode ?? 0) & 0o7777).toBe(0o640);
    const fromBytes = await readTar((await docker.containers.getArchive(id, '/tmp/from-bytes.txt')).tar);
    expect(fromBytes.get('from-bytes.txt')?.data.toString()).toBe('bytes\n');
  });

  test('noOverwriteDirNonDir refuses to replace a directory with a file', async () => {
    await docker.containers.exec(id, ['mkdir', '-p', '/tmp/keepdir']);
    const err = await docker.containers.putArchive(id, '/tmp', await tarOf({ keepdir: Buffer.from('x') }), { noOverwriteDirNonDir: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DockerApiError);
    engine.differs(
      'podman',
      "Podman's copier reports the clash as a failed create",
      () => expect((err as DockerApiError).daemonMessage).toMatch(/error creating file at "\/tmp\/keepdir".*file exists/),
      () => expect((err as DockerApiError).daemonMessage).toMatch(/cannot overwrite directory .*keepdir.* with non-directory/),
    );
    expect((await docker.containers.statPath(id, '/tmp/keepdir')).isDirectory).toBe(true);
    await expect(docker.containers.putArchive(id, '/tmp', Buffer.alloc(0), { copyUIDGID: 'yes' as unknown as boolean })).rejects.toThrow(
      'containers.putArchive: option `copyUIDGID` must be a boolean, got string',
    );
  });

  test('statPath decodes name, size, mode and the type bits of Go FileMode', async () => {
    await docker.containers.exec(id, ['sh', '-c', 'printf 12345 > /tmp/five && chmod 0604 /tmp/five && mkdir -p /tmp/d && ln -sf /tmp/five /tmp/sl']);
    const file = await docker.containers.statPath(id, '/tmp/five');
    expect(file).toMatchObject({ name: 'five', size: 5, mode: 0o604, permissions: 0o604, isDirectory: false, isSymbolicLink: false });
    expect(Date.parse(file.mtime)).not.toBeNaN();
    const d = await docker.containers.statPath(id, '/tmp/d');
    expect(d).toMatchObject({ name: 'd', isDirectory: true, mode: 2 ** 31 + 0o755 });
    const link = await docker.containers.statPath(id, '/tmp/sl');
    expect(link).toMatchObject({ isSymbolicLink: true, linkTarget: '/tmp/five', mode: 2 ** 27 + 0o777 });
    engine.differs(
      'podman',
      'Podman names a symlink by its target and fills linkTarget for every path (with the path itself)',
      () => {
        expect(link.name).toBe('five');
        expect(file.linkTarget).toBe('/tmp/five');
      },
      () => {
        expect(link.name).toBe('sl');
        expect(file.linkTarget).toBe('');
      },
    );
    const missing = await docker.containers.statPath(id, '/nope').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(DockerApiError);
    expect((missing as DockerApiError).status).toBe(404);
  });

  test('export is a readable tar of the whole filesystem', async () => {
    const entries = await readTar(await docker.containers.export(id));
    expect(entries.get('tmp/five')?.data.toString()).toBe('12345');
    expect(entries.has('bin/busybox') || entries.has('bin/sh')).toBe(true);
  });

  test('getArchive of a missing path → 404 with the daemon message; bad input refused', async () => {
    await expect(docker.containers.getArchive(id, '/does/not/exist')).rejects.toMatchObject({ status: 404 });
    await expect(docker.containers.putArchive(id, '/tmp', join(dir, 'missing.tar'))).rejects.toThrow('does not exist');
    await expect(docker.containers.getArchive(id, '')).rejects.toThrow('containers.getArchive: `path` must be a non-empty string');
  });
});
