/**
 * Requests on the stream lane with a body (uploads) go on a connection of their own (src/transport/download.ts),
 * their bodies written by src/transport/body-writer.ts. Against a loopback fake engine (test/helpers/fake-engine.ts,
 * Node's own HTTP server decodes what arrives) for the wire framing and for faults a real engine cannot produce on
 * demand: an answer before the body is read, a body that fails, a declared length the body does not keep. The real
 * engine's side is the load, import, build and putArchive tests.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { DockerConnectionError } from '../../src/index';
import { fakeEngineClients, rejectionOf, settlesWithin, startFakeEngine, type FakeEngine } from '../helpers/fake-engine';

const HANG_MS = 20_000;
let fake: FakeEngine;
const client = fakeEngineClients(() => fake as FakeEngine | undefined);

/** Answers every request with what arrived: its framing headers and the body. */
function echo(req: IncomingMessage, res: ServerResponse): void {
  const parts: Buffer[] = [];
  req.on('data', (c: Buffer) => parts.push(c));
  req.on('end', () => {
    const body = Buffer.concat(parts);
    res.setHeader('Content-Type', 'application/json');
    res.end(JSON.stringify({ te: req.headers['transfer-encoding'] ?? null, cl: req.headers['content-length'] ?? null, body: body.toString('latin1') }));
  });
}

async function* pieces(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield Buffer.from(p, 'latin1');
}

test('a stream without a declared length goes chunked, and arrives whole', async () => {
  fake = await startFakeEngine({ handler: echo });
  const d = client();
  const big = 'x'.repeat(3 << 20);
  const res = await d.raw.request({ method: 'POST', path: '/images/load', lane: 'stream', body: pieces('abc', '', big, 'def') });
  expect(await res.json()).toEqual({ te: 'chunked', cl: null, body: `abc${big}def` });
});

test('a stream with its Content-Length goes as it is', async () => {
  fake = await startFakeEngine({ handler: echo });
  const d = client();
  const res = await d.raw.request({ method: 'POST', path: '/images/load', lane: 'stream', headers: { 'Content-Length': '6' }, body: pieces('abc', 'def') });
  expect(await res.json()).toEqual({ te: null, cl: '6', body: 'abcdef' });
});

test('a stream shorter or longer than its Content-Length fails the request', async () => {
  fake = await startFakeEngine({ handler: echo });
  const d = client();
  for (const body of [pieces('abc'), pieces('abc', 'defg')]) {
    const err = await rejectionOf(d.raw.request({ method: 'POST', path: '/images/load', lane: 'stream', headers: { 'Content-Length': '6' }, body }));
    expect(err).toBeInstanceOf(DockerConnectionError);
    expect((err.cause as { code?: string }).code).toBe('UND_ERR_REQ_CONTENT_LENGTH_MISMATCH');
  }
});

test('a body that fails while sent fails the request with its error', async () => {
  fake = await startFakeEngine({ handler: (req) => req.resume() });
  const d = client();
  async function* failing(): AsyncGenerator<Uint8Array> {
    yield Buffer.from('abc');
    throw new Error('the source broke');
  }
  const err = await settlesWithin(rejectionOf(d.raw.request({ method: 'POST', path: '/build', lane: 'stream', body: failing() })), HANG_MS, 'the upload');
  expect(err.message).toBe('the source broke');
});

test('an answer before the body was read: the request gets it, and the body is not read any further', async () => {
  fake = await startFakeEngine({
    handler: (_req, res) => res.writeHead(413, { 'Content-Type': 'application/json', Connection: 'close' }).end('{"message":"too large"}'),
  });
  const d = client();
  let finished = false;
  let sent = 0;
  async function* endless(): AsyncGenerator<Uint8Array> {
    try {
      for (;;) {
        sent++;
        yield Buffer.alloc(1 << 20);
      }
    } finally {
      finished = true;
    }
  }
  const res = await settlesWithin(d.raw.request({ method: 'POST', path: '/images/load', lane: 'stream', body: endless() }), HANG_MS, 'the early answer');
  expect(res.status).toBe(413);
  expect(await res.json()).toEqual({ message: 'too large' });
  while (!finished) await new Promise((r) => setTimeout(r, 5));
  const after = sent;
  await new Promise((r) => setTimeout(r, 50));
  expect(sent).toBe(after);
});

test('HEAD on the stream lane: the answer has no body, whatever its Content-Length says', async () => {
  fake = await startFakeEngine({ handler: (_req, res) => res.writeHead(200, { 'Content-Length': '100' }).end() });
  const d = client();
  const res = await d.raw.request({ method: 'HEAD', path: '/containers/x/archive?path=/', lane: 'stream' });
  expect(res.status).toBe(200);
  expect(await res.text()).toBe('');
});
