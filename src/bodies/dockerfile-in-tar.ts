/**
 * The Dockerfile entry of a tar build context (plain or gzip), for read-dockerfile.ts. A module of its own so
 * that tar-stream, node:zlib and node:stream/promises load with the first tar context, not with the package
 * (bench/README.md, import cost).
 */
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import * as tarStream from 'tar-stream';

const MAX_DOCKERFILE = 4 << 20;

/** The text of the first entry named like `dockerfile` (default `Dockerfile` or `dockerfile`) of the tar `open()` reads. */
export async function dockerfileInTar(open: () => Readable, dockerfile: string | undefined): Promise<string | undefined> {
  const wanted = new Set((dockerfile ? [dockerfile] : ['Dockerfile', 'dockerfile']).map(clean));
  // gzip is recognised by its magic bytes, as the daemon does; other compressions are left to the daemon.
  const head = await firstBytes(open());
  const gzip = head[0] === 0x1f && head[1] === 0x8b;
  let found: string | undefined;
  const source = open();
  const extract = tarStream.extract();
  extract.on('entry', (header, stream, next) => {
    if (found === undefined && header.type === 'file' && wanted.has(clean(header.name)) && (header.size ?? 0) <= MAX_DOCKERFILE) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => chunks.push(c as Buffer));
      stream.on('end', () => {
        found = Buffer.concat(chunks).toString('utf8');
        // Found: stop reading the rest of a possibly large context (the pipeline then fails, which is fine).
        source.destroy();
        next();
      });
    } else {
      stream.on('end', () => next());
      stream.resume();
    }
  });
  try {
    if (gzip) await pipeline(source, createGunzip(), extract);
    else await pipeline(source, extract);
  } catch (err) {
    if (found === undefined) throw err;
  }
  return found;
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
