/**
 * api/ — the typed-call boundary (`docker.api`). Changes when how a typed call is made, judged or gated changes;
 * never for one resource.
 *
 * ApiContext is all a resource receives (never the DockerClient): the typed `api`, the version gate, the one
 * result rule for JSON and streamed answers, uploads, a raw request for what openapi-fetch cannot express (HEAD
 * with headers, paths outside the spec), and the connection for modules that take it over (a hijacked upgrade).
 *
 * Plugging in: a resource is a class in its own folder taking this context (`new Containers(ctx)` in client.ts).
 * A streaming GET (events, stats) is `ctx.stream(init => ctx.api.GET(path, { …, ...init }))`, one whose bytes are
 * many (a tar, logs) `ctx.download(…)` the same way; then `res.readable()` for bytes handed to the caller as a Node
 * stream (the read-ahead reader; never wrap `chunks()` in `Readable.from`), or `res.chunks()` into a decoder
 * (streams/) or a StreamOperation with an injected decoder.
 * A connection upgrade lives in transport/ (`Transport.upgrade`); resources reach it through `connection`, which
 * is the transport seen as only that (no undici type reaches the published declarations through it).
 */
import type { Readable } from 'node:stream';
import { gateBody } from '../core/since-body.js';
import { gateParams, operationSince, requireSince, type SinceSource } from '../core/since.js';
import type { operations } from '../../generated/docker-engine.js';
import type { LiteResponse } from '../transport/response.js';
import type { RawRequest, Transport } from '../transport/transport.js';
import type { UpgradeConnection } from '../transport/upgrade.js';
import { createDockerApi, laneSend, type DockerApi } from './fetch-adapter.js';
import { openStream, responseOf, streamInit, unwrap, type FetchResult, type StreamInit } from './result.js';

/**
 * What an upload sends: a Node Readable, or an async iterable written chunk by chunk (transport/body-writer.ts, or
 * undici's iterable writer over ssh; bodies/file-chunks.ts relies on how both wait) — either reports failure as
 * 'error' and is destroyable.
 */
export type UploadStream = Readable | (AsyncIterable<Uint8Array> & { on(event: 'error', listener: (err: unknown) => void): unknown; readonly destroyed: boolean; destroy(): unknown });

/** A streamed request body: the stream, and its length when known (sent as Content-Length). */
export interface UploadBody {
  body: UploadStream;
  length?: number;
}

/** What an upload's `docker.api` call spreads into its init: stream parsing, the body, its headers and the signal. */
export type UploadInit = StreamInit & { body: UploadStream; headers: Record<string, string>; signal: AbortSignal };


export interface ApiContext {
  /** Every operation of the pinned spec, typed by the generated `paths`. */
  readonly api: DockerApi;
  /** The API version requests use (negotiated once, on first use). */
  negotiate(signal?: AbortSignal): Promise<string>;
  /**
   * The version gate: refuse `what` (an option, `images.push: option "platform"`, or an operation) with
   * DockerInputError unless the engine speaks `since` or newer. Negotiates first; resolves with the version.
   */
  requireSince(what: string, since: string, signal?: AbortSignal): Promise<string>;
  /**
   * The same gate over one operation's facts — its operationId (`'ContainerStop'`: generated/api-since.ts, and
   * the filter keys' versions when `query.filters` is encoded) or a hand row. `false` values of too-new options
   * are dropped; renamed options go out under the name the engine knows (core/since.ts). Once the version is
   * known it answers (or throws) at once, without a promise of its own: await it inside the async method.
   */
  gateQuery<Q extends object>(method: string, since: SinceSource, query: Q, signal?: AbortSignal): Q | Promise<Q>;
  /** The gate over a request body: fields newer than the engine (generated API_SINCE body paths) are refused. */
  gateBody<B>(method: string, operationId: keyof operations, body: B, signal?: AbortSignal): Promise<B>;
  /** Await a `docker.api` call: its parsed answer, or DockerApiError for any status outside 2xx. */
  json<T>(call: Promise<FetchResult<T>>): Promise<T>;
  /** A `docker.api` call whose answer is its headers (HEAD, e.g. a path stat): the 2xx response, or DockerApiError. */
  response(call: Promise<FetchResult<unknown>>): Promise<LiteResponse>;
  /** A `docker.api` call answered with a stream: the 2xx response with its body unread (`res.chunks()`). */
  stream(call: (init: StreamInit) => Promise<FetchResult<unknown>>): Promise<LiteResponse>;
  /**
   * `stream` for a GET whose body is many bytes (a tar, an archive, logs): sent on a download connection of its
   * own where the endpoint allows (transport.ts, Lane), which reads the socket into reused buffers.
   */
  download(call: (init: StreamInit) => Promise<FetchResult<unknown>>): Promise<LiteResponse>;
  /** `download` for an answer the engine writes message by message, flushing each (logs): its reads are paced (RawRequest.paced). */
  messages(call: (init: StreamInit) => Promise<FetchResult<unknown>>): Promise<LiteResponse>;
  /**
   * `stream`, sending `upload` as the request body (`application/x-tar`, with Content-Length when known), with
   * the caller's `signal`. A body that fails (a build context that cannot be packed, a caller's stream that
   * errors) aborts the request and the call rejects with the body's error, whenever it happens — before the
   * transport reads the body, during the upload or while the answer streams; it is never an unhandled 'error' event. The
   * body is destroyed when the request fails, so an open file or a caller's stream is released.
   */
  upload(upload: UploadBody, signal: AbortSignal | undefined, call: (init: UploadInit) => Promise<FetchResult<unknown>>): Promise<LiteResponse>;
  /** One request as given (path without the version prefix); any status resolves — judge it with `res.ok`. */
  request(req: RawRequest): Promise<LiteResponse>;
  /** The connection itself, for a module that takes it over (an `Upgrade: tcp` or `h2c` session). */
  readonly connection: UpgradeConnection;
}

export function createApiContext(transport: Transport): ApiContext {
  const negotiate = (signal?: AbortSignal): Promise<string> => transport.negotiate(signal);
  // Streamed answers and uploads go over the transport's `stream` lane.
  const streamed = streamInit(laneSend(transport, 'stream'));
  const downloaded = streamInit(laneSend(transport, 'download'));
  const paced = streamInit(laneSend(transport, 'download', true));
  return {
    api: createDockerApi(transport),
    connection: transport,
    negotiate,
    async requireSince(what, since, signal) {
      const version = await negotiate(signal);
      requireSince(what, since, version);
      return version;
    },
    gateQuery(method, since, query, signal) {
      // Every high-level call passes here: once the version is known, no promise and no await of its own.
      const version = transport.apiVersion;
      if (version !== undefined) return gateParams(since, method, version, query);
      return negotiate(signal).then((v) => gateParams(since, method, v, query));
    },
    async gateBody(method, operationId, body, signal) {
      const version = await negotiate(signal);
      const facts = operationSince(operationId);
      if (facts.since) requireSince(method, facts.since, version);
      gateBody(facts.body, method, version, body);
      return body;
    },
    json: unwrap,
    response: responseOf,
    stream: (call) => openStream(call, streamed),
    download: (call) => openStream(call, downloaded),
    messages: (call) => openStream(call, paced),
    async upload(upload, signal, call) {
      const headers: Record<string, string> = { 'Content-Type': 'application/x-tar' };
      if (upload.length !== undefined) headers['Content-Length'] = String(upload.length);
      // Listening from the start: the transport reads the body only when it starts sending (after negotiation,
      // after a wait in a queue), and an 'error' nobody listens to kills the process.
      const bodyFailed = new AbortController();
      let bodyError: unknown;
      upload.body.on('error', (err: unknown) => {
        bodyError ??= err;
        // A DockerError reason is what the aborted request (or its answer's body) rejects with (failures.ts).
        bodyFailed.abort(err);
      });
      try {
        return await openStream(
          (init) => call({ ...init, body: upload.body, headers, signal: signal ? AbortSignal.any([signal, bodyFailed.signal]) : bodyFailed.signal }),
          streamed,
        );
      } catch (err) {
        if (!upload.body.destroyed) upload.body.destroy();
        throw bodyError ?? err;
      }
    },
    request: (req) => transport.request(req),
  };
}
