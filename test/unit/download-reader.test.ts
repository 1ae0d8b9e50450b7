/**
 * The download reader (transport/download-reader.ts) fed the way download.ts feeds it: each socket read lands in
 * one reused buffer, which is scribbled over as soon as `payload()` returns (as the next read would). Real engine
 * downloads go through it in test/downloads.test.ts.
 */
import fs, { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { BATCH_BYTES, READ_AHEAD_BYTES } from '../../src/transport/body-reader';
import { DownloadReader } from '../../src/transport/download-reader';

const READ = 32 * 1024;
const realWrite = fs.write.bind(fs) as (...args: Parameters<typeof fs.write>) => void;
const realWritev = fs.writev.bind(fs) as (...args: Parameters<typeof fs.writev>) => void;

/** A driver standing in for the socket: `reads` reads of `size` bytes (byte i of the stream = i * 7 & 255), paused when told. */
function driven(reads: number, size = READ, batchWaitMs?: number): { reader: DownloadReader; resumes: () => number; produced: () => number; expected: Buffer; run: () => void } {
  const expected = Buffer.alloc(reads * size);
  for (let i = 0; i < expected.length; i++) expected[i] = (i * 7) & 255;
  const socketBuffer = Buffer.alloc(size);
  let at = 0;
  let paused = false;
  let resumes = 0;
  const step = (): void => {
    while (!paused && at < reads && !reader.destroyed) {
      expected.copy(socketBuffer, 0, at * size, (at + 1) * size);
      at++;
      paused = !reader.payload(socketBuffer, 0, size);
      socketBuffer.fill(0xee);
      if (at % 8 === 0 && !paused) return void setImmediate(step); // a loop turn now and then, as reads come
    }
    if (at === reads) reader.end();
  };
  const reader = new DownloadReader({
    mapError: (err) => err as Error,
    resume: () => {
      resumes++;
      paused = false;
      setImmediate(step);
    },
    abandon: () => {},
    batchWaitMs,
  });
  return { reader, resumes: () => resumes, produced: () => at * size, expected, run: step };
}

test('nobody reading: the reader takes READ_AHEAD_BYTES and asks the socket to pause; reading resumes it', async () => {
  const d = driven(100);
  d.run();
  await new Promise((resolve) => setTimeout(resolve, 20));
  // Paused at the limit: nothing more is read from the socket until someone reads.
  expect(d.produced()).toBe(READ_AHEAD_BYTES);
  expect(d.resumes()).toBe(0);
  const chunks: Buffer[] = [];
  d.reader.on('data', (c: Buffer) => chunks.push(c));
  await new Promise((resolve) => d.reader.on('end', resolve));
  expect(d.resumes()).toBeGreaterThan(0);
  expect(Buffer.concat(chunks).equals(d.expected)).toBe(true);
  // Every chunk kept is intact: a consumer that may keep chunks never gets a reused buffer.
  expect(new Set(chunks.map((c) => c.buffer)).size).toBe(chunks.length);
});

test.each([
  ['32 KiB reads, which end where a batch ends', READ, 400],
  // A read crossing a batch's end when the read-ahead is full goes on into a fourth buffer; with three reused
  // ones this allocated a fresh batch each time (this case counted 8 buffers).
  ['96 KiB reads, which cross batch ends', 96 * 1024, 134],
])('a plain file stream gets batches of at least BATCH_BYTES, in at most four buffers used again and again (%s)', async (_what, size, reads) => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dec-dlreader-'));
  try {
    // No batch goes out early for waiting (a loop turn of a loaded machine can take longer than BATCH_WAIT_MS): what
    // is checked here is the batches' size and buffers, not the trickle timer.
    const d = driven(reads, size, 60_000); // 12.5 MiB
    const file = path.join(dir, 'out');
    const ws = fs.createWriteStream(file);
    // What the file stream writes, seen through Node's fs.write/writev (a listener on the reader would make it
    // a consumer that may keep chunks, which gets copies).
    const buffers = new Set<ArrayBufferLike>();
    const sizes: number[] = [];
    const seen = (c: Buffer): void => {
      buffers.add(c.buffer);
      sizes.push(c.length);
    };
    const write = jest.spyOn(fs, 'write').mockImplementation(((...args: Parameters<typeof fs.write>) => {
      seen(args[1] as unknown as Buffer);
      return realWrite(...args);
    }) as typeof fs.write);
    const writev = jest.spyOn(fs, 'writev').mockImplementation(((...args: Parameters<typeof fs.writev>) => {
      (args[1] as Buffer[]).forEach(seen);
      return realWritev(...args);
    }) as typeof fs.writev);
    const done = pipeline(d.reader, ws);
    d.run();
    try {
      await done;
    } finally {
      write.mockRestore();
      writev.mockRestore();
    }
    expect(readFileSync(file).equals(d.expected)).toBe(true);
    expect(sizes.slice(0, -1).every((n) => n >= BATCH_BYTES)).toBe(true);
    expect(buffers.size).toBeLessThanOrEqual(4);
    expect(READ_AHEAD_BYTES).toBeGreaterThanOrEqual(2 * BATCH_BYTES);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
