/**
 * The connection upgrade of attach and exec start (src/transport/upgrade.ts) and the duplex session over it
 * (src/streams/session.ts), against the real engines: over the unix socket of dockerd and Podman, and over TCP
 * and TLS through a loopback relay in front of dockerd's socket (the rig's dockerd listens on a unix socket only;
 * the relay copies bytes both ways, half-closes included, so the engine on the other side is the real one).
 * Containers are created with raw typed calls (`docker.api`); they run with network `none`.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, connect, type Server, type Socket, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { DockerAbortError, DockerApiError, DockerConnectionError } from '../src/index';
import { collectFrames, type Frame } from '../src/streams/frames';
import { DuplexSession } from '../src/streams/session';
import { endpointOf, parseApiVersion } from '../src/transport/endpoint';
import { Transport } from '../src/transport/transport';
import { baseImage, engineSocketPath } from './helpers/env';
import { engines, type Engine } from './helpers/engines';
import { linkedClient, type LinkedClient } from './helpers/upgrade-link';

const ATTACH_QUERY = '?stream=1&stdin=1&stdout=1&stderr=1';

async function createContainer(docker: LinkedClient, cmd: string[], extra: { Tty?: boolean; StdinOnce?: boolean } = {}): Promise<string> {
  const { data, error } = await docker.api.POST('/containers/create', {
    body: {
      Image: baseImage(),
      Cmd: cmd,
      OpenStdin: true,
      StdinOnce: true,
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      ...extra,
      HostConfig: { NetworkMode: 'none' },
    },
  });
  if (!data) throw new Error(`create failed: ${JSON.stringify(error)}`);
  return data.Id;
}

async function start(docker: LinkedClient, id: string): Promise<void> {
  const { response, error } = await docker.api.POST('/containers/{id}/start', { params: { path: { id } } });
  if (response.status >= 300) throw new Error(`start failed: ${JSON.stringify(error)}`);
}

async function waitExit(docker: LinkedClient, id: string): Promise<number> {
  const { data } = await docker.api.POST('/containers/{id}/wait', { params: { path: { id } } });
  return data!.StatusCode;
}

async function remove(docker: LinkedClient, id: string): Promise<void> {
  await docker.api.DELETE('/containers/{id}', { params: { path: { id }, query: { force: true } } });
}

async function attach(docker: LinkedClient, id: string, opts: { tty?: boolean; signal?: AbortSignal } = {}): Promise<DuplexSession> {
  const { socket } = await docker.transport.upgrade({ method: 'POST', path: `/containers/${id}/attach${ATTACH_QUERY}`, signal: opts.signal });
  return new DuplexSession(socket, {
    mode: opts.tty ? 'raw' : 'multiplexed',
    operation: 'attach',
    signal: opts.signal,
    mapError: (err) => docker.transport.mapError(err, opts.signal),
  });
}

/** The attach test: `cat` with OpenStdin/StdinOnce; write, end stdin → exactly the input back, exit 0. */
async function catRoundTrip(docker: LinkedClient): Promise<{ frames: Frame[]; exitCode: number }> {
  const id = await createContainer(docker, ['cat']);
  try {
    // Attach before start: a StdinOnce container's stdin is the first attached session's.
    const session = await attach(docker, id);
    await start(docker, id);
    session.stdin.end('hello\n');
    const frames: Frame[] = [];
    for await (const frame of session) frames.push(frame);
    await session.closed;
    return { frames, exitCode: await waitExit(docker, id) };
  } finally {
    await remove(docker, id);
  }
}

describe.each(engines())('upgrade over the unix socket: $name', (engine: Engine) => {
  let docker: LinkedClient;
  beforeAll(() => {
    docker = linkedClient({ host: engine.host });
  });
  afterAll(() => docker.close());

  test('attach to a cat container, write hello, end stdin → hello back on stdout, exit 0', async () => {
    const { frames, exitCode } = await catRoundTrip(docker);
    expect(frames).toEqual([{ stream: 'stdout', data: Buffer.from('hello\n') }]);
    expect(exitCode).toBe(0);
  });

  test('the 101 answer names the stream kind', async () => {
    const id = await createContainer(docker, ['cat']);
    try {
      const { socket, headers } = await docker.transport.upgrade({ method: 'POST', path: `/containers/${id}/attach${ATTACH_QUERY}` });
      socket.destroy();
      // Both engines here say raw-stream even for a multiplexed (non-TTY) body; API ≥ 1.42 dockerd says
      // multiplexed-stream. This is why the mode comes from the container's Tty, not from the header.
      expect(headers['content-type']).toBe('application/vnd.docker.raw-stream');
      expect(headers.upgrade).toBe('tcp');
    } finally {
      await remove(docker, id);
    }
  });

  test('a TTY container gives raw output, as stdout', async () => {
    const id = await createContainer(docker, ['sh', '-c', 'read line; echo "got $line"; echo to-stderr >&2'], { Tty: true });
    try {
      const session = await attach(docker, id, { tty: true });
      await start(docker, id);
      session.stdin.write('x\n');
      const { stdout, stderr } = await collectFrames(session);
      // The terminal echoes the input and turns \n into \r\n; stderr is the same terminal.
      expect(stdout.toString()).toBe('x\r\ngot x\r\nto-stderr\r\n');
      expect(stderr.length).toBe(0);
    } finally {
      await remove(docker, id);
    }
  });

  test('exec start with stdin: 1 MiB of random bytes through cat come back identical; stdin half-closes', async () => {
    const id = await createContainer(docker, ['sleep', '300']);
    try {
      await start(docker, id);
      const { data } = await docker.api.POST('/containers/{id}/exec', {
        params: { path: { id } },
        body: { Cmd: ['cat'], AttachStdin: true, AttachStdout: true, AttachStderr: true },
      });
      const execId = data!.Id;
      const { socket } = await docker.transport.upgrade({ method: 'POST', path: `/exec/${execId}/start`, body: JSON.stringify({ Detach: false, Tty: false }) });
      const session = new DuplexSession(socket, { mode: 'multiplexed', operation: 'exec' });
      const input = randomBytes(1024 * 1024);
      // Written in pieces while the output is read: cat echoes as it reads, so both directions flow at once.
      const writing = (async () => {
        for (let i = 0; i < input.length; i += 100_000) {
          if (!session.stdin.write(input.subarray(i, i + 100_000))) await new Promise((r) => session.stdin.once('drain', r));
        }
        session.stdin.end();
      })();
      const { stdout, stderr } = await collectFrames(session);
      await writing;
      expect(stderr.length).toBe(0);
      expect(stdout.length).toBe(input.length);
      expect(stdout.equals(input)).toBe(true);
      const inspect = await docker.api.GET('/exec/{id}/json', { params: { path: { id: execId } } });
      expect(inspect.data?.ExitCode).toBe(0);
    } finally {
      await remove(docker, id);
    }
  });

  test('no such container → DockerApiError 404 with the daemon message', async () => {
    const err = await docker.transport.upgrade({ method: 'POST', path: `/containers/dec-no-such-container/attach${ATTACH_QUERY}` }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DockerApiError);
    expect((err as DockerApiError).status).toBe(404);
    expect((err as DockerApiError).path).toMatch(/^\/v1\.\d+\/containers\/dec-no-such-container\/attach$/);
    engine.differs(
      'podman',
      'Podman words the message its own way',
      () => expect((err as DockerApiError).daemonMessage).toBe('no container with name or ID "dec-no-such-container" found: no such container'),
      () => expect((err as DockerApiError).daemonMessage).toBe('No such container: dec-no-such-container'),
    );
  });

  test('attach to a paused container → DockerApiError with the daemon message (409 on dockerd)', async () => {
    const id = await createContainer(docker, ['sleep', '300']);
    try {
      await start(docker, id);
      await docker.api.POST('/containers/{id}/pause', { params: { path: { id } } });
      const err = await docker.transport.upgrade({ method: 'POST', path: `/containers/${id}/attach${ATTACH_QUERY}` }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DockerApiError);
      engine.differs(
        'podman',
        'Podman answers 500 "container state improper" where dockerd answers 409',
        () => {
          expect((err as DockerApiError).status).toBe(500);
          expect((err as DockerApiError).daemonMessage).toBe('can only attach to created or running containers - currently in state paused: container state improper');
        },
        () => {
          expect((err as DockerApiError).status).toBe(409);
          expect((err as DockerApiError).daemonMessage).toBe(`container ${id} is paused, unpause the container before attach`);
        },
      );
    } finally {
      await remove(docker, id);
    }
  });

  test('an aborted signal refuses before anything is sent; aborting a live session ends its output with DockerAbortError and closes it', async () => {
    const refused = await docker.transport
      .upgrade({ method: 'POST', path: `/containers/x/attach${ATTACH_QUERY}`, signal: AbortSignal.abort() })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(DockerAbortError);

    // Not StdinOnce: on dockerd the container then outlives the session.
    const id = await createContainer(docker, ['cat'], { StdinOnce: false });
    try {
      const controller = new AbortController();
      const session = await attach(docker, id, { signal: controller.signal });
      await start(docker, id);
      session.stdin.write('one\n');
      const seen: string[] = [];
      const err = await (async () => {
        for await (const frame of session) {
          seen.push(frame.data.toString());
          controller.abort(new Error('enough'));
        }
      })().catch((e: unknown) => e);
      expect(seen).toEqual(['one\n']);
      expect(err).toBeInstanceOf(DockerAbortError);
      await session.closed;
      await engine.differs(
        'podman',
        "Podman closes the container's stdin when the attach connection goes, StdinOnce or not: cat sees EOF and exits 0",
        async () => expect(await waitExit(docker, id)).toBe(0),
        async () => {
          // Aborting the session is not stopping the container.
          const inspect = await docker.api.GET('/containers/{id}/json', { params: { path: { id } } });
          expect(inspect.data?.State?.Running).toBe(true);
        },
      );
    } finally {
      await remove(docker, id);
    }
  });

  test('close() ends a session nobody reads, and settles again when called twice', async () => {
    const id = await createContainer(docker, ['cat']);
    try {
      const session = await attach(docker, id);
      await start(docker, id);
      session.stdin.write('unread\n');
      await session.close();
      await session.close();
      const err = await (async () => {
        for await (const frame of session) void frame;
      })().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(DockerAbortError);
      expect((err as Error).message).toBe('attach: the session was closed');
    } finally {
      await remove(docker, id);
    }
  });

  test('destroy() while an upgrade is still learning its path: the connection it opens after is ended, the upgrade fails (closed)', async () => {
    const id = await createContainer(docker, ['cat']);
    // A pinned version: the upgrade learns its path in a microtask, so destroy() lands after the upgrade began and
    // before its connection opens (download-lane.ts `destroyedWith`). Without that step the attach gets its 101.
    const transport = new Transport({ endpoint: endpointOf({ host: engine.host }), apiVersion: parseApiVersion('1.41'), userAgent: 'dec-test' });
    try {
      const upgrade = transport.upgrade({ method: 'POST', path: `/containers/${id}/attach${ATTACH_QUERY}` });
      const destroyed = transport.destroy();
      const err = await upgrade.then(
        (up) => (up.socket.destroy(), undefined),
        (e: unknown) => transport.mapError(e),
      );
      expect(err).toBeInstanceOf(DockerConnectionError);
      expect((err as DockerConnectionError).failure).toBe('closed');
      await destroyed;
    } finally {
      await remove(docker, id);
    }
  });

  test('a client timeout bounds the wait for the 101 only: an idle session outlives it', async () => {
    // Only the attach goes through the impatient client (a busy machine may take longer than that to create).
    const impatient = linkedClient({ host: engine.host, timeout: 1000 });
    const id = await createContainer(docker, ['cat']);
    try {
      const session = await attach(impatient, id);
      await start(docker, id);
      await new Promise((r) => setTimeout(r, 2000));
      session.stdin.end('late\n');
      const { stdout } = await collectFrames(session);
      expect(stdout.toString()).toBe('late\n');
    } finally {
      await remove(docker, id);
      await impatient.close();
    }
  });
});

/** A loopback TCP or TLS listener that relays each connection to dockerd's unix socket, half-closes included. */
function relay(tlsMaterial?: { key: Buffer; cert: Buffer }): Promise<{ server: Server; port: number }> {
  const onConnection = (client: Socket): void => {
    const upstream = connect({ path: engineSocketPath(), allowHalfOpen: true });
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  };
  const server = tlsMaterial
    ? createTlsServer({ ...tlsMaterial, allowHalfOpen: true }, onConnection)
    : createServer({ allowHalfOpen: true }, onConnection);
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as AddressInfo).port })));
}

describe('upgrade over TCP and TLS (relayed to dockerd)', () => {
  let dir: string;
  let ca: Buffer;
  let tcp: { server: Server; port: number };
  let tlsRelay: { server: Server; port: number };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dec-upgrade-tls-'));
    // A throwaway CA and a server certificate for 127.0.0.1 (openssl ships with the machine).
    const run = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    run('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=dec test CA', '-keyout', 'ca-key.pem', '-out', 'ca.pem');
    run('req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', 'key.pem', '-out', 'server.csr');
    execFileSync('sh', ['-c', 'printf "subjectAltName=IP:127.0.0.1" > ext.cnf'], { cwd: dir });
    run('x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-days', '1', '-extfile', 'ext.cnf', '-out', 'cert.pem');
    ca = readFileSync(join(dir, 'ca.pem'));
    tcp = await relay();
    tlsRelay = await relay({ key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')) });
  });

  afterAll(async () => {
    await Promise.all([tcp, tlsRelay].map((r) => r && new Promise((res) => r.server.close(res))));
    rmSync(dir, { recursive: true, force: true });
  });

  test.each([
    ['tcp://', () => ({ host: `tcp://127.0.0.1:${tcp.port}` })],
    ['TLS (certificate verified against our CA; half-close through TLS)', () => ({ host: `tcp://127.0.0.1:${tlsRelay.port}`, tls: { ca } })],
  ])('%s: the cat round trip', async (_name, options) => {
    const docker = linkedClient(options());
    try {
      const { frames, exitCode } = await catRoundTrip(docker);
      expect(frames).toEqual([{ stream: 'stdout', data: Buffer.from('hello\n') }]);
      expect(exitCode).toBe(0);
    } finally {
      await docker.close();
    }
  });
});
