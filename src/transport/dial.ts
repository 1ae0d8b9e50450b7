/**
 * How the lanes reach an endpoint: the connect options undici's Pool dials with (pools.ts: a unix socket, TCP, TLS, or
 * one ssh process per connection), how the client's own connections are opened (`download`: the call pool's and the
 * downloads'), the origin request URLs are built on, and the target errors name. Changes when a
 * kind of endpoint or a connect option changes; transport.ts only sends over what this returns.
 */
import { connect as netConnect, isIP, type Socket } from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import undiciErrors from 'undici/lib/core/errors.js';
import type Pool from 'undici/lib/dispatcher/pool.js';
import type { Endpoint } from './endpoint.js';
import { CONNECT_TIMEOUT_MS } from './failures.js';
import { sshConnector, type SshOptions } from './ssh.js';
import { tlsConnectOptions, type TlsOptions } from './tls.js';

/** How to open a connection of the client's own to the endpoint (call-pool.ts, download.ts, upgrade-socket.ts). */
export interface DownloadDialer {
  /** The Host header. */
  host: string;
  /** A socket whose reads go to `onread` (net or tls); without it, a plain socket (a connection upgrade's). */
  connect(onread?: { buffer: Buffer; callback: (bytes: number, buf: Buffer) => boolean }): Socket;
  /** The event that says the connection is up ('connect', or 'secureConnect' for TLS). */
  readyEvent: 'connect' | 'secureConnect';
  /**
   * A unix socket: opening a connection is one syscall, so one-off requests (the negotiating `/_ping`, discovery's
   * probes) go on a download connection too, not on a pooled one (transport.ts says why).
   */
  local?: boolean;
}

/**
 * A connection of the client's own (call-connection.ts, download.ts, upgrade-socket.ts), failed through `onTimeout`
 * with undici's ConnectTimeoutError (as undici's Pool would fail it) unless it is up within CONNECT_TIMEOUT_MS. The
 * timer ends when the connection is up or closed.
 */
export function connectWithin(dialer: DownloadDialer, onTimeout: (err: Error) => void, onread?: Parameters<DownloadDialer['connect']>[0]): Socket {
  const socket = dialer.connect(onread);
  const timer = setTimeout(() => onTimeout(new undiciErrors.ConnectTimeoutError()), CONNECT_TIMEOUT_MS);
  const stop = (): void => {
    clearTimeout(timer);
    socket.off(dialer.readyEvent, stop).off('close', stop);
  };
  socket.once(dialer.readyEvent, stop).once('close', stop);
  return socket;
}

/** The origin openapi-fetch builds URLs on; for unix sockets the host name is never resolved. */
const UNIX_ORIGIN = 'http://localhost';

export interface Dial {
  /** `http://localhost` for unix sockets and ssh, else `http(s)://host:port`. */
  origin: string;
  /** Socket path, host:port or ssh://user@host, for error messages. */
  target: string;
  /** Put in front of every request path (`tcp://host:port/prefix`). */
  pathPrefix: string;
  connect: Pool.Options['connect'];
  /** Ends what the connector started (the ssh processes). */
  close?: () => Promise<void>;
  /** How the client's own connections are opened (call-pool.ts, download.ts); none for ssh, whose connections are processes. */
  download?: DownloadDialer;
}

export function dialEndpoint(ep: Endpoint, tls: TlsOptions | undefined, ssh: SshOptions | undefined): Dial {
  const connect = { timeout: CONNECT_TIMEOUT_MS };
  if (ep.kind === 'unix') {
    const path = ep.socketPath;
    const download: DownloadDialer = { host: 'localhost', readyEvent: 'connect', local: true, connect: (onread) => netConnect({ path, onread }) };
    return { origin: UNIX_ORIGIN, target: path, pathPrefix: '', connect: { ...connect, socketPath: path }, download };
  }
  if (ep.kind === 'ssh') {
    const connector = sshConnector(ep, ssh);
    return { origin: UNIX_ORIGIN, target: connector.target, pathPrefix: '', connect: connector.connect as Pool.Options['connect'], close: () => connector.closeAll() };
  }
  const host = ep.hostname.includes(':') && !ep.hostname.startsWith('[') ? `[${ep.hostname}]` : ep.hostname;
  const secure = ep.protocol === 'https:' ? tlsConnectOptions(tls) : undefined;
  const at = { host: ep.hostname.replace(/^\[|\]$/g, ''), port: ep.port };
  // TLS: the same material undici dials with; the server name (SNI, certificate check) is the host, as undici's.
  const download: DownloadDialer = secure
    ? {
        host: `${host}:${ep.port}`,
        readyEvent: 'secureConnect',
        // node:tls (and node:crypto with it) loads with the first TLS download, not with the package. Its connect
        // takes `onread` as net.connect does (since v14.x); its types do not say so.
        connect: (onread) => process.getBuiltinModule('node:tls').connect({ ...at, ...secure, servername: sniName(at.host), onread } as ConnectionOptions),
      }
    : { host: `${host}:${ep.port}`, readyEvent: 'connect', connect: (onread) => netConnect({ ...at, onread }) };
  return {
    origin: `${ep.protocol}//${host}:${ep.port}`,
    target: `${host}:${ep.port}`,
    pathPrefix: ep.pathPrefix ?? '',
    connect: secure ? { ...connect, ...secure } : connect,
    download,
  };
}

/** SNI takes a host name, never an address (RFC 6066 §3). */
function sniName(host: string): string | undefined {
  return isIP(host) ? undefined : host;
}
