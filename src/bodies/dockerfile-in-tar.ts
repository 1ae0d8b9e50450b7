/**
 * The Dockerfile entry of a tar build context (plain or gzip), for read-dockerfile.ts: loaded with the first tar
 * context, not with the package (bench/README.md, import cost).
 */
import path from 'node:path';
import { pipeline, type Readable } from 'node:stream';
import { findTarFile } from './tar-reader.js';

const MAX_DOCKERFILE = 4 << 20;

/** The text of the first entry named like `dockerfile` (default `Dockerfile` or `dockerfile`) of the tar `open()` reads. */
export async function dockerfileInTar(open: () => Readable, dockerfile: string | undefined): Promise<string | undefined> {
  const wanted = new Set((dockerfile ? [dockerfile] : ['Dockerfile', 'dockerfile']).map(clean));
  // gzip is recognised by its magic bytes, as the daemon does; other compressions are left to the daemon.
  const head = await firstBytes(open());
  const gzip = head[0] === 0x1f && head[1] === 0x8b;
  const source = open();
  // node:zlib on first use of a gzip context, not with the package (bench/README.md, import cost).
  // pipeline (not pipe): a read error of the file must fail the gunzip stream too, never leave it waiting.
  const bytes = gzip ? pipeline(source, process.getBuiltinModule('node:zlib').createGunzip(), () => {}) : source;
  try {
    // Found or not, stop reading a possibly large context here.
    const found = await findTarFile(bytes, (name) => wanted.has(clean(name)), MAX_DOCKERFILE);
    return found?.toString('utf8');
  } finally {
    source.destroy();
    if (bytes !== source) bytes.destroy();
  }
}

function clean(name: string): string {
  return path.posix.normalize(name.replace(/^\/+/, '')).replace(/^\.\//, '');
}

async function firstBytes(stream: Readable): Promise<Buffer> {
  for await (const chunk of stream) {
    stream.destroy();
    return Buffer.from(chunk as Uint8Array);
  }
  return Buffer.alloc(0);
}
