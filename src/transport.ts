/**
 * The one connection to the engine: a keep-alive undici Pool (unix socket, tcp or TLS), API version
 * negotiation, and mapping of every transport failure into the typed errors of errors.ts.
 */
import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
// Only the parts of undici this client uses: its index loads everything undici offers (fetch, WebSocket, mock
// agents, caches, cookies), which costs about 45 ms and 9 MB per process. The modules are the very ones the
// index re-exports (test/unit/undici-parts.test.ts checks that); undici-parts.d.ts gives them undici's own types.
import Pool from 'undici/lib/dispatcher/pool.js';
import dispatchRequest from 'undici/lib/api/api-request.js';
import undiciErrors from 'undici/lib/core/errors.js';
import { DockerAbortError, DockerConnectionError, DockerError, DockerTimeoutError, DockerVersionError } from './errors.js';
import { LiteRequest, LiteResponse } from './fetch-adapter.js';
import type { Endpoint, TlsOptions } from './host.js';
import { readCertDir } from './host.js';
import { MAX_API_VERSION, MIN_API_VERSION, compareVersions, minVersion } from './versions.js';

export interface TransportOptions {
  endpoint: Endpoint;
  tls?: TlsOptions;
  /** Fixed API version: skips negotiation. */
  apiVersion?: string;
  /** ms to wait for response headers, and at most between two body chunks; 0 = no limit. */
  timeout?: number;
  userAgent: string;
}

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
const CONNECT_TIMEOUT_MS = 10_000;

export class Transport {
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
    this.timeout = opts.timeout ?? 0;
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
  async ping(signal?: AbortSignal): Promise<LiteResponse> {
    const res = await this.request({ method: 'GET', path: '/_ping', signal, unversioned: true });
    await res.text();
    return res;
  }

  /** Send one request; the version prefix is added (after negotiation) unless `unversioned`. */
  async request(req: RawRequest): Promise<LiteResponse> {
    if (this.closed) throw new DockerConnectionError(this.target, 'the client was closed');
    if (req.signal?.aborted) throw abortError(req.signal);
    const prefix = req.unversioned ? '' : `/v${this.version ?? (await this.negotiate(req.signal))}`;
    const path = prefix + req.path;
    let body = req.body;
    if (body instanceof Blob) body = Readable.fromWeb(body.stream() as import('node:stream/web').ReadableStream);
    const headers: Record<string, string> = { 'user-agent': this.userAgent, ...req.headers };
    try {
      // `pool.request()` is this same function, attached to Dispatcher.prototype only by undici's index.
      const data = await dispatchRequest.call(this.pool, {
        method: req.method as Dispatcher.HttpMethod,
        path,
        headers,
        body: body as Dispatcher.DispatchOptions['body'],
        signal: req.signal,
      });
      return new LiteResponse(data, this.origin + path, (err) => this.mapError(err, req.signal));
    } catch (err) {
      throw this.mapError(err, req.signal);
    }
  }

  /** openapi-fetch's `fetch`: takes the LiteRequest it built and sends it through the pool. */
  readonly fetch = async (input: LiteRequest): Promise<LiteResponse> => {
    const headers: Record<string, string> = {};
    input.headers.forEach((v, k) => {
      headers[k] = v;
    });
    return this.request({
      method: input.method,
      path: input.url.slice(this.origin.length),
      headers,
      body: input.body as RawRequest['body'],
      signal: input.signal,
    });
  };

  /** Turn an undici / socket failure into a typed DockerError (idempotent for DockerErrors). */
  mapError(err: unknown, signal?: AbortSignal): Error {
    if (err instanceof DockerError) return err;
    if (signal?.aborted) return abortError(signal, err);
    const e = err as { code?: string; name?: string; message?: string };
    if (e?.name === 'AbortError' || e?.code === 'UND_ERR_ABORTED' || e?.code === 'ABORT_ERR') {
      return new DockerAbortError(undefined, { cause: err });
    }
    if (err instanceof undiciErrors.HeadersTimeoutError) return new DockerTimeoutError(this.timeout, 'waiting for the engine to answer');
    if (err instanceof undiciErrors.BodyTimeoutError) return new DockerTimeoutError(this.timeout, 'reading the engine response');
    if (err instanceof undiciErrors.ConnectTimeoutError) {
      return new DockerConnectionError(this.target, `connect timed out after ${CONNECT_TIMEOUT_MS} ms`, { cause: err });
    }
    if (this.closed || err instanceof undiciErrors.ClientDestroyedError || err instanceof undiciErrors.ClientClosedError) {
      return new DockerConnectionError(this.target, 'the client was closed', { cause: err });
    }
    if (err instanceof undiciErrors.UndiciError || (e?.code && /^E[A-Z]+$/.test(e.code)) || /certificate|SSL|TLS/i.test(e?.message ?? '')) {
      return new DockerConnectionError(this.target, e.code ? `${e.code} ${e.message ?? ''}`.trim() : String(e.message), { cause: err });
    }
    return err as Error;
  }

  /** Iterate a response body, mapping mid-stream failures (abort, timeout, reset) to typed errors. */
  async *readBody(res: LiteResponse, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
    const body = res.nodeBody;
    try {
      for await (const chunk of body) yield chunk as Uint8Array;
    } catch (err) {
      throw this.mapError(err, signal);
    } finally {
      if (!body.readableEnded) body.destroy();
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.close().catch(() => this.pool.destroy());
  }
}

function abortError(signal: AbortSignal, cause?: unknown): DockerAbortError {
  const reason = signal.reason as { message?: string } | undefined;
  const msg = reason && typeof reason.message === 'string' && reason.message ? `the operation was aborted: ${reason.message}` : undefined;
  return new DockerAbortError(msg, { cause: cause ?? signal.reason });
}

function tlsConnectOptions(tls: TlsOptions | undefined): Record<string, unknown> {
  if (!tls) return {};
  const files = tls.certPath ? readCertDir(tls.certPath) : undefined;
  return {
    ca: tls.ca ?? files?.ca,
    cert: tls.cert ?? files?.cert,
    key: tls.key ?? files?.key,
    rejectUnauthorized: tls.verify !== false,
  };
}
