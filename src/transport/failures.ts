/** Mapping undici and socket failures to the client's typed errors, in one place for requests and bodies. */
import undiciErrors from 'undici/lib/core/errors.js';
import { DockerAbortError, DockerConnectionError, DockerError, DockerTimeoutError } from '../core/errors.js';

export const CONNECT_TIMEOUT_MS = 10_000;

/** What a failure is judged against: the request's signal and the connection it went over. */
export interface FailureContext {
  signal?: AbortSignal;
  /** Socket path or host:port, for messages. */
  target: string;
  /** The client's `timeout` in ms (0 = none). */
  timeout: number;
  /** Has the client been closed? */
  closed: boolean;
  /** Set while reading an answer's body (a broken connection is then "lost mid-stream"), with the bytes so far when counted. */
  body?: { bytesReceived?: number };
}

/** Failures of a connection that was established: the engine (or something between) broke it. */
const LOST = new Set(['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE']);

export function abortError(signal: AbortSignal, cause?: unknown): DockerError {
  // Aborted by this client itself with the typed reason (a build context that failed while packing, …).
  if (signal.reason instanceof DockerError) return signal.reason;
  const reason = signal.reason as { message?: string } | undefined;
  const msg = reason && typeof reason.message === 'string' && reason.message ? `the operation was aborted: ${reason.message}` : undefined;
  return new DockerAbortError(msg, { cause: cause ?? signal.reason });
}

/** Turn an undici / socket failure into a typed DockerError (idempotent for DockerErrors). */
export function mapFailure(err: unknown, ctx: FailureContext): Error {
  if (err instanceof DockerError) return err;
  if (ctx.signal?.aborted) return abortError(ctx.signal, err);
  const e = err as { code?: string; name?: string; message?: string };
  if (e?.name === 'AbortError' || e?.code === 'UND_ERR_ABORTED' || e?.code === 'ABORT_ERR') {
    return new DockerAbortError(undefined, { cause: err });
  }
  if (err instanceof undiciErrors.HeadersTimeoutError) return new DockerTimeoutError(ctx.timeout, 'waiting for the answer', ctx.target);
  if (err instanceof undiciErrors.BodyTimeoutError) return new DockerTimeoutError(ctx.timeout, 'reading the answer', ctx.target);
  if (err instanceof undiciErrors.ConnectTimeoutError) {
    return new DockerConnectionError(ctx.target, `connect timed out after ${CONNECT_TIMEOUT_MS} ms`, { cause: err });
  }
  if (ctx.closed || err instanceof undiciErrors.ClientDestroyedError || err instanceof undiciErrors.ClientClosedError) {
    return new DockerConnectionError(ctx.target, 'the call could not finish', { cause: err, failure: 'closed' });
  }
  // A malformed answer (undici's parser or the download connection's) ends the connection as a reset would.
  const malformed = err instanceof undiciErrors.HTTPParserError;
  if (malformed || (e?.code && LOST.has(e.code))) {
    return new DockerConnectionError(ctx.target, malformed ? String(e.message) : `${e.code} ${e.message ?? ''}`.trim(), {
      cause: err,
      failure: 'lost',
      midStream: ctx.body !== undefined,
      bytesReceived: ctx.body?.bytesReceived,
    });
  }
  if (err instanceof undiciErrors.UndiciError || (e?.code && /^E[A-Z]+$/.test(e.code)) || /certificate|SSL|TLS/i.test(e?.message ?? '')) {
    return new DockerConnectionError(ctx.target, e.code ? `${e.code} ${e.message ?? ''}`.trim() : String(e.message), { cause: err });
  }
  return err as Error;
}
