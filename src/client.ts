/**
 * DockerClient: the entry point. It wires the layers — transport (the connection) → api context (typed calls,
 * version gate, result rule) → resources — and holds nothing else. `docker.api` is typed by the generated `paths`
 * (openapi-fetch's call shape), so every operation of the pinned spec is callable; resources wrap it thinly.
 */
import { createApiContext, type ApiContext } from './api/context.js';
import type { DockerApi } from './api/fetch-adapter.js';
import { RawApi } from './api/raw.js';
import { Builder } from './builder/builder.js';
import { Containers } from './containers/containers.js';
import { Exec } from './exec/exec.js';
import { CLIENT_VERSION } from './core/package-version.js';
import { checkCallOptions, checkOptions, type Kind } from './core/check-options.js';
import type { CallOptions } from './core/spec.js';
import { Images } from './images/images.js';
import { Networks } from './networks/networks.js';
import { System, type PingResult } from './system/system.js';
import { resolveConnection, type EndpointInfo } from './cli-config/resolve-endpoint.js';
import { RegistryCredentials, type CredentialOptions } from './registry/credentials.js';
import { discoverEngine, discoveryCandidates } from './transport/discover.js';
import { DEFAULT_HOST, endpointOf, parseApiVersion, type TlsOptions } from './transport/endpoint.js';
import type { SshOptions } from './transport/ssh.js';
import { Volumes } from './volumes/volumes.js';
import { Transport } from './transport/transport.js';

export interface DockerClientOptions {
  /**
   * `unix:///var/run/docker.sock` (default), `tcp://host:2376[/path-prefix]`, `http(s)://host:port`, or
   * `ssh://[user@]host[:port][/socket-path]` (runs the system `ssh`, as the docker CLI does).
   */
  host?: string;
  /** Shorthand for `host: 'unix://' + socketPath`. */
  socketPath?: string;
  /** TLS for tcp/https hosts; with `tls`, a `tcp://` host means https. */
  tls?: TlsOptions;
  /** Fixed API version (e.g. "1.41"): skips negotiation. */
  apiVersion?: string;
  /** ms to wait for response headers and, while streaming, between body chunks. 0 / unset = no limit. */
  timeout?: number;
  /**
   * Most connections open at once per pool (default 128); further calls queue and go out as connections free up.
   * Short calls and long answers (pulls, builds, saves, followed logs, attach sessions) have a pool each, so open
   * streams never leave short calls waiting: at most 2 × maxConnections sockets.
   */
  maxConnections?: number;
  userAgent?: string;
  /** For `ssh://` hosts: the ssh program, extra ssh arguments (e.g. `['-i', keyFile]`), its environment. */
  ssh?: SshOptions;
  /**
   * Registry credentials the docker CLI way (`docker.auth`; the defaults of pull, push, search and build): read
   * from DOCKER_AUTH_CONFIG and $DOCKER_CONFIG/config.json of `env` (default process.env), helpers killed after
   * `helperTimeout` ms. `false`: calls without an `auth` option go out anonymous.
   */
  credentials?: CredentialOptions | false;
}

export interface CloseOptions {
  /** ms the calls in flight may take to finish before they are aborted (default 2000). */
  grace?: number;
}

const CLIENT_OPTIONS = {
  host: 'string',
  socketPath: 'string',
  tls: 'object',
  apiVersion: 'string',
  timeout: 'number',
  maxConnections: 'integer',
  userAgent: 'string',
  ssh: 'object',
  credentials: ['object', 'boolean'],
  // Every option must be listed (a new one left out would be refused as unknown): checked by the compiler.
} as const satisfies Record<keyof DockerClientOptions, Kind | readonly Kind[]>;

export class DockerClient {
  /** Every operation of the Engine API spec, typed: `docker.api.GET('/containers/json', { params: { query: { all: true } } })`. */
  readonly api: DockerApi;
  /** The escape hatch: any request over this client's connection, and the result rule for `docker.api` calls. */
  readonly raw: RawApi;
  /** Image operations: list, inspect, pull, push, build, save, load, … */
  readonly images: Images;
  /** Build cache operations. */
  readonly builder: Builder;
  /** The engine itself: ping, version, info, events, disk usage, registry login. */
  readonly system: System;
  /** Registry credentials as the docker CLI resolves them: `await docker.auth.resolve('ghcr.io/org/app')`. */
  readonly auth: RegistryCredentials;
  /** Where this client connects, and why (options, DOCKER_HOST, a context, the default socket, discovery). */
  readonly endpoint: EndpointInfo;
  /** Volumes: list, create, inspect, remove, prune. */
  readonly volumes: Volumes;
  /** Networks: list, create, inspect, remove, prune, connect and disconnect containers. */
  readonly networks: Networks;
  /** Containers: lifecycle, logs, attach, exec/run conveniences, files in and out, stats. */
  readonly containers: Containers;
  /** Processes run inside containers: create, start (a duplex session), inspect, resize. */
  readonly exec: Exec;
  readonly #transport: Transport;

  /** Bad options (both `host` and `socketPath`, a negative `timeout`, a malformed host) throw DockerInputError. */
  constructor(options: DockerClientOptions = {}, /** @internal how fromEnv / discover chose the address */ endpoint?: EndpointInfo) {
    // A misspelt key (`sockPath`) would otherwise silently connect to the default engine.
    checkOptions('DockerClient', undefined, options, { declared: CLIENT_OPTIONS });
    const parsed = endpointOf(options);
    const { host, socketPath, tls } = options;
    const address = socketPath !== undefined ? `unix://${socketPath}` : (host ?? DEFAULT_HOST);
    const explicit = host !== undefined || socketPath !== undefined;
    // Without host options: the default socket (DockerClient.fromEnv() follows DOCKER_HOST and contexts).
    this.endpoint = endpoint ?? {
      host: address,
      source: explicit ? 'options' : 'default',
      tls: !!tls,
      reason: `${explicit ? 'client options' : 'the default socket (no host option)'}: ${address}`,
    };
    const src = this.endpoint.source;
    this.#transport = new Transport({
      endpoint: parsed,
      tls: options.tls,
      ssh: options.ssh,
      // Connection errors say how this engine was chosen, and at the default socket what else there is.
      hint: src === 'options' ? undefined : `${this.endpoint.reason}${src === 'default' ? '; DockerClient.discover() probes the rootless, Desktop and Podman sockets' : ''}`,
      apiVersion: options.apiVersion !== undefined ? parseApiVersion(options.apiVersion) : undefined,
      timeout: options.timeout,
      maxConnections: options.maxConnections,
      userAgent: options.userAgent ?? `docker-engine-client/${CLIENT_VERSION}`,
    });
    const ctx: ApiContext = createApiContext(this.#transport);
    this.api = ctx.api;
    this.raw = new RawApi(this.#transport);
    this.auth = new RegistryCredentials(options.credentials || {});
    this.images = new Images(ctx, options.credentials === false ? undefined : this.auth);
    this.builder = new Builder(ctx);
    this.system = new System(ctx);
    this.volumes = new Volumes(ctx);
    this.networks = new Networks(ctx);
    this.exec = new Exec(ctx);
    this.containers = new Containers(ctx, this.exec);
  }

  /**
   * A client that finds the engine and the registry credentials the way the docker CLI does, from `env`
   * (default process.env): options > DOCKER_HOST (+ DOCKER_TLS_VERIFY, DOCKER_CERT_PATH) > DOCKER_CONTEXT >
   * `currentContext` in $DOCKER_CONFIG/config.json > the default socket; DOCKER_API_VERSION fixes the version.
   * `docker.endpoint` says which one was chosen and why. Child processes (ssh, credential helpers) get `env` on
   * top of process.env. A malformed config.json / meta.json or an unknown context throws DockerInputError naming it.
   */
  static fromEnv(env: Record<string, string | undefined> = process.env, options: DockerClientOptions = {}): DockerClient {
    const resolved = resolveConnection(env, options);
    return new DockerClient(
      {
        apiVersion: resolved.apiVersion,
        ...options,
        host: resolved.host,
        socketPath: undefined,
        tls: resolved.tls,
        ssh: { env: env === process.env ? env : { ...process.env, ...env }, ...options.ssh },
        credentials: options.credentials === false ? false : { env, ...options.credentials },
      },
      resolved.endpoint,
    );
  }

  /**
   * Opt-in: probe the sockets rootless Docker (`$XDG_RUNTIME_DIR/docker.sock`), Docker Desktop
   * (`~/.docker/run/docker.sock`, `~/.docker/desktop/docker.sock`) and Podman (`$XDG_RUNTIME_DIR/podman/podman.sock`,
   * `/run/podman/podman.sock`) use, in that order, and connect to the first that answers `/_ping`. Rejects with a
   * DockerConnectionError listing what was tried.
   */
  static async discover(options: DockerClientOptions & { env?: Record<string, string | undefined>; signal?: AbortSignal } = {}): Promise<DockerClient> {
    const { env = process.env, signal, ...rest } = options;
    const found = await discoverEngine(discoveryCandidates(env), { userAgent: rest.userAgent ?? `docker-engine-client/${CLIENT_VERSION}`, signal });
    return new DockerClient(
      { ...rest, host: found.host, socketPath: undefined },
      { host: found.host, source: 'discovered', tls: false, reason: `DockerClient.discover(): ${found.kind} at ${found.host}` },
    );
  }

  /** The API version requests use, once negotiated (or as configured). */
  get apiVersion(): string | undefined {
    return this.#transport.apiVersion;
  }

  /** Negotiate now instead of on the first request: min(engine, client maximum). */
  async negotiate(options: CallOptions = {}): Promise<string> {
    checkCallOptions('negotiate', options);
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

  /**
   * Close the client; it refuses new calls at once. Calls in flight get `grace` ms (default 2000) to finish, then
   * are aborted (they reject with DockerConnectionError, `failure: 'closed'`) and the connections are freed:
   * the promise always settles, whatever the engine does. Await your calls first to let them complete.
   */
  async close(options: CloseOptions = {}): Promise<void> {
    checkOptions('close', undefined, options, { declared: { grace: 'number' } });
    return this.#transport.close(options.grace);
  }

  /** Close now: calls in flight reject at once (DockerConnectionError, `failure: 'closed'`), sockets are destroyed. */
  destroy(): Promise<void> {
    return this.#transport.destroy();
  }

  /** `await using docker = new DockerClient()`: closed (with the default grace) when the scope ends. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
