/**
 * Pull and push: a reference checked against the distribution grammar, credentials as `X-Registry-Auth`, and
 * the progress answer opened for a StreamOperation (the reducers in reducers.ts fold it into the result).
 */
import type { ApiContext } from '../api/context.js';
import { DockerInputError } from '../core/errors.js';
import { checkOptions } from '../core/check-options.js';
import { inMethod } from '../core/input.js';
import type { CallOptions, QueryOf } from '../core/spec.js';
import { encodeRegistryAuth, type RegistryAuth } from '../registry/auth.js';
import { encodePlatforms } from '../registry/platform.js';
import { parseReference, parseRepositoryTag, validateTag } from '../registry/reference.js';
import type { RegistryCredentials } from '../registry/credentials.js';
import { registryKey } from '../registry/credentials.js';
import type { StreamOperation } from '../streams/stream-operation.js';
import { checkHook, credentialsFor, openWithAuthRetry, type AuthRequiredHook } from './auth-retry.js';
import type { Platform } from './options.js';
import type { PullEvent, PullResult, PushEvent, PushResult } from './reducers.js';

type CreateQuery = QueryOf<'ImageCreate'>;

/** pull: progress events per layer; resolves with the final status and the manifest digest. */
export type PullOperation = StreamOperation<PullEvent, PullResult>;
/** push: progress events per layer; resolves with the pushed tag, manifest digest and size. */
export type PushOperation = StreamOperation<PushEvent, PushResult>;

export interface PullOptions extends Pick<CreateQuery, 'platform'>, CallOptions {
  /** Tag or digest, when not given in `ref`. Default `latest` (like `docker pull`). */
  tag?: CreateQuery['tag'];
  /**
   * Registry credentials, sent as `X-Registry-Auth`. Default: what `docker.auth.resolve(ref)` finds (the docker
   * CLI's config.json, helpers, DOCKER_AUTH_CONFIG); `false`: anonymous.
   */
  auth?: RegistryAuth | false;
  /** Asked once for fresh credentials (by registry key) when the registry refuses; the pull is then retried. */
  onAuthRequired?: AuthRequiredHook;
}

export interface PushOptions extends CallOptions {
  /** Tag to push, when not given in `ref`. Default `latest` (like `docker push`). */
  tag?: QueryOf<'ImagePush'>['tag'];
  /** Platform variant to push (sent JSON-encoded). Refused with DockerInputError by engines before API 1.46 (they ignore it). */
  platform?: Platform;
  /**
   * Registry credentials, sent as `X-Registry-Auth`. Default: what `docker.auth.resolve(ref)` finds; `false`:
   * anonymous (an empty config: the daemon requires the header).
   */
  auth?: RegistryAuth | false;
  /** Asked once for fresh credentials (by registry key) when the registry refuses; the push is then retried. */
  onAuthRequired?: AuthRequiredHook;
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

/** Pull and push options of their own: credentials (`false` = anonymous) and the hook asked when they are refused. */
const PULL_PUSH_DECLARED = { auth: ['object', 'boolean'], onAuthRequired: 'function' } as const;

/** `POST /images/create?fromImage=…`: the progress body of a pull. */
export async function openPull(ctx: ApiContext, creds: RegistryCredentials | undefined, ref: string, opts: PullOptions): Promise<AsyncIterable<Uint8Array>> {
  // fromImage is the reference; fromSrc, repo, message and changes belong to import.
  checkOptions('images.pull', 'ImageCreate', opts, { except: ['fromImage', 'fromSrc', 'repo', 'message', 'changes'], declared: PULL_PUSH_DECLARED });
  checkHook(opts.onAuthRequired, 'images.pull');
  const { signal, platform } = opts;
  const { repository, tag } = repositoryAndTag('images.pull', ref, opts.tag);
  const auth = await credentialsFor(creds, repository, opts.auth, 'images.pull');
  const open = async (creds: RegistryAuth | undefined) => {
    const header = creds === undefined ? undefined : { 'X-Registry-Auth': encodeRegistryAuth(creds) };
    const res = await ctx.stream((init) =>
      ctx.api.POST('/images/create', { params: { query: { fromImage: repository, tag, platform }, header }, signal, ...init }),
    );
    return res.chunks();
  };
  return openWithAuthRetry(open, auth, registryKey(repository), opts.onAuthRequired);
}

/** `POST /images/{name}/push?tag=…`: the progress body of a push. */
export async function openPush(ctx: ApiContext, creds: RegistryCredentials | undefined, ref: string, opts: PushOptions): Promise<AsyncIterable<Uint8Array>> {
  checkOptions('images.push', 'ImagePush', opts, { declared: { ...PULL_PUSH_DECLARED, platform: 'object' } });
  checkHook(opts.onAuthRequired, 'images.push');
  const { signal } = opts;
  const { repository, tag, digest } = repositoryAndTag('images.push', ref, opts.tag);
  if (digest) throw new DockerInputError(`images.push: cannot push by digest (${JSON.stringify(ref)}); push a tag`);
  if (opts.platform !== undefined) await ctx.gateQuery('images.push', 'ImagePush', { platform: opts.platform }, signal);
  const platform = encodePlatforms(opts.platform, 'images.push: platform')?.[0];
  const auth = await credentialsFor(creds, repository, opts.auth, 'images.push');
  const open = async (creds: RegistryAuth | undefined) => {
    // The daemon refuses a push without the header (even for a registry that needs no login): send `{}` then.
    const header = { 'X-Registry-Auth': encodeRegistryAuth(creds ?? {}) };
    const res = await ctx.stream((init) =>
      ctx.api.POST('/images/{name}/push', { params: { path: { name: repository }, query: { tag, platform }, header }, signal, ...init }),
    );
    return res.chunks();
  };
  return openWithAuthRetry(open, auth, registryKey(repository), opts.onAuthRequired);
}
