import { DockerAbortError, DockerProtocolError } from '../../src/core/errors';
import { decodeJsonLines } from '../../src/streams/json-lines';

/** A body as the daemon sends it for a pull (shape of dockerd 20.10 output), with non-ASCII text in it. */
const EVENTS = [
  { status: 'Pulling from library/busybox', id: 'latest' },
  { status: 'Pulling fs layer', progressDetail: {}, id: '4b35f584bb4f' },
  { status: 'Downloading', progressDetail: { current: 7623, total: 772788 }, progress: '[>    ]  7.623kB/772.8kB', id: '4b35f584bb4f' },
  { stream: 'Step 1/2 : RUN echo ü€😀 — ✓\n' },
  { status: 'Digest: sha256:' + 'b'.repeat(64) },
  { status: 'Status: Downloaded newer image for busybox:latest' },
];
const BODY = Buffer.from(EVENTS.map((e) => JSON.stringify(e)).join('\n') + '\n', 'utf8');

/** Yields `bytes` cut at the given offsets, as a real body iterator would. */
async function* chunked(bytes: Uint8Array, cuts: number[]): AsyncGenerator<Uint8Array> {
  let prev = 0;
  for (const cut of [...cuts, bytes.length]) {
    if (cut > prev) yield bytes.subarray(prev, cut);
    prev = cut;
  }
}

async function* everyNBytes(bytes: Uint8Array, n: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += n) yield bytes.subarray(i, i + n);
}

async function collect(body: AsyncIterable<Uint8Array | string>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const v of decodeJsonLines(body)) out.push(v);
  return out;
}

describe('decodeJsonLines', () => {
  it('decodes a body in one chunk', async () => {
    expect(await collect(chunked(BODY, []))).toEqual(EVENTS);
  });

  it('decodes a body split at every possible single boundary (incl. inside multibyte characters)', async () => {
    // Precondition: the body holds multibyte characters, so some cuts fall inside one.
    expect(BODY.length).toBeGreaterThan(Buffer.from(BODY.toString('latin1'), 'latin1').toString('utf8').length);
    for (let cut = 1; cut < BODY.length; cut++) {
      expect(await collect(chunked(BODY, [cut]))).toEqual(EVENTS);
    }
  });

  it('decodes a body delivered one byte at a time, and in 3-byte chunks', async () => {
    expect(await collect(everyNBytes(BODY, 1))).toEqual(EVENTS);
    expect(await collect(everyNBytes(BODY, 3))).toEqual(EVENTS);
  });

  it('handles \\r\\n endings, blank lines and a last line without newline', async () => {
    const text = '\r\n{"a":1}\r\n\r\n   \n{"b":"x\\ny"}\r\n\n{"c":[1,2]}';
    expect(await collect(everyNBytes(Buffer.from(text), 2))).toEqual([{ a: 1 }, { b: 'x\ny' }, { c: [1, 2] }]);
  });

  it('accepts string chunks too', async () => {
    async function* strings() {
      yield '{"a":';
      yield '1}\n{"b":2}';
    }
    expect(await collect(strings())).toEqual([{ a: 1 }, { b: 2 }]);
  });

  it('an empty body yields nothing', async () => {
    expect(await collect(chunked(new Uint8Array(0), []))).toEqual([]);
  });

  it('a non-JSON line is a DockerProtocolError quoting the line, truncated', async () => {
    const bad = '<html>' + 'x'.repeat(1000) + '</html>';
    const body = Buffer.from(`{"status":"ok"}\n${bad}\n{"status":"never"}\n`);
    const seen: unknown[] = [];
    let thrown: unknown;
    try {
      for await (const v of decodeJsonLines(everyNBytes(body, 7))) seen.push(v);
    } catch (e) {
      thrown = e;
    }
    expect(seen).toEqual([{ status: 'ok' }]);
    expect(thrown).toBeInstanceOf(DockerProtocolError);
    const message = (thrown as Error).message;
    expect(message).toMatch(/^line 2 of the JSON stream is not JSON: "<html>x+"… \(813 more characters\)$/);
    expect(message.length).toBeLessThan(300);
    expect((thrown as Error).cause).toBeInstanceOf(SyntaxError);
  });

  it('a truncated last line is an error, not silently dropped', async () => {
    await expect(collect(chunked(Buffer.from('{"a":1}\n{"status":"Downlo'), []))).rejects.toThrow(
      'line 2 of the JSON stream is not JSON: "{\\"status\\":\\"Downlo"',
    );
  });

  it('a line longer than maxLineLength fails without buffering the rest of the body', async () => {
    let produced = 0;
    async function* endless(): AsyncGenerator<Uint8Array> {
      const block = Buffer.alloc(1024, 0x61);
      for (;;) {
        produced += block.length;
        yield block;
      }
    }
    const it = decodeJsonLines(endless(), { maxLineLength: 10_000 });
    await expect(it.next()).rejects.toThrow(/^line 1 of the JSON stream is longer than 10000 characters: "aaa/);
    expect(produced).toBeLessThanOrEqual(11 * 1024);
  });

  it('errors from the body propagate unchanged', async () => {
    const abort = new DockerAbortError();
    async function* failing(): AsyncGenerator<Uint8Array> {
      yield Buffer.from('{"a":1}\n{"b"');
      throw abort;
    }
    const seen: unknown[] = [];
    await expect(
      (async () => {
        for await (const v of decodeJsonLines(failing())) seen.push(v);
      })(),
    ).rejects.toBe(abort);
    expect(seen).toEqual([{ a: 1 }]);
  });

  it('stopping early returns the body iterator (releases the connection)', async () => {
    let finished = false;
    let pulled = 0;
    async function* body(): AsyncGenerator<Uint8Array> {
      try {
        for (let i = 0; i < 1000; i++) {
          pulled++;
          yield Buffer.from(`{"i":${i}}\n`);
        }
      } finally {
        finished = true;
      }
    }
    for await (const v of decodeJsonLines(body())) {
      if ((v as { i: number }).i === 2) break;
    }
    expect(finished).toBe(true);
    expect(pulled).toBe(3);
  });
});
