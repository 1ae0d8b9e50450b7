/**
 * An HTTP/1.1 response parser for this client's own connections (downloads and streams, download.ts; the call pool,
 * call-connection.ts; upgrades, upgrade-socket.ts): the status line and headers, then the
 * body framed by `Transfer-Encoding: chunked`, `Content-Length` or the end of the connection — the three ways
 * an engine frames the answer to a GET.
 *
 * Why not undici's llhttp: the download connection reads the socket into one reused buffer (`onread`), and the
 * payload has to be copied out of that buffer before the read returns. llhttp (wasm) first copies every read
 * into its own memory and hands out views of the caller's chunk, which is what a reused buffer cannot offer;
 * Node's own http parser is not reachable without Node's http client. The framing of a response to a GET is
 * small and fully specified (RFC 9112 §6–7); the state machine below is that and nothing more: one response per
 * parser (a kept-alive connection makes a new one per request; no pipelining), a 101 handed over only when asked
 * (`onUpgrade`), trailers skipped.
 *
 * `execute()` is given each read as it comes; payload bytes go to `onPayload(buf, start, end)` as positions in
 * that same buffer, valid only during the call. Malformed input throws undici's HTTPParserError.
 */
import undiciErrors from 'undici/lib/core/errors.js';

/** Response heads larger than this are refused (undici's default cap is 16 KiB; never stricter than it). */
export const MAX_HEAD_BYTES = 64 << 10;

export type RawHeaders = Record<string, string | string[]>;

export interface Http1Handlers {
  /** The final (non-1xx) status and headers, names lower-cased, repeated headers as arrays. */
  onHead(status: number, headers: RawHeaders): void;
  /** Body bytes `buf[start, end)`: copy them before returning. */
  onPayload(buf: Buffer, start: number, end: number): void;
  /** The body is complete (also called when there is none). */
  onEnd(): void;
  /**
   * For a request that asked to upgrade (upgrade-socket.ts): a `101 Switching Protocols` ends the parse here, with
   * its headers and the bytes of this read that follow its head (the new protocol's). Without it, a 101 is skipped
   * like any interim answer.
   */
  onUpgrade?(headers: RawHeaders, rest: Buffer): void;
}

const enum State {
  Head,
  /** Content-Length body: `left` bytes to go. */
  Length,
  /** Body until the connection ends. */
  UntilClose,
  ChunkSize,
  /** Chunk extensions, up to the line's LF. */
  ChunkExt,
  ChunkData,
  ChunkDataCr,
  ChunkDataLf,
  /** Trailer lines after the last chunk, up to an empty line. */
  Trailer,
  Done,
}

const CR = 13;
const LF = 10;

function parseError(message: string, code: string): Error {
  return Object.assign(new undiciErrors.HTTPParserError(`malformed response from the engine: ${message}`), { code: `HPE_${code}` });
}

export class Http1Parser {
  private state = State.Head;
  private head: Buffer[] = [];
  private headBytes = 0;
  private left = 0;
  private sizeDigits = 0;
  /** Bytes of the current trailer line (0 = the line is empty so far). */
  private lineBytes = 0;

  /** `noBody`: the request was a HEAD, so no answer has a body. */
  constructor(
    private readonly on: Http1Handlers,
    private readonly noBody = false,
  ) {}

  /** True once the whole response has been parsed. */
  get done(): boolean {
    return this.state === State.Done;
  }

  /** True when the body runs to the end of the connection (no length, not chunked): the connection ends with it. */
  get untilClose(): boolean {
    return this.state === State.UntilClose;
  }

  /** True while the status line and headers are still being read. */
  get inHead(): boolean {
    return this.state === State.Head;
  }

  execute(buf: Buffer, start: number, end: number): void {
    let i = start;
    while (i < end && this.state !== State.Done) {
      switch (this.state) {
        case State.Head:
          i = this.readHead(buf, i, end);
          break;
        case State.Length:
        case State.ChunkData: {
          const n = Math.min(this.left, end - i);
          this.on.onPayload(buf, i, i + n);
          i += n;
          this.left -= n;
          if (this.left === 0) {
            if (this.state === State.Length) this.finish();
            else this.state = State.ChunkDataCr;
          }
          break;
        }
        case State.UntilClose:
          this.on.onPayload(buf, i, end);
          i = end;
          break;
        case State.ChunkSize:
          i = this.readChunkSize(buf[i], i);
          break;
        case State.ChunkExt:
          if (buf[i++] === LF) this.endSizeLine();
          break;
        case State.ChunkDataCr:
          if (buf[i++] !== CR) throw parseError('chunk data not followed by CRLF', 'INVALID_CHUNK_SIZE');
          this.state = State.ChunkDataLf;
          break;
        case State.ChunkDataLf:
          if (buf[i++] !== LF) throw parseError('chunk data not followed by CRLF', 'INVALID_CHUNK_SIZE');
          this.state = State.ChunkSize;
          break;
        case State.Trailer: {
          const c = buf[i++];
          if (c === LF) {
            if (this.lineBytes === 0) this.finish();
            this.lineBytes = 0;
          } else if (c !== CR) this.lineBytes++;
          break;
        }
      }
    }
    if (i < end && this.state === State.Done) throw parseError('bytes after the end of the response', 'CLOSED_CONNECTION');
  }

  /** The connection ended: completes a body framed by the connection's end; anything else unfinished throws. */
  end(): void {
    if (this.state === State.UntilClose) this.finish();
    else if (this.state !== State.Done) {
      throw new undiciErrors.SocketError(this.state === State.Head ? 'the engine closed the connection before answering' : 'the engine closed the connection before the end of the answer');
    }
  }

  private finish(): void {
    this.state = State.Done;
    this.on.onEnd();
  }

  private readChunkSize(c: number, i: number): number {
    const digit = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
    if (digit >= 0) {
      if (++this.sizeDigits > 12) throw parseError('chunk size too large', 'INVALID_CHUNK_SIZE');
      this.left = this.left * 16 + digit;
    } else if (this.sizeDigits === 0) {
      throw parseError('chunk size expected', 'INVALID_CHUNK_SIZE');
    } else if (c === LF) {
      this.endSizeLine();
    } else {
      // `;ext`, whitespace or the CR before LF: skipped up to the line's end.
      this.state = State.ChunkExt;
    }
    return i + 1;
  }

  private endSizeLine(): void {
    this.sizeDigits = 0;
    if (this.left === 0) {
      this.lineBytes = 0;
      this.state = State.Trailer;
    } else this.state = State.ChunkData;
  }

  /** Collects the head up to its blank line; returns where the body starts in `buf` (or `end`). */
  private readHead(buf: Buffer, start: number, end: number): number {
    // The blank line may straddle two reads: search from up to 3 bytes before this read's start.
    const held = this.headBytes;
    const piece = buf.subarray(start, end);
    const joined = held > 0 ? Buffer.concat([...this.head, piece]) : piece;
    const at = joined.indexOf('\r\n\r\n', Math.max(0, held - 3));
    if (at < 0) {
      if (joined.length > MAX_HEAD_BYTES) throw parseError(`headers larger than ${MAX_HEAD_BYTES} bytes`, 'HEADER_OVERFLOW');
      // Copied: `buf` is reused for the next read.
      this.head = [Buffer.from(joined)];
      this.headBytes = joined.length;
      return end;
    }
    if (at > MAX_HEAD_BYTES) throw parseError(`headers larger than ${MAX_HEAD_BYTES} bytes`, 'HEADER_OVERFLOW');
    this.head = [];
    this.headBytes = 0;
    const consumed = at + 4 - held;
    const { status, headers } = parseHead(joined.toString('latin1', 0, at));
    if (status === 101 && this.on.onUpgrade) {
      this.state = State.Done;
      this.on.onUpgrade(headers, buf.subarray(start + consumed, end));
      return end;
    }
    if (status >= 100 && status < 200) return start + consumed; // 100 Continue and the like: the real answer follows
    this.frame(status, headers);
    this.on.onHead(status, headers);
    if (this.state === State.Done) this.on.onEnd();
    return start + consumed;
  }

  /** How the body of this answer is delimited (RFC 9112 §6.3). */
  private frame(status: number, headers: RawHeaders): void {
    const te = headers['transfer-encoding'];
    const cl = headers['content-length'];
    if (this.noBody || status === 204 || status === 304) this.state = State.Done;
    else if (te !== undefined) {
      if (!/(^|,)\s*chunked\s*$/i.test(String(te))) throw parseError(`unsupported transfer-encoding ${String(te)}`, 'INVALID_TRANSFER_ENCODING');
      this.state = State.ChunkSize;
    } else if (cl !== undefined) {
      if (Array.isArray(cl) || !/^\d{1,15}$/.test(cl)) throw parseError(`invalid content-length ${String(cl)}`, 'INVALID_CONTENT_LENGTH');
      this.left = Number(cl);
      this.state = this.left === 0 ? State.Done : State.Length;
    } else this.state = State.UntilClose;
  }
}

/** The status line and header lines of a head (without its blank line). */
export function parseHead(text: string): { status: number; headers: RawHeaders } {
  const lines = text.split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(lines[0]);
  if (!m) throw parseError(`bad status line ${JSON.stringify(lines[0].slice(0, 80))}`, 'INVALID_CONSTANT');
  const headers: RawHeaders = {};
  for (let k = 1; k < lines.length; k++) {
    const line = lines[k];
    const colon = line.indexOf(':');
    if (colon <= 0 || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(line.slice(0, colon))) {
      throw parseError(`bad header line ${JSON.stringify(line.slice(0, 80))}`, 'INVALID_HEADER_TOKEN');
    }
    const name = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1).trim();
    const prev = headers[name];
    headers[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
  }
  return { status: Number(m[1]), headers };
}
