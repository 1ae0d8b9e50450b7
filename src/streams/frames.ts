/**
 * The output of logs, attach and exec start as frames: `{ stream, data }`.
 *
 * Without a TTY the engine multiplexes stdout and stderr on one connection with Go's stdcopy framing: an 8-byte
 * header (stream type 0 stdin / 1 stdout / 2 stderr / 3 system error, three zero bytes, uint32 big-endian
 * payload length) before each payload. With a TTY the bytes are the terminal's, unframed; they are yielded as
 * `stdout` as they arrive. Which of the two a body is must be known from the container's / exec's `Tty` (or the
 * `multiplexed-stream` Content-Type of API ≥ 1.42): it is never guessed from the bytes.
 *
 * Cost: a payload that lies inside one chunk is yielded as a view of that chunk (no copy); only a payload split
 * across chunks is joined, once, when its last piece arrives. A header split across chunks is assembled in an
 * 8-byte scratch buffer. Nothing is re-concatenated per chunk, so the cost is linear in the body size.
 */
import { DockerProtocolError, DockerStreamError } from '../core/errors.js';

export type FrameStream = 'stdin' | 'stdout' | 'stderr';

export interface Frame {
  stream: FrameStream;
  data: Buffer;
}

/** `multiplexed`: stdcopy-framed (no TTY); `raw`: unframed TTY bytes, all `stdout`. */
export type FrameMode = 'multiplexed' | 'raw';

const HEADER = 8;
const STREAMS: readonly FrameStream[] = ['stdin', 'stdout', 'stderr'];
const SYSTEM_ERROR = 3;
const NOTHING = Buffer.alloc(0);

/**
 * What the readers (FrameIterator below, socket-frames.ts) pull frames from: `feed()` a chunk once `take()` has
 * returned undefined, `end()` when the body is over. One per mode, so the readers never ask which mode they are in.
 */
export interface FrameSource {
  feed(chunk: Buffer): void;
  take(): Frame | undefined;
  end(): void;
}

/** The frame source of `mode`: a stdcopy decoder, or TTY bytes handed out as `stdout`, one frame per chunk. */
export function frameSource(mode: FrameMode, operation: string): FrameSource {
  return mode === 'multiplexed' ? new FrameDecoder(operation) : new RawChunks();
}

/** Raw (TTY) mode: each non-empty chunk is one `stdout` frame, as it arrived (no copy). */
class RawChunks implements FrameSource {
  #chunk: Buffer | undefined;
  feed(chunk: Buffer): void {
    this.#chunk = chunk.length > 0 ? chunk : undefined;
  }
  take(): Frame | undefined {
    const data = this.#chunk;
    if (!data) return undefined;
    this.#chunk = undefined;
    return { stream: 'stdout', data };
  }
  end(): void {}
}

/**
 * Incremental stdcopy decoder, pulled: `feed()` a chunk, then `take()` its frames one at a time until it returns
 * undefined (more bytes needed); `end()` once the body is over (throws when it stopped inside a frame). Frame type 3
 * fails with DockerStreamError carrying the daemon's text; an unknown type or non-zero padding with
 * DockerProtocolError (the body is not stdcopy-framed). A failure is thrown by the `take()` that reaches it, so the
 * frames before it come out first; every later `take()` and `end()` throws it again.
 *
 * Why pulled: a frame is decoded when the consumer asks for it. Decoding a whole chunk up front (a 40 KB read of
 * logs holds ~160 frames) kept its frames alive across V8's scavenges while they waited; what survives a scavenge
 * is what makes V8 grow the young generation, and a 512 MiB log grew it to 8 MB per semi-space, +15 MB of peak RSS
 * over a log 1/16 the size (bench/README.md, "Stop 27").
 */
export class FrameDecoder implements FrameSource {
  /** The partial header of the next frame (when a chunk ended inside one). */
  readonly #header = Buffer.alloc(HEADER);
  #headerLength = 0;
  /** The frame being collected: its type, bytes still missing, and the pieces seen so far. */
  #type = -1;
  #missing = 0;
  #pieces: Buffer[] = [];
  /** The chunk being decoded, where in it, and where it starts in the body (for error messages). */
  #chunk: Buffer = NOTHING;
  #pos = 0;
  #offset = 0;
  #failure: Error | undefined;

  constructor(
    /** Named in error messages (`logs`, `attach`, `exec`). */
    readonly operation: string,
  ) {}

  /** The body's next chunk. The one before must be used up: `take()` returned undefined. */
  feed(chunk: Buffer): void {
    this.#offset += this.#chunk.length;
    this.#chunk = chunk;
    this.#pos = 0;
  }

  /** The next whole frame of the bytes fed, or undefined when more are needed. */
  take(): Frame | undefined {
    if (this.#failure) throw this.#failure;
    try {
      return this.#take();
    } catch (err) {
      this.#failure = err as Error;
      throw err;
    }
  }

  #take(): Frame | undefined {
    const chunk = this.#chunk;
    const length = chunk.length;
    let pos = this.#pos;
    while (pos < length) {
      if (this.#type < 0) {
        // Fast path: a whole header inside this chunk.
        if (this.#headerLength === 0 && length - pos >= HEADER) {
          this.#begin(chunk, pos, this.#offset + pos);
          this.#pos = pos += HEADER;
        } else {
          const take = Math.min(HEADER - this.#headerLength, length - pos);
          chunk.copy(this.#header, this.#headerLength, pos, pos + take);
          this.#headerLength += take;
          this.#pos = pos += take;
          if (this.#headerLength < HEADER) return undefined;
          this.#headerLength = 0;
          this.#begin(this.#header, 0, this.#offset + pos - HEADER);
        }
        if (this.#missing === 0) return this.#emit(Buffer.alloc(0));
        continue;
      }
      const take = Math.min(this.#missing, length - pos);
      const piece = chunk.subarray(pos, pos + take);
      this.#pos = pos += take;
      this.#missing -= take;
      if (this.#missing > 0) {
        this.#pieces.push(piece);
      } else if (this.#pieces.length === 0) {
        return this.#emit(piece);
      } else {
        this.#pieces.push(piece);
        const data = Buffer.concat(this.#pieces);
        this.#pieces = [];
        return this.#emit(data);
      }
    }
    return undefined;
  }

  /** The body ended: fine between frames, a protocol error inside one. */
  end(): void {
    if (this.#failure) throw this.#failure;
    if (this.#type >= 0 || this.#headerLength > 0) {
      const where = this.#headerLength > 0 ? `inside a frame header (${this.#headerLength} of 8 bytes)` : `inside a frame (${this.#missing} bytes missing)`;
      throw new DockerProtocolError(`${this.operation}: the output stream ended ${where}`);
    }
  }

  #begin(bytes: Buffer, at: number, position: number): void {
    const type = bytes[at];
    if (type > SYSTEM_ERROR || bytes[at + 1] !== 0 || bytes[at + 2] !== 0 || bytes[at + 3] !== 0) {
      const shown = bytes.subarray(at, at + HEADER).toString('hex');
      throw new DockerProtocolError(
        `${this.operation}: the output is not stdcopy-framed (header ${shown} at byte ${position}); was the TTY setting of the container or exec given correctly?`,
      );
    }
    this.#type = type;
    this.#missing = bytes.readUInt32BE(at + 4);
  }

  #emit(data: Buffer): Frame {
    const type = this.#type;
    this.#type = -1;
    if (type === SYSTEM_ERROR) throw new DockerStreamError(this.operation, data.toString('utf8').trim());
    return { stream: STREAMS[type], data };
  }
}

/** Output collected per stream, e.g. for `exec` and `run` results. */
export interface CollectedOutput {
  stdout: Buffer;
  stderr: Buffer;
}

/** Reads frames to the end and joins each stream once. */
export async function collectFrames(frames: AsyncIterable<Frame>): Promise<CollectedOutput> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  for await (const frame of frames) {
    if (frame.stream === 'stderr') err.push(frame.data);
    else if (frame.stream === 'stdout') out.push(frame.data);
  }
  return { stdout: Buffer.concat(out), stderr: Buffer.concat(err) };
}
