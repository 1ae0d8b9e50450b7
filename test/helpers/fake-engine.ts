/**
 * A loopback HTTP server standing in for an engine, for faults a real engine cannot produce on demand: a slow
 * `/_ping`, an engine that never answers, a connection dropped mid-stream. It records every request and every
 * connection, so a test can prove that nothing was sent or that the client hung up.
 *
 * `/_ping` answers `OK` with `Api-Version: 1.41` (after `pingDelayMs`); any other request goes to `handler`, or,
 * without one, is never answered.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { DockerClient } from '../../src/index';

export interface FakeEngine {
  /** `tcp://127.0.0.1:PORT`, for `new DockerClient({ host })`. */
  host: string;
  /** `127.0.0.1:PORT`. */
  target: string;
  /** `METHOD path?query` of every request, in arrival order (`/_ping` included). */
  requests: string[];
  /** Every connection the server accepted. */
  sockets: Socket[];
  /** Connections open right now. */
  openSockets(): number;
  /** Resolves when every accepted connection has been closed (by either side). */
  allClosed(): Promise<void>;
  close(): Promise<void>;
}

export interface FakeEngineOptions {
  pingDelayMs?: number;
  /** Keep idle connections open forever (the server never closes them), so only the client can close them. */
  keepIdle?: boolean;
  handler?: (req: IncomingMessage, res: ServerResponse) => void;
}

export async function startFakeEngine(opts: FakeEngineOptions = {}): Promise<FakeEngine> {
  const requests: string[] = [];
  const sockets: Socket[] = [];
  const closed = new Set<Socket>();
  let waiters: (() => void)[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method} ${req.url}`);
    if (req.url === '/_ping') {
      setTimeout(() => {
        res.setHeader('Api-Version', '1.41');
        res.end('OK');
      }, opts.pingDelayMs ?? 0);
      return;
    }
    if (opts.handler) opts.handler(req, res);
    // else: never answered
  });
  if (opts.keepIdle) server.keepAliveTimeout = 0;
  server.on('connection', (socket: Socket) => {
    sockets.push(socket);
    socket.on('close', () => {
      closed.add(socket);
      if (closed.size === sockets.length) {
        for (const w of waiters.splice(0)) w();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: `tcp://127.0.0.1:${port}`,
    target: `127.0.0.1:${port}`,
    requests,
    sockets,
    openSockets: () => sockets.length - closed.size,
    allClosed: () =>
      closed.size === sockets.length
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            waiters = [...waiters, resolve];
          }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/**
 * Settles like `p`, or rejects with "<what> did not settle within <ms> ms". A hang detector, not a speed check:
 * the bound is far above anything a working client needs, and only keeps a hanging test from hanging jest.
 */
export function settlesWithin<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([p, hang]).finally(() => clearTimeout(timer));
}

/** The rejection of `p` (fails the test when it resolves). */
export async function rejectionOf(p: PromiseLike<unknown>): Promise<Error> {
  try {
    await p;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a rejection, but the call resolved');
}

/**
 * `client(opts)`: a client on the fake engine `current()` returns, with a fixed API version (so no `/_ping` is
 * sent unless a test wants one). After each test every such client is destroyed and the fake engine closed.
 */
export function fakeEngineClients(current: () => FakeEngine | undefined): (opts?: ConstructorParameters<typeof DockerClient>[0]) => DockerClient {
  const clients: DockerClient[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) await c.destroy();
    await current()?.close();
  });
  return (opts = {}) => {
    const c = new DockerClient({ host: current()!.host, apiVersion: '1.41', ...opts });
    clients.push(c);
    return c;
  };
}
