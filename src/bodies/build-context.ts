/**
 * Pack a directory as a build context, the way `docker build <dir>` does: context-walk.ts lists it (symlinks
 * stored as links, never followed), `.dockerignore` decides what is left out (ignored directories are not even
 * read unless an exception may re-include something below them), the Dockerfile and `.dockerignore` are always
 * sent, owners are 0:0 and modes and mtimes are kept. Entry order is deterministic (sorted names,
 * breadth-first). tar-chunks.ts writes the tar into the chunks of a ChunkSource: for the client's own uploads
 * two reused buffers (file contents are read straight into them), for the public `tarBody()` fresh ones.
 *
 * A Dockerfile outside the context is supported the way the CLI does it: its content is appended to the tar
 * under a generated name (`.dockerfile.<first 20 hex of its sha256>` — deterministic, unlike the CLI's random
 * one, so the build cache still hits), that name is what must be sent as the `dockerfile` parameter, and the
 * name is appended to the `.dockerignore` sent in the tar (one is created listing itself if there is none)
 * so that the daemon deletes the Dockerfile from the context after reading it and `COPY . …` doesn't see it.
 */
import { createHash } from 'node:crypto';
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { createContextFilter } from './context-filter.js';
import { walkContext } from './context-walk.js';
import { ChunkSource } from './file-chunks.js';
import { LoopReads, readsLocally } from './local-reads.js';
import { TarFiller, type TarEntry } from './tar-chunks.js';
import { DockerInputError } from '../core/errors.js';

export interface BuildContextOptions {
  /**
   * The Dockerfile: a path relative to the context directory (like the API's `dockerfile` parameter) or an
   * absolute path. Outside the context it is added under a generated name (see `dockerfile` in the result).
   * Default `Dockerfile`.
   */
  dockerfile?: string;
  /** Honour `<dir>/.dockerignore` (default true). */
  dockerignore?: boolean;
  /** Keep the files' uid/gid instead of 0:0 (default false, like the CLI). For packing a rootfs to import. */
  keepOwnership?: boolean;
}

export interface PackedContext {
  /** Reused buffers: for undici's iterable writer only (file-chunks.ts); fresh ones: for any consumer. */
  body: ChunkSource;
  /** The value for the build's `dockerfile` parameter (`/`-separated, relative to the context root); undefined when the caller gave none. */
  dockerfile?: string;
}

const toPosix = (p: string) => (path.sep === '/' ? p : p.split(path.sep).join('/'));

function isInside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

async function readDockerignore(dir: string): Promise<string | undefined> {
  const file = path.join(dir, '.dockerignore');
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new DockerInputError(`cannot read ${file}: ${(err as Error).message}`, { cause: err });
  }
}

type DockerfilePlan =
  | { kind: 'inside'; rel: string }
  | { kind: 'outside'; rel: string; content: Buffer; mode: number; mtimeMs: number };

async function planDockerfile(given: string, contextDir: string, realContextDir: string): Promise<DockerfilePlan> {
  const abs = path.resolve(contextDir, given);
  let st;
  try {
    st = await stat(abs);
  } catch (err) {
    throw new DockerInputError(`Dockerfile not found: ${abs} (${(err as Error).message})`, { cause: err });
  }
  if (!st.isFile()) throw new DockerInputError(`Dockerfile ${abs} is not a regular file`);
  // Compare with both spellings of the context: the caller's and the symlink-free one the walk lists.
  for (const root of [realContextDir, contextDir]) {
    if (isInside(root, abs)) return { kind: 'inside', rel: toPosix(path.relative(root, abs)) };
  }
  // Read whole: a Dockerfile is small, and reading it now reports errors before any request (the CLI reads it too).
  let content: Buffer;
  try {
    content = await readFile(abs);
  } catch (err) {
    throw new DockerInputError(`cannot read Dockerfile ${abs}: ${(err as Error).message}`, { cause: err });
  }
  const name = `.dockerfile.${createHash('sha256').update(content).digest('hex').slice(0, 20)}`;
  return { kind: 'outside', rel: name, content, mode: st.mode & 0o7777, mtimeMs: st.mtimeMs };
}

function packError(dir: string, err: Error): Error {
  if (err instanceof DockerInputError) return err;
  return new DockerInputError(`cannot pack the build context ${dir}: ${err.message}`, { cause: err });
}

/**
 * `dir` must be an existing directory (the caller checked). `fresh`: a new buffer per chunk (the public
 * `tarBody()`, whose consumer may keep chunks); otherwise two reused ones (the client's uploads only).
 */
export async function packBuildContext(dir: string, opts: BuildContextOptions = {}, fresh = false): Promise<PackedContext> {
  const contextDir = path.resolve(dir);
  // A symlinked context is packed as the directory it points to, and the walk needs no symlink in its root.
  const root = await realpath(contextDir);
  const dockerignoreText = await readDockerignore(root);
  const dockerfile = opts.dockerfile === undefined ? undefined : await planDockerfile(opts.dockerfile, contextDir, root);

  // Without a dockerfile option the daemon reads `Dockerfile`, falling back to `dockerfile`: send both.
  const alwaysInclude = ['.dockerignore', ...(dockerfile?.kind === 'inside' ? [dockerfile.rel] : ['Dockerfile', 'dockerfile'])];
  const filter = createContextFilter({
    dockerignore: opts.dockerignore === false ? undefined : dockerignoreText,
    alwaysInclude,
  });
  const walk = walkContext({ root, decide: filter.decide, keepOwnership: opts.keepOwnership === true, contextDir });

  async function* entries(): AsyncGenerator<TarEntry> {
    if (dockerfile?.kind !== 'outside') {
      yield* walk;
      return;
    }
    // With an outside Dockerfile, the .dockerignore that goes into the tar also names the generated file.
    const sent = Buffer.from(dockerignoreText === undefined ? `.dockerignore\n${dockerfile.rel}\n` : `${dockerignoreText}\n${dockerfile.rel}\n`);
    for await (const entry of walk) {
      const { header } = entry;
      yield header.name === '.dockerignore' && header.type === 'file' ? { header: { ...header, size: sent.byteLength }, content: sent } : entry;
    }
    const added = { type: 'file', uid: 0, gid: 0, mtimeMs: dockerfile.mtimeMs } as const;
    if (dockerignoreText === undefined) yield { header: { ...added, name: '.dockerignore', mode: 0o644, size: sent.byteLength }, content: sent };
    const { rel: name, mode, content } = dockerfile;
    yield { header: { ...added, name, mode, size: content.byteLength }, content };
  }

  const loop = (await readsLocally(root)) ? new LoopReads() : undefined;
  const filler = new TarFiller(entries(), (err) => packError(contextDir, err), loop);
  return { body: new ChunkSource(filler, { fresh }), dockerfile: dockerfile?.rel };
}
