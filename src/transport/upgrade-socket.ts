/**
 * A connection upgrade (attach, exec start, a BuildKit session) on a connection of the client's own, as downloads
 * and streams have (download.ts): the request written by request-head.ts with `Connection: upgrade`, the answer's
 * head read off the socket. A 101 hands the socket over, paused, with any bytes that came after the head put back
 * (`unshift`), so its first read returns them; any other answer is read on by the same parser (its body up to 64 KiB)
 * and rejects as upgrade.ts's undici path does (DockerApiError with the daemon's message). undici's path remains
 * for ssh (transport.ts).
 *
 * Why: through undici, the first attach or exec of a process loads its Pool and compiles llhttp — a ~30 MB transient
 * of peak RSS and ~0.1 s of CPU — for one request head.
 */
import type { Socket } from 'node:net';
import undiciErrors from 'undici/lib/core/errors.js';
import { followAbort } from '../core/on-abort.js';
import { connectWithin, type DownloadDialer } from './dial.js';
import { Http1Parser } from './http1-parser.js';
import { requestHead } from './request-head.js';
import { MAX_ERROR_BODY, refusal, type UpgradedConnection, type UpgradeRequest, type UpgradeTarget } from './upgrade.js';

/**
 * Send `req` on a new connection asking to upgrade it. Resolves with the socket once the engine answered 101;
 * rejects with DockerApiError for any other status, and with the connection's typed errors for transport failures
 * and aborts. `timeout` (ms, 0 = none) bounds the wait for the answer, not the session. `opened` is told of the
 * socket until the answer (returns what to call then).
 */
export async function upgradeSocket(dialer: DownloadDialer, conn: UpgradeTarget, req: UpgradeRequest, timeout: number, opened: (socket: Socket) => () => void): Promise<UpgradedConnection> {
  const mapError = (err: unknown): Error => conn.mapError(err, req.signal);
  if (req.signal?.aborted) throw mapError(req.signal.reason);
  const path = (await conn.versionPrefix(req.signal)) + req.path;
  // Errors name the path without its query (queries may carry values callers consider private).
  const shownPath = path.split('?')[0];
  const headers = req.body === undefined ? req.headers : { 'content-type': 'application/json', ...req.headers };
  let head: string;
  try {
    head = requestHead(req.method, path, dialer.host, headers, req.body === undefined ? undefined : Buffer.byteLength(req.body), { upgrade: req.protocol ?? 'tcp' });
  } catch (err) {
    throw mapError(err);
  }
  return new Promise<UpgradedConnection>((resolve, reject) => {
    const socket = connectWithin(dialer, fail);
    const closed = opened(socket);
    let settled = false;
    const errorBody: Buffer[] = [];
    let errorLength = 0;
    let status = 0;
    let stopAbort = (): void => {};

    const finish = (): void => {
      settled = true;
      stopAbort();
      socket.off('data', onData).off('end', onEnd).off('close', onEnd).off('error', fail).off('timeout', onTimeout);
      socket.setTimeout(0);
      closed();
    };
    function fail(err: unknown): void {
      if (settled) return;
      finish();
      socket.destroy();
      reject(mapError(err));
    }
    const parser = new Http1Parser({
      onUpgrade(headers, rest) {
        finish();
        socket.pause();
        // A 'data' chunk is the socket's own buffer: `rest` stays valid once handed back.
        if (rest.length > 0) socket.unshift(rest);
        resolve({ socket, headers });
      },
      // Refused: the answer (head and body) is read to its end for the daemon's message.
      onHead: (s) => void (status = s),
      onPayload: (buf, start, end) => {
        if (errorLength < MAX_ERROR_BODY) {
          errorBody.push(Buffer.from(buf.subarray(start, end)));
          errorLength += end - start;
        }
      },
      onEnd() {
        if (settled) return;
        finish();
        socket.destroy();
        reject(refusal(status, req.method, shownPath, Buffer.concat(errorBody).subarray(0, MAX_ERROR_BODY).toString('utf8')));
      },
    });
    function onData(chunk: Buffer): void {
      try {
        parser.execute(chunk, 0, chunk.length);
      } catch (err) {
        fail(err);
      }
    }
    // The engine's end of the connection: completes an error answer framed by it, fails one cut short (or none).
    function onEnd(): void {
      try {
        parser.end();
      } catch (err) {
        fail(err);
      }
    }
    function onTimeout(): void {
      fail(new undiciErrors.HeadersTimeoutError());
    }
    socket.on('data', onData).on('end', onEnd).on('close', onEnd).on('error', fail).on('timeout', onTimeout);
    if (timeout > 0) socket.setTimeout(timeout);
    const signal = req.signal;
    if (signal) stopAbort = followAbort(signal, () => fail(signal.reason));
    if (!settled) socket.write(req.body === undefined ? head : head + req.body);
  });
}
