// The download connection's HTTP/1.1 response parser (a pure function of the bytes it is given): every framing an
// engine uses, split at every byte, and the malformed answers it must refuse.
import { Http1Parser, MAX_HEAD_BYTES, type RawHeaders } from '../../src/transport/http1-parser';

interface Parsed {
  status?: number;
  headers?: RawHeaders;
  body: Buffer;
  ends: number;
}

function parser(noBody = false): { p: Http1Parser; out: Parsed } {
  const out: Parsed = { body: Buffer.alloc(0), ends: 0 };
  const p = new Http1Parser(
    {
      onHead(status, headers) {
        out.status = status;
        out.headers = headers;
      },
      // Copied at once, as the download reader does: the buffer is overwritten by the next read.
      onPayload(buf, start, end) {
        out.body = Buffer.concat([out.body, buf.subarray(start, end)]);
      },
      onEnd() {
        out.ends++;
      },
    },
    noBody,
  );
  return { p, out };
}

/** Feeds `wire` in pieces cut at `cuts`, each through one reused buffer that is scribbled over after the call. */
function feed(p: Http1Parser, wire: Buffer, cuts: number[]): void {
  const reused = Buffer.alloc(wire.length + 8);
  let at = 0;
  for (const cut of [...cuts, wire.length]) {
    const n = wire.copy(reused, 0, at, cut);
    p.execute(reused, 0, n);
    reused.fill(0x58);
    at = cut;
  }
}

const CHUNKED = Buffer.from(
  'HTTP/1.1 200 OK\r\nContent-Type: application/x-tar\r\nTransfer-Encoding: chunked\r\nX-Dup: a\r\nX-Dup: b\r\n\r\n' +
    '5\r\nhello\r\n' +
    'B;ext=1\r\n, world 123\r\n' +
    '0\r\nX-Trailer: t\r\n\r\n',
);

test('a chunked answer parses the same whatever the reads are cut into (every single cut, and every pair)', () => {
  const expected = 'hello, world 123';
  for (let a = 0; a <= CHUNKED.length; a++) {
    for (const b of a % 7 === 0 ? [a + 1, a + 13, a + 40] : [a]) {
      const { p, out } = parser();
      feed(p, CHUNKED, [a, Math.min(b, CHUNKED.length)].filter((x, i, all) => x > 0 && x < CHUNKED.length && all.indexOf(x) === i).sort((x, y) => x - y));
      expect({ status: out.status, body: out.body.toString(), ends: out.ends, done: p.done }).toEqual({ status: 200, body: expected, ends: 1, done: true });
      expect(out.headers).toMatchObject({ 'content-type': 'application/x-tar', 'x-dup': ['a', 'b'] });
    }
  }
});

test('Content-Length frames the body; bytes after it are refused', () => {
  const { p, out } = parser();
  feed(p, Buffer.from('HTTP/1.1 404 Not Found\r\nContent-Length: 12\r\n\r\n{"message":1'), [30, 50]);
  expect([out.status, out.body.toString(), out.ends]).toEqual([404, '{"message":1', 1]);
  expect(() => p.execute(Buffer.from('x'), 0, 1)).toThrow(/bytes after the end/);
});

test('without a length the body ends with the connection; a chunked body cut short does not', () => {
  const close = parser();
  feed(close.p, Buffer.from('HTTP/1.0 200 OK\r\n\r\nraw bytes'), [22]);
  expect(close.out.ends).toBe(0);
  close.p.end();
  expect([close.out.body.toString(), close.out.ends]).toEqual(['raw bytes', 1]);

  const cut = parser();
  feed(cut.p, CHUNKED.subarray(0, CHUNKED.length - 10), []);
  expect(() => cut.p.end()).toThrow(/closed the connection before the end of the answer/);
  expect(cut.out.ends).toBe(0);
  const none = parser();
  expect(() => none.p.end()).toThrow(/before answering/);
});

test('no body for 204, 304 and a HEAD; a 100 Continue before the answer is skipped', () => {
  for (const [wire, noBody] of [
    ['HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n', false],
    ['HTTP/1.1 304 Not Modified\r\n\r\n', false],
    ['HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\n', true],
  ] as const) {
    const { p, out } = parser(noBody);
    feed(p, Buffer.from(wire), []);
    expect([out.body.length, out.ends, p.done]).toEqual([0, 1, true]);
  }
  const { p, out } = parser();
  feed(p, Buffer.from('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'), [10, 27]);
  expect([out.status, out.body.toString(), out.ends]).toEqual([200, 'ok', 1]);
});

test.each([
  ['a bad status line', 'HTTP/2 200 OK\r\n\r\n', /bad status line/],
  ['a header line without a name', 'HTTP/1.1 200 OK\r\n: x\r\n\r\n', /bad header line/],
  ['a chunk size that is not hex', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', /chunk size expected/],
  ['chunk data not followed by CRLF', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabc', /not followed by CRLF/],
  ['a chunk size beyond any real answer', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1234567890abc\r\n', /chunk size too large/],
  ['two Content-Length values', 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n', /invalid content-length/],
  ['a transfer coding other than chunked', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n', /unsupported transfer-encoding/],
])('refuses %s (HTTPParserError, which the transport maps to DockerConnectionError)', (_what, wire, message) => {
  const { p } = parser();
  let thrown: unknown;
  try {
    feed(p, Buffer.from(wire), []);
  } catch (err) {
    thrown = err;
  }
  expect(thrown).toMatchObject({ name: 'HTTPParserError', message: expect.stringMatching(message) });
});

test(`a head larger than ${MAX_HEAD_BYTES} bytes is refused, also when it comes in many reads`, () => {
  const { p } = parser();
  const line = `X-Big: ${'a'.repeat(1000)}\r\n`;
  const wire = Buffer.from(`HTTP/1.1 200 OK\r\n${line.repeat(70)}\r\n`);
  const cuts = Array.from({ length: Math.floor(wire.length / 4096) }, (_, i) => (i + 1) * 4096);
  expect(() => feed(p, wire, cuts)).toThrow(/headers larger than/);
});

describe('a 101 Switching Protocols', () => {
  const wire = Buffer.from('HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\nraw bytes');

  test('with onUpgrade (a request that asked to upgrade): the parse ends there, with the headers and the bytes after the head, at every split', () => {
    for (let cut = 1; cut < wire.length; cut++) {
      const seen: { headers?: RawHeaders; rest: Buffer[]; heads: number } = { rest: [], heads: 0 };
      const p = new Http1Parser({
        onHead: () => void seen.heads++,
        onPayload: () => {
          throw new Error('no body for a 101');
        },
        onEnd: () => {
          throw new Error('no end for a 101');
        },
        onUpgrade(headers, rest) {
          seen.headers = headers;
          seen.rest.push(Buffer.from(rest));
        },
      });
      p.execute(wire, 0, cut);
      if (seen.headers === undefined) p.execute(wire, cut, wire.length);
      expect(seen.heads).toBe(0);
      expect(seen.headers).toMatchObject({ 'content-type': 'application/vnd.docker.raw-stream', upgrade: 'tcp' });
      expect(p.done).toBe(true);
      // The bytes after the head in the read that ended it (later reads belong to the new protocol, not the parser).
      const headEnd = wire.indexOf('raw bytes');
      expect(seen.rest.map(String)).toEqual([wire.subarray(headEnd, cut < headEnd ? wire.length : cut).toString()]);
    }
  });

  test('without onUpgrade: skipped like any interim answer, the answer after it is parsed', () => {
    const { p, out } = parser();
    const next = Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
    feed(p, Buffer.concat([wire.subarray(0, wire.indexOf('raw bytes')), next]), [5, 40]);
    expect(out).toMatchObject({ status: 200, ends: 1 });
    expect(out.body.toString()).toBe('ok');
  });
});
