/**
 * Writes a request body on a connection of the client's own (download.ts: uploads — load, import, build, put
 * archive — and any request with a body on the stream lane): bytes as they are, a stream with its declared
 * Content-Length as it is, any other stream in `Transfer-Encoding: chunked` (a directory's packed context, whose
 * length is unknown until it is packed). The call pool's connections write their string or bytes bodies with the
 * same `writeFixed()` (call-connection.ts).
 *
 * Backpressure is undici's iterable writer's, which the reused upload buffers rely on (bodies/file-chunks.ts, "When
 * a buffer may be reused"): the next chunk is asked for only after the write of the last one returned true, or
 * after the socket's 'drain' (every queued byte handed to the kernel) or 'close'. A body longer or shorter than its
 * declared length fails, as undici fails it (RequestContentLengthMismatchError).
 */
import type { Socket } from 'node:net';
import undiciErrors from 'undici/lib/core/errors.js';
import { drainedOrClosed } from '../core/drained.js';

/** A body the transport sends (request.ts `RawRequest['body']`, a Blob already made a stream). */
export type SendBody = string | Uint8Array | AsyncIterable<Uint8Array> | ReadableStream<Uint8Array> | null | undefined;

/** The byte length of a body known before sending; undefined for none or a stream. */
export function fixedLength(body: SendBody): number | undefined {
  if (body == null) return undefined;
  if (typeof body === 'string') return Buffer.byteLength(body);
  return body instanceof Uint8Array ? body.byteLength : undefined;
}

/** Writes `head` and a body of known length (none, a string or bytes) on `socket`, as one write or one corked pair. */
export function writeFixed(socket: Socket, head: string, body: string | Uint8Array | null | undefined): void {
  if (body == null || typeof body === 'string') {
    socket.write(body ? head + body : head);
    return;
  }
  socket.cork();
  socket.write(head);
  socket.write(body);
  socket.uncork();
}

/**
 * Writes `head` and then `body` on `socket`. `declared`: the Content-Length the head carries for a stream (else the
 * stream goes chunked). Resolves when everything is written — or when the socket was closed meanwhile (the engine
 * answered and hung up, or the request failed: the caller hears that from the connection); rejects when the body
 * fails. The body is not read any further once the socket has closed (a Node stream is destroyed, an iterator returned).
 */
export async function writeRequest(socket: Socket, head: string, body: SendBody, declared: number | undefined): Promise<void> {
  if (body == null || typeof body === 'string' || body instanceof Uint8Array) return writeFixed(socket, head, body);
  const chunked = declared === undefined;
  let sent = 0;
  socket.write(head);
  for await (const chunk of body) {
    if (socket.destroyed) return;
    if (chunk.byteLength === 0) continue;
    sent += chunk.byteLength;
    if (!chunked && sent > declared) throw new undiciErrors.RequestContentLengthMismatchError();
    let more: boolean;
    if (chunked) {
      socket.cork();
      socket.write(`${chunk.byteLength.toString(16)}\r\n`);
      socket.write(chunk);
      more = socket.write('\r\n');
      socket.uncork();
    } else more = socket.write(chunk);
    if (!more) await drainedOrClosed(socket);
  }
  if (socket.destroyed) return;
  if (chunked) socket.write('0\r\n\r\n');
  else if (sent !== declared) throw new undiciErrors.RequestContentLengthMismatchError();
}
