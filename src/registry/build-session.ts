/**
 * A BuildKit session: `POST /session` upgraded to `h2c`, after which the engine is the HTTP/2 client and calls
 * the gRPC services this client serves on that connection (auth-service.ts). A build names the session with
 * the `session` query parameter; BuildKit then asks it for registry credentials whenever it pulls.
 *
 * The request carries what BuildKit's Go client sends (buildkit session/session.go `Run`, docker/cli
 * build_buildkit.go): `X-Docker-Expose-Session-Uuid` (the ID the build names), `-Name`, `-Sharedkey`, and one
 * `X-Docker-Expose-Session-Grpc-Method` header per method served. The gRPC side (node:http2 and the generated
 * messages) is loaded only when a session is opened, and so is node:crypto.
 */
import type { UpgradeConnection } from '../transport/upgrade.js';
import type { CredentialsLookup } from './auth.js';

export interface BuildSessionOptions {
  /** Registry credentials, one registry at a time (see registry-lookup.ts). */
  credentials: CredentialsLookup;
  /** `X-Docker-Expose-Session-Name` (the CLI sends the context directory's base name). */
  name?: string;
  signal?: AbortSignal;
}

export interface BuildSession {
  /** The session ID, for the build's `session` query parameter. */
  readonly id: string;
  /** Settles when the engine or the client closed the session. */
  readonly closed: Promise<void>;
  /** Ends the session (idempotent; always settles). */
  close(): Promise<void>;
}

/** BuildKit's identity.NewID format: 25 characters of base 36. */
function newSessionId(): string {
  const bytes = process.getBuiltinModule('node:crypto').randomBytes(17);
  bytes[0] |= 0x80;
  return BigInt(`0x${bytes.toString('hex')}`).toString(36).padStart(25, '0').slice(-25);
}

/**
 * Opens a session on the engine of `connection`. Rejects with DockerApiError when the engine has no sessions
 * (Podman answers `POST /session` with 404), and with the connection's typed errors otherwise.
 */
export async function openBuildSession(connection: UpgradeConnection, options: BuildSessionOptions): Promise<BuildSession> {
  const [{ sessionMethods }, { serveGrpc }] = await Promise.all([import('./session-services.js'), import('../transport/grpc-server.js')]);
  const methods = sessionMethods(options.credentials);
  const id = newSessionId();
  const name = options.name ?? 'docker-engine-client';
  const headers = {
    'X-Docker-Expose-Session-Uuid': id,
    'X-Docker-Expose-Session-Name': name,
    // Keys BuildKit's file-sync cache for local directories; this client sends contexts as tar, so it only
    // has to be stable per name.
    'X-Docker-Expose-Session-Sharedkey': process.getBuiltinModule('node:crypto').createHash('sha256').update(`docker-engine-client:${name}`).digest('hex'),
    'X-Docker-Expose-Session-Grpc-Method': [...methods.keys()],
  };
  const { socket } = await connection.upgrade({ method: 'POST', path: '/session', protocol: 'h2c', headers, signal: options.signal });
  const served = serveGrpc(socket, methods);
  return { id, closed: served.closed, close: () => served.close() };
}
