/**
 * Tar bodies, checked on real bytes: directories are packed from real temp dirs and the produced tar is
 * parsed with tar-stream; every other source kind must come out byte-for-byte. No mocks.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough, Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import * as tarStream from 'tar-stream';
import { createContextFilter } from '../../src/bodies/context-filter.js';
import { DockerInputError } from '../../src/core/errors.js';
import { tarBody, type TarSource } from '../../src/bodies/tar-body.js';

interface Entry {
  name: string;
  type: string;
  linkname: string | null;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  content: string;
}

async function readTar(body: Readable): Promise<Entry[]> {
  const extract = tarStream.extract();
  body.on('error', (err) => extract.destroy(err));
  body.pipe(extract as unknown as NodeJS.WritableStream);
  const entries: Entry[] = [];
  for await (const entry of extract) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    const h = entry.header;
    entries.push({
      name: h.name,
      type: h.type,
      linkname: h.linkname ?? null,
      mode: h.mode & 0o7777,
      uid: h.uid,
      gid: h.gid,
      mtime: h.mtime.getTime() / 1000,
      content: Buffer.concat(chunks).toString('utf8'),
    });
  }
  return entries;
}

async function collect(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

let tmp: string;
beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tar-source-'));
});
afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

function write(file: string, content: string, mode?: number): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  if (mode !== undefined) fs.chmodSync(file, mode);
}

describe('directory build context', () => {
  let ctx: string;
  const fixedMtime = new Date('2021-03-04T05:06:07Z');

  beforeAll(() => {
    const base = fs.mkdtempSync(path.join(tmp, 'ctx-'));
    ctx = path.join(base, 'ctx');
    // Outside the context: a symlink must point here without its content entering the tar.
    write(path.join(base, 'outside', 'secret.txt'), 'outside secret');
    write(
      path.join(ctx, '.dockerignore'),
      [
        '# comments and blank lines are not patterns',
        '',
        '*.env',
        'docker',
        'node_modules',
        '!node_modules/keep/KEEP.md',
        '.dockerignore',
      ].join('\n'),
    );
    write(path.join(ctx, 'app.txt'), 'app');
    write(path.join(ctx, 'run.sh'), '#!/bin/sh\n', 0o777);
    write(path.join(ctx, 'secret.env'), 'TOKEN=1');
    write(path.join(ctx, 'src', 'main.js'), 'main');
    write(path.join(ctx, 'src', 'lib', 'util.js'), 'util');
    write(path.join(ctx, 'src', 'lib', 'local.env'), 'excluded? no: *.env is anchored at the root');
    write(path.join(ctx, 'docker', 'Build.Dockerfile'), 'FROM scratch\n');
    write(path.join(ctx, 'docker', 'other.txt'), 'other');
    write(path.join(ctx, 'node_modules', 'keep', 'KEEP.md'), 'kept');
    write(path.join(ctx, 'node_modules', 'keep', 'other.md'), 'dropped');
    write(path.join(ctx, 'node_modules', 'pkg', 'index.js'), 'dropped');
    fs.symlinkSync('../outside', path.join(ctx, 'link-out'));
    fs.symlinkSync('src/main.js', path.join(ctx, 'link-in'));
    fs.utimesSync(path.join(ctx, 'app.txt'), fixedMtime, fixedMtime);
  });

  it('honours .dockerignore, always sends the Dockerfile and .dockerignore, stores links as links', async () => {
    const result = await tarBody(ctx, { dockerfile: 'docker/Build.Dockerfile' });
    expect(result.kind).toBe('directory');
    expect(result.dockerfile).toBe('docker/Build.Dockerfile');
    const entries = await readTar(result.body);

    // Sorted names, breadth-first; no "./" root entry and no entries for the excluded directories that were
    // walked only for what is re-included below them (docker, node_modules, node_modules/keep). (tar-stream
    // writes directory names without the trailing slash; the type flag says what they are.)
    expect(entries.map((e) => `${e.type}:${e.name}`)).toEqual([
      'file:.dockerignore',
      'file:app.txt',
      'symlink:link-in',
      'symlink:link-out',
      'file:run.sh',
      'directory:src',
      'file:docker/Build.Dockerfile',
      'directory:src/lib',
      'file:src/main.js',
      'file:node_modules/keep/KEEP.md',
      'file:src/lib/local.env',
      'file:src/lib/util.js',
    ]);
    const byName = new Map(entries.map((e) => [e.name, e]));
    expect(byName.get('link-out')!.linkname).toBe('../outside');
    expect(byName.get('link-in')!.linkname).toBe('src/main.js');
    expect(byName.get('docker/Build.Dockerfile')!.content).toBe('FROM scratch\n');
    expect(byName.get('node_modules/keep/KEEP.md')!.content).toBe('kept');
    expect(byName.get('app.txt')!.content).toBe('app');
    expect(byName.get('app.txt')!.mtime).toBe(fixedMtime.getTime() / 1000);
    // Modes as on disk, not masked by the process umask.
    expect(byName.get('run.sh')!.mode).toBe(0o777);
    // Owners 0:0 like the CLI, whoever runs the test.
    for (const e of entries) expect([e.name, e.uid, e.gid]).toEqual([e.name, 0, 0]);
    // Nothing from outside the context, no content behind the link.
    expect(entries.some((e) => e.content.includes('outside secret'))).toBe(false);
  });

  it('packs the same bytes twice (deterministic)', async () => {
    const a = await collect((await tarBody(ctx, { dockerfile: 'docker/Build.Dockerfile' })).body);
    const b = await collect((await tarBody(ctx, { dockerfile: 'docker/Build.Dockerfile' })).body);
    expect(createHash('sha256').update(a).digest('hex')).toBe(createHash('sha256').update(b).digest('hex'));
  });

  it('sends everything when dockerignore is off, and keeps owners on request', async () => {
    const entries = await readTar((await tarBody(ctx, { dockerignore: false, keepOwnership: true })).body);
    const names = entries.map((e) => e.name);
    expect(names).toEqual(
      expect.arrayContaining(['secret.env', 'docker', 'docker/other.txt', 'node_modules/pkg/index.js', 'node_modules/keep/other.md']),
    );
    const st = fs.statSync(path.join(ctx, 'app.txt'));
    expect(entries.find((e) => e.name === 'app.txt')).toMatchObject({ uid: st.uid, gid: st.gid });
  });

  it('adds a Dockerfile from outside the context under a content-derived generated name', async () => {
    const outside = path.join(path.dirname(ctx), 'outside.Dockerfile');
    write(outside, 'FROM scratch\nLABEL from=outside\n');
    const result = await tarBody(ctx, { dockerfile: outside });
    const expected = `.dockerfile.${createHash('sha256').update('FROM scratch\nLABEL from=outside\n').digest('hex').slice(0, 20)}`;
    expect(result.dockerfile).toBe(expected);
    const entries = await readTar(result.body);
    expect(entries[entries.length - 1]).toMatchObject({ name: expected, type: 'file', content: 'FROM scratch\nLABEL from=outside\n', uid: 0 });
    // The in-context files are still there, and the outside file under its own name is not.
    expect(entries.map((e) => e.name)).toContain('app.txt');
    expect(entries.map((e) => e.name)).not.toContain('outside.Dockerfile');
    // Like the CLI, the .dockerignore sent names the generated file, so the daemon drops it after reading it.
    const original = fs.readFileSync(path.join(ctx, '.dockerignore'), 'utf8');
    expect(entries.find((e) => e.name === '.dockerignore')!.content).toBe(`${original}\n${expected}\n`);
    // A relative path escaping the context is outside too.
    expect((await tarBody(ctx, { dockerfile: '../outside.Dockerfile' })).dockerfile).toBe(expected);
  });

  it('creates a .dockerignore naming itself and the generated Dockerfile when the context has none', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'noignore-'));
    write(path.join(dir, 'ctx', 'a.txt'), 'a');
    write(path.join(dir, 'Dockerfile'), 'FROM scratch\n');
    const result = await tarBody(path.join(dir, 'ctx'), { dockerfile: path.join(dir, 'Dockerfile') });
    const entries = await readTar(result.body);
    expect(entries.map((e) => e.name)).toEqual(['a.txt', '.dockerignore', result.dockerfile]);
    expect(entries[1].content).toBe(`.dockerignore\n${result.dockerfile}\n`);
    expect(entries[2].content).toBe('FROM scratch\n');
  });

  it('rejects a missing Dockerfile before anything is sent', async () => {
    const err = await tarBody(ctx, { dockerfile: 'docker/Nope.Dockerfile' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DockerInputError);
    expect((err as Error).message).toContain(path.join(ctx, 'docker/Nope.Dockerfile'));
  });

  it('packs a context reached through a symlink as the directory it points to', async () => {
    const alias = path.join(path.dirname(ctx), 'alias');
    fs.symlinkSync(ctx, alias);
    const entries = await readTar((await tarBody(alias)).body);
    expect(entries.map((e) => e.name)).toContain('src/main.js');
  });
});

describe('directory errors', () => {
  it('rejects a path that does not exist, naming it', async () => {
    const missing = path.join(tmp, 'no-such-context');
    const err = await tarBody(missing).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DockerInputError);
    expect((err as Error).message).toBe(`tar source ${missing} does not exist`);
  });

  it('rejects a path that is neither a directory nor a regular file', async () => {
    const err = await tarBody('/dev/null').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DockerInputError);
    expect((err as Error).message).toContain('/dev/null is neither a directory nor a regular file');
  });

  it('fails the body with a typed error naming a fifo in the context, unless it is ignored', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'fifo-'));
    write(path.join(dir, 'a.txt'), 'a');
    execFileSync('mkfifo', [path.join(dir, 'pipe')]);
    const err = await collect((await tarBody(dir)).body).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DockerInputError);
    expect((err as Error).message).toMatch(/pipe is not a file, directory or symlink \(add it to \.dockerignore\)/);

    write(path.join(dir, '.dockerignore'), 'pipe\n');
    const entries = await readTar((await tarBody(dir)).body);
    expect(entries.map((e) => e.name)).toEqual(['.dockerignore', 'a.txt']);
  });
});

describe('context filter (pure)', () => {
  it('skips an excluded directory without asking whether it is one when no exception can match below it', () => {
    const filter = createContextFilter({ dockerignore: 'node_modules\n!node_modules/keep/KEEP.md\n' });
    const neverAsked = () => {
      throw new Error('isDirectory must not be called');
    };
    expect(filter.decide('node_modules/pkg', neverAsked)).toBe('skip');
    expect(filter.decide('app.txt', neverAsked)).toBe('include');
    expect(filter.decide('node_modules', () => true)).toBe('descend');
    expect(filter.decide('node_modules/keep', () => true)).toBe('descend');
    expect(filter.decide('node_modules/keep/KEEP.md', neverAsked)).toBe('include');
    expect(filter.decide('node_modules/keep/other.md', () => false)).toBe('skip');
  });

  it('walks excluded directories when a glob exception may match inside them', () => {
    const filter = createContextFilter({ dockerignore: 'logs\n!**/important.log\n' });
    expect(filter.decide('logs', () => true)).toBe('descend');
    expect(filter.decide('logs/a/important.log', () => false)).toBe('include');
    expect(filter.decide('logs/a/other.log', () => false)).toBe('skip');
  });

  it('matches like Docker: anchored at the root, ** for any depth, case-sensitive, leading / ignored', () => {
    const filter = createContextFilter({ dockerignore: '*.tmp\n**/*.bak\n/Secret.txt\n' });
    const file = () => false;
    expect(filter.decide('a.tmp', file)).toBe('skip');
    expect(filter.decide('dir/a.tmp', file)).toBe('include');
    expect(filter.decide('x/y/z.bak', file)).toBe('skip');
    expect(filter.decide('Secret.txt', file)).toBe('skip');
    expect(filter.decide('secret.txt', file)).toBe('include');
  });

  it('always includes the given files and walks their excluded parents', () => {
    const filter = createContextFilter({ dockerignore: '*\n', alwaysInclude: ['.dockerignore', 'build/Dockerfile'] });
    expect(filter.decide('.dockerignore', () => false)).toBe('include');
    expect(filter.decide('build', () => true)).toBe('descend');
    expect(filter.decide('build/Dockerfile', () => false)).toBe('include');
    expect(filter.decide('other', () => true)).toBe('skip');
  });
});

describe('tar file paths', () => {
  const tarBytes = () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'tarfile-'));
    write(path.join(dir, 'x.txt'), 'x'.repeat(3000));
    const file = path.join(tmp, `${path.basename(dir)}.tar`);
    execFileSync('tar', ['-cf', file, '-C', dir, '.']);
    return file;
  };

  it('streams a .tar file byte for byte, with its length', async () => {
    const file = tarBytes();
    const result = await tarBody(file);
    expect(result).toMatchObject({ kind: 'file', length: fs.statSync(file).size });
    expect((await collect(result.body)).equals(fs.readFileSync(file))).toBe(true);
  });

  it('passes a gzip-compressed tar through unchanged', async () => {
    const gz = `${tarBytes()}.gz`;
    fs.writeFileSync(gz, gzipSync(fs.readFileSync(gz.slice(0, -3))));
    const result = await tarBody(gz);
    const sent = await collect(result.body);
    expect(sent.equals(fs.readFileSync(gz))).toBe(true);
    expect(sent.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
  });
});

describe('stream and byte sources are passed through exactly', () => {
  const payload = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 31) % 251));
  const pieces = () => [payload.subarray(0, 70_000), payload.subarray(70_000, 140_001), payload.subarray(140_001)];

  const cases: Array<[string, () => TarSource, string]> = [
    ['Buffer', () => payload, 'bytes'],
    ['Uint8Array view with an offset', () => new Uint8Array(Buffer.concat([Buffer.from('junk'), payload]).buffer, 4, payload.length), 'bytes'],
    ['ArrayBuffer', () => payload.buffer.slice(payload.byteOffset, payload.byteOffset + payload.length), 'bytes'],
    ['DataView', () => new DataView(payload.buffer, payload.byteOffset, payload.length), 'bytes'],
    ['Node Readable', () => Readable.from(pieces()), 'stream'],
    ['PassThrough', () => new PassThrough().end(payload), 'stream'],
    ['web ReadableStream', () => ReadableStream.from(pieces()), 'stream'],
    [
      'AsyncIterable',
      () => ({
        async *[Symbol.asyncIterator]() {
          for (const p of pieces()) yield new Uint8Array(p);
        },
      }),
      'stream',
    ],
  ];

  it.each(cases)('%s', async (_label, make, kind) => {
    const result = await tarBody(make());
    expect(result.kind).toBe(kind);
    const sent = await collect(result.body);
    expect(sent.length).toBe(payload.length);
    expect(sent.equals(payload)).toBe(true);
    if (kind === 'bytes') expect(result.length).toBe(payload.length);
  });

  it('bridges a streamx stream (tar-stream pack) exactly', async () => {
    const makePack = () => {
      const pack = tarStream.pack();
      pack.entry({ name: 'payload.bin', size: payload.length, mtime: new Date(0) }, payload);
      pack.finalize();
      return pack;
    };
    const expected: Buffer[] = [];
    for await (const chunk of makePack()) expected.push(chunk as Buffer);
    const result = await tarBody(makePack() as unknown as TarSource);
    expect(result.kind).toBe('stream');
    expect((await collect(result.body)).equals(Buffer.concat(expected))).toBe(true);
  });

  it('hands a Node Readable over untouched', async () => {
    const stream = Readable.from([payload]);
    expect((await tarBody(stream)).body).toBe(stream);
  });

  it('passes the caller’s dockerfile through for non-directory sources', async () => {
    expect((await tarBody(payload, { dockerfile: 'sub/Dockerfile' })).dockerfile).toBe('sub/Dockerfile');
  });

  it('rejects unsupported sources with a typed error', async () => {
    for (const bad of [42, null, {}, { then() {} }] as unknown as TarSource[]) {
      const err = await tarBody(bad).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DockerInputError);
      expect((err as Error).message).toMatch(/^unsupported tar source/);
    }
  });

  it('fails the body with a typed error when a stream yields something other than bytes', async () => {
    const strings = {
      async *[Symbol.asyncIterator]() {
        yield new Uint8Array([1]);
        yield 'text' as unknown as Uint8Array;
      },
    };
    const err = await collect((await tarBody(strings)).body).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DockerInputError);
    expect((err as Error).message).toContain('string chunk');
  });

  it('cancels a web ReadableStream when the body is destroyed, even while a read is pending', async () => {
    let cancelled: (reason: unknown) => void;
    const cancelReason = new Promise((resolve) => (cancelled = resolve));
    let pulls = 0;
    const web = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls++;
        if (pulls === 1) controller.enqueue(new Uint8Array([7]));
        return pulls === 1 ? undefined : new Promise(() => {}); // then stall forever
      },
      cancel(reason) {
        cancelled(reason);
      },
    });
    const { body } = await tarBody(web);
    const first = await new Promise<Buffer>((resolve) => body.once('data', resolve));
    expect([...first]).toEqual([7]);
    body.pause();
    body.on('error', () => {}); // destroy(reason) emits it; undici would be the listener
    const reason = new Error('request aborted');
    body.destroy(reason);
    await expect(cancelReason).resolves.toBe(reason);
  });

  it('destroys a streamx source when the body is destroyed', async () => {
    // An unfinished tar: the entry announces more bytes than are ever written.
    const source = tarStream.pack();
    source.entry({ name: 'big.bin', size: 10 * 1024 * 1024 }).write(Buffer.alloc(1024));
    const { body } = await tarBody(source as unknown as TarSource);
    await new Promise((resolve) => body.once('data', resolve));
    const closed = new Promise((resolve) => source.once('close', () => resolve(undefined)));
    body.destroy();
    await closed;
    expect(source.destroyed).toBe(true);
  });
});

describe('bounded memory', () => {
  it('streams a context with a 200 MB file in many small chunks', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'big-'));
    const size = 200 * 1024 * 1024;
    fs.writeFileSync(path.join(dir, 'small.txt'), 'hello');
    // Sparse: no disk space used, but every byte is still read and packed.
    fs.writeFileSync(path.join(dir, 'zeros.bin'), '');
    fs.truncateSync(path.join(dir, 'zeros.bin'), size);

    const { body } = await tarBody(dir);
    let chunks = 0;
    let total = 0;
    let maxChunk = 0;
    for await (const chunk of body) {
      chunks++;
      total += (chunk as Uint8Array).byteLength;
      maxChunk = Math.max(maxChunk, (chunk as Uint8Array).byteLength);
    }
    // Two headers, 512-padded small file, the 200 MB file (a multiple of 512), two zero end blocks and
    // tar-stream's padding of the archive to whole records.
    expect(total).toBeGreaterThanOrEqual(512 + 512 + 512 + size + 1024);
    expect(total).toBeLessThan(size + 64 * 1024);
    expect(maxChunk).toBeLessThanOrEqual(1024 * 1024);
    expect(chunks).toBeGreaterThan(size / (1024 * 1024));
  });
});
