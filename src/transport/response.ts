/**
 * The one response type: what every request to the engine answers, for openapi-fetch and for this client's own
 * stream handling alike. It is the Response subset openapi-fetch reads (status, ok, headers.get(),
 * text()/json()/body) over the answer of one of the client's own connections or of undici, without a web stream per
 * body or header copies; and it owns its
 * body reader, which maps failures while reading (abort, timeout, connection loss) to the typed errors with the
 * signal captured when the request was sent.
 */
import type { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { readAhead } from './body-reader.js';
import { DownloadReader } from './download-reader.js';

/** Read-only Headers view over undici's lower-cased raw header object (no copy). */
export class LiteHeaders {
  constructor(private readonly raw: Record<string, string | string[] | undefined>) {}
  get(name: string): string | null {
    const v = this.raw[name.toLowerCase()];
    return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
  }
  has(name: string): boolean {
    return this.raw[name.toLowerCase()] !== undefined;
  }
  forEach(cb: (value: string, key: string) => void): void {
    for (const [k, v] of this.entries()) cb(v, k);
  }
  *entries(): IterableIterator<[string, string]> {
    for (const k of Object.keys(this.raw).sort()) {
      const v = this.get(k);
      if (v !== null) yield [k, v];
    }
  }
  *keys(): IterableIterator<string> {
    for (const [k] of this.entries()) yield k;
  }
  *values(): IterableIterator<string> {
    for (const [, v] of this.entries()) yield v;
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
  getSetCookie(): string[] {
    const v = this.raw['set-cookie'];
    return v === undefined ? [] : Array.isArray(v) ? v : [v];
  }
}

type UndiciBody = Dispatcher.ResponseData['body'];

/** @internal What a response is made of: a connection of the client's own (call-pool.ts, download.ts), or undici's answer. */
export interface ResponseData {
  statusCode: number;
  headers: Record<string, string | string[] | undefined>;
  body: UndiciBody | DownloadReader;
}

/** The Response subset openapi-fetch and callers use, over a transport's answer (ResponseData). */
export class LiteResponse {
  readonly status: number;
  readonly ok: boolean;
  readonly headers: LiteHeaders;
  readonly url: string;
  /** The request's method (for error messages: the response knows what it answers). */
  readonly method: string;
  private webBody: ReadableStream<Uint8Array> | undefined;
  private reader: Readable | undefined;
  /** @internal made by the transport only (stripped from the published .d.ts). */
  constructor(
    private readonly data: ResponseData,
    method: string,
    url: string,
    /** Maps a failure while reading the body (abort, timeout, reset) to the client's typed errors. */
    private readonly mapError: (err: unknown, body: { bytesReceived?: number }) => Error = (err) => err as Error,
    /** The request's signal: an abort ends the readable() with the mapped error (body-reader.ts). */
    private readonly signal?: AbortSignal,
  ) {
    this.status = data.statusCode;
    this.ok = data.statusCode >= 200 && data.statusCode < 300;
    this.headers = new LiteHeaders(data.headers);
    this.url = url;
    this.method = method;
  }
  // Constant parts of Response as prototype getters: per-instance fields cost on every call (hot path).
  get statusText(): string {
    return '';
  }
  get redirected(): boolean {
    return false;
  }
  get type(): 'basic' {
    return 'basic';
  }
  /**
   * A web stream over the Node body, made on first access and pulling only when read (highWaterMark 0):
   * openapi-fetch touches `body` for `parseAs: 'stream'`, and this client's own code then reads `chunks()`;
   * an eager conversion (Readable.toWeb) would have moved chunks into a queue nobody reads.
   */
  get body(): ReadableStream<Uint8Array> {
    this.webBody ??= lazyWebStream(this.data.body, this.mapError);
    return this.webBody;
  }
  /**
   * The body as a Node byte stream, for streamed answers handed to the caller (save's tar, archives, logs):
   * the read-ahead reader of body-reader.ts (the socket is read while the caller's write is pending; what
   * accumulated comes out as one chunk). Failures while reading become typed errors; destroying it releases the
   * connection. One reader per response: `chunks()` reads the same one.
   */
  readable(): Readable {
    // A download's body is already such a reader (it reads its own socket).
    const body = this.data.body;
    this.reader ??= body instanceof DownloadReader ? body : readAhead(body, { mapError: (err, bytesReceived) => this.mapError(err, { bytesReceived }), signal: this.signal });
    return this.reader;
  }
  /**
   * The body as bytes, for decoders (progress lines): the same read-ahead reader, iterated; stopping early (or a
   * failure) destroys it, which releases the connection.
   */
  async *chunks(): AsyncGenerator<Uint8Array> {
    const reader = this.readable();
    try {
      for await (const chunk of reader) yield chunk as Uint8Array;
    } finally {
      if (!reader.readableEnded) reader.destroy();
    }
  }
  /** Stop reading: destroys an unfinished body (and its reader), which aborts the request and frees its connection. */
  cancel(): void {
    if (this.reader && !this.reader.destroyed) this.reader.destroy();
    if (!this.data.body.readableEnded) this.data.body.destroy();
  }
  /** Read and drop the body (an answer nobody reads must still be drained to free its connection). */
  discard(): Promise<void> {
    return this.data.body.dump().catch(() => {});
  }
  get bodyUsed(): boolean {
    return this.data.body.bodyUsed;
  }
  text(): Promise<string> {
    return this.data.body.text().catch((err: unknown) => this.fail(err));
  }
  json(): Promise<unknown> {
    return this.data.body.json().catch((err: unknown) => this.fail(err));
  }
  arrayBuffer(): Promise<ArrayBuffer> {
    return this.data.body.arrayBuffer().catch((err: unknown) => this.fail(err));
  }
  async bytes(): Promise<Uint8Array> {
    return new Uint8Array(await this.arrayBuffer());
  }
  blob(): Promise<Blob> {
    return this.data.body.blob().catch((err: unknown) => this.fail(err));
  }
  private fail(err: unknown): never {
    throw this.mapError(err, {});
  }
  formData(): Promise<never> {
    return Promise.reject(new TypeError('formData() is not supported by the Docker Engine API client'));
  }
  clone(): never {
    throw new TypeError('Response.clone() is not supported: the body is a stream read once');
  }
}

function lazyWebStream(body: ResponseData['body'], mapError: (err: unknown, body: { bytesReceived?: number }) => Error): ReadableStream<Uint8Array> {
  let it: AsyncIterator<Uint8Array> | undefined;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        it ??= (body as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
        try {
          const { done, value } = await it.next();
          if (done) controller.close();
          else controller.enqueue(value);
        } catch (err) {
          controller.error(mapError(err, {}));
        }
      },
      cancel(reason) {
        body.destroy(reason instanceof Error ? reason : undefined);
      },
    },
    { highWaterMark: 0 },
  );
}
