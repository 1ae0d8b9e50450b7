/**
 * transport/ — bytes to and from the engine. Changes when how we connect changes (pools, endpoints, TLS, the
 * response type, connection upgrades), never for an API operation.
 *
 * The one connection to the engine, in lanes (request.ts): short calls on kept-alive connections of this client's
 * own (call-pool.ts); downloads, uploads and long answers each on a connection of its own that reads into a reused
 * buffer (download.ts), connection upgrades too (upgrade-socket.ts); ssh on undici's Pool (pools.ts); API version
 * negotiation; every request's failures mapped to the typed errors (failures.ts). How each kind of endpoint is
 * dialled is dial.ts; a hijacked `Upgrade: tcp` session is `upgrade()` (upgrade.ts). No member's type names
 * undici: the Transport is reachable from the published declarations (test/package.test.ts).
 */
import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { DockerConnectionError, DockerInputError, DockerVersionError } from '../core/errors.js';
import { MAX_API_VERSION, MIN_API_VERSION, compareVersions, minVersion } from '../core/versions.js';
import type { SendBody } from './body-writer.js';
import { CallPool } from './call-pool.js';
import { dialEndpoint, type Dial } from './dial.js';
import { DownloadLane } from './download-lane.js';
import { abortError, mapFailure } from './failures.js';
import type { Pools } from './pools.js';
import type { Lane, RawRequest } from './request.js';
import { LiteResponse, type ResponseData } from './response.js';
import { checkedLimits, CLOSE_GRACE_MS, type TransportOptions } from './transport-options.js';
import { upgradeConnection, type UpgradeRequest, type UpgradedConnection } from './upgrade.js';

export type { Lane, RawRequest } from './request.js';

export { CLOSE_GRACE_MS, DEFAULT_MAX_CONNECTIONS, type TransportOptions } from './transport-options.js';

export class Transport {
  /** `http://localhost` for unix sockets, else `http(s)://host:port`. */
  readonly origin: string;
  /** Socket path or host:port, for error messages. */
  readonly target: string;
  private readonly dial: Dial;
  /** The call lane over a unix socket, TCP or TLS: connections of this client's own (call-pool.ts says why). */
  private readonly calls: CallPool | undefined;
  /**
   * undici's Pools: every lane over ssh (request.ts, Lane); opened on first use (pools.ts says why not before).
   */
  private pools: Pools | undefined;
  private poolsOpening: Promise<Pools> | undefined;
  /** Downloads on connections of their own (none for ssh: its connections are processes). */
  private readonly downloads: DownloadLane | undefined;
  private readonly maxConnections: number;
  /** Put in front of every request path (`tcp://host:port/prefix`). */
  private readonly pathPrefix: string;
  private readonly hint: string | undefined;
  /** Ends what the connector started (the ssh processes). */
  private readonly onClose: (() => Promise<void>) | undefined;
  private readonly timeout: number;
  private readonly userAgent: string;
  private version: string | undefined;
  private negotiation: Promise<string> | undefined;
  private closed = false;
  private closing: Promise<void> | undefined;

  constructor(opts: TransportOptions) {
    const { timeout, maxConnections: max } = checkedLimits(opts);
    this.timeout = timeout;
    this.userAgent = opts.userAgent;
    this.version = opts.apiVersion;
    this.hint = opts.hint;
    const dial = (this.dial = dialEndpoint(opts.endpoint, opts.tls, opts.ssh));
    ({ origin: this.origin, target: this.target, pathPrefix: this.pathPrefix, close: this.onClose } = dial);
    this.downloads = dial.download && new DownloadLane(dial.download, max);
    this.calls = dial.download && new CallPool(dial.download, this.timeout, max);
    this.maxConnections = max;
  }

  /** The API version in use, once known. */
  get apiVersion(): string | undefined {
    return this.version;
  }

  /**
   * A connection upgrade (attach, exec start, a BuildKit session) on the `stream` lane: a connection of its own
   * (upgrade-socket.ts), in turn under the cap; over ssh on undici's stream Pool (upgrade.ts).
   */
  async upgrade(req: UpgradeRequest): Promise<UpgradedConnection> {
    if (this.closed) throw this.refused();
    if (this.downloads) return this.downloads.upgrade(this, req, this.timeout);
    return upgradeConnection((this.pools ?? (await this.openPools())).get('stream'), this, req);
  }

  /**
   * Loads pools.ts (undici's Pool) and opens the two lanes: once, on the first request that needs them. A request
   * that gets here after close() is refused, as a closed pool would refuse it; one that got here before is in flight,
   * and close() waits for the lanes to open and lets it finish.
   */
  private openPools(): Promise<Pools> {
    if (this.closed && !this.poolsOpening) return Promise.reject(this.refused());
    return (this.poolsOpening ??= import('./pools.js').then(({ Pools }) => (this.pools = new Pools(this.dial, this.timeout, this.maxConnections))));
  }

  /** What a call made after close() rejects with. */
  private refused(): DockerConnectionError {
    return new DockerConnectionError(this.target, 'no new calls after close()', { failure: 'closed' });
  }

  /** `/vX.Y` (after a host's path prefix), negotiated first when needed: what a request path starts with. */
  async versionPrefix(signal?: AbortSignal): Promise<string> {
    return `${this.pathPrefix}/v${this.version ?? (await this.negotiate(signal))}`;
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

  /**
   * Where a one-off request (the negotiating ping, a discovery probe) goes: over a unix socket, a download
   * connection, whose opening costs a syscall (bench/README.md, "The negotiating ping"), rather than a call
   * connection kept open for nothing. Over TCP and TLS the call pool's connection is kept for
   * the next call (a handshake saved); ssh has no download connections. When the download lane is at the cap (or
   * has requests waiting) it is the call lane: the ping must not wait behind streams.
   */
  get oneOffLane(): Lane {
    return this.downloads?.local && this.downloads.hasRoom ? 'download' : 'call';
  }

  /** Unversioned `GET /_ping`; the body ("OK") is read, so a pooled connection goes back to its pool. */
  private async ping(signal?: AbortSignal): Promise<LiteResponse> {
    const lane = this.oneOffLane;
    const res = await this.request({ method: 'GET', path: '/_ping', signal, unversioned: true, lane });
    await res.text();
    // undici frees the connection for the next request in a microtask queued after the body ended; without this
    // turn the request that follows negotiation opens a second connection (a second ssh process for ssh://).
    if (lane === 'call' && !this.calls) await new Promise((resolve) => setImmediate(resolve));
    return res;
  }

  /** Send one request; the version prefix is added (after negotiation) unless `unversioned`. Any status resolves. */
  async request(req: RawRequest): Promise<LiteResponse> {
    if (this.closed) throw this.refused();
    if (req.signal?.aborted) throw abortError(req.signal);
    // Once the version is known, no await here (this is every call's path).
    const prefix = req.unversioned ? this.pathPrefix : this.version ? `${this.pathPrefix}/v${this.version}` : await this.versionPrefix(req.signal);
    const path = prefix + req.path;
    let body = req.body;
    if (body instanceof Blob) body = Readable.fromWeb(body.stream() as import('node:stream/web').ReadableStream);
    const headers: Record<string, string> = { 'user-agent': this.userAgent, ...req.headers };
    const mapError = (err: unknown, body?: { bytesReceived?: number }): Error => this.mapError(err, req.signal, body);
    try {
      const data = await this.route(req, path, headers, body as SendBody, (err, bytesReceived) => mapError(err, { bytesReceived }));
      return new LiteResponse(data, req.method, this.origin + path, mapError, req.signal);
    } catch (err) {
      throw mapError(err);
    }
  }

  /**
   * Where a request goes (request.ts, Lane): the call pool, a connection of its own (a download, or any request of
   * the stream lane; in turn under the cap), or over ssh undici's Pools. Resolves with the answer's head and body
   * reader; `bodyError` maps failures of the body. Not async: once the pools are open, no await of its own.
   */
  private route(req: RawRequest, path: string, headers: Record<string, string>, body: SendBody, bodyError: (err: unknown, bytesReceived: number) => Error): Promise<ResponseData> {
    let lane: Lane = req.lane ?? 'call';
    if (lane === 'call' && this.calls) {
      if (body == null || typeof body === 'string' || body instanceof Uint8Array) {
        return this.calls.request({ method: req.method, path, headers, body, signal: req.signal, mapError: bodyError });
      }
      lane = 'stream'; // a streamed body is an upload: the call pool sends only string or bytes
    }
    if (lane !== 'call' && this.downloads) {
      return this.downloads.request({ method: req.method, path, headers, body, signal: req.signal, timeout: this.timeout, paced: req.paced, mapError: bodyError });
    }
    const pooled = { method: req.method as Dispatcher.HttpMethod, path, headers, body: body as Dispatcher.DispatchOptions['body'], signal: req.signal };
    const to = lane === 'call' ? 'call' : 'stream';
    return this.pools ? this.pools.request(to, pooled) : this.openPools().then((pools) => pools.request(to, pooled));
  }

  /** A failure of this connection (request, body, upgrade) as a typed DockerError. */
  mapError(err: unknown, signal?: AbortSignal, body?: { bytesReceived?: number }): Error {
    const mapped = mapFailure(err, { signal, target: this.target, timeout: this.timeout, closed: this.closed, body });
    if (this.hint && mapped instanceof DockerConnectionError && !mapped.message.endsWith(`(${this.hint})`)) mapped.message += ` (${this.hint})`;
    return mapped;
  }

  /**
   * Refuse new calls at once, let the calls in flight (and queued ones) finish for `graceMs`, then abort what is
   * left — those calls reject with DockerConnectionError (`failure: 'closed'`) — and free the pool. Always
   * settles within about `graceMs`; calling it again returns the same promise.
   */
  close(graceMs = CLOSE_GRACE_MS): Promise<void> {
    if (!(Number.isFinite(graceMs) && graceMs >= 0)) {
      return Promise.reject(new DockerInputError(`close: grace must be a number of milliseconds ≥ 0, got ${String(graceMs)}`));
    }
    this.closed = true;
    this.closing ??= (async () => {
      // The pools once open, or once a first request in flight has opened them (it may still be loading them).
      const pools = await this.poolsOpening?.catch(() => undefined);
      const drained = Promise.all([pools?.close(), this.calls?.close(), this.downloads?.closed()]).then(
        () => true,
        () => false,
      );
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), graceMs);
      });
      const done = await Promise.race([drained, expired]);
      clearTimeout(timer);
      if (!done) await this.abortAll(`close() aborted it after a grace of ${graceMs} ms`);
      await this.onClose?.();
    })();
    return this.closing;
  }

  /** Close now: calls in flight reject at once with DockerConnectionError (`failure: 'closed'`), sockets are destroyed. */
  destroy(): Promise<void> {
    this.closed = true;
    const destroyed = this.abortAll('destroy() aborted it').then(() => this.onClose?.());
    this.closing ??= destroyed;
    return destroyed;
  }

  private abortAll(why: string): Promise<void> {
    const reason = new DockerConnectionError(this.target, `the call was in flight; ${why}`, { failure: 'closed' });
    // The pools once open, or once a first request in flight has opened them.
    const pools = this.poolsOpening?.then((p) => p.destroy(reason), () => undefined);
    return Promise.all([pools, this.calls?.destroy(reason), this.downloads?.destroy(reason)]).then(
      () => undefined,
      () => undefined,
    );
  }
}
