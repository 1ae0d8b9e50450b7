/**
 * docker.images — every image operation of the Engine API, each a thin typed wrapper over the generated paths.
 * Query-style calls live here; streamed ones (pull, push, import, load, save, build) in image-transfer.ts.
 *
 * Options keep the spec's parameter names and types (derived from `operations`, never re-declared). Where the spec
 * wants a JSON-encoded string (filters, OCI platforms) the option takes the structured value and is encoded here.
 * Parameters newer than the negotiated API version are refused before sending (api-since.ts).
 */
import type { components, operations } from '../generated/docker-engine.js';
import { gateParams } from './api-since.js';
import { encodePlatform, encodePlatforms } from './platform.js';
import { encodeRegistryAuth, type RegistryAuth } from './auth.js';
import { unwrap } from './call.js';
import type { CallOptions, DockerClient } from './client.js';
import { DockerInputError } from './errors.js';
import { encodeFilters, type ImageListFilters, type ImagePruneFilters, type ImageSearchFilters } from './filters.js';
import * as transfer from './image-transfer.js';
import { validateRepository, validateTag } from './reference.js';

type QueryOf<K extends keyof operations> = NonNullable<operations[K]['parameters']['query']>;
type Schemas = components['schemas'];

/** An OCI platform, as the spec's `OCIPlatform` schema; sent JSON-encoded. */
export type Platform = NonNullable<Schemas['OCIPlatform']>;

export type ImageListOptions = Omit<QueryOf<'ImageList'>, 'filters'> & { filters?: ImageListFilters } & CallOptions;
export type ImageInspectOptions = Omit<QueryOf<'ImageInspect'>, 'platform'> & { platform?: Platform } & CallOptions;
export type ImageHistoryOptions = Omit<QueryOf<'ImageHistory'>, 'platform'> & { platform?: Platform } & CallOptions;
/** `repo` is required (a tag names a repository); `tag` defaults to `latest`. */
export type ImageTagOptions = Required<Pick<QueryOf<'ImageTag'>, 'repo'>> & Omit<QueryOf<'ImageTag'>, 'repo'> & CallOptions;
export type ImageRemoveOptions = Omit<QueryOf<'ImageDelete'>, 'platforms'> & {
  /** Platform variants to delete; each is sent as its own JSON-encoded `platforms` parameter. */
  platforms?: readonly Platform[];
} & CallOptions;
export type ImagePruneOptions = Omit<QueryOf<'ImagePrune'>, 'filters'> & { filters?: ImagePruneFilters } & CallOptions;
export type ImageSearchOptions = Omit<QueryOf<'ImageSearch'>, 'term' | 'filters'> & {
  filters?: ImageSearchFilters;
  /**
   * Credentials for the index named in the term, sent as `X-Registry-Auth`. The published spec omits the header
   * for this endpoint, but the daemon reads it (moby's getImagesSearch) and hands it to the index as Basic auth.
   */
  auth?: RegistryAuth;
} & CallOptions;
export type ImageCommitOptions = Omit<QueryOf<'ImageCommit'>, 'container' | 'changes'> & {
  /** Dockerfile instructions (`CMD ["sh"]`, `ENV A=b`, `LABEL k=v`, …), one per entry. */
  changes?: string | readonly string[];
  /** Container configuration for the image (the request body); unset fields come from the container. */
  config?: Schemas['ContainerConfig'];
} & CallOptions;

export type ImageSummary = Schemas['ImageSummary'];
export type ImageInspect = Schemas['ImageInspect'];
export type ImageHistoryItem = Schemas['ImageHistoryResponseItem'];
export type ImageDeleteItem = Schemas['ImageDeleteResponseItem'];
export type ImagePruneResult = operations['ImagePrune']['responses'][200]['content']['application/json'];
export type ImageSearchResult = operations['ImageSearch']['responses'][200]['content']['application/json'];
export type ImageCommitResult = Schemas['IDResponse'];

export class Images {
  constructor(private readonly docker: DockerClient) {}

  /** `GET /images/json`. */
  async list(opts: ImageListOptions = {}): Promise<ImageSummary[]> {
    const { signal, filters, ...rest } = opts;
    const query = gateParams('ImageList', 'images.list', await this.version(signal), { ...rest, filters: encodeFilters('images.list', filters) });
    return unwrap('GET', this.docker.api.GET('/images/json', { params: { query }, signal }));
  }

  /** `GET /images/{name}/json`. Unknown image → DockerApiError 404. */
  async inspect(name: string, opts: ImageInspectOptions = {}): Promise<ImageInspect> {
    checkName('images.inspect', 'name', name);
    const { signal, platform, ...rest } = opts;
    const query = gateParams('ImageInspect', 'images.inspect', await this.version(signal), { ...rest, platform: encodePlatform(platform, 'images.inspect: platform') });
    return unwrap('GET', this.docker.api.GET('/images/{name}/json', { params: { path: { name }, query }, signal }));
  }

  /** `GET /images/{name}/history`: the image and its parent layers, newest first. */
  async history(name: string, opts: ImageHistoryOptions = {}): Promise<ImageHistoryItem[]> {
    checkName('images.history', 'name', name);
    const { signal, platform, ...rest } = opts;
    const query = gateParams('ImageHistory', 'images.history', await this.version(signal), { ...rest, platform: encodePlatform(platform, 'images.history: platform') });
    return unwrap('GET', this.docker.api.GET('/images/{name}/history', { params: { path: { name }, query }, signal }));
  }

  /** `POST /images/{name}/tag`: add `repo[:tag]` (tag defaults to `latest`) to an image. The reference is validated first. */
  async tag(name: string, opts: ImageTagOptions): Promise<void> {
    checkName('images.tag', 'name', name);
    if (opts === null || typeof opts !== 'object') throw new DockerInputError('images.tag: options { repo, tag? } are required');
    const { signal, ...query } = opts;
    validateRepository(query.repo);
    if (query.tag !== undefined) validateTag(query.tag);
    // 201 has no content in the spec; read it as text, since Podman sends a lone newline (Content-Length 1) that
    // openapi-fetch's default JSON parsing would reject.
    await unwrap('POST', this.docker.api.POST('/images/{name}/tag', { params: { path: { name }, query }, parseAs: 'text', signal }));
  }

  /** `DELETE /images/{name}`: untag, and delete when no tag is left (with untagged parents unless `noprune`). */
  async remove(name: string, opts: ImageRemoveOptions = {}): Promise<ImageDeleteItem[]> {
    checkName('images.remove', 'name', name);
    const { signal, platforms, ...rest } = opts;
    if (platforms !== undefined && !Array.isArray(platforms)) {
      throw new DockerInputError('images.remove: `platforms` must be an array of OCI platform objects');
    }
    const query = gateParams('ImageDelete', 'images.remove', await this.version(signal), {
      ...rest,
      // Repeated once per platform (overlay fix image-delete-platforms-multi): the daemon reads r.Form["platforms"].
      platforms: platforms?.length ? encodePlatforms(platforms, 'images.remove: platforms') : undefined,
    });
    return unwrap('DELETE', this.docker.api.DELETE('/images/{name}', { params: { path: { name }, query }, signal }));
  }

  /** `POST /images/prune`: delete unused images (only untagged ones unless `filters.dangling` is false). */
  async prune(opts: ImagePruneOptions = {}): Promise<ImagePruneResult> {
    const { signal, filters, ...rest } = opts;
    const query = { ...rest, filters: encodeFilters('images.prune', filters) };
    return unwrap('POST', this.docker.api.POST('/images/prune', { params: { query }, signal }));
  }

  /**
   * `GET /images/search`: ask the index named in `term` (Docker Hub when the term has no registry part).
   * The daemon applies `filters` to the index's answer; `limit` is passed to the index (1–100).
   */
  async search(term: string, opts: ImageSearchOptions = {}): Promise<ImageSearchResult> {
    checkName('images.search', 'term', term);
    const { signal, filters, auth, ...rest } = opts;
    const headers = auth === undefined ? undefined : { 'X-Registry-Auth': encodeRegistryAuth(auth) };
    const query = { ...rest, term, filters: encodeFilters('images.search', filters) };
    return unwrap('GET', this.docker.api.GET('/images/search', { params: { query }, headers, signal }));
  }

  /** `POST /commit`: create an image from a container's changes. `repo`/`tag` are validated first. */
  async commit(container: string, opts: ImageCommitOptions = {}): Promise<ImageCommitResult> {
    checkName('images.commit', 'container', container);
    const { signal, changes, config, ...rest } = opts;
    if (rest.tag !== undefined && rest.repo === undefined) {
      throw new DockerInputError('images.commit: `tag` needs `repo` (the daemon would silently create an untagged image)');
    }
    if (rest.repo !== undefined) validateRepository(rest.repo);
    if (rest.tag !== undefined) validateTag(rest.tag);
    const query = { ...rest, container, changes: encodeChanges(changes) };
    return unwrap('POST', this.docker.api.POST('/commit', { params: { query }, body: config, signal }));
  }

  pull(ref: string, opts?: transfer.PullOptions) {
    return transfer.pullImage(this.docker, ref, opts);
  }
  push(ref: string, opts?: transfer.PushOptions) {
    return transfer.pushImage(this.docker, ref, opts);
  }
  import(source: Parameters<typeof transfer.importImage>[1], opts?: transfer.ImportOptions) {
    return transfer.importImage(this.docker, source, opts);
  }
  load(source: Parameters<typeof transfer.loadImages>[1], opts?: transfer.LoadOptions) {
    return transfer.loadImages(this.docker, source, opts);
  }
  save(nameOrNames: string | string[], opts?: transfer.SaveOptions) {
    return transfer.saveImages(this.docker, nameOrNames, opts);
  }
  build(context: Parameters<typeof transfer.buildImage>[1], opts?: transfer.BuildOptions) {
    return transfer.buildImage(this.docker, context, opts);
  }

  /** The negotiated API version (negotiates on first use), for version-gated parameters. */
  private version(signal?: AbortSignal): Promise<string> {
    return this.docker.negotiate({ signal });
  }
}

/** Names go into the URL path: an empty one would address a different endpoint (`/images//json`). */
function checkName(method: string, what: string, value: unknown): asserts value is string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new DockerInputError(`${method}: \`${what}\` must be a non-empty string, got ${typeof value === 'string' ? JSON.stringify(value) : typeof value}`);
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
