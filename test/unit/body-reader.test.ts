/**
 * The read-ahead body reader over a synthetic byte source (a Node Readable standing in for undici's body: the
 * adapter only sees the stream interface). Real engine bodies go through it in images-transfer.test.ts (save).
 */
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { readAhead } from '../../src/transport/body-reader';

/** A source that produces `count` chunks of `size` bytes (byte i of chunk k = (k + i) & 255) on demand. */
function source(count: number, size: number): Readable & { produced: () => number } {
  let k = 0;
  const s = new Readable({
    highWaterMark: size,
    read() {
      if (k === count) {
        this.push(null);
        return;
      }
      const chunk = Buffer.alloc(size);
      for (let i = 0; i < size; i++) chunk[i] = (k + i) & 255;
      k++;
      setImmediate(() => this.push(chunk));
    },
  });
  return Object.assign(s, { produced: () => k });
}

function expected(count: number, size: number): Buffer {
  const out = Buffer.alloc(count * size);
  for (let k = 0; k < count; k++) for (let i = 0; i < size; i++) out[k * size + i] = (k + i) & 255;
  return out;
}

/** A writable whose every write takes `delayMs` (a slow disk); records chunk sizes. */
function slowSink(delayMs: number): { stream: Writable; chunks: Buffer[] } {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    highWaterMark: 16 * 1024,
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk);
      setTimeout(cb, delayMs);
    },
  });
  return { stream, chunks };
}

describe('readAhead', () => {
  test('a slow consumer gets the bytes intact, in fewer and larger chunks than the source produced', async () => {
    const src = source(200, 4096);
    const sink = slowSink(5);
    await pipeline(readAhead(src, { limit: 64 * 1024 }), sink.stream);
    expect(Buffer.concat(sink.chunks).equals(expected(200, 4096))).toBe(true);
    expect(sink.chunks.length).toBeLessThan(100);
    expect(Math.max(...sink.chunks.map((c) => c.length))).toBeGreaterThan(4096);
  });

  test('a fast consumer gets the source chunks as they are', async () => {
    const src = source(50, 1000);
    const seen: Buffer[] = [];
    for await (const chunk of readAhead(src)) seen.push(chunk as Buffer);
    expect(Buffer.concat(seen).equals(expected(50, 1000))).toBe(true);
    expect(seen.every((c) => c.length === 1000)).toBe(true);
  });

  test('reads ahead no more than the limit while nobody reads', async () => {
    const src = source(1000, 4096);
    const reader = readAhead(src, { limit: 32 * 1024 });
    reader.pause();
    reader.read(0);
    await new Promise((r) => setTimeout(r, 200));
    // limit + the reader's own buffer (16 KiB, Node's default) + the source's buffer and the chunk in flight
    expect(src.produced() * 4096).toBeLessThanOrEqual(32 * 1024 + 16 * 1024 + 2 * 4096);
    expect(src.produced()).toBeGreaterThan(1);
    reader.destroy();
  });

  test('a source error destroys the reader with the mapped error; destroying the reader destroys the source', async () => {
    const failing = new Readable({
      read() {
        this.destroy(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }));
      },
    });
    const mapped = new Error('mapped');
    const reader = readAhead(failing, { mapError: () => mapped });
    await expect(pipeline(reader, slowSink(0).stream)).rejects.toBe(mapped);

    const src = source(1000, 1024);
    const r2 = readAhead(src);
    r2.destroy();
    await new Promise((r) => setImmediate(r));
    expect(src.destroyed).toBe(true);
  });

  test('a source that closes without ending fails the reader instead of ending it', async () => {
    const src = source(Number.MAX_SAFE_INTEGER, 1024);
    const reader = readAhead(src, { mapError: (err) => new Error(`mapped: ${(err as Error).message}`) });
    // The source is destroyed (as undici destroys a body on a connection loss) once bytes have flowed.
    reader.once('data', () => src.destroy());
    const consumed = pipeline(reader, slowSink(1).stream);
    await expect(consumed).rejects.toThrow(/mapped: the response body closed before its end/);
  });
});
