/**
 * DockerClient: the entry point. `docker.api` is an openapi-fetch client typed by the generated `paths`, so
 * every operation of the pinned spec is callable; resource modules (images, …) wrap it thinly.
 */
import createClient, { type Client } from 'openapi-fetch';
import type { components, paths } from '../generated/docker-engine.js';
import { unwrap } from './call.js';
import { LiteRequest } from './fetch-adapter.js';
import { DEFAULT_HOST, optionsFromEnv, parseApiVersion, parseHost, type TlsOptions } from './host.js';
import { Transport } from './transport.js';
import { CLIENT_VERSION } from './meta.js';
import { Images } from './images.js';
import { Builder } from './builder.js';

export type DockerApi = Client<paths, `${string}/${string}`>;

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

export interface CallOptions {
  signal?: AbortSignal;
}

export interface PingResult {
  /** The engine's own API version (before negotiation caps it). */
  apiVersion: string | null;
  osType: string | null;
  experimental: boolean;
  builderVersion: string | null;
  swarm: string | null;
}

export class DockerClient {
  /** Every operation of the Engine API spec, typed: `docker.api.GET('/containers/json', { params: { query: { all: true } } })`. */
  readonly api: DockerApi;
  /** @internal the connection; resource modules use it for streaming bodies. */
  readonly transport: Transport;
  /** Image operations: list, inspect, pull, push, build, save, load, … */
  readonly images: Images;
  /** Build cache operations. */
  readonly builder: Builder;

  constructor(options: DockerClientOptions = {}) {
    const { host, socketPath, tls, timeout } = options;
    if (host !== undefined && socketPath !== undefined) {
      throw new TypeError('DockerClient: pass either `host` or `socketPath`, not both');
    }
    if (timeout !== undefined && !(Number.isFinite(timeout) && timeout >= 0)) {
      throw new TypeError(`DockerClient: timeout must be a number of milliseconds ≥ 0, got ${String(timeout)}`);
    }
    const endpoint = parseHost(socketPath !== undefined ? `unix://${socketPath}` : (host ?? DEFAULT_HOST), { tls: !!tls });
    this.transport = new Transport({
      endpoint,
      tls,
      apiVersion: options.apiVersion !== undefined ? parseApiVersion(options.apiVersion) : undefined,
      timeout,
      userAgent: options.userAgent ?? `docker-engine-client/${CLIENT_VERSION}`,
    });
    this.api = createClient<paths>({
      baseUrl: this.transport.origin,
      fetch: this.transport.fetch as unknown as (input: Request) => Promise<Response>,
      Request: LiteRequest as unknown as typeof Request,
    });
    this.images = new Images(this);
    this.builder = new Builder(this);
  }

  /** A client configured like the docker CLI: DOCKER_HOST, DOCKER_TLS_VERIFY, DOCKER_CERT_PATH, DOCKER_API_VERSION. */
  static fromEnv(env: Record<string, string | undefined> = process.env, overrides: Omit<DockerClientOptions, 'host' | 'socketPath'> = {}): DockerClient {
    const fromEnv = optionsFromEnv(env);
    return new DockerClient({ ...fromEnv, ...overrides });
  }

  /** The API version requests use, once negotiated (or as configured). */
  get apiVersion(): string | undefined {
    return this.transport.apiVersion;
  }

  /** Negotiate now instead of on the first request: min(engine, client maximum). */
  negotiate(options: CallOptions = {}): Promise<string> {
    return this.transport.negotiate(options.signal);
  }

  /** `GET /_ping`: is the engine there, and what does it speak. */
  async ping(options: CallOptions = {}): Promise<PingResult> {
    const res = await this.transport.ping(options.signal);
    const h = res.headers;
    return {
      apiVersion: h.get('api-version'),
      osType: h.get('ostype'),
      experimental: h.get('docker-experimental') === 'true',
      builderVersion: h.get('builder-version'),
      swarm: h.get('swarm'),
    };
  }

  /** `GET /version`. */
  version(options: CallOptions = {}): Promise<components['schemas']['SystemVersion']> {
    return unwrap('GET', this.api.GET('/version', { signal: options.signal }));
  }

  /** `GET /info`. */
  info(options: CallOptions = {}): Promise<components['schemas']['SystemInfo']> {
    return unwrap('GET', this.api.GET('/info', { signal: options.signal }));
  }

  /** Free the connection pool. The client cannot be used afterwards. */
  close(): Promise<void> {
    return this.transport.close();
  }
}
