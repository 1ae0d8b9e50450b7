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
  | { kind: 'tcp'; protocol: 'http:' | 'https:'; hostname: string; port: number };

/**
 * `unix:///path`, `tcp://host:port`, `http://host:port`, `https://host:port`. `tcp://` means https when TLS is
 * configured (Docker CLI semantics). Ports default to 2375 (http) and 2376 (https).
 */
export function parseHost(host: string, opts: { tls?: boolean; what?: string } = {}): Endpoint {
  const what = opts.what ?? 'host';
  const bad = (why: string) => new DockerInputError(`${what} ${JSON.stringify(host)} is not a valid Docker host: ${why}`);
  if (typeof host !== 'string' || host.trim() === '') throw bad('it is empty');
  const m = /^([a-z]+):\/\/(.*)$/i.exec(host.trim());
  if (!m) throw bad('expected unix:///path, tcp://host:port, http://host:port or https://host:port');
  const scheme = m[1].toLowerCase();
  const rest = m[2];
  if (scheme === 'unix') {
    if (!rest.startsWith('/')) throw bad('a unix socket path must be absolute (unix:///path/to/docker.sock)');
    return { kind: 'unix', socketPath: rest };
  }
  if (scheme === 'npipe' || scheme === 'ssh' || scheme === 'fd') throw bad(`the ${scheme}:// scheme is not supported`);
  if (scheme !== 'tcp' && scheme !== 'http' && scheme !== 'https') throw bad(`unknown scheme ${scheme}://`);
  let url: URL;
  try {
    url = new URL(`http://${rest}`);
  } catch {
    throw bad('the address cannot be parsed');
  }
  if (!url.hostname) throw bad('the host name is missing');
  if (url.pathname !== '/' && url.pathname !== '') throw bad('a path after host:port is not supported');
  const https = scheme === 'https' || (scheme === 'tcp' && !!opts.tls);
  const port = url.port ? Number(url.port) : https ? 2376 : 2375;
  // URL keeps the brackets of an IPv6 literal; undici wants them in the origin, so keep them.
  return { kind: 'tcp', protocol: https ? 'https:' : 'http:', hostname: url.hostname, port };
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
