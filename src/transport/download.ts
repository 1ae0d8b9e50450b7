/**
 * The download connection: a GET whose answer is bytes handed to the caller (an image's tar, a container's
 * export or archive), sent on a connection of its own that reads the socket into one reused buffer (Node's
 * `onread`), parses the answer with http1-parser.ts and copies the payload out into the download reader's
 * batches (download-reader.ts). One request per connection (`Connection: close`): it lasts as long as the
 * transfer, so keeping it alive would save nothing. The stream lane's requests take such a connection too
 * (uploads — load, import, build, put archive — pulls, pushes, events: transport.ts), their bodies written by
 * body-writer.ts: a process that streams then never loads undici's Pool nor compiles its parser (a ~30 MB
 * transient of peak RSS, bench/README.md). How many are open at once, and who waits, is download-lane.ts.
 *
 * Why not undici for these: each socket read undici makes is a new buffer, copied into llhttp's memory and handed
 * on as a view of the read; on a 1 GiB download that is ~30 MB of dead buffers waiting for a scavenge and
 * ~25 000 trips through Node's stream machinery (bench/README.md, "Downloads on a connection of their own").
 *
 * Failures are undici's error types (connect timeout, headers/body timeout, socket error, parser error), so the
 * transport maps them exactly as it maps undici's.
 */
import type { Socket } from 'node:net';
import undiciErrors from 'undici/lib/core/errors.js';
import { followAbort } from '../core/on-abort.js';
import { fixedLength, writeRequest, type SendBody } from './body-writer.js';
import { connectWithin, type DownloadDialer } from './dial.js';
import { Http1Parser, type RawHeaders } from './http1-parser.js';
import { PACED_WAIT_MS, ReadPacer } from './read-pacer.js';
import { DownloadReader } from './download-reader.js';
import { declaredLength, requestHead } from './request-head.js';

/** Each socket read lands here: larger than the ~32–64 KiB an engine writes at a time, so one read takes it all. */
export const READ_BUFFER_BYTES = 256 << 10;

export interface DownloadRequest {
  /** Default GET. */
  method?: string;
  /** The full path, with its version prefix and query. */
  path: string;
  headers: Record<string, string>;
  body?: SendBody;
  signal?: AbortSignal;
  /** ms for the answer's head, and at most between two reads of its body; 0 = no limit. */
  timeout: number;
  /** Maps failures of the body to the client's typed errors (the request's own failures are thrown raw). */
  mapError: (err: unknown, bytesReceived: number) => Error;
  /** The engine writes the answer message by message (RawRequest.paced): small reads are paced. */
  paced?: boolean;
}

export interface DownloadResponse {
  statusCode: number;
  headers: RawHeaders;
  body: DownloadReader;
}

/** Send the request on a new connection; resolves with the answer's head and its body reader. */
export function download(dialer: DownloadDialer, req: DownloadRequest, opened: (socket: Socket) => unknown): Promise<DownloadResponse> {
  return new Promise<DownloadResponse>((resolve, reject) => {
    const method = req.method ?? 'GET';
    const length = fixedLength(req.body);
    const stream = req.body != null && length === undefined;
    const declared = stream ? declaredLength(req.headers) : undefined;
    const head = requestHead(method, req.path, dialer.host, req.headers, stream ? 'stream' : length, 'close');

    let reader: DownloadReader | undefined;
    let pause = false;
    let settled = false;
    const parser = new Http1Parser({
      onHead(statusCode, headers) {
        const contentType = headers['content-type'];
        reader = new DownloadReader({
          mapError: req.mapError,
          signal: req.signal,
          contentType: typeof contentType === 'string' ? contentType : undefined,
          resume: () => {
            socket.setTimeout(req.timeout);
            socket.resume();
          },
          abandon: () => socket.destroy(),
        });
        settled = true;
        resolve({ statusCode, headers, body: reader });
      },
      onPayload(buf, start, end) {
        if (!reader!.payload(buf, start, end)) pause = true;
      },
      onEnd() {
        reader!.end();
        socket.destroy();
      },
    }, method === 'HEAD');

    const fail = (err: unknown): void => {
      socket.destroy();
      // The whole answer is here (a body write failing after it, say): it stands.
      if (parser.done) return;
      if (reader) reader.fail(err);
      else if (!settled) {
        settled = true;
        reject(err);
      }
    };
    // Not for tars: the engine writes those as fast as the socket takes them, and a wait would stall it.
    const pacer = req.paced ? new ReadPacer() : undefined;
    let pacing: NodeJS.Timeout | undefined;
    // No read happens during the wait, so the read-ahead cannot have filled (`pause`) meanwhile.
    const readOn = (): void => {
      pacing = undefined;
      if (!socket.destroyed) socket.resume();
    };
    const onread = (bytes: number, buf: Buffer): boolean => {
      pause = false;
      try {
        parser.execute(buf, 0, bytes);
      } catch (err) {
        fail(err);
        return false;
      }
      // The read-ahead is full: no timeout while the consumer, not the engine, is what we wait for.
      if (pause) socket.setTimeout(0);
      else if (pacer && !parser.done && pacer.waitAfter(bytes)) {
        // Reading stops (false) and starts again in PACED_WAIT_MS; the socket's own timeout still runs meanwhile.
        pacing = setTimeout(readOn, PACED_WAIT_MS);
        return false;
      }
      return !pause;
    };
    const socket = connectWithin(dialer, fail, { buffer: Buffer.allocUnsafeSlow(READ_BUFFER_BYTES), callback: onread });
    opened(socket);
    socket.once(dialer.readyEvent, () => socket.setTimeout(req.timeout));
    socket.on('timeout', () => fail(parser.inHead ? new undiciErrors.HeadersTimeoutError() : new undiciErrors.BodyTimeoutError()));
    // The engine's end of the connection completes a body framed by it, and fails any other unfinished answer.
    const closed = (): void => {
      if (parser.done) return;
      try {
        parser.end();
      } catch (err) {
        fail(err);
      }
    };
    socket.on('end', closed);
    socket.on('error', fail);
    socket.on('close', closed);
    socket.once('close', () => clearTimeout(pacing));
    // Before the head: an abort rejects the request (after it, the reader follows the signal).
    const signal = req.signal;
    if (signal) {
      const stop = followAbort(signal, () => {
        if (!reader) fail(signal.reason);
      });
      socket.once('close', stop);
    }
    // A body that fails fails the request, or its answer's body once that has begun (as with undici).
    writeRequest(socket, head, req.body, declared).catch(fail);
  });
}
