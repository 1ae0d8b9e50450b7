/**
 * The progress answers of pull, push, build, import and load: one JSON object per line, where a line carrying
 * `error` / `errorDetail` is the daemon reporting failure (these endpoints answer 200 and fail in the body).
 */
import type { components } from '../../generated/docker-engine.js';
import { DockerProtocolError, DockerStreamError } from '../core/errors.js';
import { decodeJsonLines } from './json-lines.js';

/** The error fields every progress message may carry. */
export interface StreamMessage {
  errorDetail?: components['schemas']['ErrorDetail'];
  /** Deprecated duplicate of `errorDetail.message`, no longer in the spec but still sent by dockerd and Podman. */
  error?: string;
}

/** The DockerStreamError for an error line, or undefined when the line is not one. */
export function streamFailure(operation: string, message: StreamMessage): DockerStreamError | undefined {
  const { error, errorDetail } = message;
  if ((error === undefined || error === null) && (errorDetail === undefined || errorDetail === null)) return undefined;
  const detailText = typeof errorDetail?.message === 'string' && errorDetail.message !== '' ? errorDetail.message : undefined;
  const errorText = typeof error === 'string' ? error : error !== undefined && error !== null ? JSON.stringify(error) : undefined;
  const text = detailText ?? (errorText || 'the engine reported an error without a message');
  const detail = typeof errorDetail === 'object' && errorDetail !== null ? errorDetail : undefined;
  return new DockerStreamError(operation, text, detail);
}

/**
 * The StreamOperation decoder for progress answers: each line's object, in order. A line that is not a JSON
 * object throws DockerProtocolError; an error line throws its DockerStreamError.
 */
export async function* progressMessages(body: AsyncIterable<Uint8Array>, operation: string): AsyncGenerator<object, void, undefined> {
  for await (const value of decodeJsonLines(body)) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      const text = JSON.stringify(value);
      throw new DockerProtocolError(`${operation}: progress line is not a JSON object: ${text.length > 200 ? `${text.slice(0, 200)}…` : text}`);
    }
    const failure = streamFailure(operation, value as StreamMessage);
    if (failure) throw failure;
    yield value;
  }
}
