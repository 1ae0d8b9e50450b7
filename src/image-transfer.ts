/**
 * Streamed image operations: pull, push, import, load, save, build.
 *
 * Each is a typed `docker.api` call (path, query and headers checked against the generated `paths`) whose body
 * and answer are streams: tar uploads go out through undici as they are read (never buffered here), progress
 * answers become a StreamOperation (async-iterable events, awaitable result), and save's tar comes back as a
 * Node Readable with backpressure. Options keep the spec's parameter names; where the spec wants a JSON string
 * (buildargs, labels, cachefrom, outputs, OCI platform objects) the option takes the structured value.
 */
import { Readable } from 'node:stream';
import type { components, operations } from '../generated/docker-engine.js';
import { gateParams, type GatedOperation } from './api-since.js';
import { encodeRegistryAuth, encodeRegistryConfig, type RegistryAuth, type RegistryConfig } from './auth.js';
import type { DockerClient } from './client.js';
import { DockerInputError } from './errors.js';
import { kindOf } from './kind-of.js';
import { encodePlatforms } from './platform.js';
import type { LiteResponse } from './fetch-adapter.js';
import { StreamOperation } from './operation.js';
import { parseReference, parseRepositoryTag, validateTag } from './reference.js';
import { openStream, type StreamInit } from './stream-call.js';
import {
  buildReducer,
  importReducer,
  loadReducer,
  pullReducer,
  pushReducer,
  type BuildEvent,
  type BuildResult,
  type ImportEvent,
  type ImportResult,
  type LoadEvent,
  type LoadResult,
  type PullEvent,
  type PullResult,
  type PushEvent,
  type PushResult,
} from './stream-reducers.js';
import { tarBody, type TarBody, type TarSource } from './tar-source.js';

type Query<Op extends keyof operations> = NonNullable<operations[Op]['parameters']['query']>;
type CreateQuery = Query<'ImageCreate'>;
type BuildQuery = Query<'ImageBuild'>;
type OCIPlatform = components['schemas']['OCIPlatform'];

export type { TarSource } from './tar-source.js';
export type { BuildEvent, BuildResult, ImportEvent, ImportResult, LoadEvent, LoadResult, PullEvent, PullResult, PushEvent, PushResult };

/** pull: progress events per layer; resolves with the final status and the manifest digest. */
export type PullOperation = StreamOperation<PullEvent, PullResult>;
/** push: progress events per layer; resolves with the pushed tag, manifest digest and size. */
export type PushOperation = StreamOperation<PushEvent, PushResult>;
/** import: resolves with the new image's ID. */
export type ImportOperation = StreamOperation<ImportEvent, ImportResult>;
/** load: resolves with the names (and IDs of untagged images) the archive held. */
export type LoadOperation = StreamOperation<LoadEvent, LoadResult>;
/** build: the builder's output lines; resolves with the image ID and the tags applied. */
export type BuildOperation = StreamOperation<BuildEvent, BuildResult>;

interface Cancellable {
  /** Aborts the request; the operation rejects with DockerAbortError (and the engine stops the work). */
  signal?: AbortSignal;
}

export interface PullOptions extends Pick<CreateQuery, 'platform'>, Cancellable {
  /** Tag or digest, when not given in `ref`. Default `latest` (like `docker pull`). */
  tag?: CreateQuery['tag'];
  /** Registry credentials, sent as `X-Registry-Auth`. */
  auth?: RegistryAuth;
}

export interface PushOptions extends Cancellable {
  /** Tag to push, when not given in `ref`. Default `latest` (like `docker push`). */
  tag?: Query<'ImagePush'>['tag'];
  /** Platform variant to push (sent JSON-encoded). Refused with DockerInputError by engines before API 1.46 (they ignore it). */
  platform?: OCIPlatform;
  /** Registry credentials, sent as `X-Registry-Auth` (an empty config when absent: the daemon requires the header). */
  auth?: RegistryAuth;
}

export interface ImportOptions extends Pick<CreateQuery, 'repo' | 'tag' | 'message' | 'platform' | 'changes'>, Cancellable {}

export interface LoadOptions extends Pick<Query<'ImageLoad'>, 'quiet'>, Cancellable {
  /** Platform(s) to load from a multi-platform archive (each sent JSON-encoded). Refused by engines before API 1.48. */
  platform?: OCIPlatform | OCIPlatform[];
}

export interface SaveOptions extends Cancellable {
  /** Platform(s) to save from a multi-platform image (each sent JSON-encoded). Refused by engines before API 1.48. */
  platform?: OCIPlatform | OCIPlatform[];
}

/** BuildKit output configuration (`outputs`), sent JSON-encoded. */
export interface BuildOutput {
  Type: 'moby';
  Attrs?: Record<string, string>;
}

/** Query parameters whose spec type is a JSON string or a single string that may repeat: re-typed below. */
type RetypedBuildParams = 't' | 'extrahosts' | 'buildargs' | 'labels' | 'cachefrom' | 'outputs' | 'dockerfile' | 'pull';

export interface BuildOptions extends Omit<BuildQuery, RetypedBuildParams>, Cancellable {
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
  /** Registry address → credentials for the base images, sent as `X-Registry-Config`. */
  registryConfig?: RegistryConfig;
}

// ---------------------------------------------------------------------------------------------------------------
// Input checks shared by the operations.

function checkObject(value: unknown, what: string): asserts value is Record<string, unknown> | undefined {
  if (value !== undefined && (typeof value !== 'object' || value === null || Array.isArray(value))) {
    throw new DockerInputError(`${what} must be an object, got ${kindOf(value)}`);
  }
}

function checkSignal(signal: unknown): void {
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new DockerInputError(`signal must be an AbortSignal, got ${kindOf(signal)}`);
  }
}

/** A non-empty string, or a list of them (`what` names the option in the error). */
function stringList(value: unknown, what: string, { allowEmptyList = false } = {}): string[] | undefined {
  if (value === undefined) return undefined;
  const list = Array.isArray(value) ? value : [value];
  if (!allowEmptyList && list.length === 0) throw new DockerInputError(`${what} must not be an empty list`);
  for (const item of list) {
    if (typeof item !== 'string' || item === '') {
      throw new DockerInputError(`${what} must be a non-empty string${Array.isArray(value) ? ' in every entry' : ''}, got ${kindOf(item)}`);
    }
  }
  return list as string[];
}

/** `{string: string}` maps (buildargs, labels) → their JSON text. */
function stringMap(value: unknown, what: string): string | undefined {
  if (value === undefined) return undefined;
  checkObject(value, what);
  for (const [k, v] of Object.entries(value ?? {})) {
    if (typeof v !== 'string') throw new DockerInputError(`${what}[${JSON.stringify(k)}] must be a string, got ${kindOf(v)}`);
  }
  return JSON.stringify(value);
}

/** Refuse `platform` when the negotiated engine predates it (it would be ignored: see api-since.ts). */
async function gatePlatform(docker: DockerClient, op: GatedOperation, method: string, platform: unknown, signal?: AbortSignal): Promise<void> {
  if (platform !== undefined) gateParams(op, method, await docker.negotiate({ signal }), { platform });
}

// ---------------------------------------------------------------------------------------------------------------
// save

/**
 * `GET /images/{name}/get` (one name) or `GET /images/get?names=…` (several): the images as a tar stream in the
 * `docker save` format. Resolves once the engine has answered 200, with a Node Readable that pulls from the
 * connection only as fast as it is read; an HTTP error (e.g. an unknown image) rejects instead, so error text is
 * never handed out as tar. A failure while streaming (abort, connection loss, timeout) destroys the stream with
 * the typed error. Destroying the stream aborts the download. To write it to a file, give the file stream a
 * 1 MiB `highWaterMark`: with the default 16 KiB each chunk waits for its own write (bench/README.md).
 */
export async function saveImages(docker: DockerClient, nameOrNames: string | string[], opts: SaveOptions = {}): Promise<Readable> {
  checkObject(opts, 'images.save options');
  const names = stringList(nameOrNames, 'images.save: image name');
  checkSignal(opts.signal);
  if (!names) throw new DockerInputError('images.save: give an image name or a list of names');
  const { signal } = opts;
  await gatePlatform(docker, typeof nameOrNames === 'string' ? 'ImageGet' : 'ImageGetAll', 'images.save', opts.platform, signal);
  const platform = encodePlatforms(opts.platform, 'images.save: platform');
  const res =
    typeof nameOrNames === 'string'
      ? await openStream('GET', (init: StreamInit) =>
          docker.api.GET('/images/{name}/get', { params: { path: { name: nameOrNames }, query: { platform } }, signal, ...init }),
        )
      : await openStream('GET', (init: StreamInit) =>
          docker.api.GET('/images/get', { params: { query: { names, platform } }, signal, ...init }),
        );
  // readBody maps mid-stream failures to typed errors; objectMode false keeps it a byte stream.
  return Readable.from(docker.transport.readBody(res, signal), { objectMode: false });
}

// ---------------------------------------------------------------------------------------------------------------
// Progress-stream operations: the request, up to the body of JSON lines the StreamOperation reads.

/** Repository and tag (or digest) for pull and push; `method` names the call in errors. */
function repositoryAndTag(method: string, ref: string, optsTag: string | undefined): { repository: string; tag: string; digest: boolean } {
  let parsed;
  try {
    parsed = parseRepositoryTag(ref);
  } catch (err) {
    throw new DockerInputError(`${method}: ${(err as Error).message}`);
  }
  if (optsTag !== undefined) {
    if (parsed.tag !== undefined || parsed.digest !== undefined) {
      throw new DockerInputError(`${method}: the reference ${JSON.stringify(ref)} already names a tag or digest; drop the \`tag\` option`);
    }
    // The API accepts a digest in `tag` (a tag never contains `:`); either must be valid.
    const digest = typeof optsTag === 'string' && optsTag.includes(':');
    try {
      if (digest) parseReference(`${parsed.repository}@${optsTag}`);
      else validateTag(optsTag);
    } catch (err) {
      throw new DockerInputError(`${method}: ${(err as Error).message}`);
    }
    return { repository: parsed.repository, tag: optsTag, digest };
  }
  // Never send an empty tag: the daemon would pull (or push) every tag of the repository.
  if (parsed.digest !== undefined) return { repository: parsed.repository, tag: parsed.digest, digest: true };
  return { repository: parsed.repository, tag: parsed.tag ?? 'latest', digest: false };
}

/** The JSON-lines body of a progress answer, with mid-stream failures mapped to typed errors. */
function progressBody(docker: DockerClient, res: LiteResponse, signal: AbortSignal | undefined): AsyncIterable<Uint8Array> {
  return docker.transport.readBody(res, signal);
}

/**
 * Send an upload (build context, image tar) and open the progress answer. The tar body is created first, so a bad
 * source fails before any request; when the request fails before the engine took the whole body, the body is
 * destroyed so an open file or a caller's stream is released.
 */
async function upload(
  docker: DockerClient,
  tar: TarBody,
  signal: AbortSignal | undefined,
  call: (init: StreamInit & { body: Readable; headers: Record<string, string> }) => ReturnType<Parameters<typeof openStream>[1]>,
): Promise<AsyncIterable<Uint8Array>> {
  const headers: Record<string, string> = { 'Content-Type': 'application/x-tar' };
  if (tar.length !== undefined) headers['Content-Length'] = String(tar.length);
  try {
    const res = await openStream('POST', (init) => call({ ...init, body: tar.body, headers }));
    return progressBody(docker, res, signal);
  } catch (err) {
    if (!tar.body.destroyed) tar.body.destroy();
    throw err;
  }
}

async function openPull(docker: DockerClient, ref: string, opts: PullOptions): Promise<AsyncIterable<Uint8Array>> {
  checkObject(opts, 'images.pull options');
  checkSignal(opts.signal);
  const { signal, auth, platform } = opts;
  const { repository, tag } = repositoryAndTag('images.pull', ref, opts.tag);
  const header = auth === undefined ? undefined : { 'X-Registry-Auth': encodeRegistryAuth(auth) };
  const res = await openStream('POST', (init) =>
    docker.api.POST('/images/create', { params: { query: { fromImage: repository, tag, platform }, header }, signal, ...init }),
  );
  return progressBody(docker, res, signal);
}

async function openPush(docker: DockerClient, ref: string, opts: PushOptions): Promise<AsyncIterable<Uint8Array>> {
  checkObject(opts, 'images.push options');
  checkSignal(opts.signal);
  const { signal, auth } = opts;
  const { repository, tag, digest } = repositoryAndTag('images.push', ref, opts.tag);
  if (digest) throw new DockerInputError(`images.push: cannot push by digest (${JSON.stringify(ref)}); push a tag`);
  await gatePlatform(docker, 'ImagePush', 'images.push', opts.platform, signal);
  const platform = encodePlatforms(opts.platform, 'images.push: platform')?.[0];
  // The daemon refuses a push without the header (even for a registry that needs no login): send `{}` then.
  const header = { 'X-Registry-Auth': encodeRegistryAuth(auth ?? {}) };
  const res = await openStream('POST', (init) =>
    docker.api.POST('/images/{name}/push', { params: { path: { name: repository }, query: { tag, platform }, header }, signal, ...init }),
  );
  return progressBody(docker, res, signal);
}

async function openImport(docker: DockerClient, source: TarSource, opts: ImportOptions): Promise<AsyncIterable<Uint8Array>> {
  checkObject(opts, 'images.import options');
  checkSignal(opts.signal);
  const { signal, repo, tag, message, platform } = opts;
  const changes = stringList(opts.changes, 'images.import: changes', { allowEmptyList: true });
  if (tag !== undefined && repo === undefined) {
    throw new DockerInputError('images.import: `tag` needs `repo` (the daemon would create an untagged image)');
  }
  if (repo !== undefined) {
    try {
      parseReference(repo);
      if (tag !== undefined) validateTag(tag);
    } catch (err) {
      throw new DockerInputError(`images.import: ${(err as Error).message}`);
    }
  }
  // A directory is imported as a root file system: every file, owners kept (not a build context).
  const tar = await tarBody(source, { dockerignore: false, keepOwnership: true });
  return upload(docker, tar, signal, (init) =>
    docker.api.POST('/images/create', {
      params: { query: { fromSrc: '-', repo, tag, message, platform, changes: changes?.length ? changes : undefined } },
      signal,
      ...init,
    }),
  );
}

async function openLoad(docker: DockerClient, source: TarSource, opts: LoadOptions): Promise<AsyncIterable<Uint8Array>> {
  checkObject(opts, 'images.load options');
  checkSignal(opts.signal);
  const { signal, quiet } = opts;
  await gatePlatform(docker, 'ImageLoad', 'images.load', opts.platform, signal);
  const platform = encodePlatforms(opts.platform, 'images.load: platform');
  const tar = await tarBody(source, { dockerignore: false, keepOwnership: true });
  return upload(docker, tar, signal, (init) => docker.api.POST('/images/load', { params: { query: { quiet, platform } }, signal, ...init }));
}

async function openBuild(docker: DockerClient, context: TarSource, opts: BuildOptions): Promise<AsyncIterable<Uint8Array>> {
  checkObject(opts, 'images.build options');
  checkSignal(opts.signal);
  const { signal, dockerfile, t, extrahosts, buildargs, labels, cachefrom, outputs, pull, dockerignore, registryConfig, ...rest } = opts;
  const tags = stringList(t, 'images.build: t');
  for (const name of tags ?? []) {
    try {
      parseReference(name);
    } catch (err) {
      throw new DockerInputError(`images.build: t: ${(err as Error).message}`);
    }
  }
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
  return upload(docker, tar, signal, (init) =>
    docker.api.POST('/build', { params: { query: { ...query, dockerfile: tar.dockerfile }, header }, signal, ...init }),
  );
}

// ---------------------------------------------------------------------------------------------------------------
// The public operations. Bad input rejects the returned operation (await or iteration) with DockerInputError
// before anything is sent.

/**
 * `POST /images/create?fromImage=…&tag=…`: pull `ref` (validated first; tag `latest` when it names none).
 * An error line (unknown manifest, refused credentials, …) rejects with DockerStreamError.
 */
export function pullImage(docker: DockerClient, ref: string, opts: PullOptions = {}): PullOperation {
  return new StreamOperation(openPull(docker, ref, opts), pullReducer());
}

/**
 * `POST /images/{name}/push?tag=…`: push `ref` (validated first; tag `latest` when it names none) with
 * `X-Registry-Auth` always set. A refused login rejects with DockerStreamError carrying the registry's text.
 */
export function pushImage(docker: DockerClient, ref: string, opts: PushOptions = {}): PushOperation {
  return new StreamOperation(openPush(docker, ref, opts), pushReducer());
}

/** `POST /images/create?fromSrc=-`: a root file system tar (or directory) as a new image, `changes` applied. */
export function importImage(docker: DockerClient, source: TarSource, opts: ImportOptions = {}): ImportOperation {
  return new StreamOperation(openImport(docker, source, opts), importReducer());
}

/** `POST /images/load`: the images of a `docker save` archive. */
export function loadImages(docker: DockerClient, source: TarSource, opts: LoadOptions = {}): LoadOperation {
  return new StreamOperation(openLoad(docker, source, opts), loadReducer());
}

/**
 * `POST /build`: build `context` (a directory honouring `.dockerignore`, a tar path, stream or bytes) with the
 * classic builder or BuildKit as the engine chooses (`version`). A failing step rejects with DockerStreamError
 * carrying the daemon's text; aborting `signal` rejects with DockerAbortError and makes the engine stop the build.
 * The library imposes no `networkmode`: pass `'none'` to keep `RUN` steps off the network.
 */
export function buildImage(docker: DockerClient, context: TarSource, opts: BuildOptions = {}): BuildOperation {
  const t = opts?.t;
  const tags = typeof t === 'string' ? [t] : Array.isArray(t) ? t.filter((x): x is string => typeof x === 'string') : [];
  return new StreamOperation(openBuild(docker, context, opts), buildReducer({ tags }));
}
