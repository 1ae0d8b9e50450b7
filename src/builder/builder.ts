/** builder/ — `docker.builder`: the build cache. Changes when a build-cache endpoint changes. */
import type { operations } from '../../generated/docker-engine.js';
import type { ApiContext } from '../api/context.js';
import { checkOptions } from '../core/check-options.js';
import { encodeFilterTable } from '../core/filters.js';
import type { ParamSince } from '../core/since.js';
import type { CallOptions, QueryOf } from '../core/spec.js';
import { compareVersions } from '../core/versions.js';
import { BUILDER_PRUNE_FILTERS, type BuilderPruneFilters } from './filters.js';

type BuildPruneQuery = QueryOf<'BuildPrune'>;

export type BuilderPruneOptions = Omit<BuildPruneQuery, 'filters'> & { filters?: BuilderPruneFilters } & CallOptions;
export type BuilderPruneResult = operations['BuildPrune']['responses'][200]['content']['application/json'];

/** Build-cache query parameters newer than MIN_API_VERSION → the API version that added them. */
export const BUILDER_PARAM_SINCE = {
  // `reserved-space` is not listed: below 1.48 the same setting is called `keep-storage` (see prune).
  BuildPrune: { 'max-used-space': '1.48', 'min-free-space': '1.48' },
} as const satisfies ParamSince;

/** API version that renamed `keep-storage` to `reserved-space` (and added max-used-space / min-free-space). */
const RESERVED_SPACE_SINCE = '1.48';

export class Builder {
  /** @internal resources are made by DockerClient. */
  constructor(private readonly ctx: ApiContext) {}

  /** `POST /build/prune`: delete build cache. `SpaceReclaimed` is in bytes. */
  async prune(opts: BuilderPruneOptions = {}): Promise<BuilderPruneResult> {
    checkOptions('builder.prune', 'BuildPrune', opts, { declared: { filters: 'object' } });
    const { signal, filters, ...rest } = opts;
    const filter = encodeFilterTable('builder.prune', BUILDER_PRUNE_FILTERS, filters);
    const version = await this.ctx.negotiate(signal);
    const query: Record<string, unknown> = await this.ctx.gateQuery('builder.prune', BUILDER_PARAM_SINCE.BuildPrune, { ...rest, filters: filter }, signal);
    if (query['reserved-space'] !== undefined && compareVersions(version, RESERVED_SPACE_SINCE) < 0) {
      // Same setting under its older name (what the docker CLI sends to these engines): renaming keeps the
      // request meaningful instead of refusing it or having it ignored.
      query['keep-storage'] = query['reserved-space'];
      delete query['reserved-space'];
    }
    // `keep-storage` is not in the v1.55 spec's type, so the query is widened here; everything else is as typed.
    return this.ctx.json(this.ctx.api.POST('/build/prune', { params: { query: query as BuildPruneQuery }, signal }));
  }
}
