/**
 * Image archives: import (a root file system tar → an image), load (a `docker save` archive → its images) and
 * save (images → a `docker save` tar). Tars go out as they are read and come back with
 * backpressure; nothing is collected into one buffer.
 */
import { Readable } from 'node:stream';
import type { ApiContext } from '../api/context.js';
import { uploadTar, type TarSource } from '../bodies/tar-body.js';
import { DockerInputError } from '../core/errors.js';
import { checkOptions } from '../core/check-options.js';
import { checkName, inMethod, stringList } from '../core/input.js';
import type { CallOptions, QueryOf } from '../core/spec.js';
import { encodePlatforms } from '../registry/platform.js';
import { parseReference, validateTag } from '../registry/reference.js';
import type { StreamOperation } from '../streams/stream-operation.js';
import type { Platform } from './options.js';
import type { ImportEvent, ImportResult, LoadEvent, LoadResult } from './reducers.js';

/** import: resolves with the new image's ID. */
export type ImportOperation = StreamOperation<ImportEvent, ImportResult>;
/** load: resolves with the names (and IDs of untagged images) the archive held. */
export type LoadOperation = StreamOperation<LoadEvent, LoadResult>;

export interface ImportOptions extends Pick<QueryOf<'ImageCreate'>, 'repo' | 'tag' | 'message' | 'platform' | 'changes'>, CallOptions {}

export interface LoadOptions extends Pick<QueryOf<'ImageLoad'>, 'quiet'>, CallOptions {
  /** Platform(s) to load from a multi-platform archive (each sent JSON-encoded). Refused by engines before API 1.48. */
  platform?: Platform | Platform[];
}

export interface SaveOptions extends CallOptions {
  /** Platform(s) to save from a multi-platform image (each sent JSON-encoded). Refused by engines before API 1.48. */
  platform?: Platform | Platform[];
}

/** `POST /images/create?fromSrc=-`: the progress body of an import. */
export async function openImport(ctx: ApiContext, source: TarSource, opts: ImportOptions): Promise<AsyncIterable<Uint8Array>> {
  checkOptions('images.import', 'ImageCreate', opts, { except: ['fromImage', 'fromSrc'], declared: { changes: ['string', 'string[]'] } });
  const { signal, repo, tag, message, platform } = opts;
  const changes = stringList(opts.changes, 'images.import: changes', { allowEmptyList: true });
  if (tag !== undefined && repo === undefined) {
    throw new DockerInputError('images.import: `tag` needs `repo` (the daemon would create an untagged image)');
  }
  if (repo !== undefined) {
    inMethod('images.import', () => {
      parseReference(repo);
      if (tag !== undefined) validateTag(tag);
    });
  }
  // A directory is imported as a root file system: every file, owners kept (not a build context).
  const tar = await uploadTar(source, { dockerignore: false, keepOwnership: true });
  const res = await ctx.upload(tar, signal, (init) =>
    ctx.api.POST('/images/create', {
      params: { query: { fromSrc: '-', repo, tag, message, platform, changes: changes?.length ? changes : undefined } },
      ...init,
    }),
  );
  return res.chunks();
}

/** `POST /images/load`: the progress body of a load. */
export async function openLoad(ctx: ApiContext, source: TarSource, opts: LoadOptions): Promise<AsyncIterable<Uint8Array>> {
  checkOptions('images.load', 'ImageLoad', opts, { declared: { platform: ['object', 'array'] } });
  const { signal, quiet } = opts;
  if (opts.platform !== undefined) await ctx.gateQuery('images.load', 'ImageLoad', { platform: opts.platform }, signal);
  const platform = encodePlatforms(opts.platform, 'images.load: platform');
  const tar = await uploadTar(source, { dockerignore: false, keepOwnership: true });
  const res = await ctx.upload(tar, signal, (init) => ctx.api.POST('/images/load', { params: { query: { quiet, platform } }, ...init }));
  return res.chunks();
}

/** `GET /images/{name}/get` (one name) or `GET /images/get?names=…` (several): the tar as a Node Readable. */
export async function saveImages(ctx: ApiContext, nameOrNames: string | string[], opts: SaveOptions): Promise<Readable> {
  checkOptions('images.save', 'ImageGet', opts, { declared: { platform: ['object', 'array'] } });
  const names = stringList(nameOrNames, 'images.save: image name');
  if (!names) throw new DockerInputError('images.save: give an image name or a list of names');
  // A blank name is no image: refused like every other call's (a single one would also be an empty path segment).
  for (const name of names) checkName('images.save', 'image name', name);
  const { signal } = opts;
  if (opts.platform !== undefined) {
    const since = typeof nameOrNames === 'string' ? 'ImageGet' : 'ImageGetAll';
    await ctx.gateQuery('images.save', since, { platform: opts.platform }, signal);
  }
  const platform = encodePlatforms(opts.platform, 'images.save: platform');
  const res =
    typeof nameOrNames === 'string'
      ? await ctx.download((init) => ctx.api.GET('/images/{name}/get', { params: { path: { name: nameOrNames }, query: { platform } }, signal, ...init }))
      : await ctx.download((init) => ctx.api.GET('/images/get', { params: { query: { names, platform } }, signal, ...init }));
  // The response's read-ahead reader: typed mid-stream errors, larger chunks for a slow consumer (a file), and
  // destroying it (even before the first read) destroys the body, which stops the download and frees the connection.
  return res.readable();
}
