/**
 * What a Transport (transport.ts) is made with, and the checks and defaults of the two numbers a caller may get wrong
 * (timeout, connection cap): a DockerInputError before anything is opened.
 */
import { DockerInputError } from '../core/errors.js';
import type { Endpoint } from './endpoint.js';
import type { SshOptions } from './ssh.js';
import type { TlsOptions } from './tls.js';

export interface TransportOptions {
  endpoint: Endpoint;
  tls?: TlsOptions;
  /** Fixed API version: skips negotiation. */
  apiVersion?: string;
  /** ms to wait for response headers, and at most between two body chunks; 0 = no limit. */
  timeout?: number;
  /** Most connections open at once (default DEFAULT_MAX_CONNECTIONS); further calls wait in a queue. */
  maxConnections?: number;
  userAgent: string;
  /** For ssh:// endpoints: the ssh program, extra arguments, environment. */
  ssh?: SshOptions;
  /** Appended to connection errors: how the endpoint was chosen (and what else could be tried). */
  hint?: string;
}

/**
 * Default connection cap. Without one, N concurrent calls open N sockets (and 2000 of them exhaust a 1024 file
 * descriptor limit). 128: with 64, 100 calls in flight ran at ~0.9× dockerode's uncapped agent (a call queued
 * behind a busy connection waits for its answer and the client's turn before the engine sees it); with 128 at
 * ~1.1× (bench/README.md, "Concurrency with the connection cap"). Two pools of 128 stay at a quarter of the
 * usual 1024 descriptors.
 */
export const DEFAULT_MAX_CONNECTIONS = 128;
/** How long close() lets calls in flight finish before it aborts them. */
export const CLOSE_GRACE_MS = 2_000;

/** `timeout` and `maxConnections` checked, with their defaults. */
export function checkedLimits(opts: TransportOptions): { timeout: number; maxConnections: number } {
  const timeout = opts.timeout;
  if (timeout !== undefined && !(Number.isFinite(timeout) && timeout >= 0)) {
    throw new DockerInputError(`DockerClient: timeout must be a number of milliseconds ≥ 0, got ${String(timeout)}`);
  }
  const max = opts.maxConnections ?? DEFAULT_MAX_CONNECTIONS;
  if (!(Number.isSafeInteger(max) && max >= 1)) {
    throw new DockerInputError(`DockerClient: maxConnections must be a whole number ≥ 1, got ${typeof max === 'string' ? JSON.stringify(max) : String(max)}`);
  }
  return { timeout: timeout ?? 0, maxConnections: max };
}
