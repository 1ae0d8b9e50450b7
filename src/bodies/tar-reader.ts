/**
 * Find one regular file in a tar stream and return its bytes: all the client ever reads from a tar (the Dockerfile
 * of a tar build context, to learn which registries its FROM lines name).
 *
 * Why not tar-stream's extract: it is the only use of tar-stream in the package, and tar-stream with streamx and
 * their helpers was 8 of the runtime dependency tree's 21 packages (bench/README.md, dependency tree) for a loop
 * over 512-byte headers. What a build context's tar can hold and this reader understands: ustar/GNU/v7 headers
 * (name with the ustar prefix), PAX extended headers (`path`, `size`; global ones are skipped), GNU long names
 * (`L`), octal and base-256 sizes. Anything it cannot read is an error; read-dockerfile.ts then leaves the
 * Dockerfile unknown and the daemon has the last word on the tar, as before.
 */

import { BLOCK, headerChecksum } from './tar-header.js';

/** A tar header's checksum is wrong or the stream ends inside an entry. */
export class TarFormatError extends Error {}

/** Reads exactly-sized pieces out of a byte stream (chunks of any size), and skips without copying. */
class ByteCursor {
  /** Unread bytes of the current chunk start here. */
  private chunk: Uint8Array = new Uint8Array(0);
  private readonly it: AsyncIterator<Uint8Array>;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.it = source[Symbol.asyncIterator]();
  }

  /** False at the end of the stream. */
  private async fill(): Promise<boolean> {
    while (this.chunk.byteLength === 0) {
      const r = await this.it.next();
      if (r.done) return false;
      this.chunk = r.value;
    }
    return true;
  }

  /** `n` bytes, or fewer only at the end of the stream. */
  async take(n: number): Promise<Buffer> {
    if (!(await this.fill())) return Buffer.alloc(0);
    if (this.chunk.byteLength >= n) {
      const out = Buffer.from(this.chunk.buffer, this.chunk.byteOffset, n);
      this.chunk = this.chunk.subarray(n);
      return out;
    }
    const parts: Uint8Array[] = [];
    let have = 0;
    while (have < n && (await this.fill())) {
      const piece = this.chunk.subarray(0, n - have);
      parts.push(piece);
      have += piece.byteLength;
      this.chunk = this.chunk.subarray(piece.byteLength);
    }
    return Buffer.concat(parts, have);
  }

  /** Skip `n` bytes; false when the stream ends first. */
  async skip(n: number): Promise<boolean> {
    while (n > 0) {
      if (!(await this.fill())) return false;
      const step = Math.min(n, this.chunk.byteLength);
      this.chunk = this.chunk.subarray(step);
      n -= step;
    }
    return true;
  }

  async close(): Promise<void> {
    await this.it.return?.();
  }
}

const text = (b: Buffer, start: number, len: number): string => {
  const field = b.subarray(start, start + len);
  const nul = field.indexOf(0);
  return field.subarray(0, nul === -1 ? field.length : nul).toString('utf8');
};

/** A numeric field: octal text, or GNU base-256 (high bit of the first byte set) for values past 8 GiB. */
function numeric(b: Buffer, start: number, len: number): number {
  const field = b.subarray(start, start + len);
  if (field[0] & 0x80) {
    let value = field[0] & 0x7f;
    for (let i = 1; i < field.length; i++) value = value * 256 + field[i];
    return value;
  }
  const digits = text(b, start, len).trim();
  return digits === '' ? 0 : parseInt(digits, 8);
}

const checksumOk = (h: Buffer): boolean => headerChecksum(h) === numeric(h, 148, 8);

/** `len key=value\n` records of a PAX extended header. */
function paxRecords(data: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  let at = 0;
  while (at < data.length) {
    const space = data.indexOf(0x20, at);
    const len = parseInt(data.subarray(at, space).toString('ascii'), 10);
    if (space === -1 || !(len > 0)) break;
    const record = data.subarray(space + 1, at + len - 1).toString('utf8');
    const eq = record.indexOf('=');
    if (eq > 0) out.set(record.slice(0, eq), record.slice(eq + 1));
    at += len;
  }
  return out;
}

const padded = (size: number): number => Math.ceil(size / BLOCK) * BLOCK;

/**
 * The bytes of the first regular file whose name `wanted` accepts (names as stored, without a leading `./`
 * normalisation: `wanted` decides), if it holds at most `maxBytes`; undefined when the tar has none. Stops
 * reading at the entry (the caller's stream is released through the iterator's `return`).
 */
export async function findTarFile(source: AsyncIterable<Uint8Array>, wanted: (name: string) => boolean, maxBytes: number): Promise<Buffer | undefined> {
  const cursor = new ByteCursor(source);
  try {
    let longName: string | undefined;
    let pax = new Map<string, string>();
    for (;;) {
      const h = await cursor.take(BLOCK);
      if (h.length < BLOCK) {
        if (h.length === 0) return undefined; // a tar cut at a block boundary: read what was there
        throw new TarFormatError('the tar ends inside a header');
      }
      if (h.every((byte) => byte === 0)) return undefined; // end-of-archive
      if (!checksumOk(h)) throw new TarFormatError('not a tar header (bad checksum)');
      const type = String.fromCharCode(h[156] || 0x30);
      let size = numeric(h, 124, 12);
      if (pax.has('size')) size = Number(pax.get('size'));
      if (type === 'x' || type === 'L' || type === 'g') {
        const data = await cursor.take(padded(size));
        if (data.length < padded(size)) throw new TarFormatError('the tar ends inside an extended header');
        if (type === 'x') pax = paxRecords(data.subarray(0, size));
        else if (type === 'L') longName = text(data, 0, size);
        continue; // global PAX headers ('g') carry nothing this reader uses
      }
      const prefix = h.subarray(257, 263).toString('latin1') === 'ustar\u0000' ? text(h, 345, 155) : '';
      const name = pax.get('path') ?? longName ?? (prefix ? `${prefix}/${text(h, 0, 100)}` : text(h, 0, 100));
      pax = new Map();
      longName = undefined;
      if ((type === '0' || type === '7') && size <= maxBytes && wanted(name)) {
        const data = await cursor.take(size);
        if (data.length < size) throw new TarFormatError(`the tar ends inside ${name}`);
        return Buffer.from(data);
      }
      if (!(await cursor.skip(padded(size)))) throw new TarFormatError(`the tar ends inside ${name}`);
    }
  } finally {
    await cursor.close();
  }
}
