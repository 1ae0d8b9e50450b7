/**
 * Pull and push: a reference checked against the distribution grammar, credentials as `X-Registry-Auth`, and
 * the progress answer opened for a StreamOperation (the reducers in reducers.ts fold it into the result).
 */
import type { ApiContext } from '../api/context.js';
import { DockerInputError } from '../core/errors.js';
import { checkObject, checkSignal, inMethod } from '../core/input.js';
import type { CallOptions, QueryOf } from '../core/spec.js';
import { encodeRegistryAuth, type RegistryAuth } from '../registry/auth.js';
import { encodePlatforms } from '../registry/platform.js';
import { parseReference, parseRepositoryTag, validateTag } from '../registry/reference.js';
import type { StreamOperation } from '../streams/stream-operation.js';
import type { Platform } from './options.js';
import type { PullEvent, PullResult, PushEvent, PushResult } from './reducers.js';
import { IMAGE_PARAM_SINCE } from './since.js';

type CreateQuery = QueryOf<'ImageCreate'>;

/** pull: progress events per layer; resolves with the final status and the manifest digest. */
export type PullOperation = StreamOperation<PullEvent, PullResult>;
/** push: progress events per layer; resolves with the pushed tag, manifest digest and size. */
export type PushOperation = StreamOperation<PushEvent, PushResult>;

export interface PullOptions extends Pick<CreateQuery, 'platform'>, CallOptions {
  /** Tag or digest, when not given in `ref`. Default `latest` (like `docker pull`). */
  tag?: CreateQuery['tag'];
  /** Registry credentials, sent as `X-Registry-Auth`. */
  auth?: RegistryAuth;
}

export interface PushOptions extends CallOptions {
  /** Tag to push, when not given in `ref`. Default `latest` (like `docker push`). */
  tag?: QueryOf<'ImagePush'>['tag'];
  /** Platform variant to push (sent JSON-encoded). Refused with DockerInputError by engines before API 1.46 (they ignore it). */
  platform?: Platform;
  /** Registry credentials, sent as `X-Registry-Auth` (an empty config when absent: the daemon requires the header). */
  auth?: RegistryAuth;
}

/** Repository and tag (or digest) for pull and push; `method` names the call in errors. */
function repositoryAndTag(method: string, ref: string, optsTag: string | undefined): { repository: string; tag: string; digest: boolean } {
  const parsed = inMethod(method, () => parseRepositoryTag(ref));
  if (optsTag !== undefined) {
    if (parsed.tag !== undefined || parsed.digest !== undefined) {
      throw new DockerInputError(`${method}: the reference ${JSON.stringify(ref)} already names a tag or digest; drop the \`tag\` option`);
    }
    // The API accepts a digest in `tag` (a tag never contains `:`); either must be valid.
    const digest = typeof optsTag === 'string' && optsTag.includes(':');
    inMethod(method, () => (digest ? parseReference(`${parsed.repository}@${optsTag}`) : validateTag(optsTag)));
    return { repository: parsed.repository, tag: optsTag, digest };
  }
  // Never send an empty tag: the daemon would pull (or push) every tag of the repository.
  if (parsed.digest !== undefined) return { repository: parsed.repository, tag: parsed.digest, digest: true };
  return { repository: parsed.repository, tag: parsed.tag ?? 'latest', digest: false };
}

/** `POST /images/create?fromImage=…`: the progress body of a pull. */
export async function openPull(ctx: ApiContext, ref: string, opts: PullOptions): Promise<AsyncIterable<Uint8Array>> {
  checkObject(opts, 'images.pull options');
  checkSignal(opts.signal);
  const { signal, auth, platform } = opts;
  const { repository, tag } = repositoryAndTag('images.pull', ref, opts.tag);
  const header = auth === undefined ? undefined : { 'X-Registry-Auth': encodeRegistryAuth(auth) };
  const res = await ctx.stream((init) =>
    ctx.api.POST('/images/create', { params: { query: { fromImage: repository, tag, platform }, header }, signal, ...init }),
  );
  return res.chunks();
}

/** `POST /images/{name}/push?tag=…`: the progress body of a push. */
export async function openPush(ctx: ApiContext, ref: string, opts: PushOptions): Promise<AsyncIterable<Uint8Array>> {
  checkObject(opts, 'images.push options');
  checkSignal(opts.signal);
  const { signal, auth } = opts;
  const { repository, tag, digest } = repositoryAndTag('images.push', ref, opts.tag);
  if (digest) throw new DockerInputError(`images.push: cannot push by digest (${JSON.stringify(ref)}); push a tag`);
  if (opts.platform !== undefined) await ctx.gateQuery('images.push', IMAGE_PARAM_SINCE.ImagePush, { platform: opts.platform }, signal);
  const platform = encodePlatforms(opts.platform, 'images.push: platform')?.[0];
  // The daemon refuses a push without the header (even for a registry that needs no login): send `{}` then.
  const header = { 'X-Registry-Auth': encodeRegistryAuth(auth ?? {}) };
  const res = await ctx.stream((init) =>
    ctx.api.POST('/images/{name}/push', { params: { path: { name: repository }, query: { tag, platform }, header }, signal, ...init }),
  );
  return res.chunks();
}
