/**
 * exec/ — `docker.exec`: processes run inside a running container. Changes when an exec endpoint changes.
 *
 * `start` without `detach` upgrades the connection (`Upgrade: tcp`, like the docker CLI) and resolves with a
 * DuplexSession: output frames to iterate, a `stdin` to write (its `end()` sends EOF), `close()`. Whether the
 * output is stdcopy-framed is decided by the `Tty` sent with start, which defaults to the exec's own setting
 * (looked up with an inspect), so the framing always matches what the engine writes.
 */
import { API_SINCE } from '../../generated/api-since.js';
import type { ApiContext } from '../api/context.js';
import type { operations } from '../../generated/docker-engine.js';
import { DockerInputError } from '../core/errors.js';
import { checkOptions } from '../core/check-options.js';
import { checkName, checkObject } from '../core/input.js';
import { gateBody } from '../core/since-body.js';
import type { CallOptions, Schemas } from '../core/spec.js';
import { openSession, type DuplexSession } from '../streams/session.js';

export type ExecCreateConfig = operations['ContainerExec']['requestBody']['content']['application/json'];
export type ExecCreateResult = Schemas['IDResponse'];
export type ExecInspect = operations['ExecInspect']['responses'][200]['content']['application/json'];

export interface ExecStartOptions extends CallOptions {
  /** Start and return at once; the output is not collected (default false). */
  detach?: boolean;
  /** Framing of the output; default: the exec's own `Tty` (an inspect). */
  tty?: boolean;
  /** Initial terminal size `[height, width]` for a TTY exec (API ≥ 1.42). */
  consoleSize?: [number, number];
}
export type ExecResizeOptions = { h: number; w: number } & CallOptions;

/** The exec-start JSON body (the spec's ExecStartConfig). */
type ExecStartBody = NonNullable<operations['ExecStart']['requestBody']>['content']['application/json'];

export class Exec {
  /** @internal resources are made by DockerClient. */
  constructor(private readonly ctx: ApiContext) {}

  /** `POST /containers/{id}/exec`: set up a process to run in a running container → its id. */
  async create(containerId: string, config: ExecCreateConfig, opts: CallOptions = {}): Promise<ExecCreateResult> {
    checkName('exec.create', 'containerId', containerId);
    checkObject(config, 'exec.create: config');
    if (config === undefined || !Array.isArray(config.Cmd) || config.Cmd.length === 0) {
      throw new DockerInputError('exec.create: config.Cmd must be a non-empty array of strings');
    }
    checkOptions('exec.create', 'ContainerExec', opts);
    gateBody(API_SINCE.ContainerExec.body, 'exec.create', await this.ctx.negotiate(opts.signal), config);
    return this.ctx.json(this.ctx.api.POST('/containers/{id}/exec', { params: { path: { id: containerId } }, body: config, signal: opts.signal }));
  }

  /**
   * `POST /exec/{id}/start`. With `detach: true` resolves once started; otherwise resolves with the session over
   * the upgraded connection (see the module comment).
   */
  start(execId: string, opts: ExecStartOptions & { detach: true }): Promise<void>;
  start(execId: string, opts?: ExecStartOptions & { detach?: false }): Promise<DuplexSession>;
  async start(execId: string, opts: ExecStartOptions = {}): Promise<DuplexSession | void> {
    checkName('exec.start', 'execId', execId);
    checkOptions('exec.start', 'ExecStart', opts, { declared: { detach: 'boolean', tty: 'boolean', consoleSize: 'array' } });
    const { signal, detach = false, consoleSize } = opts;
    if (consoleSize !== undefined) await this.ctx.requireSince('exec.start: option "consoleSize"', API_SINCE.ExecStart.body.ConsoleSize, signal);
    const tty = opts.tty ?? (await this.inspect(execId, { signal })).ProcessConfig?.tty ?? false;
    const body: ExecStartBody = { Detach: detach, Tty: tty, ...(consoleSize ? { ConsoleSize: consoleSize } : {}) };
    if (detach) {
      await this.ctx.json(this.ctx.api.POST('/exec/{id}/start', { params: { path: { id: execId } }, body, parseAs: 'text', signal }));
      return;
    }
    const path = `/exec/${encodeURIComponent(execId)}/start`;
    return openSession(this.ctx.connection, { method: 'POST', path, body: JSON.stringify(body), signal }, { mode: tty ? 'raw' : 'multiplexed', operation: 'exec' });
  }

  /** `GET /exec/{id}/json`: state, exit code (once finished) and process config. */
  async inspect(execId: string, opts: CallOptions = {}): Promise<ExecInspect> {
    checkName('exec.inspect', 'execId', execId);
    checkOptions('exec.inspect', 'ExecInspect', opts);
    return this.ctx.json(this.ctx.api.GET('/exec/{id}/json', { params: { path: { id: execId } }, signal: opts.signal }));
  }

  /** `POST /exec/{id}/resize`: the TTY size of a TTY exec. */
  async resize(execId: string, opts: ExecResizeOptions): Promise<void> {
    checkName('exec.resize', 'execId', execId);
    checkObject(opts, 'exec.resize: options');
    const { signal, h, w } = opts ?? ({} as ExecResizeOptions);
    checkSize('exec.resize', h, w);
    checkOptions('exec.resize', 'ExecResize', opts);
    await this.ctx.json(this.ctx.api.POST('/exec/{id}/resize', { params: { path: { id: execId }, query: { h, w } }, parseAs: 'text', signal }));
  }
}

/** A terminal size: positive integers (the daemon would answer 400 only after a round trip). */
export function checkSize(method: string, h: unknown, w: unknown): void {
  for (const [name, v] of [['h', h], ['w', w]] as const) {
    if (typeof v !== 'number' || !Number.isInteger(v) || v <= 0) {
      throw new DockerInputError(`${method}: \`${name}\` must be a positive integer, got ${String(v)}`);
    }
  }
}
