/**
 * The read-ahead body reader over a synthetic byte source (a Node Readable standing in for undici's body: the
 * adapter only sees the stream interface). Real engine bodies go through it in images-transfer.test.ts (save).
 */
import fs from 'node:fs';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable, Writable } from 'node:stream';
import { finished, pipeline } from 'node:stream/promises';
import { readAhead } from '../../src/transport/body-reader';

/**
 * A source that produces `count` chunks of `size` bytes (byte i of chunk k = (k + i) & 255) on demand, buffering
 * up to `buffered` bytes while paused (undici's body does too; resumed, it hands them out at once).
 */
function source(count: number, size: number, buffered = size): Readable & { produced: () => number } {
  let k = 0;
  const s = new Readable({
    highWaterMark: buffered,
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

/**
 * A slow disk for fs.WriteStream: every `fs.write` waits `delayMs` before it runs (so the reader coalesces what
 * arrives meanwhile). Records each buffer written; the stream stays a plain fs.WriteStream over Node's own fs.
 */
function slowDisk(delayMs: number): { writes: Buffer[]; restore: () => void } {
  const writes: Buffer[] = [];
  const real = fs.write;
  const spy = jest.spyOn(fs, 'write').mockImplementation(((...args: unknown[]) => {
    writes.push(args[1] as Buffer);
    setTimeout(() => (real as (...a: unknown[]) => void)(...args), delayMs);
  }) as unknown as typeof fs.write);
  return { writes, restore: () => spy.mockRestore() };
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

  describe('coalescing into reused buffers (coalesce-buffer.ts)', () => {
    const COUNT = 300;
    const SIZE = 4096;
    let dir: string;
    let disk: ReturnType<typeof slowDisk>;
    beforeEach(() => {
      dir = mkdtempSync(path.join(os.tmpdir(), 'dec-body-reader-'));
      disk = slowDisk(3);
    });
    afterEach(() => {
      disk.restore();
      rmSync(dir, { recursive: true, force: true });
    });
    /** Writes of coalesced chunks (larger than one source chunk) and how many distinct buffers carried them. */
    const coalesced = () => {
      const big = disk.writes.filter((b) => b.length > SIZE);
      return { writes: big.length, buffers: new Set(big.map((b) => b.buffer)).size };
    };

    test('piped to a plain fs.WriteStream on a slow disk: the file has every byte, and buffers were reused', async () => {
      const file = path.join(dir, 'out');
      await pipeline(readAhead(source(COUNT, SIZE), { limit: 64 * 1024 }), fs.createWriteStream(file));
      expect(readFileSync(file).equals(expected(COUNT, SIZE))).toBe(true);
      const c = coalesced();
      expect(c.writes).toBeGreaterThan(3);
      // Every coalesced chunk in one of the two spares (a fresh copy would add a buffer).
      expect(c.buffers).toBe(2);
    });

    test('a data listener beside the pipe (added after the first chunk) keeps intact chunks: no reuse', async () => {
      const file = path.join(dir, 'out');
      const reader = readAhead(source(COUNT, SIZE), { limit: 64 * 1024 });
      const kept: Buffer[] = [];
      reader.once('data', () => reader.on('data', (c: Buffer) => kept.push(c)));
      await pipeline(reader, fs.createWriteStream(file));
      const all = expected(COUNT, SIZE);
      expect(readFileSync(file).equals(all)).toBe(true);
      const keptBytes = Buffer.concat(kept);
      expect(keptBytes.length).toBeGreaterThan(SIZE);
      expect(keptBytes.equals(all.subarray(all.length - keptBytes.length))).toBe(true);
      expect(coalesced().buffers).toBe(coalesced().writes);
    });

    test('a subclass of fs.WriteStream that keeps what it writes gets intact chunks', async () => {
      const kept: Buffer[] = [];
      // The subclass may hold chunks after its write callback: only the plain class is known not to.
      class Keeping extends (fs.WriteStream as unknown as new (p: string) => fs.WriteStream) {
        override _write(chunk: Buffer, enc: BufferEncoding, cb: (err?: Error | null) => void): void {
          kept.push(chunk);
          (fs.WriteStream.prototype as unknown as Writable)._write.call(this, chunk, enc, cb);
        }
        override _writev(chunks: { chunk: Buffer; encoding: BufferEncoding }[], cb: (err?: Error | null) => void): void {
          for (const { chunk } of chunks) kept.push(chunk);
          (fs.WriteStream.prototype as unknown as Required<Writable>)._writev.call(this, chunks, cb);
        }
      }
      const file = path.join(dir, 'out');
      await pipeline(readAhead(source(COUNT, SIZE), { limit: 64 * 1024 }), new Keeping(file));
      expect(Buffer.concat(kept).equals(expected(COUNT, SIZE))).toBe(true);
      expect(readFileSync(file).equals(expected(COUNT, SIZE))).toBe(true);
    });

    test('an fs.WriteStream with its own fs functions (which may keep buffers) gets intact chunks', async () => {
      const kept: Buffer[] = [];
      const write = (fd: number, buf: Buffer, ...rest: unknown[]) => {
        kept.push(buf);
        (fs.write as (...a: unknown[]) => void)(fd, buf, ...rest);
      };
      const file = path.join(dir, 'out');
      // Without writev of its own, the stream writes every chunk through `write`.
      const ws = fs.createWriteStream(file, { fs: { open: fs.open, write, close: fs.close } } as Parameters<typeof fs.createWriteStream>[1]);
      await pipeline(readAhead(source(COUNT, SIZE), { limit: 64 * 1024 }), ws);
      expect(Buffer.concat(kept).equals(expected(COUNT, SIZE))).toBe(true);
    });

    test('unpiped from the file and read on by a listener that keeps chunks: file + kept chunks = every byte', async () => {
      const file = path.join(dir, 'out');
      const reader = readAhead(source(COUNT, SIZE), { limit: 64 * 1024 });
      const ws = fs.createWriteStream(file);
      reader.pipe(ws);
      while (coalesced().writes < 3) await new Promise((r) => setTimeout(r, 1));
      reader.unpipe(ws);
      const kept: Buffer[] = [];
      // A slow reader, so that the read-ahead coalesces again.
      reader.on('data', (c: Buffer) => {
        kept.push(c);
        reader.pause();
        setTimeout(() => reader.resume(), 2);
      });
      // The last unpipe paused the reader. The file stays open meanwhile: only the unpipe tells the reader.
      reader.resume();
      await finished(reader);
      ws.end();
      await finished(ws);
      expect(Buffer.concat([readFileSync(file), ...kept]).equals(expected(COUNT, SIZE))).toBe(true);
    });

    test('chunks smaller than the write stream\'s buffer (several queued in it): the file has every byte', async () => {
      const file = path.join(dir, 'out');
      await pipeline(readAhead(source(2000, 1024), { limit: 8 * 1024 }), fs.createWriteStream(file));
      expect(readFileSync(file).equals(expected(2000, 1024))).toBe(true);
    });

    test('a source that bursts when resumed (the reader coalesces again while a write is pending): every byte', async () => {
      const file = path.join(dir, 'out');
      await pipeline(readAhead(source(2000, 1024, 64 * 1024), { limit: 8 * 1024 }), fs.createWriteStream(file));
      expect(readFileSync(file).equals(expected(2000, 1024))).toBe(true);
    });

    test('a plain fs.WriteStream that keeps up gets batches of at least batchBytes (every write but the last)', async () => {
      disk.restore();
      // A fast disk: the writes counted, not delayed (without batching, every 4 KiB chunk is a write of its own).
      const fast = (() => {
        const sizes: number[] = [];
        const real = fs.write;
        const spy = jest.spyOn(fs, 'write').mockImplementation(((...args: unknown[]) => {
          sizes.push((args[1] as Buffer).length);
          (real as (...a: unknown[]) => void)(...args);
        }) as unknown as typeof fs.write);
        return { sizes, restore: () => spy.mockRestore() };
      })();
      disk = { writes: [], restore: fast.restore };
      const file = path.join(dir, 'out');
      // A wait no test run reaches: a batch goes out only when full, or at the end.
      await pipeline(readAhead(source(COUNT, SIZE), { limit: 64 * 1024, batchBytes: 32 * 1024, batchWaitMs: 60_000 }), fs.createWriteStream(file));
      expect(readFileSync(file).equals(expected(COUNT, SIZE))).toBe(true);
      expect(fast.sizes.length).toBeGreaterThan(1);
      expect(fast.sizes.slice(0, -1).every((n) => n >= 32 * 1024)).toBe(true);
      expect(fast.sizes.length).toBeLessThanOrEqual(Math.ceil((COUNT * SIZE) / (32 * 1024)));
    });

    test('a batch that does not fill reaches the file after batchWaitMs (a source that stalls)', async () => {
      let sent = 0;
      const stalled = new Readable({
        read() {
          // Three chunks, then nothing: neither more bytes nor the end.
          if (sent < 3) setImmediate(() => this.push(Buffer.alloc(SIZE, ++sent)));
        },
      });
      const file = path.join(dir, 'out');
      const reader = readAhead(stalled, { limit: 64 * 1024, batchBytes: 32 * 1024, batchWaitMs: 20 });
      const ws = fs.createWriteStream(file);
      reader.pipe(ws);
      while (!fs.existsSync(file) || fs.statSync(file).size < 3 * SIZE) await new Promise((r) => setTimeout(r, 5));
      expect(readFileSync(file).equals(Buffer.concat([1, 2, 3].map((b) => Buffer.alloc(SIZE, b))))).toBe(true);
      reader.destroy();
      ws.destroy();
      await finished(ws).catch(() => {});
    });

    test('async iteration by a slow consumer that keeps every chunk gets intact chunks', async () => {
      const kept: Buffer[] = [];
      for await (const c of readAhead(source(COUNT, SIZE), { limit: 64 * 1024 })) {
        kept.push(c as Buffer);
        await new Promise((r) => setTimeout(r, 3));
      }
      expect(Buffer.concat(kept).equals(expected(COUNT, SIZE))).toBe(true);
      expect(kept.some((c) => c.length > SIZE)).toBe(true);
    });
  });
});
