/**
 * The download connection (transport/download.ts) against faults a real engine cannot produce on demand, on the
 * loopback fake engine (test/helpers/fake-engine.ts): an engine that never answers or stalls mid-body (timeouts),
 * a malformed answer, and the connection cap: requests beyond it wait in order for a connection of their own. The
 * real-engine side is
 * test/downloads.test.ts.
 */
import { DockerAbortError, DockerConnectionError, DockerTimeoutError } from '../../src/index';
import { fakeEngineClients, rejectionOf, settlesWithin, startFakeEngine, type FakeEngine } from '../helpers/fake-engine';

let fake: FakeEngine;
const client = fakeEngineClients(() => fake as FakeEngine | undefined);

async function drain(stream: AsyncIterable<unknown>): Promise<number> {
  let n = 0;
  for await (const chunk of stream) n += (chunk as Buffer).length;
  return n;
}

test('no answer within `timeout`: DockerTimeoutError waiting for the answer, and the connection is closed', async () => {
  fake = await startFakeEngine();
  const err = await rejectionOf(client({ timeout: 300 }).images.save('localhost/x'));
  expect(err).toBeInstanceOf(DockerTimeoutError);
  expect(err.message).toMatch(/waiting for the answer/);
  await settlesWithin(fake.allClosed(), 10_000, 'the download connection closing');
});

test('a body that stalls longer than `timeout`: the stream fails with DockerTimeoutError reading the answer', async () => {
  fake = await startFakeEngine({
    handler: (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/x-tar' });
      res.write(Buffer.alloc(100_000)); // then nothing, the connection kept open
    },
  });
  const stream = await client({ timeout: 300 }).images.save('localhost/x');
  const err = await rejectionOf(drain(stream));
  expect(err).toBeInstanceOf(DockerTimeoutError);
  expect(err.message).toMatch(/reading the answer/);
});

test('a malformed chunked body: DockerConnectionError that says so, never a quiet end', async () => {
  fake = await startFakeEngine({
    handler: (req, res) => {
      // Chunk framing written by hand: a size line that is not hex.
      res.socket!.write('HTTP/1.1 200 OK\r\nContent-Type: application/x-tar\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nabcd\r\nzz\r\n');
      req.socket.end();
    },
  });
  const stream = await client().containers.export('c');
  const err = await rejectionOf(drain(stream));
  expect(err).toBeInstanceOf(DockerConnectionError);
  expect(err.message).toMatch(/lost mid-stream after 4 bytes of the answer: malformed response from the engine: chunk size expected/);
});

/** An engine that counts open connections and holds each answer open a while, so requests let out at once overlap. */
function holdingEngine(body: Buffer, seen: { open: number; most: number }) {
  return startFakeEngine({
    handler: (_req, res) => {
      seen.most = Math.max(seen.most, ++seen.open);
      res.on('close', () => seen.open--);
      res.writeHead(200, { 'Content-Type': 'application/x-tar' });
      res.write(body.subarray(0, 1000));
      setTimeout(() => res.end(body.subarray(1000)), 200);
    },
  });
}

test('with maxConnections 1, downloads beyond the cap wait their turn: all get every byte, one connection at a time', async () => {
  const body = Buffer.alloc(3 << 20, 7);
  const seen = { open: 0, most: 0 };
  fake = await holdingEngine(body, seen);
  const d = client({ maxConnections: 1 });
  // Three at once, each read as it comes: the second starts when the first's connection has closed.
  const sizes = await Promise.all(['a', 'b', 'c'].map(async (id) => drain(await d.containers.export(id))));
  expect(sizes).toEqual([body.length, body.length, body.length]);
  expect(seen.most).toBe(1);
  expect(fake.requests.filter((r) => r.includes('/export'))).toHaveLength(3);
});

test('a download aborted while it waits for a connection leaves the queue: never sent, DockerAbortError; the next one goes', async () => {
  const body = Buffer.alloc(64 << 10, 1);
  const seen = { open: 0, most: 0 };
  fake = await holdingEngine(body, seen);
  const d = client({ maxConnections: 1 });
  // The first answer's head has come; its connection stays open until its body is read.
  const first = await d.containers.export('first');
  const ac = new AbortController();
  const waiting = d.containers.export('aborted', { signal: ac.signal });
  const third = d.containers.export('third');
  await new Promise((resolve) => setTimeout(resolve, 50));
  ac.abort();
  const err = await rejectionOf(waiting);
  expect(err).toBeInstanceOf(DockerAbortError);
  expect(await drain(first)).toBe(body.length);
  expect(await drain(await third)).toBe(body.length);
  expect(fake.requests.filter((r) => r.includes('/export')).map((r) => r.replace(/^GET \/v[\d.]+/, ''))).toEqual(['/containers/first/export', '/containers/third/export']);
  expect(seen.most).toBe(1);
});

test('close() with downloads still waiting for a connection: they run, then close() resolves with every connection closed', async () => {
  const body = Buffer.alloc(64 << 10, 2);
  const seen = { open: 0, most: 0 };
  fake = await holdingEngine(body, seen);
  const d = client({ maxConnections: 1 });
  const pending = ['a', 'b'].map((id) => d.containers.export(id).then(drain));
  const closed = d.close();
  expect(await Promise.all(pending)).toEqual([body.length, body.length]);
  await settlesWithin(closed, 10_000, 'close() after the queued downloads');
  await settlesWithin(fake.allClosed(), 10_000, 'every connection closed');
});

test('destroy() with a download in flight and one waiting for a connection: both fail with DockerConnectionError (closed), nothing stays open', async () => {
  fake = await startFakeEngine({
    handler: (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/x-tar' });
      res.write(Buffer.alloc(1000)); // then held open
    },
  });
  const d = client({ maxConnections: 1 });
  const first = await d.containers.export('first');
  const failures = Promise.all([rejectionOf(drain(first)), rejectionOf(d.containers.export('waiting'))]);
  await new Promise((resolve) => setTimeout(resolve, 50));
  await settlesWithin(d.destroy(), 10_000, 'destroy()');
  for (const err of await failures) {
    expect(err).toBeInstanceOf(DockerConnectionError);
    expect((err as DockerConnectionError).failure).toBe('closed');
  }
  expect(fake.requests.filter((r) => r.includes('/export'))).toHaveLength(1);
  await settlesWithin(fake.allClosed(), 10_000, 'every connection closed');
});
