/**
 * Connection upgrade for attach and exec start: an HTTP/1.1 request with `Connection: Upgrade` / `Upgrade: tcp`,
 * which the engine answers with `101 UPGRADED` and then raw bytes both ways. This is the path over the client's
 * undici dispatcher (ssh); otherwise a connection of the client's own takes it
 * (upgrade-socket.ts), with the same types and the same refusal (`refusal()`).
 *
 * Why not undici's `dispatcher.upgrade()` (lib/api/api-upgrade.js): its handler throws "bad upgrade" on any
 * non-101 answer and drops the body, so "No such container" (404) or "is not running" (409) would reach the
 * caller as a socket error. This handler speaks undici's DispatchHandler interface directly: a 101 hands over
 * the socket, anything else is read (up to 64 KiB) and becomes a DockerApiError with the daemon's message.
 *
 * Bytes that arrive in the same read as the 101 are not lost: undici `unshift()`s them back onto the socket
 * before handing it over (client-h1.js onUpgrade), so the first read of the socket returns them.
 */
import type { Duplex } from 'node:stream';
import type { Dispatcher } from 'undici';
import { DockerApiError, DockerProtocolError } from '../core/errors.js';

/** What the upgrade needs of the connection besides its dispatcher: the version prefix and its failure mapping. */
export interface UpgradeTarget {
  versionPrefix(signal?: AbortSignal): Promise<string>;
  mapError(err: unknown, signal?: AbortSignal): Error;
}

/**
 * The connection as a session sees it (`Transport` is one): upgrade a request, and map the failures of the socket
 * it hands over. No dispatcher here: published declarations that named undici's `Dispatcher` made every consumer
 * type-check ~43 undici .d.ts files next to @types/node's own copy (test/package.test.ts guards this).
 */
export interface UpgradeConnection {
  upgrade(req: UpgradeRequest): Promise<UpgradedConnection>;
  mapError(err: unknown, signal?: AbortSignal): Error;
}

export interface UpgradeRequest {
  method: 'POST' | 'GET';
  /** Path without the version prefix, with its query string, e.g. `/containers/{id}/attach?stream=1&stdin=1`. */
  path: string;
  /** A list value sends the header once per entry. */
  headers?: Record<string, string | string[]>;
  /** The protocol asked for (default `tcp`; BuildKit sessions ask for `h2c`). */
  protocol?: 'tcp' | 'h2c';
  /** A JSON request body (exec start's `{"Detach":false,"Tty":false}`). */
  body?: string;
  signal?: AbortSignal;
}

export interface UpgradedConnection {
  /** The raw connection (net.Socket or tls.TLSSocket), paused; no timeout applies to it any more. */
  socket: Duplex;
  /** Headers of the 101 answer, lower-cased (e.g. `content-type`: `application/vnd.docker.multiplexed-stream`). */
  headers: Record<string, string | string[] | undefined>;
}

/** Longest error body kept for the error message. */
export const MAX_ERROR_BODY = 64 * 1024;

/**
 * Send `req` over `dispatcher` (the transport's `stream` lane) asking for `Upgrade: tcp`. Resolves with the socket once the engine answered 101;
 * rejects with DockerApiError for any other status (the daemon's message), and with the connection's typed
 * errors for transport failures and aborts. The signal aborts the request until the 101 arrives (afterwards the
 * socket is the caller's to close); the client's `timeout` bounds the wait for the answer, not the session.
 *
 * @internal its `Dispatcher` parameter keeps undici's types out of the published declarations; callers use
 * `Transport.upgrade`.
 */
export async function upgradeConnection(dispatcher: Dispatcher, conn: UpgradeTarget, req: UpgradeRequest): Promise<UpgradedConnection> {
  const mapError = (err: unknown): Error => conn.mapError(err, req.signal);
  if (req.signal?.aborted) throw mapError(req.signal.reason);
  const path = (await conn.versionPrefix(req.signal)) + req.path;
  // Errors name the path without its query (queries may carry values callers consider private).
  const shownPath = path.split('?')[0];
  return new Promise<UpgradedConnection>((resolve, reject) => {
    let controller: Dispatcher.DispatchController | undefined;
    let settled = false;
    let status = 0;
    let errorBody: Buffer[] = [];
    let errorLength = 0;
    const onAbort = (): void => controller?.abort(req.signal?.reason instanceof Error ? req.signal.reason : new Error('aborted'));
    const settle = (fn: () => void): void => {
      if (settled) return;
      settled = true;
      req.signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart(c) {
        controller = c;
        if (req.signal?.aborted) onAbort();
      },
      onRequestUpgrade(_c, statusCode, headers, socket) {
        if (statusCode !== 101) {
          socket.destroy();
          settle(() => reject(new DockerProtocolError(`${req.method} ${shownPath}: the engine switched protocols with status ${statusCode}`)));
          return;
        }
        settle(() => resolve({ socket, headers }));
      },
      onResponseStart(_c, statusCode) {
        status = statusCode;
      },
      onResponseData(_c, chunk) {
        if (errorLength < MAX_ERROR_BODY) {
          errorBody.push(chunk);
          errorLength += chunk.length;
        }
      },
      onResponseEnd() {
        const text = Buffer.concat(errorBody).subarray(0, MAX_ERROR_BODY).toString('utf8');
        errorBody = [];
        settle(() => reject(refusal(status, req.method, shownPath, text)));
      },
      onResponseError(_c, err) {
        settle(() => reject(mapError(err)));
      },
    };
    req.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      dispatcher.dispatch(
        {
          method: req.method,
          path,
          headers: req.body === undefined ? req.headers : { 'content-type': 'application/json', ...req.headers },
          body: req.body,
          upgrade: req.protocol ?? 'tcp',
        },
        handler,
      );
    } catch (err) {
      settle(() => reject(mapError(err)));
    }
  });
}

/** Why an answer other than a 101 refused the upgrade: the daemon's error, or a protocol error for a 2xx. */
export function refusal(status: number, method: string, shownPath: string, text: string): Error {
  // A 2xx without upgrade would be a stream we cannot write to; the engines here always upgrade when asked.
  return status >= 200 && status < 300
    ? new DockerProtocolError(`${method} ${shownPath}: the engine answered ${status} instead of upgrading the connection`)
    : new DockerApiError(status, method, shownPath, daemonText(text, status));
}

/** The daemon's message from an error body: `{"message": …}`, or the text itself. */
function daemonText(body: string, status: number): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    if (typeof parsed?.message === 'string') return parsed.message;
  } catch {
    // not JSON: the text itself is the message
  }
  return body.trim() || `HTTP ${status}`;
}
