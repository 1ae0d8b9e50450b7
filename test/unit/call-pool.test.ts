/**
 * The call pool (src/transport/call-pool.ts): kept-alive connections of the client's own for the call lane. Against
 * a loopback fake engine (test/helpers/fake-engine.ts) for what a test must see on the server's side (how many
 * connections, which requests arrived) and for the faults a real engine cannot produce on demand: an engine that
 * drops a kept-alive connection as a request arrives, an answer framed by the connection's end, `Connection: close`.
 * The real engine's side — every typed call goes through this pool — is the rest of the suite.
 */
import { execFile } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { DockerAbortError, DockerConnectionError } from '../../src/index';
import { fakeEngineClients, rejectionOf, settlesWithin, startFakeEngine, type FakeEngine } from '../helpers/fake-engine';

const HANG_MS = 20_000;
let fake: FakeEngine;
const client = fakeEngineClients(() => fake as FakeEngine | undefined);
const json = (body: unknown) => (_req: IncomingMessage, res: ServerResponse) => res.setHeader('Content-Type', 'application/json').end(JSON.stringify(body));

test('sequential calls share one kept-alive connection', async () => {
  fake = await startFakeEngine({ handler: json({ Id: 'x' }) });
  const d = client();
  for (let i = 0; i < 20; i++) expect((await d.images.inspect('localhost/x')).Id).toBe('x');
  expect(fake.requests).toHaveLength(20);
  expect(fake.sockets).toHaveLength(1);
});

test('an answer with `Connection: close` ends its connection; the next call opens another', async () => {
  fake = await startFakeEngine({ handler: (_req, res) => res.setHeader('Connection', 'close').setHeader('Content-Type', 'application/json').end('{"Id":"x"}') });
  const d = client();
  expect((await d.images.inspect('localhost/x')).Id).toBe('x');
  expect((await d.images.inspect('localhost/x')).Id).toBe('x');
  expect(fake.sockets).toHaveLength(2);
});

test('an answer framed by the end of the connection (no length, not chunked) is read whole and the connection not reused', async () => {
  fake = await startFakeEngine({
    handler: (req) => {
      req.socket.end('HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{"Id":"until-close"}');
    },
  });
  const d = client();
  expect((await d.images.inspect('localhost/x')).Id).toBe('until-close');
  expect((await d.images.inspect('localhost/y')).Id).toBe('until-close');
  expect(fake.sockets).toHaveLength(2);
});

describe('a kept-alive connection the engine drops as a request arrives (no byte of an answer)', () => {
  /** Answers the first request; drops the connection on the second; answers again after that. */
  const dropSecond = () => {
    let n = 0;
    return (req: IncomingMessage, res: ServerResponse) => {
      if (++n === 2) req.socket.destroy();
      else res.setHeader('Content-Type', 'application/json').end('{"Id":"x"}');
    };
  };

  test('a GET is sent once more, on a new connection, and succeeds', async () => {
    fake = await startFakeEngine({ handler: dropSecond() });
    const d = client();
    await d.images.inspect('x');
    expect((await d.images.inspect('y')).Id).toBe('x');
    expect(fake.requests).toEqual(['GET /v1.41/images/x/json', 'GET /v1.41/images/y/json', 'GET /v1.41/images/y/json']);
    expect(fake.sockets).toHaveLength(2);
  });

  test('a POST is not sent again: it rejects as a lost connection', async () => {
    fake = await startFakeEngine({ handler: dropSecond() });
    const d = client();
    await d.images.inspect('localhost/x');
    const err = await rejectionOf(d.images.tag('localhost/x', { repo: 'localhost/z' }));
    expect(err).toBeInstanceOf(DockerConnectionError);
    expect(err).toMatchObject({ failure: 'lost' });
    expect(fake.requests.filter((r) => r.startsWith('POST'))).toHaveLength(1);
  });

  test('a GET dropped on a new connection is not sent again', async () => {
    fake = await startFakeEngine({ handler: (req) => req.socket.destroy() });
    const d = client();
    expect(await rejectionOf(d.images.inspect('localhost/x'))).toBeInstanceOf(DockerConnectionError);
    expect(fake.requests).toHaveLength(1);
  });
});

test('a queued call aborted before a connection is free leaves the queue: it rejects and is never sent', async () => {
  fake = await startFakeEngine(); // never answers
  const d = client({ maxConnections: 1 });
  const first = d.images.inspect('first').catch((e: unknown) => e);
  const ac = new AbortController();
  const queued = d.images.inspect('queued', { signal: ac.signal });
  while (fake.requests.length < 1) await new Promise((r) => setTimeout(r, 5));
  ac.abort();
  expect(await settlesWithin(rejectionOf(queued), HANG_MS, 'the aborted queued call')).toBeInstanceOf(DockerAbortError);
  await d.destroy();
  expect(await first).toBeInstanceOf(DockerConnectionError);
  expect(fake.requests).toEqual(['GET /v1.41/images/first/json']);
});

test('an answer larger than the read-ahead: json() gets all of it, and a slow chunks() reader gets every byte', async () => {
  const big = { items: Array.from({ length: 60_000 }, (_, i) => ({ i, name: `image-${i}-${'x'.repeat(40)}` })) };
  const text = JSON.stringify(big);
  expect(text.length).toBeGreaterThan(3 << 20);
  fake = await startFakeEngine({ handler: json(big) });
  const d = client();
  const res = await d.raw.request({ method: 'GET', path: '/images/json' });
  expect(await res.json()).toEqual(big);
  const slow = await d.raw.request({ method: 'GET', path: '/images/json' });
  let bytes = 0;
  for await (const chunk of slow.chunks()) {
    bytes += chunk.length;
    await new Promise((r) => setTimeout(r, 1));
  }
  expect(bytes).toBe(Buffer.byteLength(text));
  // Both answers on the one connection: the paused reads resumed and the answer ended before the next call.
  expect(fake.sockets).toHaveLength(1);
});

test('a request body (string or bytes) goes out with its Content-Length', async () => {
  const bodies: string[] = [];
  fake = await startFakeEngine({
    handler: (req, res) => {
      const parts: Buffer[] = [];
      req.on('data', (c: Buffer) => parts.push(c));
      req.on('end', () => {
        bodies.push(`${req.headers['content-length']}:${Buffer.concat(parts).toString()}`);
        res.setHeader('Content-Type', 'application/json').end('{}');
      });
    },
  });
  const d = client();
  await (await d.raw.request({ method: 'POST', path: '/a', body: '{"Name":"é"}', headers: { 'content-type': 'application/json' } })).text();
  await (await d.raw.request({ method: 'POST', path: '/b', body: new TextEncoder().encode('bytes') })).text();
  await (await d.raw.request({ method: 'POST', path: '/c' })).text();
  expect(bodies).toEqual(['13:{"Name":"é"}', '5:bytes', '0:']);
  expect(fake.sockets).toHaveLength(1);
});

test('a program that makes calls over a unix socket and never calls close() still exits by itself', async () => {
  // Idle call connections are unref'd. No timeout of ours: if the child kept Node alive, jest's timeout fails this test.
  const host = process.env.DOCKER_HOST;
  if (!host?.startsWith('unix://')) throw new Error('DOCKER_HOST must be a unix socket (scripts/engine.sh env)');
  const script = `import { DockerClient } from ${JSON.stringify(resolve(__dirname, '../../src/index'))};
(async () => {
  const docker = DockerClient.fromEnv();
  const [a, b] = await Promise.all([docker.images.list(), docker.system.version()]);
  console.log(JSON.stringify({ images: a.length, api: b.ApiVersion }));
})();`;
  const { stdout } = await promisify(execFile)(resolve(__dirname, '../../node_modules/.bin/tsx'), ['-e', script], { env: process.env });
  expect(JSON.parse(stdout.trim())).toMatchObject({ images: expect.any(Number), api: expect.stringMatching(/^1\.\d+$/) });
});
