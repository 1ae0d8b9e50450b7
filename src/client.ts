/**
 * DockerClient: the entry point. It wires the layers — transport (the connection) → api context (typed calls,
 * version gate, result rule) → resources — and holds nothing else. `docker.api` is an openapi-fetch client typed
 * by the generated `paths`, so every operation of the pinned spec is callable; resources wrap it thinly.
 */
import { createApiContext, type ApiContext } from './api/context.js';
import type { DockerApi } from './api/fetch-adapter.js';
import { RawApi } from './api/raw.js';
import { Builder } from './builder/builder.js';
import { Containers } from './containers/containers.js';
import { Exec } from './exec/exec.js';
import { CLIENT_VERSION } from './core/package-version.js';
import type { CallOptions } from './core/spec.js';
import { Images } from './images/images.js';
import { System, type PingResult } from './system/system.js';
import { endpointOf, optionsFromEnv, parseApiVersion, type TlsOptions } from './transport/endpoint.js';
import { Transport } from './transport/transport.js';

export interface DockerClientOptions {
  /** `unix:///var/run/docker.sock` (default), `tcp://host:2376`, `http://host:2375`, `https://host:2376`. */
  host?: string;
  /** Shorthand for `host: 'unix://' + socketPath`. */
  socketPath?: string;
  /** TLS for tcp/https hosts; with `tls`, a `tcp://` host means https. */
  tls?: TlsOptions;
  /** Fixed API version (e.g. "1.41"): skips negotiation. */
  apiVersion?: string;
  /** ms to wait for response headers and, while streaming, between body chunks. 0 / unset = no limit. */
  timeout?: number;
  userAgent?: string;
}

export class DockerClient {
  /** Every operation of the Engine API spec, typed: `docker.api.GET('/containers/json', { params: { query: { all: true } } })`. */
  readonly api: DockerApi;
  /** The escape hatch: any request over this client's connection, and the result rule for `docker.api` calls. */
  readonly raw: RawApi;
  /** Image operations: list, inspect, pull, push, build, save, load, … */
  readonly images: Images;
  /** Build cache operations. */
  readonly builder: Builder;
  /** The engine itself: ping, version, info. */
  readonly system: System;
  /** Containers: lifecycle, logs, attach, exec/run conveniences, files in and out, stats. */
  readonly containers: Containers;
  /** Processes run inside containers: create, start (a duplex session), inspect, resize. */
  readonly exec: Exec;
  readonly #transport: Transport;

  /** Bad options (both `host` and `socketPath`, a negative `timeout`, a malformed host) throw DockerInputError. */
  constructor(options: DockerClientOptions = {}) {
    this.#transport = new Transport({
      endpoint: endpointOf(options),
      tls: options.tls,
      apiVersion: options.apiVersion !== undefined ? parseApiVersion(options.apiVersion) : undefined,
      timeout: options.timeout,
      userAgent: options.userAgent ?? `docker-engine-client/${CLIENT_VERSION}`,
    });
    const ctx: ApiContext = createApiContext(this.#transport);
    this.api = ctx.api;
    this.raw = new RawApi(this.#transport);
    this.images = new Images(ctx);
    this.builder = new Builder(ctx);
    this.system = new System(ctx);
    this.exec = new Exec(ctx);
    this.containers = new Containers(ctx, this.exec);
  }

  /** A client configured like the docker CLI: DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH, DOCKER_API_VERSION. */
  static fromEnv(env: Record<string, string | undefined> = process.env, overrides: Omit<DockerClientOptions, 'host' | 'socketPath'> = {}): DockerClient {
    const fromEnv = optionsFromEnv(env);
    return new DockerClient({ ...fromEnv, ...overrides });
  }

  /** The API version requests use, once negotiated (or as configured). */
  get apiVersion(): string | undefined {
    return this.#transport.apiVersion;
  }

  /** Negotiate now instead of on the first request: min(engine, client maximum). */
  negotiate(options: CallOptions = {}): Promise<string> {
    return this.#transport.negotiate(options.signal);
  }

  /** `GET /_ping`: is the engine there, and what does it speak. Same as `docker.system.ping()`. */
  ping(options: CallOptions = {}): Promise<PingResult> {
    return this.system.ping(options);
  }

  /** `GET /version`. Same as `docker.system.version()`. */
  version(options: CallOptions = {}): ReturnType<System['version']> {
    return this.system.version(options);
  }

  /** `GET /info`. Same as `docker.system.info()`. */
  info(options: CallOptions = {}): ReturnType<System['info']> {
    return this.system.info(options);
  }

  /** Free the connection pool. The client cannot be used afterwards. */
  close(): Promise<void> {
    return this.#transport.close();
  }
}
