/**
 * The text of a build's Dockerfile, read before the build is sent (to know which registries its FROM lines name).
 * Directory contexts: the file on disk. Tar files and bytes: the entry of the tar (plain or gzip) — read once here,
 * and again when sent. Streams cannot be read twice: undefined (the caller then sends no default credentials).
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import * as tarStream from 'tar-stream';

const MAX_DOCKERFILE = 4 << 20;

/** The Dockerfile's text, or undefined when it cannot be read without consuming the context. */
export async function readDockerfile(context: unknown, dockerfile: string | undefined): Promise<string | undefined> {
  try {
    if (typeof context === 'string') {
      const st = await stat(context);
      if (st.isDirectory()) return await fromDirectory(context, dockerfile);
      if (st.isFile()) return await fromTar(() => createReadStream(context), dockerfile);
      return undefined;
    }
    if (context instanceof Uint8Array || ArrayBuffer.isView(context) || context instanceof ArrayBuffer) {
      const bytes =
        context instanceof ArrayBuffer ? Buffer.from(context) : Buffer.from((context as ArrayBufferView).buffer, (context as ArrayBufferView).byteOffset, (context as ArrayBufferView).byteLength);
      return await fromTar(() => Readable.from([bytes]), dockerfile);
    }
  } catch {
    // Unreadable here means the build itself reports it (with the engine's or tarBody's message).
  }
  return undefined;
}

async function fromDirectory(dir: string, dockerfile: string | undefined): Promise<string | undefined> {
  const names = dockerfile ? [dockerfile] : ['Dockerfile', 'dockerfile'];
  for (const name of names) {
    try {
      return await readFile(path.resolve(dir, name), 'utf8');
    } catch {
      // try the next spelling
    }
  }
  return undefined;
}

async function fromTar(open: () => Readable, dockerfile: string | undefined): Promise<string | undefined> {
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
