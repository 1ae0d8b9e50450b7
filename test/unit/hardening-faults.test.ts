/**
 * Issue 12 (hardening), the faults a real engine cannot produce on demand, against a loopback fake engine
 * (test/helpers/fake-engine.ts) that records every request and connection: an engine that never answers, a slow
 * `/_ping`, a connection dropped mid-stream, a tar download nobody reads. The same defects' engine-visible sides
 * are in test/hardening.test.ts against the real engine.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { connect, type Socket } from 'node:net';
import { join, resolve } from 'node:path';
import {
  DockerClient,
  DockerConnectionError,
  DockerError,
  DockerInputError,
  DockerStreamError,
  DockerTimeoutError,
} from '../../src/index';
import { parseHost } from '../../src/transport/endpoint';
import { Transport } from '../../src/transport/transport';
import { fakeEngineClients, rejectionOf, settlesWithin, startFakeEngine, type FakeEngine } from '../helpers/fake-engine';

const ROOT = resolve(__dirname, '..', '..');
/** The hang detector's bound for close(): far above its grace period, so only a hang trips it. */
const HANG_MS = 20_000;

let fake: FakeEngine;
const client = fakeEngineClients(() => fake as FakeEngine | undefined);

/** Waits until the fake engine has received `n` requests (a request that is never answered is still recorded). */
async function received(n: number): Promise<void> {
  while (fake.requests.length < n) await new Promise((r) => setTimeout(r, 5));
}

describe('defect 2: `.` / `..` / empty path segments are refused before sending, for every path parameter', () => {
  beforeEach(async () => {
    // Answers everything: a call that reaches it would resolve.
    fake = await startFakeEngine({ handler: (_req, res) => res.setHeader('Content-Type', 'application/json').end('{}') });
  });

  test.each([
    ['images.inspect(".")', (d: DockerClient) => d.images.inspect('.')],
    ['images.inspect("..")', (d: DockerClient) => d.images.inspect('..')],
    ['images.history("a/../b")', (d: DockerClient) => d.images.history('a/../b')],
    ['images.remove("..")', (d: DockerClient) => d.images.remove('..')],
    ['images.remove("x/.")', (d: DockerClient) => d.images.remove('x/.')],
    ['images.tag("a//b")', (d: DockerClient) => d.images.tag('a//b', { repo: 'localhost/x' })],
    ['images.tag("./x")', (d: DockerClient) => d.images.tag('./x', { repo: 'localhost/x' })],
    ['images.save("..")', (d: DockerClient) => d.images.save('..')],
    // Raw calls get the same check: every resource, present and future, goes through it.
    ['api GET /containers/{id}/json ..', (d: DockerClient) => d.api.GET('/containers/{id}/json', { params: { path: { id: '..' } } })],
    ['api GET /volumes/{name} .', (d: DockerClient) => d.api.GET('/volumes/{name}', { params: { path: { name: '.' } } })],
    ['api GET /exec/{id}/json a/../b', (d: DockerClient) => d.api.GET('/exec/{id}/json', { params: { path: { id: 'a/../b' } } })],
    ['api DELETE /networks/{id} ""', (d: DockerClient) => d.api.DELETE('/networks/{id}', { params: { path: { id: '' } } })],
  ])('%s → DockerInputError, nothing sent', async (_name, call) => {
    const err = await rejectionOf(call(client()));
    expect(err).toBeInstanceOf(DockerInputError);
    expect(err.message).toMatch(/path|segment/);
    expect(fake.requests).toEqual([]);
  });

  test('names with slashes, dots inside segments and `...` are sent (only whole `.`/`..` segments are dot segments)', async () => {
    const d = client();
    await d.images.inspect('localhost:5000/a.b/c..d:1.0');
    await d.images.inspect('...');
    await d.api.GET('/containers/{id}/json', { params: { path: { id: '.hidden' } } });
    expect(fake.requests).toEqual([
      'GET /v1.41/images/localhost%3A5000%2Fa.b%2Fc..d%3A1.0/json',
      'GET /v1.41/images/.../json',
      'GET /v1.41/containers/.hidden/json',
    ]);
  });
});

describe('defect 3: a build context that fails while packing never crashes the process', () => {
  test('20 runs, each a fresh client whose /_ping takes 20 ms, a FIFO in the context: every run rejects with DockerInputError', () => {
    // A child process: an unhandled 'error' event kills the process, which a jest worker must not do. The child
    // starts its own fake engine (slow /_ping) and prints one JSON line with what each run rejected with.
    const r = spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), [join(ROOT, 'test', 'helpers', 'child-scenarios.ts'), 'build-context-fifo', '20'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const results = JSON.parse(r.stdout.trim().split('\n').pop()!) as { name: string; message: string }[];
    expect(results).toHaveLength(20);
    for (const res of results) {
      expect(res.name).toBe('DockerInputError');
      expect(res.message).toMatch(/fifo.*not a file, directory or symlink/);
    }
  });
});

describe('defect 4: destroying the stream save() resolved with aborts the download', () => {
  /** A tar that never ends: 64 KiB now, then nothing. */
  const endlessTar = (_req: unknown, res: import('node:http').ServerResponse) => {
    res.writeHead(200, { 'Content-Type': 'application/x-tar' });
    res.write(Buffer.alloc(64 << 10));
  };

  test('destroy before reading: the client hangs up and close() settles', async () => {
    fake = await startFakeEngine({ handler: endlessTar });
    const d = client();
    const stream = await d.images.save('localhost/x');
    stream.destroy();
    await settlesWithin(fake.allClosed(), HANG_MS, 'the client closing the connection after destroy()');
    expect(fake.openSockets()).toBe(0);
    await settlesWithin(d.close(), HANG_MS, 'close()');
  });

  test('destroy after reading some: same', async () => {
    fake = await startFakeEngine({ handler: endlessTar });
    const d = client();
    const stream = await d.images.save('localhost/x');
    for await (const chunk of stream) {
      expect((chunk as Buffer).length).toBeGreaterThan(0);
      break; // destroys the stream
    }
    await settlesWithin(fake.allClosed(), HANG_MS, 'the client closing the connection after break');
    await settlesWithin(d.close(), HANG_MS, 'close()');
  });
});

describe('defect 5: close() settles in bounded time; destroy() and Symbol.asyncDispose', () => {
  test('an engine that never answers: close() settles and the call in flight rejects with a typed error', async () => {
    fake = await startFakeEngine(); // answers nothing but /_ping
    const d = client();
    const call = d.images.inspect('localhost/x');
    call.catch(() => undefined);
    await received(1);
    await settlesWithin(d.close(), HANG_MS, 'close() with a call in flight');
    const err = await settlesWithin(rejectionOf(call), HANG_MS, 'the call in flight');
    expect(err).toBeInstanceOf(DockerError);
    expect(err.message).toMatch(/closed/);
    await settlesWithin(fake.allClosed(), HANG_MS, 'the pool freeing its sockets');
  });

  test('a call that finishes within the grace period still succeeds', async () => {
    fake = await startFakeEngine({
      handler: (_req, res) => setTimeout(() => res.setHeader('Content-Type', 'application/json').end('{"Id":"sha256:abc"}'), 300),
    });
    const d = client();
    const call = d.images.inspect('localhost/x');
    await received(1);
    const closing = d.close();
    await expect(call).resolves.toEqual({ Id: 'sha256:abc' });
    await settlesWithin(closing, HANG_MS, 'close()');
  });

  // A client opens its pools (and loads undici's Pool) on its first pooled request, a few microtasks after the
  // request reached the transport (src/transport/pools.ts): that request is in flight while the pools open. The
  // transport is driven directly, because a typed call takes a few turns of its own before it gets there.
  const transport = () => new Transport({ endpoint: parseHost(fake!.host), apiVersion: '1.41', userAgent: 'hardening-test' });

  test('close() while the first request opens the pools: the request is in flight and gets its answer', async () => {
    fake = await startFakeEngine({ keepIdle: true, handler: (_req, res) => res.setHeader('Content-Type', 'application/json').end('{"Id":"sha256:first"}') });
    const t = transport();
    const call = t.request({ method: 'GET', path: '/images/x/json' });
    const closing = t.close();
    await expect(call.then((res) => res.json())).resolves.toEqual({ Id: 'sha256:first' });
    await settlesWithin(closing, HANG_MS, 'close()');
    // The server keeps idle connections: only the client's close() of the pool it opened closes this one. The
    // bound is a hang detector below the pool's 10 s idle timeout, which would close a leaked connection too.
    await settlesWithin(fake.allClosed(), 5_000, 'the pool freeing its sockets');
  });

  test('destroy() while the first request opens the pools: it rejects as closed and no socket stays open', async () => {
    fake = await startFakeEngine(); // answers nothing but /_ping
    const t = transport();
    const call = t.request({ method: 'GET', path: '/images/x/json' });
    call.catch(() => undefined);
    await settlesWithin(t.destroy(), HANG_MS, 'destroy()');
    const err = await settlesWithin(rejectionOf(call), HANG_MS, 'the request after destroy()');
    expect(err).toBeInstanceOf(DockerConnectionError);
    expect(err.message).toMatch(/closed|destroyed/);
    await settlesWithin(fake.allClosed(), HANG_MS, 'the sockets closing after destroy()');
  });

  test('calls after close() reject at once and send nothing', async () => {
    fake = await startFakeEngine({ handler: (_req, res) => res.end('{}') });
    const d = client();
    await d.close();
    const err = await rejectionOf(d.images.inspect('localhost/x'));
    expect(err).toBeInstanceOf(DockerConnectionError);
    expect(err.message).toMatch(/closed/);
    expect(fake.requests).toEqual([]);
  });

  test('destroy(): the call in flight rejects at once and the socket is closed', async () => {
    fake = await startFakeEngine();
    const d = client();
    const call = d.images.inspect('localhost/x');
    call.catch(() => undefined);
    await received(1);
    d.destroy();
    const err = await settlesWithin(rejectionOf(call), HANG_MS, 'the call after destroy()');
    expect(err).toBeInstanceOf(DockerError);
    expect(err.message).toMatch(/closed|destroyed/);
    await settlesWithin(fake.allClosed(), HANG_MS, 'the socket closing after destroy()');
  });

  test('Symbol.asyncDispose closes the client (for `await using docker = new DockerClient()`)', async () => {
    fake = await startFakeEngine({ handler: (_req, res) => res.end('{}') });
    const d = client();
    await d.images.inspect('localhost/x');
    await settlesWithin(d[Symbol.asyncDispose](), HANG_MS, 'asyncDispose');
    expect(await rejectionOf(d.images.inspect('localhost/x'))).toBeInstanceOf(DockerConnectionError);
    await settlesWithin(fake.allClosed(), HANG_MS, 'the sockets closing');
  });
});

describe('defect 6: the connection pool is capped and queues the rest', () => {
  const answerSlowly = (_req: unknown, res: import('node:http').ServerResponse) =>
    setTimeout(() => res.setHeader('Content-Type', 'application/json').end('{"Id":"x"}'), 20);

  test('maxConnections: 4 → 50 concurrent calls all succeed over at most 4 sockets', async () => {
    fake = await startFakeEngine({ handler: answerSlowly });
    const d = client({ maxConnections: 4 });
    const results = await Promise.all(Array.from({ length: 50 }, () => d.images.inspect('localhost/x')));
    expect(results.every((r) => r.Id === 'x')).toBe(true);
    expect(fake.sockets.length).toBeLessThanOrEqual(4);
  });

  test('by default 300 concurrent calls share at most 128 sockets', async () => {
    fake = await startFakeEngine({ handler: answerSlowly });
    const d = client();
    await Promise.all(Array.from({ length: 300 }, () => d.images.inspect('localhost/x')));
    expect(fake.sockets.length).toBeLessThanOrEqual(128);
    expect(fake.sockets.length).toBeGreaterThan(1);
  });

  test('long streams never take the connections short calls need (each lane has its own cap)', async () => {
    fake = await startFakeEngine({
      handler: (req, res) => {
        if (req.url?.endsWith('/get')) {
          // A tar that never ends: the stream holds its connection as long as it is open.
          res.writeHead(200, { 'Content-Type': 'application/x-tar' });
          res.write(Buffer.alloc(1024));
        } else {
          res.setHeader('Content-Type', 'application/json').end('{"Id":"x"}');
        }
      },
    });
    const d = client({ maxConnections: 2 });
    const saves = await Promise.all([d.images.save('localhost/a'), d.images.save('localhost/b')]);
    const inspected = await settlesWithin(Promise.all([d.images.inspect('localhost/x'), d.images.inspect('localhost/y')]), HANG_MS, 'short calls while 2 streams are open');
    expect(inspected.map((i) => i.Id)).toEqual(['x', 'x']);
    // Two stream connections, two call connections: within 2 × maxConnections.
    expect(fake.sockets.length).toBe(4);
    for (const s of saves) s.destroy();
  });

  test('a misspelt constructor option is refused (it would silently mean the default engine)', () => {
    expect(() => new DockerClient({ sockPath: '/run/x.sock' } as never)).toThrow('unknown option `sockPath` for DockerClient — did you mean `socketPath`?');
    expect(() => new DockerClient({ maxconnections: 8 } as never)).toThrow('unknown option `maxconnections` for DockerClient — did you mean `maxConnections`?');
  });

  test.each([0, -1, 1.5, Number.NaN, '8'])('maxConnections %p is refused with DockerInputError', async (bad) => {
    fake = await startFakeEngine();
    expect(() => client({ maxConnections: bad as number })).toThrow(DockerInputError);
    expect(() => client({ maxConnections: bad as number })).toThrow(/maxConnections/);
  });
});

describe('defect 8: bad input is a DockerInputError before anything is sent', () => {
  beforeEach(async () => {
    fake = await startFakeEngine({ handler: (_req, res) => res.setHeader('Content-Type', 'application/json').end('[]') });
  });
  const nul = null as never;
  test.each([
    ['images.list(null)', (d: DockerClient) => d.images.list(nul)],
    ['images.inspect(x, null)', (d: DockerClient) => d.images.inspect('localhost/x', nul)],
    ['images.history(x, null)', (d: DockerClient) => d.images.history('localhost/x', nul)],
    ['images.remove(x, null)', (d: DockerClient) => d.images.remove('localhost/x', nul)],
    ['images.prune(null)', (d: DockerClient) => d.images.prune(nul)],
    ['images.search(x, null)', (d: DockerClient) => d.images.search('localhost/x', nul)],
    ['images.tag(x, null)', (d: DockerClient) => d.images.tag('localhost/x', nul)],
    ['builder.prune(null)', (d: DockerClient) => d.builder.prune(nul)],
    ['images.list({ signal: "x" })', (d: DockerClient) => d.images.list({ signal: 'x' as never })],
    ['images.inspect(x, { signal: {} })', (d: DockerClient) => d.images.inspect('localhost/x', { signal: {} as never })],
    ['version({ signal: 1 })', (d: DockerClient) => d.version({ signal: 1 as never })],
    ['images.pull(x, { signal: "x" })', (d: DockerClient) => d.images.pull('localhost/x', { signal: 'x' as never })],
    ['images.save(" ")', (d: DockerClient) => d.images.save(' ')],
    ['images.save([" "])', (d: DockerClient) => d.images.save([' '])],
    ['images.build(ctx, { dockerfile: 5 })', (d: DockerClient) => d.images.build(Buffer.alloc(1024), { dockerfile: 5 as never })],
    ['images.build(dir, { dockerfile: 5 })', (d: DockerClient) => d.images.build(ROOT, { dockerfile: 5 as never })],
  ])('%s', async (_name, call) => {
    const err = await rejectionOf(call(client()));
    expect(err).toBeInstanceOf(DockerInputError);
    expect(fake.requests).toEqual([]);
  });
});

describe('defect 9: error wording', () => {
  test('a connection lost mid-stream says so, with the bytes received so far (not "cannot connect")', async () => {
    fake = await startFakeEngine({
      handler: (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/x-tar' });
        res.write(Buffer.alloc(1 << 20), () => setTimeout(() => res.socket?.destroy(), 50));
      },
    });
    const d = client();
    const stream = await d.images.save('localhost/x');
    let got = 0;
    const err = await rejectionOf(
      (async () => {
        for await (const chunk of stream) got += (chunk as Buffer).length;
      })(),
    );
    expect(got).toBe(1 << 20);
    expect(err).toBeInstanceOf(DockerConnectionError);
    expect(err.message).not.toMatch(/cannot connect/);
    expect(err.message).toMatch(/lost/);
    expect(err.message).toContain(fake.target);
    expect(err.message).toMatch(/1048576 bytes/);
  });

  test('a progress stream (pull) cut mid-stream says the same', async () => {
    fake = await startFakeEngine({
      handler: (_req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.write('{"status":"Pulling from x","id":"latest"}\n', () => setTimeout(() => res.socket?.destroy(), 50));
      },
    });
    const err = await rejectionOf(client().images.pull('localhost/x'));
    expect(err).not.toBeInstanceOf(DockerStreamError);
    expect(err.message).not.toMatch(/cannot connect/);
    expect(err.message).toMatch(/lost.*after 42 bytes/);
  });

  test('DockerTimeoutError names the engine it waited for', async () => {
    fake = await startFakeEngine();
    const err = await rejectionOf(client({ timeout: 300 }).images.inspect('localhost/x'));
    expect(err).toBeInstanceOf(DockerTimeoutError);
    expect(err.message).toContain(fake.target);
    expect((err as DockerTimeoutError & { target?: string }).target).toBe(fake.target);
  });

  test('an engine that is not there still says "cannot connect"', async () => {
    fake = await startFakeEngine();
    const err = await rejectionOf(new DockerClient({ host: 'tcp://127.0.0.1:1', apiVersion: '1.41' }).images.inspect('x'));
    expect(err).toBeInstanceOf(DockerConnectionError);
    expect(err.message).toMatch(/cannot connect to the Docker engine at 127\.0\.0\.1:1/);
  });
});

describe('a connection that is never accepted', () => {
  // A loopback port whose accept queue is full and never drained, so a connect to it hangs: a fault no engine
  // produces on demand. Nothing leaves loopback. The child listens with a backlog of 1, publishes its port and blocks
  // its loop at once, so it never accepts; this test then fills the queue itself, one connect at a time, until a
  // connect stays pending, and only then sends. (Filling it inside the child, after publishing the port, raced: on a
  // loaded machine this test's connects could come first, be queued, and wait for an answer that never came.) The
  // child's life is bounded and it inherits no stdio of the jest worker, so a failure here cannot keep jest running.
  const script = `const net = require('net');
const server = net.createServer().listen({ host: '127.0.0.1', port: 0, backlog: 1 }, () => {
  process.stdout.write(server.address().port + '\\n');
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 35_000);
  process.exit(0);
});`;
  let child: ChildProcess | undefined;
  let fillers: Socket[] = [];
  let d: DockerClient | undefined;
  afterEach(async () => {
    child?.kill('SIGKILL');
    for (const s of fillers) s.destroy();
    await d?.destroy();
    child = d = undefined;
    fillers = [];
  });

  /** Connects until one connect stays pending for 500 ms: from then on every SYN to the port is dropped. */
  async function fillAcceptQueue(port: number): Promise<void> {
    for (let n = 0; n < 64; n++) {
      const s = connect(port, '127.0.0.1');
      fillers.push(s);
      const connected = await new Promise<boolean>((ok) => {
        const pending = setTimeout(() => ok(false), 500);
        s.once('connect', () => (clearTimeout(pending), ok(true)));
        s.once('error', () => (clearTimeout(pending), ok(true)));
      });
      if (!connected) return;
    }
    throw new Error('the accept queue never filled: this kernel does not produce the fault');
  }

  test('fails after the connect timeout, on every kind of connection: call, download, upgrade', async () => {
    const proc = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'ignore'] });
    child = proc;
    const port = await new Promise<number>((ok, fail) => {
      proc.stdout.once('data', (b: Buffer) => ok(Number(b.toString().trim())));
      proc.once('exit', (code) => fail(new Error(`the listening child exited (${code}) before publishing its port`)));
    });
    await fillAcceptQueue(port);
    // `timeout` turns a connection that is accepted after all and never answered into a failure here, not a hang.
    d = new DockerClient({ host: `tcp://127.0.0.1:${port}`, apiVersion: '1.41', timeout: 20_000 });
    const failures = await Promise.all([rejectionOf(d.images.list()), rejectionOf(d.images.save('localhost/x')), rejectionOf(d.containers.attach('x'))]);
    for (const err of failures) {
      expect(err).toBeInstanceOf(DockerConnectionError);
      expect(err.message).toMatch(/connect timed out after 10000 ms/);
    }
    await settlesWithin(d.close(), HANG_MS, 'close() after the connect timeouts');
  }, 40_000);
});
