import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DockerProtocolError, DockerStreamError } from '../../src/core/errors';
import { decodeFrames } from '../../src/streams/body-frames';
import { FrameDecoder, collectFrames, frameSource, type Frame, type FrameStream } from '../../src/streams/frames';

/** dockerd 20.10 logs of a container that wrote 100 KiB of random bytes between two lines (see streams/README.md). */
const RECORDED = readFileSync(join(__dirname, 'streams', 'dockerd-logs-binary.bin'));
const BLOB_SHA256 = 'a8049947f064007b9ee2257d2374f5c3d1665e0f8ad74ab2a5a4ad72550d89c6';
const STREAM_TYPES: Record<FrameStream, number> = { stdin: 0, stdout: 1, stderr: 2 };

function header(type: number, length: number): Buffer {
  const h = Buffer.alloc(8);
  h[0] = type;
  h.writeUInt32BE(length, 4);
  return h;
}

function framed(frames: Array<[number, Buffer | string]>): Buffer {
  return Buffer.concat(frames.flatMap(([type, data]) => [header(type, Buffer.byteLength(data)), Buffer.from(data)]));
}

/** The obvious reading of the format, frame by frame over the whole body: what every split must reproduce. */
function reference(body: Buffer): Frame[] {
  const frames: Frame[] = [];
  for (let p = 0; p < body.length; ) {
    const length = body.readUInt32BE(p + 4);
    frames.push({ stream: (['stdin', 'stdout', 'stderr'] as const)[body[p]], data: body.subarray(p + 8, p + 8 + length) });
    p += 8 + length;
  }
  return frames;
}

/**
 * Every frame `chunk` completes, taken at once; a failure after some of them is thrown by the next call (a reader
 * hands out the frames before a failure first).
 */
function pushAll(decoder: FrameDecoder, chunk: Buffer): Frame[] {
  decoder.feed(chunk);
  const frames: Frame[] = [];
  try {
    for (let frame = decoder.take(); frame; frame = decoder.take()) frames.push(frame);
  } catch (err) {
    if (frames.length === 0) throw err;
  }
  return frames;
}

/** Decodes `body` fed as the chunks between `cuts`, synchronously (the decoder itself is synchronous). */
function decodeAt(body: Buffer, cuts: number[]): Frame[] {
  const decoder = new FrameDecoder('logs');
  let frames: Frame[] = [];
  let prev = 0;
  for (const cut of [...cuts, body.length]) {
    frames = frames.concat(pushAll(decoder, body.subarray(prev, cut)));
    prev = cut;
  }
  decoder.end();
  return frames;
}

/**
 * Same streams and bytes. A frame that is a view into the body (not joined from pieces) at the reference's offset
 * and length holds the reference's bytes by construction; only joined frames need a byte comparison, which keeps
 * 40 million frame comparisons fast.
 */
function sameFrames(actual: Frame[], expected: Frame[]): boolean {
  if (actual.length !== expected.length) return false;
  for (let i = 0; i < actual.length; i++) {
    const a = actual[i].data;
    const e = expected[i].data;
    if (actual[i].stream !== expected[i].stream || a.length !== e.length) return false;
    if (a.buffer === e.buffer ? a.byteOffset !== e.byteOffset : !a.equals(e)) return false;
  }
  return true;
}

/** Every single split point; collects the failing ones so a failure names them (one expect, not 100 000). */
function failingSplits(body: Buffer): number[] {
  const expected = reference(body);
  const failing: number[] = [];
  for (let cut = 0; cut <= body.length; cut++) {
    if (!sameFrames(decodeAt(body, [cut]), expected)) failing.push(cut);
  }
  return failing;
}

async function* chunksOf(...chunks: Buffer[]): AsyncGenerator<Buffer> {
  yield* chunks;
}

describe('the recorded dockerd logs body', () => {
  const expected = reference(RECORDED);

  test('is what the container wrote: 100 KiB blob on stdout between two lines, one line on stderr', async () => {
    const { stdout, stderr } = await collectFrames(decodeFrames(chunksOf(RECORDED), 'multiplexed', 'logs'));
    expect(stdout.subarray(0, 6).toString()).toBe('start\n');
    expect(stdout.subarray(-5).toString()).toBe('\nend\n');
    expect(stdout.length).toBe(6 + 102400 + 5);
    expect(createHash('sha256').update(stdout.subarray(6, 6 + 102400)).digest('hex')).toBe(BLOB_SHA256);
    expect(stderr.toString()).toBe('to-stderr\n');
    expect(expected.length).toBe(399);
  });

  test('decodes exactly at every split point (each cut tested on the frames around it)', () => {
    // Between frames the decoder holds no state (its only carry-over is inside a header or a payload), so a cut is
    // exercised fully by the frame it falls in and its neighbours; decoding all 399 frames for each of the 105 613
    // cuts would test the same thing 100 times slower. The whole body is decoded under many cuts below.
    const starts: number[] = [];
    for (let p = 0, i = 0; i < expected.length; i++) {
      starts.push(p);
      p += 8 + expected[i].data.length;
    }
    starts.push(RECORDED.length);
    const failing: number[] = [];
    for (let k = 0; k < expected.length; k++) {
      const from = starts[Math.max(0, k - 1)];
      const to = starts[Math.min(expected.length, k + 2)];
      const window = RECORDED.subarray(from, to);
      const windowFrames = expected.slice(Math.max(0, k - 1), k + 2);
      for (let cut = starts[k]; cut < starts[k + 1]; cut++) {
        if (!sameFrames(decodeAt(window, [cut - from]), windowFrames)) failing.push(cut);
      }
    }
    expect(failing).toEqual([]);
    expect(sameFrames(decodeAt(RECORDED, [RECORDED.length]), expected)).toBe(true);
  });

  test('decodes exactly under 1 000 random multi-cut splits of the whole body', () => {
    let seed = 42;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const failing: string[] = [];
    for (let run = 0; run < 1000; run++) {
      const cuts = Array.from({ length: 1 + random(40) }, () => random(RECORDED.length)).sort((a, b) => a - b);
      if (!sameFrames(decodeAt(RECORDED, cuts), expected)) failing.push(cuts.join(','));
    }
    expect(failing).toEqual([]);
  });

  test('decodes exactly from 1-byte chunks and from 7-byte chunks (headers split across three chunks)', () => {
    for (const size of [1, 7]) {
      const cuts: number[] = [];
      for (let i = size; i < RECORDED.length; i += size) cuts.push(i);
      expect(sameFrames(decodeAt(RECORDED, cuts), expected)).toBe(true);
    }
  });
});

describe('a body with one 100 KiB binary frame', () => {
  // dockerd never sends a frame this large (log lines split at 16 KiB, copies use 32 KiB buffers), so the
  // recorded blob is framed here as one frame, between real frames of the recording.
  const recordedFrames = reference(RECORDED);
  const blob = Buffer.concat(recordedFrames.filter((f) => f.stream === 'stdout').map((f) => f.data)).subarray(6, 6 + 102400);
  const body = framed([
    [1, 'start\n'],
    [1, blob],
    [2, 'to-stderr\n'],
    [1, ''],
    [1, '\nend\n'],
  ]);

  test('is framed as intended', () => {
    expect(createHash('sha256').update(blob).digest('hex')).toBe(BLOB_SHA256);
    expect(reference(body).map((f) => f.data.length)).toEqual([6, 102400, 10, 0, 5]);
  });

  test('decodes exactly at every split point', () => {
    expect(failingSplits(body)).toEqual([]);
  });

  test('a frame inside one chunk is a view of that chunk, not a copy', () => {
    const frames = pushAll(new FrameDecoder('logs'), body);
    expect(frames[1].data.buffer).toBe(body.buffer);
  });
});

describe('FrameDecoder', () => {
  test('yields stdin frames as stdin', () => {
    expect(decodeAt(framed([[0, 'in'], [1, 'out']]), [])).toEqual([
      { stream: 'stdin', data: Buffer.from('in') },
      { stream: 'stdout', data: Buffer.from('out') },
    ]);
  });

  test('frame type 3 is the daemon reporting an error: DockerStreamError with its text, after the frames before it', async () => {
    const body = framed([[1, 'partial output\n'], [3, 'error from daemon in stream: Error grabbing logs: unexpected EOF\n']]);
    const seen: string[] = [];
    const run = async (): Promise<void> => {
      for await (const frame of decodeFrames(chunksOf(body), 'multiplexed', 'logs')) seen.push(frame.data.toString());
    };
    const err = await run().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DockerStreamError);
    expect((err as DockerStreamError).daemonMessage).toBe('error from daemon in stream: Error grabbing logs: unexpected EOF');
    expect((err as DockerStreamError).message).toBe('logs failed: error from daemon in stream: Error grabbing logs: unexpected EOF');
    expect(seen).toEqual(['partial output\n']);
  });

  test('pulled: feed() a chunk, then take() its frames one at a time, undefined when more bytes are needed', () => {
    const body = framed([[1, 'one'], [2, 'two'], [1, 'three']]);
    const decoder = new FrameDecoder('logs');
    // The first chunk ends inside the third frame's header.
    decoder.feed(body.subarray(0, 25));
    expect(decoder.take()).toEqual({ stream: 'stdout', data: Buffer.from('one') });
    expect(decoder.take()).toEqual({ stream: 'stderr', data: Buffer.from('two') });
    expect(decoder.take()).toBeUndefined();
    decoder.feed(body.subarray(25));
    expect(decoder.take()).toEqual({ stream: 'stdout', data: Buffer.from('three') });
    expect(decoder.take()).toBeUndefined();
    expect(() => decoder.end()).not.toThrow();
  });

  test('pulled: a failure is thrown by the take() that reaches it, after the frames before it, and again afterwards', () => {
    const decoder = new FrameDecoder('exec');
    decoder.feed(framed([[1, 'a'], [3, 'boom'], [1, 'never']]));
    expect(decoder.take()).toEqual({ stream: 'stdout', data: Buffer.from('a') });
    expect(() => decoder.take()).toThrow('exec failed: boom');
    expect(() => decoder.take()).toThrow('exec failed: boom');
    expect(() => decoder.end()).toThrow('exec failed: boom');
  });

  test('decodeFrames decodes a frame when it is asked for, not when its chunk arrives', async () => {
    // Why it matters: frames decoded ahead wait as objects across V8's scavenges, and what survives them makes V8
    // grow its young generation (+10 MB of peak RSS on a 512 MiB log; bench/README.md "Stop 27"). Observable here:
    // a header changed after the first frame was taken is read as changed.
    const chunk = framed([[1, 'a'], [1, 'b']]);
    const frames = decodeFrames(chunksOf(chunk), 'multiplexed', 'logs');
    expect((await frames.next()).value).toEqual({ stream: 'stdout', data: Buffer.from('a') });
    chunk[9] = 2;
    expect((await frames.next()).value).toEqual({ stream: 'stderr', data: Buffer.from('b') });
    expect((await frames.next()).done).toBe(true);
  });

  test('after a failure every push and end throws it again', () => {
    const decoder = new FrameDecoder('attach');
    expect(pushAll(decoder, framed([[1, 'a'], [3, 'boom']]))).toHaveLength(1);
    expect(() => pushAll(decoder, framed([[1, 'b']]))).toThrow('attach failed: boom');
    expect(() => decoder.end()).toThrow('attach failed: boom');
  });

  test('bytes that are not stdcopy frames (a TTY stream read as multiplexed) are a protocol error naming the cause', () => {
    const decoder = new FrameDecoder('logs');
    expect(() => pushAll(decoder, Buffer.from('hello world\n'))).toThrow(DockerProtocolError);
    expect(() => pushAll(new FrameDecoder('logs'), Buffer.from('hello world\n'))).toThrow(
      'logs: the output is not stdcopy-framed (header 68656c6c6f20776f at byte 0); was the TTY setting of the container or exec given correctly?',
    );
    // Type ≤ 3 but non-zero padding.
    expect(() => pushAll(new FrameDecoder('logs'), Buffer.from([1, 0, 1, 0, 0, 0, 0, 0]))).toThrow(DockerProtocolError);
  });

  test('a body that ends inside a header or a payload is a protocol error', () => {
    const body = framed([[1, 'hello']]);
    const inHeader = new FrameDecoder('logs');
    pushAll(inHeader, body.subarray(0, 5));
    expect(() => inHeader.end()).toThrow('logs: the output stream ended inside a frame header (5 of 8 bytes)');
    const inPayload = new FrameDecoder('logs');
    pushAll(inPayload, body.subarray(0, 10));
    expect(() => inPayload.end()).toThrow('logs: the output stream ended inside a frame (3 bytes missing)');
  });

  test('an empty body is no frames', () => {
    expect(decodeAt(Buffer.alloc(0), [])).toEqual([]);
  });
});

describe('frameSource', () => {
  test('raw (TTY): each non-empty chunk is one stdout frame, the chunk itself; an empty one is none; end never fails', () => {
    const raw = frameSource('raw', 'attach');
    const chunk = Buffer.concat([header(3, 4), Buffer.from('boom')]);
    raw.feed(chunk);
    const frame = raw.take();
    expect(frame).toEqual({ stream: 'stdout', data: chunk });
    expect(frame!.data).toBe(chunk);
    expect(raw.take()).toBeUndefined();
    raw.feed(Buffer.alloc(0));
    expect(raw.take()).toBeUndefined();
    expect(() => raw.end()).not.toThrow();
  });

  test('multiplexed: a stdcopy decoder named for its operation', () => {
    const source = frameSource('multiplexed', 'exec');
    source.feed(framed([[3, 'boom']]));
    expect(() => source.take()).toThrow('exec failed: boom');
  });
});

describe('decodeFrames', () => {
  test('raw (TTY) mode yields every chunk as stdout, stdcopy-looking bytes included', async () => {
    const chunks = [Buffer.from('a\r\n'), Buffer.alloc(0), header(2, 3)];
    const frames: Frame[] = [];
    for await (const frame of decodeFrames(chunksOf(...chunks), 'raw', 'attach')) frames.push(frame);
    expect(frames).toEqual([
      { stream: 'stdout', data: Buffer.from('a\r\n') },
      { stream: 'stdout', data: header(2, 3) },
    ]);
  });

  test('accepts Uint8Array chunks (web streams) without copying', async () => {
    const body = framed([[2, 'err']]);
    const view = new Uint8Array(body.buffer, body.byteOffset, body.length);
    const frames: Frame[] = [];
    for await (const frame of decodeFrames(chunksOf(view as Buffer), 'multiplexed', 'logs')) frames.push(frame);
    expect(frames).toEqual([{ stream: 'stderr', data: Buffer.from('err') }]);
    expect(frames[0].data.buffer).toBe(body.buffer);
  });

  test('leaving the iteration early returns the body iterator', async () => {
    let returned = false;
    async function* body(): AsyncGenerator<Buffer> {
      try {
        for (;;) yield framed([[1, 'x']]);
      } finally {
        returned = true;
      }
    }
    for await (const frame of decodeFrames(body(), 'multiplexed', 'logs')) {
      expect(frame.data.toString()).toBe('x');
      break;
    }
    expect(returned).toBe(true);
  });

  test('collectFrames joins each stream in order and drops stdin', async () => {
    const body = framed([[1, 'o1'], [2, 'e1'], [0, 'in'], [1, 'o2'], [2, 'e2']]);
    const out = await collectFrames(decodeFrames(chunksOf(body.subarray(0, 13), body.subarray(13)), 'multiplexed', 'exec'));
    expect(out).toEqual({ stdout: Buffer.from('o1o2'), stderr: Buffer.from('e1e2') });
  });

  test('stream types are the stdcopy numbers', () => {
    expect(STREAM_TYPES).toEqual({ stdin: 0, stdout: 1, stderr: 2 });
  });
});
