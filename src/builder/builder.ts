/** builder/ — `docker.builder`: the build cache. Changes when a build-cache endpoint changes. */
import type { operations } from '../../generated/docker-engine.js';
import type { ApiContext } from '../api/context.js';
import { checkOptions } from '../core/check-options.js';
import { encodeOperationFilters } from '../core/filters.js';
import type { CallOptions, QueryOf } from '../core/spec.js';
import type { BuilderPruneFilters } from './filters.js';

type BuildPruneQuery = QueryOf<'BuildPrune'>;

export type BuilderPruneOptions = Omit<BuildPruneQuery, 'filters'> & { filters?: BuilderPruneFilters } & CallOptions;
export type BuilderPruneResult = operations['BuildPrune']['responses'][200]['content']['application/json'];

export class Builder {
  /** @internal resources are made by DockerClient. */
  constructor(private readonly ctx: ApiContext) {}

  /** `POST /build/prune`: delete build cache. `SpaceReclaimed` is in bytes. */
  async prune(opts: BuilderPruneOptions = {}): Promise<BuilderPruneResult> {
    checkOptions('builder.prune', 'BuildPrune', opts, { declared: { filters: 'object' } });
    const { signal, filters, ...rest } = opts;
    const filter = encodeOperationFilters('builder.prune', 'BuildPrune', filters);
    // Below 1.48 the gate sends `reserved-space` under its older name `keep-storage` (API_SINCE.BuildPrune.renamed).
    const query = await this.ctx.gateQuery('builder.prune', 'BuildPrune', { ...rest, filters: filter }, signal);
    return this.ctx.json(this.ctx.api.POST('/build/prune', { params: { query }, signal }));
  }
}
