/**
 * volumes/ — `docker.volumes`: list, create, inspect, remove, prune. Changes when a volume endpoint changes.
 *
 * Thin typed wrappers over the generated `paths`; options and results are the spec's own types. Request-body
 * fields and filter keys newer than the negotiated API version are refused before sending (generated facts).
 */
import type { operations } from '../../generated/docker-engine.js';
import { API_SINCE } from '../../generated/api-since.js';
import type { ApiContext } from '../api/context.js';
import { DockerInputError } from '../core/errors.js';
import { encodeFilterTable } from '../core/filters.js';
import { checkOptions } from '../core/check-options.js';
import { checkName, checkObject } from '../core/input.js';
import { gateBody } from '../core/since-body.js';
import type { CallOptions, QueryOf, Schemas } from '../core/spec.js';
import { compareVersions } from '../core/versions.js';
import { VOLUME_LIST_FILTERS, VOLUME_PRUNE_ALL_SINCE, VOLUME_PRUNE_FILTERS, type VolumeListFilters, type VolumePruneFilters } from './filters.js';

export type Volume = Schemas['Volume'];
/** `{ Volumes, Warnings }`: the engine's warnings (e.g. a driver that failed to list) are kept. */
export type VolumeListResult = Schemas['VolumeListResponse'];
/** The request body: `Name` (generated when absent), `Driver`, `DriverOpts`, `Labels`, `ClusterVolumeSpec` (API ≥ 1.42). */
export type VolumeCreateConfig = Schemas['VolumeCreateRequest'];
export type VolumePruneResult = operations['VolumePrune']['responses'][200]['content']['application/json'];
export type VolumeListOptions = { filters?: VolumeListFilters } & CallOptions;
export type VolumeRemoveOptions = QueryOf<'VolumeDelete'> & CallOptions;
export type VolumePruneOptions = { filters?: VolumePruneFilters } & CallOptions;

export class Volumes {
  /** @internal resources are made by DockerClient. */
  constructor(private readonly ctx: ApiContext) {}

  /** `GET /volumes`. */
  async list(opts: VolumeListOptions = {}): Promise<VolumeListResult> {
    checkOptions('volumes.list', 'VolumeList', opts, { declared: { filters: 'object' } });
    const { signal, filters } = opts;
    const query = { filters: encodeFilterTable('volumes.list', VOLUME_LIST_FILTERS, filters) };
    return this.ctx.json(this.ctx.api.GET('/volumes', { params: { query }, signal }));
  }

  /** `POST /volumes/create`: a new volume (an anonymous one, with a generated name, when `Name` is absent). */
  async create(config: VolumeCreateConfig = {}, opts: CallOptions = {}): Promise<Volume> {
    checkObject(config, 'volumes.create: config');
    checkOptions('volumes.create', 'VolumeCreate', opts);
    if (config.Name !== undefined) checkName('volumes.create', 'Name', config.Name);
    const { signal } = opts;
    gateBody(API_SINCE.VolumeCreate.body, 'volumes.create', await this.ctx.negotiate(signal), config);
    return this.ctx.json(this.ctx.api.POST('/volumes/create', { body: config, signal }));
  }

  /** `GET /volumes/{name}`. Unknown volume → DockerApiError 404. */
  async inspect(name: string, opts: CallOptions = {}): Promise<Volume> {
    checkName('volumes.inspect', 'name', name);
    checkOptions('volumes.inspect', 'VolumeInspect', opts);
    return this.ctx.json(this.ctx.api.GET('/volumes/{name}', { params: { path: { name } }, signal: opts.signal }));
  }

  /** `DELETE /volumes/{name}`. In use → DockerApiError 409 unless `force`; unknown → 404. */
  async remove(name: string, opts: VolumeRemoveOptions = {}): Promise<void> {
    checkName('volumes.remove', 'name', name);
    checkOptions('volumes.remove', 'VolumeDelete', opts);
    const { signal, ...query } = opts;
    await this.ctx.json(this.ctx.api.DELETE('/volumes/{name}', { params: { path: { name }, query }, parseAs: 'text', signal }));
  }

  /**
   * `POST /volumes/prune`: delete volumes no container uses. From API 1.42 only anonymous ones unless
   * `filters.all` is true; engines before 1.42 delete named volumes too, whatever is asked (see `all`).
   */
  async prune(opts: VolumePruneOptions = {}): Promise<VolumePruneResult> {
    checkOptions('volumes.prune', 'VolumePrune', opts, { declared: { filters: 'object' } });
    const { signal, filters } = opts;
    // Encoded first: a malformed filter is refused without negotiating.
    let encoded = encodeFilterTable('volumes.prune', VOLUME_PRUNE_FILTERS, filters);
    if (filters?.all !== undefined) {
      const version = await this.ctx.negotiate(signal);
      if (compareVersions(version, VOLUME_PRUNE_ALL_SINCE) < 0) {
        // Before 1.42 every unused volume is pruned: `all: true` is that behaviour (and the key itself would be
        // answered 400), `all: false` cannot be honoured.
        if (filters.all === false) {
          throw new DockerInputError(
            `volumes.prune: filter "all": false needs Engine API v${VOLUME_PRUNE_ALL_SINCE} or newer, but this engine speaks v${version} (older engines prune named volumes too)`,
          );
        }
        encoded = encodeFilterTable('volumes.prune', VOLUME_PRUNE_FILTERS, { ...filters, all: undefined });
      }
    }
    return this.ctx.json(this.ctx.api.POST('/volumes/prune', { params: { query: { filters: encoded } }, signal }));
  }
}
