/**
 * Directory contexts packed by src/bodies (context-walk.ts, tar-header.ts, tar-chunks.ts), from real files: the
 * header edge cases read back by tar-stream's extract and by GNU tar (which extracts them like the daemon's Go
 * reader: PAX over ustar), and the header blocks compared byte for byte with what tar-stream's own `pack()`
 * writes for the same entry (the bytes this client sent before it packed directories itself). No mocks.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tarStream from 'tar-stream';
import { tarBody } from '../../src/bodies/tar-body.js';
import { encodeHeader, type TarHeader } from '../../src/bodies/tar-header.js';

const MiB = 1024 * 1024;
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'context-pack-'));
});
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

async function bytesOf(source: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of source) chunks.push(Buffer.from(c as Uint8Array));
  return Buffer.concat(chunks);
}

interface Parsed {
  name: string;
  type: string;
  mode: number;
  uid: number;
  mtime: number;
  linkname: string | null;
  sha256: string;
  size: number;
}

async function parse(tar: Buffer): Promise<Parsed[]> {
  const extract = tarStream.extract();
  extract.end(tar);
  const out: Parsed[] = [];
  for await (const entry of extract) {
    const content = await bytesOf(entry);
    const h = entry.header;
    out.push({ name: h.name, type: h.type!, mode: h.mode! & 0o7777, uid: h.uid!, mtime: h.mtime!.getTime() / 1000, linkname: h.linkname ?? null, sha256: sha(content), size: content.length });
  }
  return out;
}

function write(file: string, content: string | Buffer): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

describe('a context with every header edge case', () => {
  let ctx: string;
  const files = new Map<string, Buffer>();
  const at100 = 'n'.repeat(100);
  const over100 = 'm'.repeat(101); // no `/` to split at: PAX
  const split = `${'a'.repeat(60)}/${'b'.repeat(60)}/${'c'.repeat(90)}`; // 212 bytes: ustar prefix + name
  const over255 = `${'p'.repeat(80)}/${'q'.repeat(80)}/${'r'.repeat(80)}/${'s'.repeat(99)}`; // prefix > 155: PAX
  const unicode = 'ünïcødé.txt'; // not ASCII: PAX
  const longTarget = 'x'.repeat(150); // link target > 100: PAX linkpath
  const mtime = new Date('2001-02-03T04:05:06Z');

  beforeAll(() => {
    ctx = path.join(tmp, 'edge');
    const add = (rel: string, content: Buffer) => {
      files.set(rel, content);
      write(path.join(ctx, rel), content);
    };
    add('Dockerfile', Buffer.from('FROM scratch\n'));
    add('.dockerignore', Buffer.from('excluded\n!excluded/kept/keep.txt\nignored.txt\n'));
    add('empty', Buffer.alloc(0));
    add('one-mib', randomBytes(MiB));
    add('one-mib-plus-one', randomBytes(MiB + 1));
    add('two-mib', randomBytes(2 * MiB));
    add('odd', randomBytes(777));
    add(at100, Buffer.from('100'));
    add(over100, Buffer.from('101'));
    add(split, Buffer.from('split'));
    add(over255, Buffer.from('long'));
    add(unicode, Buffer.from('unicode'));
    add('excluded/kept/keep.txt', Buffer.from('re-included'));
    write(path.join(ctx, 'excluded/other.txt'), 'left out');
    write(path.join(ctx, 'ignored.txt'), 'left out');
    fs.mkdirSync(path.join(ctx, 'emptydir'));
    fs.symlinkSync(longTarget, path.join(ctx, 'link-long'));
    fs.symlinkSync('one-mib', path.join(ctx, 'link-in'));
    fs.chmodSync(path.join(ctx, 'odd'), 0o751);
    fs.utimesSync(path.join(ctx, 'odd'), mtime, mtime);
  });

  it('lists every entry breadth-first in sorted order, with its bytes, mode, mtime and owner 0', async () => {
    const entries = await parse(await bytesOf((await tarBody(ctx)).body));
    const dirs = (p: string) => p.split('/').slice(0, -1).map((_, i, a) => a.slice(0, i + 1).join('/'));
    expect(entries.map((e) => `${e.type}:${e.name}`)).toEqual([
      'file:.dockerignore',
      'file:Dockerfile',
      `directory:${'a'.repeat(60)}`,
      'file:empty',
      'directory:emptydir',
      'symlink:link-in',
      'symlink:link-long',
      `file:${over100}`,
      `file:${at100}`,
      'file:odd',
      'file:one-mib',
      'file:one-mib-plus-one',
      `directory:${'p'.repeat(80)}`,
      'file:two-mib',
      `file:${unicode}`,
      `directory:${dirs(split)[1]}`,
      // `excluded` and `excluded/kept` are walked for the exception but have no entry (like the CLI).
      `directory:${dirs(over255)[1]}`,
      `file:${split}`,
      'file:excluded/kept/keep.txt',
      `directory:${dirs(over255)[2]}`,
      `file:${over255}`,
    ]);
    for (const e of entries.filter((x) => x.type === 'file')) {
      expect([e.name, e.sha256, e.size]).toEqual([e.name, sha(files.get(e.name)!), files.get(e.name)!.length]);
    }
    const byName = new Map(entries.map((e) => [e.name, e]));
    expect(byName.get('link-long')!.linkname).toBe(longTarget);
    expect(byName.get('link-in')!.linkname).toBe('one-mib');
    expect(byName.get('odd')).toMatchObject({ mode: 0o751, mtime: mtime.getTime() / 1000 });
    expect(entries.every((e) => e.uid === 0)).toBe(true);
  });

  it('extracts with GNU tar to the same tree', async () => {
    const tarFile = path.join(tmp, 'edge.tar');
    fs.writeFileSync(tarFile, await bytesOf((await tarBody(ctx)).body));
    const out = path.join(tmp, 'edge-out');
    fs.mkdirSync(out);
    execFileSync('tar', ['-xf', tarFile, '-C', out]);
    for (const [rel, content] of files) expect([rel, sha(fs.readFileSync(path.join(out, rel)))]).toEqual([rel, sha(content)]);
    expect(fs.readlinkSync(path.join(out, 'link-long'))).toBe(longTarget);
    expect(fs.statSync(path.join(out, 'emptydir')).isDirectory()).toBe(true);
    expect(fs.statSync(path.join(out, 'odd')).mtime).toEqual(mtime);
    expect(fs.existsSync(path.join(out, 'excluded/other.txt'))).toBe(false);
    expect(fs.existsSync(path.join(out, 'ignored.txt'))).toBe(false);
  });

  it('adds an outside Dockerfile last and names it in the .dockerignore sent', async () => {
    write(path.join(tmp, 'Outside.Dockerfile'), 'FROM scratch\nLABEL outside=1\n');
    const { body, dockerfile } = await tarBody(ctx, { dockerfile: path.join(tmp, 'Outside.Dockerfile') });
    const entries = await parse(await bytesOf(body));
    expect(entries[entries.length - 1]).toMatchObject({ name: dockerfile, type: 'file', sha256: sha(Buffer.from('FROM scratch\nLABEL outside=1\n')) });
    const ignore = Buffer.from(`${files.get('.dockerignore')!.toString()}\n${dockerfile}\n`);
    expect(entries.find((e) => e.name === '.dockerignore')).toMatchObject({ sha256: sha(ignore), size: ignore.length });
  });
});

describe('header blocks (pure)', () => {
  /** The first `length` bytes tar-stream's pack() writes for an entry with header `h`: its header blocks. */
  async function tarStreamBytes(h: TarHeader, length: number): Promise<Buffer> {
    const pack = tarStream.pack();
    const { mtimeMs, ...rest } = h;
    pack.entry({ ...rest, mtime: new Date(mtimeMs) }); // the content is never written: only the header is read
    const chunks: Buffer[] = [];
    let got = 0;
    for await (const chunk of pack) {
      chunks.push(chunk as Buffer);
      if ((got += (chunk as Buffer).length) >= length) break;
    }
    return Buffer.concat(chunks).subarray(0, length);
  }

  const base = { type: 'file', mode: 0o100644, uid: 0, gid: 0, size: 5, mtimeMs: Date.UTC(2020, 0, 2, 3, 4, 5, 678) } as const;
  const cases: [string, TarHeader][] = [
    ['a plain file', { ...base, name: 'a.txt' }],
    ['a directory (no trailing slash)', { ...base, type: 'directory', name: 'dir/sub', size: 0, mode: 0o40755 }],
    ['a symlink', { ...base, type: 'symlink', name: 'ln', linkname: 'target/file', size: 0 }],
    ['a 100-byte name', { ...base, name: 'n'.repeat(100) }],
    ['a 101-byte name without a slash (PAX)', { ...base, name: 'n'.repeat(101) }],
    ['a long name split into prefix and name', { ...base, name: `${'a'.repeat(100)}/${'b'.repeat(50)}/${'c'.repeat(99)}` }],
    ['a name over 255 bytes (PAX)', { ...base, name: `${'a'.repeat(100)}/${'b'.repeat(100)}/${'c'.repeat(99)}` }],
    ['a non-ASCII name (PAX)', { ...base, name: 'dír/fïle' }],
    ['a long link target (PAX linkpath)', { ...base, type: 'symlink', name: 'ln', linkname: 't'.repeat(101), size: 0 }],
    ['a long name and link target', { ...base, type: 'symlink', name: 'l'.repeat(300), linkname: 't'.repeat(101), size: 0 }],
    ['a non-ASCII link target under 100 bytes (ustar)', { ...base, type: 'symlink', name: 'ln', linkname: 'zïel', size: 0 }],
    ['owners 4242:262143', { ...base, name: 'own', uid: 4242, gid: 0o777777 }],
    ['size 8 GiB − 1 (octal)', { ...base, name: 'big', size: 8 * 1024 ** 3 - 1 }],
    ['PAX record length crossing a power of ten', { ...base, name: 'z'.repeat(990) }],
  ];
  it.each(cases)('%s: the bytes tar-stream writes', async (_, h) => {
    const ours = encodeHeader(h);
    expect(ours.equals(await tarStreamBytes(h, ours.length))).toBe(true);
  });

  it('a size of 8 GiB and more is base-256 (as tar-stream writes it)', () => {
    const block = encodeHeader({ ...base, name: 'huge', size: 8 * 1024 ** 3 + 1 });
    expect(block.subarray(124, 136)).toEqual(Buffer.from([0x80, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 1]));
  });

  /** GNU tar's verbose listing of one entry with header `h` (and `h.size` zero bytes). */
  function gnuList(h: TarHeader): string {
    const file = path.join(tmp, `list-${h.name}.tar`);
    fs.writeFileSync(file, Buffer.concat([encodeHeader(h), Buffer.alloc(Math.ceil(h.size / 512) * 512 + 1024)]));
    return execFileSync('tar', ['-tvf', file, '--numeric-owner', '--full-time'], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } }).trim();
  }

  it('owner ids over 0o777777 go into PAX records (tar-stream clamped them)', () => {
    expect(gnuList({ ...base, name: 'owned', uid: 300000, gid: 400000 })).toMatch(/^-rw-r--r-- 300000\/400000 +5 2020-01-02 03:04:05 owned$/);
  });

  it('mtimes from 2038 on fit the octal field, and before 1970 go into a PAX record (tar-stream overflowed)', () => {
    expect(gnuList({ ...base, name: 'late', mtimeMs: Date.UTC(2040, 5, 6, 7, 8, 9) })).toMatch(/ 2040-06-06 07:08:09 late$/);
    expect(gnuList({ ...base, name: 'early', mtimeMs: Date.UTC(1960, 5, 6, 7, 8, 9) })).toMatch(/ 1960-06-06 07:08:09 early$/);
  });
});
