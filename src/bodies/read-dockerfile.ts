/**
 * The text of a build's Dockerfile, read before the build is sent (to know which registries its FROM lines name).
 * Directory contexts: the file on disk. Tar files and bytes: the entry of the tar (plain or gzip) — read once here,
 * and again when sent. Streams cannot be read twice: undefined (the caller then sends no default credentials).
 */
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';

/** The Dockerfile's text, or undefined when it cannot be read without consuming the context. */
export async function readDockerfile(context: unknown, dockerfile: string | undefined): Promise<string | undefined> {
  // node:fs/promises and the tar reader load on first use, not with the package (bench/README.md, import cost).
  const { stat } = process.getBuiltinModule('node:fs/promises');
  const fromTar = async (open: () => Readable) => (await import('./dockerfile-in-tar.js')).dockerfileInTar(open, dockerfile);
  try {
    if (typeof context === 'string') {
      const st = await stat(context);
      if (st.isDirectory()) return await fromDirectory(context, dockerfile);
      if (st.isFile()) return await fromTar(() => createReadStream(context));
      return undefined;
    }
    if (context instanceof Uint8Array || ArrayBuffer.isView(context) || context instanceof ArrayBuffer) {
      const bytes =
        context instanceof ArrayBuffer ? Buffer.from(context) : Buffer.from((context as ArrayBufferView).buffer, (context as ArrayBufferView).byteOffset, (context as ArrayBufferView).byteLength);
      return await fromTar(() => Readable.from([bytes]));
    }
  } catch {
    // Unreadable here means the build itself reports it (with the engine's or tarBody's message).
  }
  return undefined;
}

async function fromDirectory(dir: string, dockerfile: string | undefined): Promise<string | undefined> {
  const { readFile } = process.getBuiltinModule('node:fs/promises');
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
