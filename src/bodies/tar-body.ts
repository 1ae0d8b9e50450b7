/**
 * bodies/ — request byte sources. Changes when what callers may upload, or how it is packed and streamed, changes.
 *
 * Tar request bodies for build, import and load. Any accepted source becomes a Node Readable that undici
 * streams as the request body (`fetch(..., { body, duplex: 'half' })` or `dispatcher.request({ body })`),
 * read from the source only as fast as the daemon takes it: nothing is ever collected into one buffer.
 * Paths are checked before returning, so a bad path fails before any request is sent.
 */
import path from 'node:path';
import { Readable } from 'node:stream';
import { fromAsyncIterable, fromBytes, fromEventStream, fromWebStream, type EventReadable } from './byte-streams.js';
import type { BuildContextOptions } from './build-context.js';
import { CHUNK_BYTES, FileChunks, type ChunkSource } from './file-chunks.js';
import { readsLocally } from './local-reads.js';
import { DockerInputError } from '../core/errors.js';
import { kindOf } from '../core/input.js';

/**
 * What build, import and load accept as their tar:
 * - `string` — a directory (packed as a build context) or a tar file, plain or compressed (sent unchanged;
 *   the daemon detects gzip/bzip2/xz);
 * - a Node `Readable` (or any legacy `NodeJS.ReadableStream`, or a streamx stream such as tar-stream's `pack()`);
 * - a web `ReadableStream<Uint8Array>`;
 * - an `AsyncIterable<Uint8Array>`;
 * - bytes: `Uint8Array` (so `Buffer`), any other `ArrayBufferView`, or an `ArrayBuffer`.
 */
export type TarSource =
  | string
  | Readable
  | NodeJS.ReadableStream
  | ReadableStream<Uint8Array>
  | AsyncIterable<Uint8Array>
  | Uint8Array
  | ArrayBufferView
  | ArrayBuffer;

export type TarBodyOptions = BuildContextOptions;

export interface TarBody {
  /** The request body. Single use; destroy it if it ends up not being sent (it may hold an open file). */
  body: Readable;
  /** How the source was read. */
  kind: 'directory' | 'file' | 'stream' | 'bytes';
  /** Exact byte length when known before sending (tar file, bytes): usable as Content-Length. */
  length?: number;
  /**
   * For build: the value to send as the `dockerfile` parameter. For a directory it is the Dockerfile's path
   * inside the packed context (a generated `.dockerfile.<hash>` name when it lies outside the directory); for
   * other sources it is `opts.dockerfile` unchanged (a path inside the tar). Undefined: the daemon's default.
   */
  dockerfile?: string;
}

function isWebReadableStream(value: object): value is ReadableStream<Uint8Array> {
  return typeof (value as ReadableStream).getReader === 'function' && typeof (value as ReadableStream).cancel === 'function';
}

function isEventReadable(value: object): value is EventReadable {
  const v = value as Partial<EventReadable> & { pipe?: unknown };
  return typeof v.on === 'function' && typeof v.pause === 'function' && typeof v.resume === 'function';
}

function isAsyncIterable(value: object): value is AsyncIterable<Uint8Array> {
  return typeof (value as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === 'function';
}

/**
 * What the client's own uploads send: a tar file or a directory as a ChunkSource (reused buffers; undici's
 * iterable writer only).
 */
export type UploadTar = Omit<TarBody, 'body'> & { body: Readable | ChunkSource };

async function fromPath(source: string, opts: TarBodyOptions, reuse: false): Promise<TarBody>;
async function fromPath(source: string, opts: TarBodyOptions, reuse: boolean): Promise<UploadTar>;
async function fromPath(source: string, opts: TarBodyOptions, reuse: boolean): Promise<UploadTar> {
  if (source === '') throw new DockerInputError('tar source path is empty');
  const abs = path.resolve(source);
  // node:fs/promises on first use, not with the package (bench/README.md, import cost).
  const { open, stat } = process.getBuiltinModule('node:fs/promises');
  let st;
  try {
    st = await stat(abs);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'does not exist' : `cannot be read (${(err as Error).message})`;
    throw new DockerInputError(`tar source ${abs} ${why}`, { cause: err });
  }
  if (st.isDirectory()) {
    // Loaded on the first directory pack: the packer and the dockerignore matcher are a good part of the
    // package's import cost and dependency tree, and only directory contexts need them.
    const { packBuildContext } = await import('./build-context.js');
    const { body, dockerfile } = await packBuildContext(abs, opts, !reuse);
    return { body: reuse ? body : fromAsyncIterable(body), kind: 'directory', dockerfile };
  }
  if (!st.isFile()) {
    throw new DockerInputError(`tar source ${abs} is neither a directory nor a regular file`);
  }
  // Opened now so that a permission error is reported here, before any request.
  let handle;
  try {
    handle = await open(abs, 'r');
  } catch (err) {
    throw new DockerInputError(`tar source ${abs} cannot be opened (${(err as Error).message})`, { cause: err });
  }
  // 1 MiB reads: with the default 64 KiB, uploading a tar file costs twice the CPU and runs ~25% slower (bench/).
  const body = reuse
    ? new FileChunks(handle, { syncReads: await readsLocally(abs) })
    : handle.createReadStream({ autoClose: true, highWaterMark: CHUNK_BYTES });
  return { body, kind: 'file', length: st.size, dockerfile: opts.dockerfile };
}

/**
 * Normalise `source` into a streamed request body. Rejects with DockerInputError for a missing or unusable
 * path, an unreadable `.dockerignore`, a missing Dockerfile or an unsupported source type — all before
 * anything is read from the source. Failures while streaming (a context file that shrinks while it is packed
 * or cannot be read, a fifo or device in the context, a source stream erroring, a non-bytes chunk) destroy the
 * body with that error, which aborts the request.
 */
export async function tarBody(source: TarSource, opts: TarBodyOptions = {}): Promise<TarBody> {
  if (typeof source === 'string') return fromPath(source, opts, false);
  return fromOther(source, opts);
}

/**
 * `tarBody` for the client's own uploads (`ctx.upload`, which undici sends): the same, except that a tar file
 * is read into two reused buffers (file-chunks.ts) instead of a fresh 1 MiB buffer per read.
 */
export async function uploadTar(source: TarSource, opts: TarBodyOptions = {}): Promise<UploadTar> {
  if (typeof source === 'string') return fromPath(source, opts, true);
  return fromOther(source, opts);
}

function fromOther(source: Exclude<TarSource, string>, opts: TarBodyOptions): TarBody {
  const dockerfile = opts.dockerfile;
  if (source instanceof Uint8Array) {
    return { body: fromBytes(source), kind: 'bytes', length: source.byteLength, dockerfile };
  }
  if (ArrayBuffer.isView(source)) {
    const bytes = new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
    return { body: fromBytes(bytes), kind: 'bytes', length: bytes.byteLength, dockerfile };
  }
  if (source instanceof ArrayBuffer) {
    return { body: fromBytes(new Uint8Array(source)), kind: 'bytes', length: source.byteLength, dockerfile };
  }
  if (source !== null && typeof source === 'object') {
    // A Node Readable is already what undici wants: hand it over untouched (its own backpressure and destroy).
    if (source instanceof Readable) return { body: source, kind: 'stream', dockerfile };
    if (isWebReadableStream(source)) return { body: fromWebStream(source), kind: 'stream', dockerfile };
    if (isEventReadable(source)) return { body: fromEventStream(source), kind: 'stream', dockerfile };
    if (isAsyncIterable(source)) return { body: fromAsyncIterable(source), kind: 'stream', dockerfile };
  }
  const what = kindOf(source, 'class');
  throw new DockerInputError(
    `unsupported tar source (${what}): expected a path, a Readable, a ReadableStream, an AsyncIterable<Uint8Array> or bytes`,
  );
}
