/**
 * Where the engine is: parsing DOCKER_HOST-style addresses and the DOCKER_* environment into client options.
 * Pure functions (no I/O except reading TLS files named by DOCKER_CERT_PATH).
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DockerInputError } from '../core/errors.js';
import { readCertDir, type TlsOptions } from './tls.js';

export type { TlsOptions } from './tls.js';

export const DEFAULT_HOST = 'unix:///var/run/docker.sock';

export type Endpoint =
  | { kind: 'unix'; socketPath: string }
  /** `pathPrefix` (no trailing slash): the engine is served below a path, e.g. behind a proxy (`tcp://h:2375/docker`). */
  | { kind: 'tcp'; protocol: 'http:' | 'https:'; hostname: string; port: number; pathPrefix?: string }
  /** Reached through the system `ssh` running `docker system dial-stdio` on the remote (ssh.ts). */
  | { kind: 'ssh'; hostname: string; user?: string; port?: number; socketPath?: string };

/**
 * `unix:///path`, `tcp://host:port[/path-prefix]`, `http(s)://host:port[/path-prefix]`,
 * `ssh://[user@]host[:port][/socket-path]`. `tcp://` means https when TLS is configured (Docker CLI semantics).
 * Ports default to 2375 (http) and 2376 (https); an ssh port defaults to what ssh's own configuration says.
 */
export function parseHost(host: string, opts: { tls?: boolean; what?: string } = {}): Endpoint {
  const what = opts.what ?? 'host';
  const bad = (why: string) => new DockerInputError(`${what} ${JSON.stringify(host)} is not a valid Docker host: ${why}`);
  if (typeof host !== 'string' || host.trim() === '') throw bad('it is empty');
  const m = /^([a-z]+):\/\/(.*)$/i.exec(host.trim());
  if (!m) throw bad('expected unix:///path, tcp://host:port, http(s)://host:port or ssh://[user@]host[:port]');
  const scheme = m[1].toLowerCase();
  const rest = m[2];
  if (scheme === 'unix') {
    if (!rest.startsWith('/')) throw bad('a unix socket path must be absolute (unix:///path/to/docker.sock)');
    return { kind: 'unix', socketPath: rest };
  }
  if (scheme === 'ssh') return parseSshHost(host.trim(), bad);
  if (scheme === 'npipe' || scheme === 'fd') throw bad(`the ${scheme}:// scheme is not supported`);
  if (scheme !== 'tcp' && scheme !== 'http' && scheme !== 'https') throw bad(`unknown scheme ${scheme}://`);
  let url: URL;
  try {
    url = new URL(`http://${rest}`);
  } catch {
    throw bad('the address cannot be parsed');
  }
  if (!url.hostname) throw bad('the host name is missing');
  if (url.search || url.hash || url.username) throw bad('only host, port and a path prefix are allowed');
  const https = scheme === 'https' || (scheme === 'tcp' && !!opts.tls);
  const port = url.port ? Number(url.port) : https ? 2376 : 2375;
  // URL keeps the brackets of an IPv6 literal; undici wants them in the origin, so keep them.
  const ep: Endpoint = { kind: 'tcp', protocol: https ? 'https:' : 'http:', hostname: url.hostname, port };
  // The Go client keeps a base path and puts it in front of every request path (`/prefix/v1.41/…`).
  const prefix = url.pathname.replace(/\/+$/, '');
  return prefix ? { ...ep, pathPrefix: prefix } : ep;
}

/** `ssh://[user@]host[:port][/socket-path]`, with the docker CLI's rules (no password, no query). */
function parseSshHost(host: string, bad: (why: string) => DockerInputError): Endpoint {
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    throw bad('the address cannot be parsed');
  }
  if (!url.hostname) throw bad('the host name is missing');
  // Never echo the address: it would carry the password.
  if (url.password) throw new DockerInputError('an ssh:// Docker host must not carry a password (use ssh keys or the agent)');
  if (url.search || url.hash) throw bad('an ssh:// address takes no query or fragment');
  const ep: Endpoint = { kind: 'ssh', hostname: url.hostname };
  if (url.username) ep.user = decodeURIComponent(url.username);
  if (url.port) ep.port = Number(url.port);
  const path = decodeURIComponent(url.pathname);
  if (path && path !== '/') ep.socketPath = path;
  return ep;
}

/** API versions look like `1.41`. */
export function parseApiVersion(v: string, what = 'apiVersion'): string {
  const m = /^v?(\d+)\.(\d+)$/.exec(String(v).trim());
  if (!m) throw new DockerInputError(`${what} ${JSON.stringify(v)} is not an API version like "1.41"`);
  return `${Number(m[1])}.${Number(m[2])}`;
}

export interface EnvOptions {
  host: string;
  tls?: TlsOptions;
  apiVersion?: string;
}

/**
 * Docker CLI environment: DOCKER_HOST, DOCKER_TLS_VERIFY (any non-empty value turns TLS with verification on, as
 * in the CLI), DOCKER_CERT_PATH (default ~/.docker), DOCKER_API_VERSION. Errors name the variable.
 */
export function optionsFromEnv(env: Record<string, string | undefined>): EnvOptions {
  const host = env.DOCKER_HOST?.trim() || DEFAULT_HOST;
  const tlsOn = !!env.DOCKER_TLS_VERIFY;
  const out: EnvOptions = { host };
  parseHost(host, { tls: tlsOn, what: 'DOCKER_HOST' });
  if (tlsOn) {
    const certPath = env.DOCKER_CERT_PATH?.trim() || join(homedir(), '.docker');
    out.tls = { ...readCertDir(certPath, 'DOCKER_CERT_PATH'), verify: true };
  }
  if (env.DOCKER_API_VERSION?.trim()) out.apiVersion = parseApiVersion(env.DOCKER_API_VERSION, 'DOCKER_API_VERSION');
  return out;
}

/** The endpoint of a client's `host` / `socketPath` options (at most one of them; default DEFAULT_HOST). */
export function endpointOf(opts: { host?: string; socketPath?: string; tls?: TlsOptions }): Endpoint {
  if (opts.host !== undefined && opts.socketPath !== undefined) {
    throw new DockerInputError('DockerClient: pass either `host` or `socketPath`, not both');
  }
  const host = opts.socketPath !== undefined ? `unix://${opts.socketPath}` : (opts.host ?? DEFAULT_HOST);
  return parseHost(host, { tls: !!opts.tls });
}
