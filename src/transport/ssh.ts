/**
 * `ssh://[user@]host[:port][/socket-path]` the way the docker CLI does it: spawn the system `ssh`
 *   ssh [options] -o ConnectTimeout=30 -T [-l user] [-p port] -- host docker [--host unix://path] system dial-stdio
 * and carry HTTP over its stdin/stdout, so ~/.ssh/config, the agent and known_hosts apply. One ssh process per
 * connection of the pool (as the CLI has one per connection).
 *
 * Lifetime: an idle connection does not keep Node running (undici unrefs idle sockets; the child and its pipes
 * follow); destroying the connection kills its ssh; `closeAll()` (the client's close) kills every child and waits
 * until each has exited; a process exit kills what is left, so no ssh outlives the client. When ssh fails (host
 * key refused, connection refused, no `docker` on the remote) the connection is destroyed with a
 * DockerConnectionError carrying ssh's last stderr line.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { Duplex } from 'node:stream';
import { DockerConnectionError } from '../core/errors.js';

export interface SshEndpoint {
  hostname: string;
  user?: string;
  port?: number;
  socketPath?: string;
}

export interface SshOptions {
  /** The ssh program (default `ssh`, found on PATH). */
  command?: string;
  /** Extra ssh arguments, put before the CLI's own (e.g. `['-F', file]`, `['-i', key]`, `['-o', 'BatchMode=yes']`). */
  options?: string[];
  /** Environment of the ssh process (default process.env; SSH_AUTH_SOCK reaches the agent). */
  env?: Record<string, string | undefined>;
}

/** How long a killed ssh gets to exit on SIGTERM before SIGKILL. */
const KILL_GRACE_MS = 2000;

/** `ssh://user@host:port` for messages. */
export function sshTarget(ep: SshEndpoint): string {
  const host = ep.hostname.includes(':') && !ep.hostname.startsWith('[') ? `[${ep.hostname}]` : ep.hostname;
  return `ssh://${ep.user ? `${ep.user}@` : ''}${host}${ep.port ? `:${ep.port}` : ''}`;
}

/** ssh's argument list (the CLI's connhelper), extra options first. */
export function sshArgs(ep: SshEndpoint, extra: readonly string[] = []): string[] {
  const args = [...extra, '-o', 'ConnectTimeout=30', '-T'];
  if (ep.user) args.push('-l', ep.user);
  if (ep.port) args.push('-p', String(ep.port));
  // URL keeps IPv6 brackets; ssh wants the bare address.
  args.push('--', ep.hostname.replace(/^\[(.*)\]$/, '$1'), 'docker');
  if (ep.socketPath) args.push('--host', `unix://${ep.socketPath}`);
  args.push('system', 'dial-stdio');
  return args;
}

/** Every live ssh child of this process: killed on exit, whatever the clients did. */
const live = new Set<ChildProcessWithoutNullStreams>();
let exitHook = false;
function track(child: ChildProcessWithoutNullStreams): void {
  live.add(child);
  child.once('exit', () => live.delete(child));
  if (!exitHook) {
    exitHook = true;
    process.once('exit', () => {
      for (const c of live) c.kill('SIGKILL');
    });
  }
}

/** One connection: ssh's stdout is what we read, its stdin what we write. */
class SshStream extends Duplex {
  private stopping = false;
  private stderr = '';

  constructor(
    readonly child: ChildProcessWithoutNullStreams,
    private readonly target: string,
  ) {
    super({ allowHalfOpen: true });
    child.stdout.on('data', (chunk: Buffer) => {
      if (!this.push(chunk)) child.stdout.pause();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      this.stderr = (this.stderr + chunk.toString('utf8')).slice(-8192);
    });
    child.stdin.on('error', () => {}); // EPIPE once ssh is gone; 'close' below says why
    child.on('error', () => {}); // a late failure (e.g. of kill) must not be an unhandled 'error' event
    child.on('close', (code, signal) => {
      if (this.destroyed) return;
      if (code === 0 || this.stopping) {
        // The remote ended the connection (after its stdout's data, which 'close' waits for).
        this.push(null);
        return;
      }
      const line = lastLine(this.stderr);
      const why = signal ? `ssh was killed by ${signal}` : `ssh exited with code ${code}`;
      this.destroy(new DockerConnectionError(this.target, line ? `${why}: ${line}` : why));
    });
  }

  override _read(): void {
    this.child.stdout.resume();
  }

  override _write(chunk: Buffer, encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    // A write failure (ssh gone) is reported by the 'close' handler with ssh's own words.
    this.child.stdin.write(chunk, encoding, () => callback());
  }

  override _final(callback: (error?: Error | null) => void): void {
    this.child.stdin.end(() => callback());
  }

  override _destroy(err: Error | null, callback: (error?: Error | null) => void): void {
    this.stopping = true;
    stopChild(this.child);
    callback(err);
  }

  /** undici unrefs idle connections: the child and its pipes must not keep Node running either. */
  ref(): this {
    for (const h of [this.child, this.child.stdin, this.child.stdout, this.child.stderr] as Array<{ ref?: () => void }>) h.ref?.();
    return this;
  }

  unref(): this {
    for (const h of [this.child, this.child.stdin, this.child.stdout, this.child.stderr] as Array<{ unref?: () => void }>) h.unref?.();
    return this;
  }
}

function lastLine(text: string): string {
  const lines = text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  return lines[lines.length - 1] ?? '';
}

/** SIGTERM, then SIGKILL when ssh is still there after the grace period. Resolves once it has exited. */
function stopChild(child: ChildProcessWithoutNullStreams): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
    timer.unref();
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.stdin.destroy();
    child.kill('SIGTERM');
  });
}

type ConnectCallback = (err: Error | null, socket: Duplex | null) => void;

export interface SshConnector {
  /** undici's `connect` option: a new ssh process per connection. */
  connect: (opts: unknown, callback: ConnectCallback) => void;
  /** Kill every ssh this connector started and wait until they have exited. */
  closeAll(): Promise<void>;
  /** `ssh://user@host:port`. */
  target: string;
}

export function sshConnector(ep: SshEndpoint, opts: SshOptions = {}): SshConnector {
  const target = sshTarget(ep);
  const mine = new Set<ChildProcessWithoutNullStreams>();
  const command = opts.command ?? 'ssh';
  const args = sshArgs(ep, opts.options ?? []);
  return {
    target,
    connect(_opts, done) {
      let called = false;
      const callback: ConnectCallback = (err, socket) => {
        if (called) return;
        called = true;
        done(err, socket);
      };
      let child: ChildProcessWithoutNullStreams;
      try {
        // node:child_process is loaded on the first ssh connection, not with the package (bench/README.md).
        child = process.getBuiltinModule('node:child_process').spawn(command, args, { env: (opts.env ?? process.env) as NodeJS.ProcessEnv, stdio: ['pipe', 'pipe', 'pipe'] });
      } catch (err) {
        callback(new DockerConnectionError(target, `cannot run ${command}: ${(err as Error).message}`, { cause: err }), null);
        return;
      }
      track(child);
      mine.add(child);
      child.once('exit', () => mine.delete(child));
      child.once('error', (err: NodeJS.ErrnoException) => {
        mine.delete(child);
        live.delete(child);
        const why = err.code === 'ENOENT' ? `${command} is not on PATH (ssh:// needs the OpenSSH client)` : `cannot run ${command}: ${err.message}`;
        callback(new DockerConnectionError(target, why, { cause: err }), null);
      });
      child.once('spawn', () => callback(null, new SshStream(child, target)));
    },
    async closeAll() {
      await Promise.all([...mine].map(stopChild));
    },
  };
}
