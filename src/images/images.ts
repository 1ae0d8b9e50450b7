/**
 * images/ — `docker.images`: every image operation of the Engine API. Changes when an image endpoint changes.
 *
 * Each method is a thin typed wrapper over the generated `paths`: options keep the spec's parameter names and
 * types (derived from `operations`); where the spec wants a JSON-encoded string (filters, OCI platforms) the
 * option takes the structured value. Parameters newer than the negotiated API version are refused before
 * sending (core/since.ts, reading generated/api-since.ts). Streamed operations (pull, push, import, load, build) return a StreamOperation: iterate
 * it for the progress events, await it for the result; bad input rejects it with DockerInputError before
 * anything is sent.
 */
import type { Readable } from 'node:stream';
import type { ApiContext } from '../api/context.js';
import type { TarSource } from '../bodies/tar-body.js';
import { encodeOperationFilters } from '../core/filters.js';
import { DockerInputError } from '../core/errors.js';
import { checkOptions } from '../core/check-options.js';
import { checkName } from '../core/input.js';
import { encodeRegistryAuth } from '../registry/auth.js';
import type { RegistryCredentials } from '../registry/credentials.js';
import { encodePlatform, encodePlatforms } from '../registry/platform.js';
import { validateRepository, validateTag } from '../registry/reference.js';
import { StreamOperation } from '../streams/stream-operation.js';
import { openImport, openLoad, saveImages, type ImportOperation, type ImportOptions, type LoadOperation, type LoadOptions, type SaveOptions } from './archive.js';
import { openBuild, requestedTags, type BuildOperation, type BuildOptions } from './build.js';
import { buildkitBuild } from './buildkit-build.js';
import type * as o from './options.js';
import { openPull, openPush, type PullOperation, type PullOptions, type PushOperation, type PushOptions } from './pull-push.js';
import { buildReducer, importReducer, loadReducer, pullReducer, pushReducer } from './reducers.js';

// The option rules of the two hottest calls, made once (checkOptions reads them on every call).
const LIST_RULES = { declared: { filters: 'object' } } as const;
const INSPECT_RULES = { declared: { platform: 'object' } } as const;

export class Images {
  /** @internal resources are made by DockerClient. */
  constructor(
    private readonly ctx: ApiContext,
    /** The docker CLI's credentials, the default of pull, push, search and build; undefined = none. */
    private readonly creds?: RegistryCredentials,
  ) {}

  /** `GET /images/json`. */
  async list(opts: o.ImageListOptions = {}): Promise<o.ImageSummary[]> {
    checkOptions('images.list', 'ImageList', opts, LIST_RULES);
    const { signal, filters, ...rest } = opts;
    const query = await this.ctx.gateQuery('images.list', 'ImageList', { ...rest, filters: encodeOperationFilters('images.list', 'ImageList', filters) }, signal);
    return this.ctx.json(this.ctx.api.GET('/images/json', { params: { query }, signal }));
  }

  /** `GET /images/{name}/json`. Unknown image → DockerApiError 404. */
  async inspect(name: string, opts: o.ImageInspectOptions = {}): Promise<o.ImageInspect> {
    checkName('images.inspect', 'name', name);
    checkOptions('images.inspect', 'ImageInspect', opts, INSPECT_RULES);
    const { signal, platform, ...rest } = opts;
    const query = await this.ctx.gateQuery('images.inspect', 'ImageInspect', { ...rest, platform: encodePlatform(platform, 'images.inspect: platform') }, signal);
    return this.ctx.json(this.ctx.api.GET('/images/{name}/json', { params: { path: { name }, query }, signal }));
  }

  /** `GET /images/{name}/history`: the image and its parent layers, newest first. */
  async history(name: string, opts: o.ImageHistoryOptions = {}): Promise<o.ImageHistoryItem[]> {
    checkName('images.history', 'name', name);
    checkOptions('images.history', 'ImageHistory', opts, { declared: { platform: 'object' } });
    const { signal, platform, ...rest } = opts;
    const query = await this.ctx.gateQuery('images.history', 'ImageHistory', { ...rest, platform: encodePlatform(platform, 'images.history: platform') }, signal);
    return this.ctx.json(this.ctx.api.GET('/images/{name}/history', { params: { path: { name }, query }, signal }));
  }

  /** `POST /images/{name}/tag`: add `repo[:tag]` (tag defaults to `latest`) to an image. The reference is validated first. */
  async tag(name: string, opts: o.ImageTagOptions): Promise<void> {
    checkName('images.tag', 'name', name);
    if (opts === undefined) throw new DockerInputError('images.tag: options { repo, tag? } are required');
    checkOptions('images.tag', 'ImageTag', opts);
    const { signal, ...query } = opts;
    validateRepository(query.repo);
    if (query.tag !== undefined) validateTag(query.tag);
    // 201 has no content in the spec; read it as text, since Podman sends a lone newline (Content-Length 1) that
    // openapi-fetch's default JSON parsing would reject.
    await this.ctx.json(this.ctx.api.POST('/images/{name}/tag', { params: { path: { name }, query }, parseAs: 'text', signal }));
  }

  /** `DELETE /images/{name}`: untag, and delete when no tag is left (with untagged parents unless `noprune`). */
  async remove(name: string, opts: o.ImageRemoveOptions = {}): Promise<o.ImageDeleteItem[]> {
    checkName('images.remove', 'name', name);
    checkOptions('images.remove', 'ImageDelete', opts, { declared: { platforms: 'array' } });
    const { signal, platforms, ...rest } = opts;
    if (platforms !== undefined && !Array.isArray(platforms)) {
      throw new DockerInputError('images.remove: `platforms` must be an array of OCI platform objects');
    }
    const query = await this.ctx.gateQuery(
      'images.remove',
      'ImageDelete',
      // Repeated once per platform (overlay fix image-delete-platforms-multi): the daemon reads r.Form["platforms"].
      { ...rest, platforms: platforms?.length ? encodePlatforms(platforms, 'images.remove: platforms') : undefined },
      signal,
    );
    return this.ctx.json(this.ctx.api.DELETE('/images/{name}', { params: { path: { name }, query }, signal }));
  }

  /** `POST /images/prune`: delete unused images (only untagged ones unless `filters.dangling` is false). */
  async prune(opts: o.ImagePruneOptions = {}): Promise<o.ImagePruneResult> {
    checkOptions('images.prune', 'ImagePrune', opts, { declared: { filters: 'object' } });
    const { signal, filters, ...rest } = opts;
    const query = await this.ctx.gateQuery('images.prune', 'ImagePrune', { ...rest, filters: encodeOperationFilters('images.prune', 'ImagePrune', filters) }, signal);
    return this.ctx.json(this.ctx.api.POST('/images/prune', { params: { query }, signal }));
  }

  /**
   * `GET /images/search`: ask the index named in `term` (Docker Hub when the term has no registry part).
   * The daemon applies `filters` to the index's answer; `limit` is passed to the index (1–100).
   */
  async search(term: string, opts: o.ImageSearchOptions = {}): Promise<o.ImageSearchResult> {
    checkName('images.search', 'term', term);
    checkOptions('images.search', 'ImageSearch', opts, { except: ['term'], declared: { filters: 'object', auth: ['object', 'boolean'] } });
    const { signal, filters, auth: given, ...rest } = opts;
    if (given !== undefined && given !== false) encodeRegistryAuth(given);
    // The index is the term's first component when it looks like a host (the daemon's ParseSearchIndexInfo).
    const first = term.split('/')[0];
    const index = term.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost') ? first : 'docker.io';
    const auth = given === false ? undefined : (given ?? (await this.creds?.resolve(index)));
    const headers = auth === undefined ? undefined : { 'X-Registry-Auth': encodeRegistryAuth(auth) };
    const query = await this.ctx.gateQuery('images.search', 'ImageSearch', { ...rest, term, filters: encodeOperationFilters('images.search', 'ImageSearch', filters) }, signal);
    return this.ctx.json(this.ctx.api.GET('/images/search', { params: { query }, headers, signal }));
  }

  /** `POST /commit`: create an image from a container's changes. `repo`/`tag` are validated first. */
  async commit(container: string, opts: o.ImageCommitOptions = {}): Promise<o.ImageCommitResult> {
    checkName('images.commit', 'container', container);
    checkOptions('images.commit', 'ImageCommit', opts, { except: ['container'], declared: { changes: ['string', 'string[]'], config: 'object' } });
    const { signal, changes, config, ...rest } = opts;
    if (rest.tag !== undefined && rest.repo === undefined) {
      throw new DockerInputError('images.commit: `tag` needs `repo` (the daemon would silently create an untagged image)');
    }
    if (rest.repo !== undefined) validateRepository(rest.repo);
    if (rest.tag !== undefined) validateTag(rest.tag);
    const query = { ...rest, container, changes: encodeChanges(changes) };
    if (config !== undefined) await this.ctx.gateBody('images.commit', 'ImageCommit', config, signal);
    return this.ctx.json(this.ctx.api.POST('/commit', { params: { query }, body: config, signal }));
  }

  /**
   * `POST /images/create?fromImage=…&tag=…`: pull `ref` (validated first; tag `latest` when it names none).
   * An error line (unknown manifest, refused credentials, …) rejects with DockerStreamError.
   */
  pull(ref: string, opts: PullOptions = {}): PullOperation {
    return new StreamOperation(openPull(this.ctx, this.creds, ref, opts), pullReducer(), { signal: opts?.signal });
  }

  /**
   * `POST /images/{name}/push?tag=…`: push `ref` (validated first; tag `latest` when it names none) with
   * `X-Registry-Auth` always set. A refused login rejects with DockerStreamError carrying the registry's text.
   */
  push(ref: string, opts: PushOptions = {}): PushOperation {
    return new StreamOperation(openPush(this.ctx, this.creds, ref, opts), pushReducer(), { signal: opts?.signal });
  }

  /** `POST /images/create?fromSrc=-`: a root file system tar (or directory) as a new image, `changes` applied. */
  import(source: TarSource, opts: ImportOptions = {}): ImportOperation {
    return new StreamOperation(openImport(this.ctx, source, opts), importReducer(), { signal: opts?.signal });
  }

  /** `POST /images/load`: the images of a `docker save` archive. */
  load(source: TarSource, opts: LoadOptions = {}): LoadOperation {
    return new StreamOperation(openLoad(this.ctx, source, opts), loadReducer(), { signal: opts?.signal });
  }

  /**
   * `GET /images/{name}/get` (one name) or `GET /images/get?names=…` (several): the images as a tar stream in the
   * `docker save` format. Resolves once the engine has answered 200, with a Node Readable that pulls from the
   * connection, reading up to 1 MiB ahead of its reader; an HTTP error (e.g. an unknown image) rejects instead, so
   * error text is never handed out as tar. A failure while streaming (abort, connection loss, timeout) destroys the
   * stream with the typed error. Destroying the stream aborts the download. To write it to a file,
   * `pipeline(stream, fs.createWriteStream(path))` needs no tuning: a plain file stream gets 512 KiB batches in
   * reused buffers (README, performance notes).
   */
  save(nameOrNames: string | string[], opts: SaveOptions = {}): Promise<Readable> {
    return saveImages(this.ctx, nameOrNames, opts);
  }

  /**
   * `POST /build`: build `context` (a directory honouring `.dockerignore`, a tar path, stream or bytes) with the
   * classic builder or BuildKit as the engine chooses (`version`). A failing step rejects with DockerStreamError
   * carrying the daemon's text; aborting `signal` rejects with DockerAbortError and makes the engine stop the build.
   * The library imposes no `networkmode`: pass `'none'` to keep `RUN` steps off the network.
   * With `version: '2'` (BuildKit) each trace event carries the decoded `buildkit` status, a failing step rejects
   * with DockerBuildError naming the step, and credentials reach BuildKit through a session.
   */
  build(context: TarSource, opts: BuildOptions = {}): BuildOperation {
    if (opts?.version === '2') return buildkitBuild(this.ctx, this.creds, context, opts);
    return new StreamOperation(openBuild(this.ctx, this.creds, context, opts), buildReducer({ tags: requestedTags(opts) }), { signal: opts?.signal });
  }
}

/**
 * The spec declares `changes` as one string; the daemon joins its `changes` values with newlines and parses the
 * result as a Dockerfile, so one newline-joined string carries the list exactly.
 */
function encodeChanges(changes: string | readonly string[] | undefined): string | undefined {
  if (changes === undefined) return undefined;
  const list = typeof changes === 'string' ? [changes] : changes;
  if (!Array.isArray(list) || !list.every((c) => typeof c === 'string')) {
    throw new DockerInputError('images.commit: `changes` must be a string or an array of Dockerfile instruction strings');
  }
  return list.length ? list.join('\n') : undefined;
}
