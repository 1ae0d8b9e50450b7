/**
 * transport/ — bytes to and from the engine over undici. Changes when how we connect changes (pool, endpoints,
 * TLS, the response type, connection upgrades), never for an API operation.
 *
 * The one connection to the engine: a keep-alive undici Pool (unix socket, tcp or TLS), API version
 * negotiation, and every request's failures mapped to the typed errors (failures.ts). Modules that need the
 * connection itself (a hijacked `Upgrade: tcp` session) get `dispatcher`, `origin` and `versionPrefix()`.
 */
import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
// Only the parts of undici this client uses: its index loads everything undici offers (fetch, WebSocket, mock
// agents, caches, cookies), which costs about 45 ms and 9 MB per process. The modules are the very ones the
// index re-exports (test/unit/undici-parts.test.ts checks that); undici-parts.d.ts gives them undici's own types.
import Pool from 'undici/lib/dispatcher/pool.js';
import dispatchRequest from 'undici/lib/api/api-request.js';
import { DockerConnectionError, DockerInputError, DockerVersionError } from '../core/errors.js';
import { MAX_API_VERSION, MIN_API_VERSION, compareVersions, minVersion } from '../core/versions.js';
import type { Endpoint } from './endpoint.js';
import { CONNECT_TIMEOUT_MS, abortError, mapFailure } from './failures.js';
import { LiteResponse } from './response.js';
import { tlsConnectOptions, type TlsOptions } from './tls.js';

export interface TransportOptions {
  endpoint: Endpoint;
  tls?: TlsOptions;
  /** Fixed API version: skips negotiation. */
  apiVersion?: string;
  /** ms to wait for response headers, and at most between two body chunks; 0 = no limit. */
  timeout?: number;
  userAgent: string;
}

/** One request as sent: the escape hatch (`docker.raw.request`) and every typed call end up here. */
export interface RawRequest {
  method: string;
  /** Path without the version prefix, with its query string, e.g. `/images/json?all=true`. */
  path: string;
  headers?: Record<string, string>;
  body?: Dispatcher.DispatchOptions['body'] | Blob | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;
  signal?: AbortSignal;
  /** Send without the `/vX.Y` prefix (only `/_ping` negotiation does). */
  unversioned?: boolean;
}

/** The origin openapi-fetch builds URLs on; for unix sockets the host name is never resolved. */
const UNIX_ORIGIN = 'http://localhost';

export class Transport {
  /** `http://localhost` for unix sockets, else `http(s)://host:port`. */
  readonly origin: string;
  /** Socket path or host:port, for error messages. */
  readonly target: string;
  private readonly pool: Pool;
  private readonly timeout: number;
  private readonly userAgent: string;
  private version: string | undefined;
  private negotiation: Promise<string> | undefined;
  private closed = false;

  constructor(opts: TransportOptions) {
    const timeout = opts.timeout;
    if (timeout !== undefined && !(Number.isFinite(timeout) && timeout >= 0)) {
      throw new DockerInputError(`DockerClient: timeout must be a number of milliseconds ≥ 0, got ${String(timeout)}`);
    }
    this.timeout = timeout ?? 0;
    this.userAgent = opts.userAgent;
    this.version = opts.apiVersion;
    const ep = opts.endpoint;
    const connect: Pool.Options['connect'] = { timeout: CONNECT_TIMEOUT_MS };
    if (ep.kind === 'unix') {
      this.origin = UNIX_ORIGIN;
      this.target = ep.socketPath;
      Object.assign(connect, { socketPath: ep.socketPath });
    } else {
      const host = ep.hostname.includes(':') && !ep.hostname.startsWith('[') ? `[${ep.hostname}]` : ep.hostname;
      this.origin = `${ep.protocol}//${host}:${ep.port}`;
      this.target = `${host}:${ep.port}`;
      if (ep.protocol === 'https:') Object.assign(connect, tlsConnectOptions(opts.tls));
    }
    this.pool = new Pool(this.origin, {
      connect,
      headersTimeout: this.timeout,
      bodyTimeout: this.timeout,
      keepAliveTimeout: 10_000,
      // Pull/build progress lines can be long; never cap response header size below undici's default.
    });
  }

  /** The API version in use, once known. */
  get apiVersion(): string | undefined {
    return this.version;
  }

  /** The undici dispatcher every request goes through (for a connection upgrade over the same endpoint). */
  get dispatcher(): Dispatcher {
    if (this.closed) throw new DockerConnectionError(this.target, 'the client was closed');
    return this.pool;
  }

  /** `/vX.Y`, negotiated first when needed: what a request path starts with. */
  async versionPrefix(signal?: AbortSignal): Promise<string> {
    return `/v${this.version ?? (await this.negotiate(signal))}`;
  }

  /**
   * Ask the engine which API version it speaks (`GET /_ping`, header Api-Version) and settle on
   * min(engine, MAX_API_VERSION). Runs once; concurrent callers share it; a failed attempt is retried next time.
   */
  negotiate(signal?: AbortSignal): Promise<string> {
    if (this.version) return Promise.resolve(this.version);
    this.negotiation ??= this.ping(signal).then(
      (res) => {
        const engine = res.headers.get('api-version') ?? MIN_API_VERSION;
        if (compareVersions(engine, MIN_API_VERSION) < 0) throw new DockerVersionError(engine, MIN_API_VERSION);
        this.version = minVersion(engine, MAX_API_VERSION);
        return this.version;
      },
      (err) => {
        this.negotiation = undefined;
        throw err;
      },
    );
    return this.negotiation;
  }

  /** Unversioned `GET /_ping`; the body ("OK") is read so the connection goes back to the pool. */
  private async ping(signal?: AbortSignal): Promise<LiteResponse> {
    const res = await this.request({ method: 'GET', path: '/_ping', signal, unversioned: true });
    await res.text();
    return res;
  }

  /** Send one request; the version prefix is added (after negotiation) unless `unversioned`. Any status resolves. */
  async request(req: RawRequest): Promise<LiteResponse> {
    if (this.closed) throw new DockerConnectionError(this.target, 'the client was closed');
    if (req.signal?.aborted) throw abortError(req.signal);
    const path = (req.unversioned ? '' : await this.versionPrefix(req.signal)) + req.path;
    let body = req.body;
    if (body instanceof Blob) body = Readable.fromWeb(body.stream() as import('node:stream/web').ReadableStream);
    const headers: Record<string, string> = { 'user-agent': this.userAgent, ...req.headers };
    const mapError = (err: unknown): Error => this.mapError(err, req.signal);
    try {
      // `pool.request()` is this same function, attached to Dispatcher.prototype only by undici's index.
      const data = await dispatchRequest.call(this.pool, {
        method: req.method as Dispatcher.HttpMethod,
        path,
        headers,
        body: body as Dispatcher.DispatchOptions['body'],
        signal: req.signal,
      });
      return new LiteResponse(data, req.method, this.origin + path, mapError);
    } catch (err) {
      throw mapError(err);
    }
  }

  /** A failure of this connection (request, body, upgrade) as a typed DockerError. */
  mapError(err: unknown, signal?: AbortSignal): Error {
    return mapFailure(err, { signal, target: this.target, timeout: this.timeout, closed: this.closed });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.close().catch(() => this.pool.destroy());
  }
}
