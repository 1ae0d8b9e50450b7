/**
 * Files in and out of a container: getArchive (tar out, with the path's stat), putArchive (tar in), statPath
 * (the stat alone) and export (the whole filesystem as a tar).
 *
 * The stat travels in the `X-Docker-Container-Path-Stat` header as base64 of a JSON object whose `mode` is Go's
 * FileMode: permission bits plus type bits in the high bits (directory 1<<31, symlink 1<<27, …), not the
 * POSIX st_mode layout.
 */
import { Readable } from 'node:stream';
import type { ApiContext } from '../api/context.js';
import { uploadTar, type TarSource } from '../bodies/tar-body.js';
import { DockerProtocolError } from '../core/errors.js';
import { checkOptions } from '../core/check-options.js';
import { checkName } from '../core/input.js';
import type { CallOptions } from '../core/spec.js';
import type { LiteResponse } from '../transport/response.js';
import type * as O from './options.js';

const STAT_HEADER = 'x-docker-container-path-stat';
/** Go's os.ModeDir and os.ModeSymlink. */
const MODE_DIR = 2 ** 31;
const MODE_SYMLINK = 2 ** 27;

/** Decode the header value (base64 JSON) into a ContainerPathStat. */
export function decodePathStat(header: string | null, method: string): O.ContainerPathStat {
  if (!header) throw new DockerProtocolError(`${method}: the engine sent no ${STAT_HEADER} header`);
  let raw: { name?: unknown; size?: unknown; mode?: unknown; mtime?: unknown; linkTarget?: unknown };
  try {
    raw = JSON.parse(Buffer.from(header, 'base64').toString('utf8')) as typeof raw;
  } catch (cause) {
    throw new DockerProtocolError(`${method}: the ${STAT_HEADER} header is not base64 JSON: ${header.slice(0, 100)}`, { cause });
  }
  if (raw === null || typeof raw !== 'object' || typeof raw.mode !== 'number' || typeof raw.name !== 'string') {
    throw new DockerProtocolError(`${method}: the ${STAT_HEADER} header lacks name/mode: ${JSON.stringify(raw).slice(0, 200)}`);
  }
  const mode = raw.mode;
  return {
    name: raw.name,
    size: typeof raw.size === 'number' ? raw.size : 0,
    mode,
    mtime: typeof raw.mtime === 'string' ? raw.mtime : '',
    linkTarget: typeof raw.linkTarget === 'string' ? raw.linkTarget : '',
    // The type bits lie above 2^31, beyond JavaScript's 32-bit bitwise operators: test them arithmetically.
    isDirectory: Math.floor(mode / MODE_DIR) % 2 === 1,
    isSymbolicLink: Math.floor(mode / MODE_SYMLINK) % 2 === 1,
    permissions: mode % 0o1000,
  };
}

function checkPath(method: string, path: unknown): asserts path is string {
  checkName(method, 'path', path);
}

/** `GET /containers/{id}/archive?path=` → the tar stream and the path's stat. */
export async function getArchive(ctx: ApiContext, id: string, path: string, opts: CallOptions): Promise<{ stat: O.ContainerPathStat; tar: Readable }> {
  checkName('containers.getArchive', 'id', id);
  checkPath('containers.getArchive', path);
  checkOptions('containers.getArchive', 'ContainerArchive', opts, { except: ['path'] });
  const { signal } = opts ?? {};
  const res = await ctx.download((init) => ctx.api.GET('/containers/{id}/archive', { params: { path: { id }, query: { path } }, signal, ...init }));
  let stat: O.ContainerPathStat;
  try {
    stat = decodePathStat(res.headers.get(STAT_HEADER), 'containers.getArchive');
  } catch (err) {
    await res.discard().catch(() => {});
    throw err;
  }
  return { stat, tar: byteStream(res) };
}

/** `HEAD /containers/{id}/archive?path=` → the path's stat. */
export async function statPath(ctx: ApiContext, id: string, path: string, opts: CallOptions): Promise<O.ContainerPathStat> {
  checkName('containers.statPath', 'id', id);
  checkPath('containers.statPath', path);
  checkOptions('containers.statPath', 'ContainerArchiveInfo', opts, { except: ['path'] });
  const res = await ctx.response(ctx.api.HEAD('/containers/{id}/archive', { params: { path: { id }, query: { path } }, parseAs: 'text', signal: opts?.signal }));
  return decodePathStat(res.headers.get(STAT_HEADER), 'containers.statPath');
}

/**
 * `PUT /containers/{id}/archive?path=`: extract `source` into the existing directory `path`. A directory source is
 * packed with its contents at the top (ownership kept, no .dockerignore); a .tar file, stream or bytes go as they are.
 */
export async function putArchive(ctx: ApiContext, id: string, path: string, source: TarSource, opts: O.ContainerPutArchiveOptions): Promise<void> {
  checkName('containers.putArchive', 'id', id);
  checkPath('containers.putArchive', path);
  // The spec types the two flags as strings; they are booleans to the daemon and here.
  checkOptions('containers.putArchive', 'PutContainerArchive', opts, { except: ['path'], declared: { noOverwriteDirNonDir: 'boolean', copyUIDGID: 'boolean' } });
  const { signal, noOverwriteDirNonDir, copyUIDGID } = opts ?? {};
  const flag = (v: boolean | undefined): string | undefined => (v === undefined ? undefined : String(v));
  const query = { path, noOverwriteDirNonDir: flag(noOverwriteDirNonDir), copyUIDGID: flag(copyUIDGID) };
  const tar = await uploadTar(source, { dockerignore: false, keepOwnership: true });
  const res = await ctx.upload(tar, signal, (init) => ctx.api.PUT('/containers/{id}/archive', { params: { path: { id }, query }, ...init }));
  await res.discard();
}

/** `GET /containers/{id}/export` → the filesystem as a tar stream. */
export async function exportContainer(ctx: ApiContext, id: string, opts: CallOptions): Promise<Readable> {
  checkName('containers.export', 'id', id);
  checkOptions('containers.export', 'ContainerExport', opts);
  const res = await ctx.download((init) => ctx.api.GET('/containers/{id}/export', { params: { path: { id } }, signal: opts?.signal, ...init }));
  return byteStream(res);
}

/**
 * A response body as a Node byte stream: the response's read-ahead reader (typed mid-stream errors, larger chunks
 * for a slow consumer such as a file; destroying it releases the connection).
 */
function byteStream(res: LiteResponse): Readable {
  return res.readable();
}
