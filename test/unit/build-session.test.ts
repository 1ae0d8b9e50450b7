/**
 * The session's gRPC services, called the way BuildKit calls them (HTTP/2 client, gRPC framing, generated
 * messages) over a real unix socket. The engine-side proof is in test/buildkit.test.ts; this covers the answers
 * BuildKit cannot be made to ask for on demand (identity tokens, Docker Hub keys, a failing lookup, unknown methods).
 */
import { connect, type ClientHttp2Session } from 'node:http2';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, connect as netConnect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create, fromBinary, toBinary, type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import { Auth } from '../../generated/buildkit/github.com/moby/buildkit/session/auth/auth_pb';
import { Health, HealthCheckResponse_ServingStatus } from '../../generated/buildkit/grpc/health/v1/health_pb';
import { sessionMethods } from '../../src/registry/session-services';
import { serveGrpc, type GrpcConnection } from '../../src/transport/grpc-server';
import { sessionCredentials } from '../../src/registry/session-credentials';

interface Answer<O extends DescMessage> {
  status: string;
  message?: string;
  body?: MessageShape<O>;
}

describe('build session services over HTTP/2', () => {
  let dir: string;
  let server: Server;
  let served: GrpcConnection | undefined;
  let client: ClientHttp2Session;
  const asked: string[] = [];
  const lookup = sessionCredentials(
    {
      '127.0.0.1:5000': { username: 'alice', password: 'pw-a' },
      'https://ghcr.io': { identitytoken: 'tok-g' },
      'https://index.docker.io/v1/': { username: 'hub-user', password: 'pw-hub' },
    },
    async (host) => {
      asked.push(host);
      if (host === 'broken.example') throw new Error('helper docker-credential-x failed');
      return host === 'fallback.example:443' ? { username: 'bob', password: 'pw-b' } : undefined;
    },
  );

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'dec-session-'));
    const path = join(dir, 's.sock');
    server = createServer((socket: Socket) => {
      served = serveGrpc(socket, sessionMethods(lookup));
    });
    await new Promise<void>((r) => server.listen(path, r));
    client = connect('http://localhost', { createConnection: () => netConnect(path) });
  });

  afterAll(async () => {
    client.close();
    await served?.close();
    await new Promise((r) => server.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  async function call<I extends DescMessage, O extends DescMessage>(
    path: string,
    method: { input: I; output: O },
    request: MessageShape<I>,
  ): Promise<Answer<O>> {
    const message = Buffer.from(toBinary(method.input, request));
    const prefix = Buffer.alloc(5);
    prefix.writeUInt32BE(message.length, 1);
    const stream = client.request({ ':method': 'POST', ':path': path, 'content-type': 'application/grpc', te: 'trailers' });
    stream.end(Buffer.concat([prefix, message]));
    const chunks: Buffer[] = [];
    let headers: Record<string, unknown> = {};
    let trailers: Record<string, unknown> = {};
    stream.on('response', (h) => (headers = h));
    stream.on('trailers', (t) => (trailers = t));
    stream.on('data', (c: Buffer) => chunks.push(c));
    await new Promise((r) => stream.on('close', r));
    const status = String(trailers['grpc-status'] ?? headers['grpc-status']);
    const rawMessage = trailers['grpc-message'] ?? headers['grpc-message'];
    const body = Buffer.concat(chunks);
    return {
      status,
      message: rawMessage === undefined ? undefined : decodeURIComponent(String(rawMessage)),
      body: body.length ? fromBinary(method.output, body.subarray(5, 5 + body.readUInt32BE(1))) : undefined,
    };
  }

  const credentials = (host: string) => call('/moby.filesync.v1.Auth/Credentials', Auth.method.credentials, create(Auth.method.credentials.input, { Host: host }));

  it('answers the health probe SERVING', async () => {
    const a = await call('/grpc.health.v1.Health/Check', Health.method.check, create(Health.method.check.input, {}));
    expect(a.status).toBe('0');
    expect(a.body?.status).toBe(HealthCheckResponse_ServingStatus.SERVING);
  });

  it('gives each registry host its own credentials', async () => {
    expect((await credentials('127.0.0.1:5000')).body).toMatchObject({ Username: 'alice', Secret: 'pw-a' });
    // An identity token is the secret, with no username (as the docker CLI's provider answers).
    expect((await credentials('ghcr.io')).body).toMatchObject({ Username: '', Secret: 'tok-g' });
    // BuildKit asks for Docker Hub by its registry host.
    expect((await credentials('registry-1.docker.io')).body).toMatchObject({ Username: 'hub-user', Secret: 'pw-hub' });
    // Not in registryConfig: the lookup function is asked; nothing there → an empty answer (anonymous).
    expect((await credentials('fallback.example:443')).body).toMatchObject({ Username: 'bob', Secret: 'pw-b' });
    const none = await credentials('127.0.0.1:5001');
    expect(none.status).toBe('0');
    expect(none.body).toMatchObject({ Username: '', Secret: '' });
    expect(asked).toEqual(['fallback.example:443', '127.0.0.1:5001']);
  });

  it('a failing lookup answers UNKNOWN with its message', async () => {
    const a = await credentials('broken.example');
    expect(a).toMatchObject({ status: '2', message: 'helper docker-credential-x failed' });
  });

  it('declines client-side tokens like the CLI with BUILDKIT_NO_CLIENT_TOKEN; unknown methods are UNIMPLEMENTED', async () => {
    const authority = await call('/moby.filesync.v1.Auth/GetTokenAuthority', Auth.method.getTokenAuthority, create(Auth.method.getTokenAuthority.input, { Host: 'ghcr.io' }));
    expect(authority).toMatchObject({ status: '14', message: 'client side tokens disabled' });
    const token = await call('/moby.filesync.v1.Auth/FetchToken', Auth.method.fetchToken, create(Auth.method.fetchToken.input, { Host: 'ghcr.io' }));
    expect(token.status).toBe('12');
    const watch = await call('/grpc.health.v1.Health/Watch', Health.method.watch, create(Health.method.watch.input, {}));
    expect(watch).toMatchObject({ status: '12', message: 'unknown method /grpc.health.v1.Health/Watch' });
  });

  it('advertises exactly the methods it serves', () => {
    expect([...sessionMethods(lookup).keys()].sort()).toEqual([
      '/grpc.health.v1.Health/Check',
      '/moby.filesync.v1.Auth/Credentials',
      '/moby.filesync.v1.Auth/FetchToken',
      '/moby.filesync.v1.Auth/GetTokenAuthority',
      '/moby.filesync.v1.Auth/VerifyTokenAuthority',
    ]);
  });
});
