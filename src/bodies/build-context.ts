/**
 * Pack a directory as a build context, the way `docker build <dir>` does: tar-fs walks the directory
 * (symlinks stored as links, never followed), `.dockerignore` decides what is left out (ignored directories are
 * not even read unless an exception may re-include something below them), the Dockerfile and `.dockerignore`
 * are always sent, owners are 0:0 and modes and mtimes are kept. Entry order is deterministic (sorted names,
 * breadth-first).
 *
 * A Dockerfile outside the context is supported the way the CLI does it: its content is appended to the tar
 * under a generated name (`.dockerfile.<first 20 hex of its sha256>` — deterministic, unlike the CLI's random
 * one, so the build cache still hits), that name is what must be sent as the `dockerfile` parameter, and the
 * name is appended to the `.dockerignore` sent in the tar (one is created listing itself if there is none)
 * so that the daemon deletes the Dockerfile from the context after reading it and `COPY . …` doesn't see it.
 */
import { createHash } from 'node:crypto';
import { lstatSync } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import * as tarFs from 'tar-fs';
import * as tarStream from 'tar-stream';
import { fromEventStream } from './byte-streams.js';
import { createContextFilter } from './context-filter.js';
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
  body: Readable;
  /** The value for the build's `dockerfile` parameter (`/`-separated, relative to the context root); undefined when the caller gave none. */
  dockerfile?: string;
}

/** tar-fs's pack options beyond what @types/tar-fs (written for tar-fs 2) declares. */
interface PackOptionsV3 extends tarFs.PackOptions {
  sort?: boolean;
  umask?: number;
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
  | { kind: 'outside'; rel: string; content: Buffer; mode: number; mtime: Date };

async function planDockerfile(given: string, contextDir: string, realContextDir: string): Promise<DockerfilePlan> {
  const abs = path.resolve(contextDir, given);
  let st;
  try {
    st = await stat(abs);
  } catch (err) {
    throw new DockerInputError(`Dockerfile not found: ${abs} (${(err as Error).message})`, { cause: err });
  }
  if (!st.isFile()) throw new DockerInputError(`Dockerfile ${abs} is not a regular file`);
  // Compare with both spellings of the context: the caller's and the symlink-free one tar-fs walks.
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
  return { kind: 'outside', rel: name, content, mode: st.mode & 0o7777, mtime: st.mtime };
}

function packError(dir: string, err: Error): Error {
  if (err instanceof DockerInputError) return err;
  const unsupported = /^unsupported type for (.*)$/.exec(err.message);
  const what = unsupported
    ? `${unsupported[1]} is not a file, directory or symlink (add it to .dockerignore)`
    : err.message;
  return new DockerInputError(`cannot pack the build context ${dir}: ${what}`, { cause: err });
}

/** `dir` must be an existing directory (the caller checked). */
export async function packBuildContext(dir: string, opts: BuildContextOptions = {}): Promise<PackedContext> {
  const contextDir = path.resolve(dir);
  // tar-fs lstat()s its root: a symlinked context would be packed as a single link. Walk the real directory.
  const root = await realpath(contextDir);
  const dockerignoreText = await readDockerignore(root);
  const dockerfile = opts.dockerfile === undefined ? undefined : await planDockerfile(opts.dockerfile, contextDir, root);

  // Without a dockerfile option the daemon reads `Dockerfile`, falling back to `dockerfile`: send both.
  const alwaysInclude = ['.dockerignore', ...(dockerfile?.kind === 'inside' ? [dockerfile.rel] : ['Dockerfile', 'dockerfile'])];
  const filter = createContextFilter({
    dockerignore: opts.dockerignore === false ? undefined : dockerignoreText,
    alwaysInclude,
  });
  // With an outside Dockerfile, the .dockerignore that goes into the tar also names the generated file.
  const sentDockerignore =
    dockerfile?.kind === 'outside'
      ? Buffer.from(
          dockerignoreText === undefined ? `.dockerignore\n${dockerfile.rel}\n` : `${dockerignoreText}\n${dockerfile.rel}\n`,
        )
      : undefined;

  // Entries tar-fs visits but must not write: the context root itself (the CLI doesn't send "./") and excluded
  // directories walked only for what is re-included below them.
  const hidden = new Set<string>(['.']);
  const pack = tarStream.pack();
  // tar-fs writes through this object; it forwards everything to the real pack but drops the hidden entries.
  const gate = {
    get destroyed() {
      return pack.destroyed;
    },
    destroy: (err?: Error) => pack.destroy(err),
    finalize: () => pack.finalize(),
    entry(header: tarStream.Header, callback: (err?: Error | null) => void) {
      if (header.type === 'directory' && hidden.has(header.name)) {
        process.nextTick(callback);
        return undefined;
      }
      return pack.entry(header, callback);
    },
  };

  const options: PackOptionsV3 = {
    sort: true,
    umask: 0, // keep modes as on disk (tar-fs masks with the process umask by default)
    strict: true, // a fifo or device fails loudly rather than silently missing from the context
    pack: gate as unknown as tarStream.Pack,
    ignore(absName) {
      const rel = toPosix(path.relative(root, absName));
      const decision = filter.decide(rel, () => {
        try {
          return lstatSync(absName).isDirectory();
        } catch {
          return false;
        }
      });
      if (decision === 'descend') hidden.add(rel);
      return decision === 'skip';
    },
    map(header) {
      if (!opts.keepOwnership) {
        header.uid = 0;
        header.gid = 0;
      }
      if (sentDockerignore && header.name === '.dockerignore' && header.type === 'file') header.size = sentDockerignore.byteLength;
      return header;
    },
    mapStream(fileStream, header) {
      if (!sentDockerignore || header.name !== '.dockerignore') return fileStream;
      fileStream.destroy();
      return Readable.from([sentDockerignore]) as unknown as typeof fileStream;
    },
  };

  if (dockerfile?.kind === 'outside') {
    options.finalize = false;
    options.finish = () => {
      if (sentDockerignore && dockerignoreText === undefined) {
        pack.entry(
          { name: '.dockerignore', type: 'file', size: sentDockerignore.byteLength, mode: 0o644, mtime: dockerfile.mtime, uid: 0, gid: 0 },
          sentDockerignore,
        );
      }
      pack.entry(
        {
          name: dockerfile.rel,
          type: 'file',
          size: dockerfile.content.byteLength,
          mode: dockerfile.mode,
          mtime: dockerfile.mtime,
          uid: 0,
          gid: 0,
        },
        dockerfile.content,
        (err) => (err ? pack.destroy(err) : pack.finalize()),
      );
    };
  }

  tarFs.pack(root, options);
  const body = fromEventStream(pack as never, (err) => packError(contextDir, err));
  return { body, dockerfile: dockerfile?.rel };
}
