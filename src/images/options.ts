/** Options and results of the query-style image calls, derived from the spec's `operations` (never re-declared). */
import type { operations } from '../../generated/docker-engine.js';
import type { CallOptions, QueryOf, Schemas } from '../core/spec.js';
import type { RegistryAuth } from '../registry/auth.js';
import type { ImageListFilters, ImagePruneFilters, ImageSearchFilters } from './filters.js';

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
   * Default: what `docker.auth` resolves for that index; `false`: anonymous.
   */
  auth?: RegistryAuth | false;
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
