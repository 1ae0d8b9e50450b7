/**
 * The two conveniences testcontainers-style code lives on:
 *  - `containers.exec(id, cmd)`: exec create + start (upgraded) + feed stdin + collect + inspect → exit code;
 *  - `containers.run(config)`: create + attach + start + feed stdin + collect + wait (+ remove unless `keep`).
 * Output is collected per stream into Buffers (with a TTY everything is `stdout`).
 */
import type { Writable } from 'node:stream';
import { DockerInputError, DockerProtocolError } from '../core/errors.js';
import { checkOptions, type Kind } from '../core/check-options.js';
import { checkObject, kindOf } from '../core/input.js';
import type { CallOptions } from '../core/spec.js';
import { drainedOrClosed } from '../core/drained.js';
import type { Exec } from '../exec/exec.js';
import type { CollectedOutput } from '../streams/frames.js';
import type { DuplexSession } from '../streams/session.js';
import type * as O from './options.js';

/** What run() needs of docker.containers (an interface, so that containers.ts and this module do not import each other). */
export interface ContainerOps {
  create(config: O.ContainerCreateConfig, opts: O.ContainerCreateOptions): Promise<O.ContainerCreateResult>;
  attach(id: string, opts: O.ContainerAttachOptions): Promise<DuplexSession>;
  start(id: string, opts: CallOptions): Promise<void>;
  wait(id: string, opts: O.ContainerWaitOptions): Promise<O.ContainerWaitResult>;
  remove(id: string, opts: O.ContainerRemoveOptions): Promise<void>;
}

/** Input for the process: text (UTF-8), bytes, or a stream / async iterable of bytes. Ended (EOF) after the last byte. */
export type StdinSource = string | Uint8Array | AsyncIterable<Uint8Array | string> | NodeJS.ReadableStream;

/** A StdinSource's kinds (checkStdin, run first, tells which objects). */
const STDIN: readonly Kind[] = ['string', 'object'];

export interface ExecRunOptions extends CallOptions {
  stdin?: StdinSource;
  /** `KEY=value` entries added to the container's environment. */
  env?: string[];
  workingDir?: string;
  /** `user`, `user:group`, `uid` or `uid:gid`. */
  user?: string;
  /** Run in a TTY: output is raw terminal bytes, all in `stdout`. */
  tty?: boolean;
  privileged?: boolean;
}

export interface ExecRunResult extends CollectedOutput {
  exitCode: number;
}

export interface RunOptions extends Pick<O.ContainerCreateOptions, 'name' | 'platform'>, CallOptions {
  stdin?: StdinSource;
  /** Keep the container after it exited (default: remove it). */
  keep?: boolean;
}

export interface RunResult extends CollectedOutput {
  id: string;
  exitCode: number;
}

export async function execIn(execs: Exec, id: string, cmd: string[], opts: ExecRunOptions): Promise<ExecRunResult> {
  checkObject(opts, 'containers.exec: options');
  if (!Array.isArray(cmd) || cmd.length === 0 || !cmd.every((c) => typeof c === 'string')) {
    throw new DockerInputError(`containers.exec: cmd must be a non-empty array of strings, got ${kindOf(cmd)}`);
  }
  const { signal, stdin, env, workingDir, user, tty = false, privileged } = opts;
  checkStdin('containers.exec', stdin);
  checkOptions('containers.exec', undefined, opts, {
    declared: { stdin: STDIN, env: 'string[]', workingDir: 'string', user: 'string', tty: 'boolean', privileged: 'boolean' },
  });
  const { Id } = await execs.create(
    id,
    { Cmd: cmd, AttachStdin: stdin !== undefined, AttachStdout: true, AttachStderr: true, Tty: tty, Env: env, WorkingDir: workingDir, User: user, Privileged: privileged },
    { signal },
  );
  const session = await execs.start(Id, { tty, signal });
  const output = await collectWhileFeeding(session, stdin);
  return { exitCode: await exitCodeOf(execs, Id, signal), ...output };
}

export async function runContainer(containers: ContainerOps, config: O.ContainerCreateConfig, opts: RunOptions): Promise<RunResult> {
  checkObject(opts, 'containers.run: options');
  const { signal, stdin, keep = false, name, platform } = opts;
  checkStdin('containers.run', stdin);
  checkOptions('containers.run', 'ContainerCreate', opts, { declared: { stdin: STDIN, keep: 'boolean', platform: ['string', 'object'] } });
  const withStdin = stdin !== undefined ? { AttachStdin: true, OpenStdin: true, StdinOnce: true } : {};
  const { Id: id } = await containers.create({ ...config, AttachStdout: true, AttachStderr: true, ...withStdin }, { name, platform, signal });
  let result: RunResult;
  try {
    // Attached before start, so no output is missed and a StdinOnce stdin is this session's.
    const session = await containers.attach(id, { stdin: stdin !== undefined, tty: config?.Tty === true, signal });
    try {
      await containers.start(id, { signal });
    } catch (err) {
      await session.close();
      throw err;
    }
    const output = await collectWhileFeeding(session, stdin);
    const { StatusCode } = await containers.wait(id, { signal });
    result = { id, exitCode: StatusCode, ...output };
  } catch (err) {
    if (!keep) await containers.remove(id, { force: true }).catch(() => {});
    throw err;
  }
  if (!keep) await containers.remove(id, { force: true });
  return result;
}

/**
 * Reads the session to its end while writing `stdin` into it. A process may exit before reading all its input;
 * Podman then resets the connection (unread input in its socket), so a reset while input is still being written
 * ends the output there (the exit code, from the engine, tells how the process ended) instead of failing.
 */
async function collectWhileFeeding(session: DuplexSession, stdin: StdinSource | undefined): Promise<CollectedOutput> {
  let feedingDone = stdin === undefined;
  const feeding = stdin === undefined ? Promise.resolve() : feed(session.stdin, stdin).finally(() => (feedingDone = true));
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const reading = (async () => {
    try {
      for await (const frame of session) (frame.stream === 'stderr' ? err : out).push(frame.data);
    } catch (error) {
      if (feedingDone || !isReset(error)) throw error;
    }
  })();
  try {
    // Once the output is over the connection goes, which also ends any feeding still waiting to write.
    await Promise.all([reading.finally(() => session.close()), feeding]);
    return { stdout: Buffer.concat(out), stderr: Buffer.concat(err) };
  } finally {
    await session.close();
  }
}

function isReset(error: unknown): boolean {
  const code = ((error as { cause?: { code?: unknown } })?.cause?.code ?? (error as { code?: unknown })?.code) as string | undefined;
  return code === 'ECONNRESET' || code === 'EPIPE';
}

function checkStdin(method: string, stdin: unknown): void {
  if (stdin === undefined || typeof stdin === 'string' || stdin instanceof Uint8Array) return;
  if (stdin !== null && typeof stdin === 'object' && typeof (stdin as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') return;
  throw new DockerInputError(`${method}: option "stdin" must be a string, bytes, or a stream / async iterable of bytes, got ${kindOf(stdin, 'class')}`);
}

/**
 * Write every chunk of `source` into `stdin` (with backpressure), then end it (EOF). Errors of the source reject;
 * a stdin that closes early (the process exited without reading everything) just stops the feeding.
 */
async function feed(stdin: Writable, source: StdinSource): Promise<void> {
  const chunks: AsyncIterable<Uint8Array | string> | Array<Uint8Array | string> =
    typeof source === 'string' || source instanceof Uint8Array ? [source] : (source as AsyncIterable<Uint8Array | string>);
  for await (const chunk of chunks) {
    if (stdin.destroyed || stdin.writableEnded) return;
    if (!stdin.write(chunk)) await drainedOrClosed(stdin);
  }
  if (!stdin.destroyed && !stdin.writableEnded) stdin.end();
}

/**
 * The exec's exit code. The output ends when the process's streams close, which dockerd reports slightly before it
 * records the exit, so the inspect is repeated (with growing pauses, about 10 s at most) until it has one.
 */
async function exitCodeOf(execs: Exec, execId: string, signal?: AbortSignal): Promise<number> {
  for (let attempt = 0; attempt < 40; attempt++) {
    const info = await execs.inspect(execId, { signal });
    if (!info.Running && typeof info.ExitCode === 'number') return info.ExitCode;
    await new Promise((r) => setTimeout(r, Math.min(5 * 2 ** attempt, 500)));
  }
  throw new DockerProtocolError(`containers.exec: exec ${execId} still reports no exit code after its output ended`);
}
