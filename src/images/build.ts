/**
 * `POST /build`: the build options (the spec's query, with JSON-string parameters taken as structured values)
 * and the request that sends a build context and opens the builder's output.
 */
import type { ApiContext } from '../api/context.js';
import { uploadTar, type TarSource } from '../bodies/tar-body.js';
import { checkOptions } from '../core/check-options.js';
import { inMethod, stringList, stringMap } from '../core/input.js';
import type { CallOptions, QueryOf } from '../core/spec.js';
import { readDockerfile } from '../bodies/read-dockerfile.js';
import { encodeRegistryConfig, type RegistryConfig } from '../registry/auth.js';
import type { RegistryCredentials } from '../registry/credentials.js';
import type { CredentialsLookup } from '../registry/auth.js';
import { imagesInDockerfile } from '../registry/dockerfile-images.js';
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
   * Registry address → credentials for the base images, sent as `X-Registry-Config` (used by the classic builder;
   * BuildKit ignores it). Default: `docker.auth`'s credentials for the registries the Dockerfile's FROM (and
   * `COPY --from`) lines name, when the Dockerfile can be read first (directory, tar file or bytes — not a stream);
   * `false`: none. BuildKit (`version: '2'`) gets these credentials through a build session instead, one registry
   * host at a time as it asks.
   */
  registryConfig?: RegistryConfig | false;
  /**
   * BuildKit: credentials for a registry host `registryConfig` does not name, asked one host at a time.
   * Default: `docker.auth` (config.json, credential helpers) unless `registryConfig` is `false`.
   */
  credentials?: CredentialsLookup;
}

/** The `t` values a build asked for (what the reducer reports when the builder names no tags). */
export function requestedTags(opts: BuildOptions | undefined): string[] {
  const t = opts?.t;
  return typeof t === 'string' ? [t] : Array.isArray(t) ? t.filter((x): x is string => typeof x === 'string') : [];
}

/** The build options whose names or types differ from the spec's query (see BuildOptions). */
const BUILD_DECLARED = {
  t: ['string', 'string[]'],
  extrahosts: ['string', 'string[]'],
  buildargs: 'object',
  labels: 'object',
  cachefrom: 'array',
  outputs: 'array',
  pull: ['boolean', 'string'],
  dockerignore: 'boolean',
  registryConfig: ['object', 'boolean'],
  credentials: 'function',
} as const;

/**
 * Checks the options, packs the context and opens the builder's output. `openSession` (BuildKit) runs once the
 * input is known good, right before the request, and returns the ID of the session the build names.
 */
export async function openBuild(
  ctx: ApiContext,
  creds: RegistryCredentials | undefined,
  context: TarSource,
  opts: BuildOptions,
  openSession?: () => Promise<string | undefined>,
): Promise<AsyncIterable<Uint8Array>> {
  checkOptions('images.build', 'ImageBuild', opts, { declared: BUILD_DECLARED });
  const { signal, dockerfile, t, extrahosts, buildargs, labels, cachefrom, outputs, pull, dockerignore, registryConfig, credentials, ...rest } = opts;
  const tags = stringList(t, 'images.build: t');
  for (const name of tags ?? []) inMethod('images.build: t', () => parseReference(name));
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
  let header = registryConfig === undefined || registryConfig === false ? undefined : { 'X-Registry-Config': encodeRegistryConfig(registryConfig) };
  if (registryConfig === undefined && creds) {
    // The classic builder pulls the FROM images with the credentials of X-Registry-Config, keyed by registry.
    const text = await readDockerfile(context, dockerfile);
    const images = text === undefined ? [] : imagesInDockerfile(text, buildargs ?? {}).filter(isReference);
    const config = images.length ? await creds.resolveConfig(images) : {};
    if (Object.keys(config).length) header = { 'X-Registry-Config': encodeRegistryConfig(config) };
  }
  // Negotiate before packing: a directory starts being read as soon as it is packed, and the body should reach
  // the request without waiting on the engine first.
  await ctx.negotiate(signal);
  // After the cheap checks: packing a directory starts reading it.
  const tar = await uploadTar(context, { dockerfile, dockerignore });
  // `session` is read by the daemon (moby's build router) but missing from the spec's query parameters.
  const session = await openSession?.().catch((err: unknown) => {
    tar.body.destroy();
    throw err;
  });
  const res = await ctx.upload(tar, signal, (init) =>
    ctx.api.POST('/build', { params: { query: { ...query, dockerfile: tar.dockerfile, ...(session && { session }) } as BuildQuery, header }, ...init }),
  );
  return res.chunks();
}

/** A FROM value the registry key can be computed for (unexpanded variables and odd values are left to the builder). */
function isReference(image: string): boolean {
  try {
    parseReference(image);
    return true;
  } catch {
    return false;
  }
}
