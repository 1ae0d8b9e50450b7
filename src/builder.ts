/** docker.builder — build cache. */
import type { operations } from '../generated/docker-engine.js';
import { gateParams } from './api-since.js';
import { unwrap } from './call.js';
import type { CallOptions, DockerClient } from './client.js';
import { compareVersions } from './versions.js';
import { encodeFilters, type BuilderPruneFilters } from './filters.js';

type BuildPruneQuery = NonNullable<operations['BuildPrune']['parameters']['query']>;

export type BuilderPruneOptions = Omit<BuildPruneQuery, 'filters'> & { filters?: BuilderPruneFilters } & CallOptions;
export type BuilderPruneResult = operations['BuildPrune']['responses'][200]['content']['application/json'];

/** API version that renamed `keep-storage` to `reserved-space` (and added max-used-space / min-free-space). */
const RESERVED_SPACE_SINCE = '1.48';

export class Builder {
  constructor(private readonly docker: DockerClient) {}

  /** `POST /build/prune`: delete build cache. `SpaceReclaimed` is in bytes. */
  async prune(opts: BuilderPruneOptions = {}): Promise<BuilderPruneResult> {
    const { signal, filters, ...rest } = opts;
    const version = await this.docker.negotiate({ signal });
    const query: Record<string, unknown> = gateParams('BuildPrune', 'builder.prune', version, { ...rest, filters: encodeFilters('builder.prune', filters) });
    if (query['reserved-space'] !== undefined && compareVersions(version, RESERVED_SPACE_SINCE) < 0) {
      // Same setting under its older name (what the docker CLI sends to these engines): renaming keeps the
      // request meaningful instead of refusing it or having it ignored.
      query['keep-storage'] = query['reserved-space'];
      delete query['reserved-space'];
    }
    // `keep-storage` is not in the v1.55 spec's type, so the query is widened here; everything else is as typed.
    return unwrap('POST', this.docker.api.POST('/build/prune', { params: { query: query as BuildPruneQuery }, signal }));
  }
}
