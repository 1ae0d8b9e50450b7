/**
 * Connection upgrade edge cases a real engine cannot produce on demand: a 101 whose first output bytes arrive in
 * the same packet as its headers, an engine that answers 2xx instead of upgrading, and one that never answers.
 * The "engine" is a loopback server speaking just enough HTTP/1.1; test/upgrade.test.ts covers dockerd and Podman.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DockerAbortError, DockerProtocolError, DockerTimeoutError } from '../../src/index';
import { linkedClient, type LinkedClient } from '../helpers/upgrade-link';
import { collectFrames } from '../../src/streams/frames';
import { DuplexSession } from '../../src/streams/session';

function frame(type: number, text: string): Buffer {
  const h = Buffer.alloc(8);
  h[0] = type;
  h.writeUInt32BE(Buffer.byteLength(text), 4);
  return Buffer.concat([h, Buffer.from(text)]);
}

let dir: string;
let server: Server;
let socketPath: string;
/** What the fake engine does with the request head it received. */
let respond: (socket: Socket, head: string) => void;
const sockets = new Set<Socket>();

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'dec-upgrade-unit-'));
  socketPath = join(dir, 'engine.sock');
  server = createServer({ allowHalfOpen: true }, (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    let head = '';
    const onData = (chunk: Buffer): void => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      respond(socket, head);
    };
    socket.on('data', onData);
  });
  await new Promise<void>((r) => server.listen(socketPath, r));
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

function client(timeout?: number): LinkedClient {
  return linkedClient({ socketPath, apiVersion: '1.41', timeout });
}

test('output that arrives in the same packet as the 101 is the first thing read', async () => {
  let requestHead = '';
  respond = (socket, head) => {
    requestHead = head;
    socket.write(
      Buffer.concat([
        Buffer.from('HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n'),
        frame(1, 'early out\n'),
        frame(2, 'early err\n'),
      ]),
    );
    // Echo what the client writes as stdout frames; end when it half-closes.
    socket.on('data', (chunk: Buffer) => socket.write(frame(1, chunk.toString())));
    socket.on('end', () => socket.end());
  };
  const docker = client();
  try {
    const { socket } = await docker.transport.upgrade({ method: 'POST', path: '/exec/abc/start', body: '{"Detach":false,"Tty":false}' });
    const session = new DuplexSession(socket, { mode: 'multiplexed', operation: 'exec' });
    session.stdin.end('typed\n');
    const out = await collectFrames(session);
    expect(out.stdout.toString()).toBe('early out\ntyped\n');
    expect(out.stderr.toString()).toBe('early err\n');
    expect(requestHead).toMatch(/^POST \/v1\.41\/exec\/abc\/start HTTP\/1\.1\r\n/);
    expect(requestHead.toLowerCase()).toContain('connection: upgrade\r\n');
    expect(requestHead.toLowerCase()).toContain('upgrade: tcp\r\n');
    expect(requestHead.toLowerCase()).toContain('content-type: application/json\r\n');
  } finally {
    await docker.close();
  }
});

test('an engine that answers 200 instead of upgrading is a protocol error (no stdin could be sent)', async () => {
  respond = (socket) => socket.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi');
  const docker = client();
  try {
    const err = await docker.transport.upgrade({ method: 'POST', path: '/containers/x/attach' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DockerProtocolError);
    expect((err as Error).message).toBe('POST /v1.41/containers/x/attach: the engine answered 200 instead of upgrading the connection');
  } finally {
    await docker.close();
  }
});

test('an error answer without a JSON body carries the body text', async () => {
  respond = (socket) => socket.end('HTTP/1.1 500 Internal Server Error\r\nContent-Length: 9\r\n\r\nit broke\n');
  const docker = client();
  try {
    await expect(docker.transport.upgrade({ method: 'POST', path: '/containers/x/attach' })).rejects.toThrow('POST /v1.41/containers/x/attach → 500: it broke');
  } finally {
    await docker.close();
  }
});

test('the client timeout bounds the wait for the 101; the signal aborts that wait', async () => {
  respond = () => {}; // never answers
  const docker = client(300);
  try {
    await expect(docker.transport.upgrade({ method: 'POST', path: '/containers/x/attach' })).rejects.toBeInstanceOf(DockerTimeoutError);
    const controller = new AbortController();
    const pending = docker.transport.upgrade({ method: 'POST', path: '/containers/x/attach', signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(DockerAbortError);
  } finally {
    await docker.close();
  }
});
