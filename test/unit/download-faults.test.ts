/**
 * The download connection (transport/download.ts) against faults a real engine cannot produce on demand, on the
 * loopback fake engine (test/helpers/fake-engine.ts): an engine that never answers or stalls mid-body (timeouts),
 * a malformed answer, and the connection cap shared with the stream lane. The real-engine side is
 * test/downloads.test.ts.
 */
import { DockerConnectionError, DockerTimeoutError } from '../../src/index';
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

test('with maxConnections 1, downloads beyond the cap wait on the stream lane: all get every byte over 2 connections at most', async () => {
  const body = Buffer.alloc(3 << 20, 7);
  let open = 0;
  let most = 0;
  fake = await startFakeEngine({
    handler: (_req, res) => {
      most = Math.max(most, ++open);
      res.on('close', () => open--);
      res.writeHead(200, { 'Content-Type': 'application/x-tar' });
      // Each answer is held open a while, so that every request the client lets out at once is open at once.
      res.write(body.subarray(0, 1000));
      setTimeout(() => res.end(body.subarray(1000)), 200);
    },
  });
  const d = client({ maxConnections: 1 });
  // Three at once: one download connection, the others queued on the stream lane's one connection.
  // (Each read as it comes: a queued one gets its answer only after the one before it on that connection was read.)
  const sizes = await Promise.all(['a', 'b', 'c'].map(async (id) => drain(await d.containers.export(id))));
  expect(sizes).toEqual([body.length, body.length, body.length]);
  expect(most).toBe(2);
});
