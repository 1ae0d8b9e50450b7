/** Reading a build's Dockerfile before sending the context (src/bodies/read-dockerfile.ts), from real files and tars. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import * as tarStream from 'tar-stream';
import { readDockerfile } from '../../src/bodies/read-dockerfile';

async function tarOf(files: Record<string, string>): Promise<Buffer> {
  const pack = tarStream.pack();
  for (const [name, content] of Object.entries(files)) pack.entry({ name }, content);
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack as unknown as AsyncIterable<Buffer>) chunks.push(c);
  return Buffer.concat(chunks);
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'dec-readdf-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('directory: Dockerfile, the lowercase fallback, a given path (also outside the directory)', async () => {
  mkdirSync(join(dir, 'a'));
  writeFileSync(join(dir, 'a', 'Dockerfile'), 'FROM a');
  mkdirSync(join(dir, 'b'));
  writeFileSync(join(dir, 'b', 'dockerfile'), 'FROM b');
  writeFileSync(join(dir, 'outside.Dockerfile'), 'FROM c');
  expect(await readDockerfile(join(dir, 'a'), undefined)).toBe('FROM a');
  expect(await readDockerfile(join(dir, 'b'), undefined)).toBe('FROM b');
  expect(await readDockerfile(join(dir, 'a'), join(dir, 'outside.Dockerfile'))).toBe('FROM c');
  expect(await readDockerfile(join(dir, 'a'), 'missing')).toBeUndefined();
});

test('tar bytes, a plain tar file and a gzip tar file; a named Dockerfile inside', async () => {
  const tar = await tarOf({ 'src/x.txt': 'x', 'Dockerfile': 'FROM one', 'build/Other.df': 'FROM two' });
  expect(await readDockerfile(tar, undefined)).toBe('FROM one');
  expect(await readDockerfile(new Uint8Array(tar), './build/Other.df')).toBe('FROM two');
  writeFileSync(join(dir, 'ctx.tar'), tar);
  writeFileSync(join(dir, 'ctx.tar.gz'), gzipSync(tar));
  expect(await readDockerfile(join(dir, 'ctx.tar'), undefined)).toBe('FROM one');
  expect(await readDockerfile(join(dir, 'ctx.tar.gz'), 'build/Other.df')).toBe('FROM two');
});

test('a stream cannot be read twice: undefined, and the stream is untouched', async () => {
  const stream = Readable.from([Buffer.from('x')]);
  expect(await readDockerfile(stream, undefined)).toBeUndefined();
  expect(stream.readableDidRead).toBe(false);
});
