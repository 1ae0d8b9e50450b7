/**
 * networks/ — `docker.networks`: list, create, inspect, remove, prune, connect, disconnect. Changes when a
 * network endpoint changes.
 *
 * Thin typed wrappers over the generated `paths`; options and results are the spec's own types. Request-body
 * fields newer than the negotiated API version (`EnableIPv4`, endpoint `MacAddress`, …) are refused before
 * sending (generated facts).
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
import { NETWORK_LIST_FILTERS, NETWORK_PRUNE_FILTERS, type NetworkListFilters, type NetworkPruneFilters } from './filters.js';

export type NetworkSummary = Schemas['NetworkSummary'];
export type NetworkInspect = Schemas['NetworkInspect'];
/** The request body: `Name` (required), `Driver`, `Internal`, `IPAM`, `Labels`, `Options`, … */
export type NetworkCreateConfig = operations['NetworkCreate']['requestBody']['content']['application/json'];
export type NetworkCreateResult = Schemas['NetworkCreateResponse'];
export type NetworkPruneResult = operations['NetworkPrune']['responses'][200]['content']['application/json'];
export type EndpointSettings = Schemas['EndpointSettings'];
export type NetworkListOptions = { filters?: NetworkListFilters } & CallOptions;
export type NetworkInspectOptions = QueryOf<'NetworkInspect'> & CallOptions;
export type NetworkPruneOptions = { filters?: NetworkPruneFilters } & CallOptions;
/** The rest of the connect body: the endpoint's configuration (aliases, static IPs, …). */
export type NetworkConnectOptions = Omit<Schemas['NetworkConnectRequest'], 'Container'> & CallOptions;
/** The rest of the disconnect body: `Force` disconnects even when the container's endpoint is in a bad state. */
export type NetworkDisconnectOptions = Omit<Schemas['NetworkDisconnectRequest'], 'Container'> & CallOptions;

export class Networks {
  /** @internal resources are made by DockerClient. */
  constructor(private readonly ctx: ApiContext) {}

  /** `GET /networks`. */
  async list(opts: NetworkListOptions = {}): Promise<NetworkSummary[]> {
    checkOptions('networks.list', 'NetworkList', opts, { declared: { filters: 'object' } });
    const { signal, filters } = opts;
    const query = { filters: encodeFilterTable('networks.list', NETWORK_LIST_FILTERS, filters) };
    return this.ctx.json(this.ctx.api.GET('/networks', { params: { query }, signal }));
  }

  /** `GET /networks/{id}` (id or name). Unknown network → DockerApiError 404. */
  async inspect(id: string, opts: NetworkInspectOptions = {}): Promise<NetworkInspect> {
    checkName('networks.inspect', 'id', id);
    checkOptions('networks.inspect', 'NetworkInspect', opts);
    const { signal, ...query } = opts;
    return this.ctx.json(this.ctx.api.GET('/networks/{id}', { params: { path: { id }, query }, signal }));
  }

  /**
   * `POST /networks/create`. The library imposes nothing: a `bridge` network (the default driver) that is not
   * `Internal: true` can route its containers' traffic off the host.
   */
  async create(config: NetworkCreateConfig, opts: CallOptions = {}): Promise<NetworkCreateResult> {
    if (config === null || typeof config !== 'object' || Array.isArray(config)) {
      throw new DockerInputError('networks.create: config { Name, … } is required');
    }
    checkName('networks.create', 'Name', config.Name);
    checkOptions('networks.create', 'NetworkCreate', opts);
    const { signal } = opts;
    gateBody(API_SINCE.NetworkCreate.body, 'networks.create', await this.ctx.negotiate(signal), config);
    return this.ctx.json(this.ctx.api.POST('/networks/create', { body: config, signal }));
  }

  /** `DELETE /networks/{id}`. In use → DockerApiError (403 on dockerd); unknown → 404. */
  async remove(id: string, opts: CallOptions = {}): Promise<void> {
    checkName('networks.remove', 'id', id);
    checkOptions('networks.remove', 'NetworkDelete', opts);
    await this.ctx.json(this.ctx.api.DELETE('/networks/{id}', { params: { path: { id } }, parseAs: 'text', signal: opts.signal }));
  }

  /** `POST /networks/prune`: delete networks no container uses (never the built-in ones). */
  async prune(opts: NetworkPruneOptions = {}): Promise<NetworkPruneResult> {
    checkOptions('networks.prune', 'NetworkPrune', opts, { declared: { filters: 'object' } });
    const { signal, filters } = opts;
    const query = { filters: encodeFilterTable('networks.prune', NETWORK_PRUNE_FILTERS, filters) };
    return this.ctx.json(this.ctx.api.POST('/networks/prune', { params: { query }, signal }));
  }

  /** `POST /networks/{id}/connect`: attach `container` (id or name) to the network, with `EndpointConfig`. */
  async connect(id: string, container: string, opts: NetworkConnectOptions = {}): Promise<void> {
    const { signal, body } = this.#endpointBody('networks.connect', id, container, opts);
    gateBody(API_SINCE.NetworkConnect.body, 'networks.connect', await this.ctx.negotiate(signal), body);
    // The answer has no content in the spec; Podman sends the text `OK`, which JSON parsing would reject.
    await this.ctx.json(this.ctx.api.POST('/networks/{id}/connect', { params: { path: { id } }, body, parseAs: 'text', signal }));
  }

  /** `POST /networks/{id}/disconnect`: detach `container` (id or name) from the network. */
  async disconnect(id: string, container: string, opts: NetworkDisconnectOptions = {}): Promise<void> {
    const { signal, body } = this.#endpointBody('networks.disconnect', id, container, opts);
    await this.ctx.json(this.ctx.api.POST('/networks/{id}/disconnect', { params: { path: { id } }, body, parseAs: 'text', signal }));
  }

  /** The checked connect/disconnect body: the options without `signal`, plus `Container`. */
  #endpointBody<O extends CallOptions>(method: string, id: string, container: string, opts: O): { signal?: AbortSignal; body: Omit<O, 'signal'> & { Container: string } } {
    checkName(method, 'id', id);
    checkName(method, 'container', container);
    checkObject(opts, `${method}: options`);
    const { signal, ...rest } = opts;
    return { signal, body: { ...rest, Container: container } };
  }
}
