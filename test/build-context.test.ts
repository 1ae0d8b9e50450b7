/**
 * Directory build contexts as the real engines unpack them (dockerd's Go tar reader, Podman's buildah): a context
 * with every header edge case the packer has (src/bodies/tar-header.ts: ustar prefix split, PAX names and link
 * targets, non-ASCII names, empty files, files at and around the 1 MiB chunk size, directories, symlinks, an
 * excluded directory walked for a re-included file) is copied into an image with `COPY . /ctx/`; the image's
 * saved layers must hold every file byte for byte and nothing excluded. Network "none"; no mocks.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DockerClient } from '../src/index';
import { engines } from './helpers/engines';
import { baseImage } from './helpers/env';
import { savedImageFiles } from './helpers/image-tar';

const MiB = 1024 * 1024;

describe.each(engines())('$name', (engine) => {
  let docker: DockerClient;
  let work: string;
  const tag = `dec-build-context-${engine.name}-${process.pid}-${randomBytes(3).toString('hex')}:1`;

  beforeAll(async () => {
    docker = engine.client();
    work = await mkdtemp(path.join(tmpdir(), 'dec-build-context-'));
  });

  afterAll(async () => {
    if (docker === undefined) return;
    await docker.images.remove(tag, { force: true }).catch(() => {});
    await docker.close();
    await rm(work, { recursive: true, force: true });
  });

  test('every header edge case reaches the image byte for byte, excluded paths stay out', async () => {
    const files = new Map<string, Buffer>([
      ['Dockerfile', Buffer.from(`FROM ${baseImage()}\nCOPY . /ctx/\n`)],
      ['.dockerignore', Buffer.from('excluded\n!excluded/kept/keep.txt\nignored.txt\n')],
      ['empty', Buffer.alloc(0)],
      ['one-mib', randomBytes(MiB)],
      ['one-mib-plus-one', randomBytes(MiB + 1)],
      ['two-mib', randomBytes(2 * MiB)],
      ['n'.repeat(100), Buffer.from('a 100-byte name')],
      ['m'.repeat(101), Buffer.from('101 bytes, no slash: PAX')],
      [`${'a'.repeat(60)}/${'b'.repeat(60)}/${'c'.repeat(90)}`, Buffer.from('ustar prefix + name')],
      [`${'p'.repeat(80)}/${'q'.repeat(80)}/${'r'.repeat(80)}/${'s'.repeat(99)}`, Buffer.from('over 255: PAX')],
      ['ünïcødé.txt', Buffer.from('non-ASCII: PAX')],
      ['excluded/kept/keep.txt', Buffer.from('re-included')],
    ]);
    const dir = path.join(work, 'ctx');
    for (const [rel, content] of [...files, ['excluded/other.txt', 'left out'], ['ignored.txt', 'left out']] as const) {
      await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
      await writeFile(path.join(dir, rel), content);
    }
    await mkdir(path.join(dir, 'emptydir'));
    await symlink('t'.repeat(150), path.join(dir, 'link-long'));
    await symlink('one-mib', path.join(dir, 'link-in'));

    const { id } = await docker.images.build(dir, { t: tag, networkmode: 'none', forcerm: true });
    expect(id).toMatch(/^sha256:/);
    const { files: layers } = await savedImageFiles(await docker.images.save(tag));
    for (const [rel, content] of files) {
      expect([rel, layers.get(`ctx/${rel}`)?.sha256]).toEqual([rel, createHash('sha256').update(content).digest('hex')]);
    }
    expect(layers.get('ctx/emptydir')?.type).toBe('directory');
    expect(layers.get('ctx/link-long')?.type).toBe('symlink');
    expect(layers.get('ctx/link-in')?.type).toBe('symlink');
    expect(layers.has('ctx/excluded/other.txt')).toBe(false);
    expect(layers.has('ctx/ignored.txt')).toBe(false);
  });
});
