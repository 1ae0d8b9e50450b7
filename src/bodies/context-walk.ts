/**
 * The walk of a build context directory, in the order the tar lists it: breadth-first, each directory's names
 * sorted (by UTF-16 code units, JavaScript's default sort), the order tar-fs 3's `sort: true` walk had, so a
 * context packs to the same tar as before this walk replaced tar-fs. Symlinks are entries of their own, never
 * followed. Sockets are left out (tar cannot hold them; tar-fs skipped them too); a fifo or device fails the
 * pack (naming it), which a `.dockerignore` line avoids. An entry deleted after its directory was read is left
 * out; a directory that cannot be read fails the pack.
 */
import type { Stats } from 'node:fs';
import { lstat, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContextDecision } from './context-filter.js';
import { DockerInputError } from '../core/errors.js';
import type { TarEntry } from './tar-chunks.js';
import type { TarHeader } from './tar-header.js';

export interface WalkOptions {
  /** The directory, symlink-free (the caller's realpath): its own entry is not written. */
  root: string;
  /** For every path below the root (relative, `/`-separated); `isDirectory` does not follow symlinks. */
  decide(rel: string, isDirectory: () => boolean): ContextDecision;
  /** Keep uid/gid as on disk instead of 0:0. */
  keepOwnership: boolean;
  /** For the error naming an unsupported file. */
  contextDir: string;
}

interface Queued {
  rel: string;
  /** Walked but not written: the root, and an excluded directory walked for what is re-included below it. */
  hidden: boolean;
}

const byName = (a: { name: string }, b: { name: string }): number => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

export async function* walkContext(opts: WalkOptions): AsyncGenerator<TarEntry> {
  const queue: (Queued | undefined)[] = [{ rel: '.', hidden: true }];
  for (let i = 0; i < queue.length; i++) {
    const { rel, hidden } = queue[i]!;
    queue[i] = undefined;
    const abs = rel === '.' ? opts.root : join(opts.root, rel);
    let st: Stats;
    try {
      st = await lstat(abs);
    } catch (err) {
      if (rel !== '.' && (err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    const header = (type: TarHeader['type'], size = 0, linkname?: string): TarHeader => ({
      name: rel,
      type,
      mode: st.mode,
      uid: opts.keepOwnership ? st.uid : 0,
      gid: opts.keepOwnership ? st.gid : 0,
      size,
      mtimeMs: st.mtimeMs,
      linkname,
    });
    if (st.isDirectory()) {
      const dirents = await readdir(abs, { withFileTypes: true });
      dirents.sort(byName);
      for (const d of dirents) {
        const child = rel === '.' ? d.name : `${rel}/${d.name}`;
        const decision = opts.decide(child, () => d.isDirectory());
        if (decision !== 'skip') queue.push({ rel: child, hidden: decision === 'descend' });
      }
      if (!hidden) yield { header: header('directory') };
    } else if (st.isSymbolicLink()) {
      yield { header: header('symlink', 0, await readlink(abs)) };
    } else if (st.isFile()) {
      yield { header: header('file', st.size), file: abs };
    } else if (!st.isSocket()) {
      throw new DockerInputError(
        `cannot pack the build context ${opts.contextDir}: ${rel} is not a file, directory or symlink (add it to .dockerignore)`,
      );
    }
  }
}
