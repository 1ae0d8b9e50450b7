/**
 * `POST /build`: the build options (the spec's query, with JSON-string parameters taken as structured values)
 * and the request that sends a build context and opens the builder's output.
 */
import type { ApiContext } from '../api/context.js';
import { tarBody, type TarSource } from '../bodies/tar-body.js';
import { DockerInputError } from '../core/errors.js';
import { checkObject, checkSignal, inMethod, kindOf, stringList, stringMap } from '../core/input.js';
import type { CallOptions, QueryOf } from '../core/spec.js';
import { encodeRegistryConfig, type RegistryConfig } from '../registry/auth.js';
import type { CredentialsLookup } from '../registry/session-services.js';
import { parseReference } from '../registry/reference.js';
import type { StreamOperation } from '../streams/stream-operation.js';
import type { BuildEvent, BuildResult } from './reducers.js';

type BuildQuery = QueryOf<'ImageBuild'>;

/** build: the builder's output lines; resolves with the image ID and the tags applied. */
export type BuildOperation = StreamOperation<BuildEvent, BuildResult>;

/** BuildKit output configuration (`outputs`), sent JSON-encoded. */
export interface BuildOutput {
  Type: 'moby';
  Attrs?: Record<string, string>;
}

/** Query parameters whose spec type is a JSON string or a single string that may repeat: re-typed below. */
type RetypedBuildParams = 't' | 'extrahosts' | 'buildargs' | 'labels' | 'cachefrom' | 'outputs' | 'dockerfile' | 'pull';

export interface BuildOptions extends Omit<BuildQuery, RetypedBuildParams>, CallOptions {
  /**
   * The Dockerfile: a path inside the context (the API's `dockerfile`), or — for a directory context — an
   * absolute path or one outside the directory, which is added to the context under a generated name.
   */
  dockerfile?: BuildQuery['dockerfile'];
  /** Name(s) `name:tag` for the built image. */
  t?: string | string[];
  /** Extra `/etc/hosts` entries, `host:ip`. */
  extrahosts?: string | string[];
  /** Build-time variables (`ARG`). */
  buildargs?: Record<string, string>;
  /** Labels set on the image. */
  labels?: Record<string, string>;
  /** Images used for build cache resolution. */
  cachefrom?: string[];
  /** BuildKit outputs. */
  outputs?: BuildOutput[];
  /** Pull a newer version of the base image even if one exists locally. */
  pull?: boolean | BuildQuery['pull'];
  /** Honour `.dockerignore` of a directory context (default true). */
  dockerignore?: boolean;
  /**
   * Registry address → credentials for the base images: sent as `X-Registry-Config` (classic builder, Podman) and,
   * for BuildKit (`version: '2'`), served per registry through a build session.
   */
  registryConfig?: RegistryConfig;
  /** BuildKit: credentials for registries `registryConfig` does not name, asked one host at a time (e.g. config.json). */
  credentials?: CredentialsLookup;
}

/** The `t` values a build asked for (what the reducer reports when the builder names no tags). */
export function requestedTags(opts: BuildOptions | undefined): string[] {
  const t = opts?.t;
  return typeof t === 'string' ? [t] : Array.isArray(t) ? t.filter((x): x is string => typeof x === 'string') : [];
}

/**
 * Checks the options, packs the context and opens the builder's output. `openSession` (BuildKit) runs once the
 * input is known good, right before the request, and returns the ID of the session the build names.
 */
export async function openBuild(
  ctx: ApiContext,
  context: TarSource,
  opts: BuildOptions,
  openSession?: () => Promise<string | undefined>,
): Promise<AsyncIterable<Uint8Array>> {
  checkObject(opts, 'images.build options');
  checkSignal(opts.signal);
  const { signal, dockerfile, t, extrahosts, buildargs, labels, cachefrom, outputs, pull, dockerignore, registryConfig, credentials, ...rest } = opts;
  const tags = stringList(t, 'images.build: t');
  for (const name of tags ?? []) inMethod('images.build: t', () => parseReference(name));
  if (cachefrom !== undefined && !Array.isArray(cachefrom)) throw new DockerInputError('images.build: cachefrom must be an array of image names');
  if (outputs !== undefined && !Array.isArray(outputs)) throw new DockerInputError('images.build: outputs must be an array of { Type, Attrs }');
  if (pull !== undefined && typeof pull !== 'boolean' && typeof pull !== 'string') {
    throw new DockerInputError(`images.build: pull must be a boolean, got ${kindOf(pull)}`);
  }
  const query = {
    ...rest,
    // openapi-fetch repeats array values (`t=a&t=b`), which is how the daemon reads `t` and `extrahosts`.
    t: tags as unknown as BuildQuery['t'],
    extrahosts: stringList(extrahosts, 'images.build: extrahosts') as unknown as BuildQuery['extrahosts'],
    buildargs: stringMap(buildargs, 'images.build: buildargs'),
    labels: stringMap(labels, 'images.build: labels'),
    cachefrom: cachefrom === undefined ? undefined : JSON.stringify(stringList(cachefrom, 'images.build: cachefrom', { allowEmptyList: true })),
    outputs: outputs === undefined ? undefined : JSON.stringify(outputs),
    pull: pull === true ? '1' : pull === false ? undefined : pull,
  } satisfies BuildQuery;
  const header = registryConfig === undefined ? undefined : { 'X-Registry-Config': encodeRegistryConfig(registryConfig) };
  // After the cheap checks: packing a directory starts reading it.
  const tar = await tarBody(context, { dockerfile, dockerignore });
  // `session` is read by the daemon (moby's build router) but missing from the spec's query parameters.
  const session = await openSession?.().catch((err: unknown) => {
    tar.body.destroy();
    throw err;
  });
  const res = await ctx.upload(tar, (init) =>
    ctx.api.POST('/build', { params: { query: { ...query, dockerfile: tar.dockerfile, ...(session && { session }) } as BuildQuery, header }, signal, ...init }),
  );
  return res.chunks();
}
