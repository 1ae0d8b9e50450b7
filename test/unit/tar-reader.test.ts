/**
 * src/bodies/tar-reader.ts on real tar bytes: archives written by GNU tar in its three formats (gnu: `L` long
 * names, ustar: name + prefix, pax: extended headers) and by tar-stream, read whole and in 1-byte to odd-sized
 * chunks. Hand-made bytes only for what GNU tar won't write on demand (a base-256 size field).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findTarFile, TarFormatError } from '../../src/bodies/tar-reader';

let dir: string;
const longDir = `${'d'.repeat(60)}/${'e'.repeat(60)}`;
const longName = `${longDir}/${'f'.repeat(90)}.txt`; // 214 bytes: ustar needs the prefix, v7 cannot
const veryLong = `${'g'.repeat(120)}/${'h'.repeat(200)}`; // > 255: GNU `L` or PAX only

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dec-tarreader-'));
  const src = join(dir, 'src');
  mkdirSync(join(src, longDir), { recursive: true });
  mkdirSync(join(src, 'g'.repeat(120)), { recursive: true });
  writeFileSync(join(src, 'big.bin'), Buffer.alloc(300_000, 7));
  writeFileSync(join(src, 'empty'), '');
  writeFileSync(join(src, longName), 'long one');
  writeFileSync(join(src, veryLong), 'very long one');
  writeFileSync(join(src, 'Dockerfile'), 'FROM scratch\n');
  execFileSync('ln', ['-s', 'Dockerfile', join(src, 'link')]);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function gnuTar(format: 'gnu' | 'ustar' | 'pax', names: string[]): Buffer {
  const out = join(dir, `${format}.tar`);
  execFileSync('tar', [`--format=${format}`, '-C', join(dir, 'src'), '-cf', out, ...names]);
  return readFileSync(out);
}

async function* chunked(bytes: Buffer, size: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

const find = (bytes: Buffer, name: string, size = 4096, max = 1 << 20) => findTarFile(chunked(bytes, size), (n) => n === name, max);

describe('findTarFile', () => {
  it.each(['gnu', 'pax'] as const)('%s format: every file by its full name, past a large file, a symlink and an empty file', async (format) => {
    const tar = gnuTar(format, ['big.bin', 'link', 'empty', longName, veryLong, 'Dockerfile']);
    for (const size of [1, 511, 512, 4096, 1 << 20]) {
      expect((await find(tar, 'Dockerfile', size))?.toString()).toBe('FROM scratch\n');
      expect((await find(tar, longName, size))?.toString()).toBe('long one');
      expect((await find(tar, veryLong, size))?.toString()).toBe('very long one');
    }
    expect((await find(tar, 'empty'))?.length).toBe(0);
    expect(await find(tar, 'link')).toBeUndefined(); // a symlink is not a regular file
    expect(await find(tar, 'missing')).toBeUndefined();
  });

  it('ustar format: a name split into prefix and name', async () => {
    const tar = gnuTar('ustar', ['big.bin', longName, 'Dockerfile']);
    expect(tar.includes(Buffer.from(longName))).toBe(false); // really split, not stored whole
    expect((await find(tar, longName, 700))?.toString()).toBe('long one');
    expect((await find(tar, 'Dockerfile', 3))?.toString()).toBe('FROM scratch\n');
  });

  it('a file over the size limit is passed over', async () => {
    const tar = gnuTar('gnu', ['big.bin', 'Dockerfile']);
    expect(await find(tar, 'big.bin', 4096, 1000)).toBeUndefined();
    expect((await find(tar, 'big.bin', 4096, 300_000))?.equals(Buffer.alloc(300_000, 7))).toBe(true);
  });

  it('stops reading at the entry found and releases the source', async () => {
    const tar = gnuTar('gnu', ['Dockerfile', 'big.bin']);
    let pulled = 0;
    let returned = false;
    async function* source() {
      try {
        for (let i = 0; i < tar.length; i += 512) {
          pulled++;
          yield tar.subarray(i, i + 512);
        }
      } finally {
        returned = true;
      }
    }
    expect((await findTarFile(source(), (n) => n === 'Dockerfile', 1 << 20))?.toString()).toBe('FROM scratch\n');
    expect(pulled).toBe(2);
    expect(returned).toBe(true);
  });

  it('a base-256 size field (GNU, for files of 8 GiB and more) is read as a number', async () => {
    const tar = gnuTar('gnu', ['Dockerfile']);
    const h = Buffer.from(tar.subarray(0, 512));
    // 13 bytes as base-256: 0x80 marker then the value big-endian in the field's 12 bytes.
    h.fill(0, 124, 136);
    h[124] = 0x80;
    h[135] = 13;
    h.fill(0x20, 148, 156);
    let sum = 0;
    for (const byte of h) sum += byte;
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
    const patched = Buffer.concat([h, tar.subarray(512)]);
    expect((await find(patched, 'Dockerfile'))?.toString()).toBe('FROM scratch\n');
  });

  it('bytes that are not a tar, and a tar cut inside an entry, are errors', async () => {
    await expect(find(Buffer.alloc(1024, 'x'), 'Dockerfile')).rejects.toThrow(TarFormatError);
    const tar = gnuTar('gnu', ['big.bin', 'Dockerfile']);
    await expect(find(tar.subarray(0, 10_000), 'Dockerfile')).rejects.toThrow('the tar ends inside big.bin');
    await expect(find(tar.subarray(0, 100), 'Dockerfile')).rejects.toThrow('the tar ends inside a header');
  });
});
