/**
 * containers/ — `docker.containers`: the container lifecycle and everything read from or copied into one.
 * Changes when a container endpoint changes. Each method is a thin typed wrapper over the generated paths;
 * streamed ones live in output.ts (logs, attach, stats), archive.ts (copy in/out, export) and run.ts (the exec
 * and run conveniences).
 *
 * Options keep the spec's parameter names and types, except where the spec's name collides with the AbortSignal
 * every call takes (`signal` on stop/restart/kill → `stopSignal` / `killSignal`). Parameters newer than the
 * negotiated API version are refused before sending.
 */
import type { ApiContext } from '../api/context.js';
import { DockerInputError } from '../core/errors.js';
import { encodeFilterTable } from '../core/filters.js';
import { gateBody } from '../core/since-body.js';
import { checkOptions } from '../core/check-options.js';
import { checkName, checkObject } from '../core/input.js';
import type { CallOptions } from '../core/spec.js';
import type { Exec } from '../exec/exec.js';
import { checkSize } from '../exec/exec.js';
import type { DuplexSession } from '../streams/session.js';
import type { FrameOutput } from '../streams/frame-output.js';
import type { Readable } from 'node:stream';
import type { TarSource } from '../bodies/tar-body.js';
import * as archive from './archive.js';
import { CONTAINER_LIST_FILTERS, CONTAINER_PRUNE_FILTERS } from './filters.js';
import * as output from './output.js';
import type * as O from './options.js';
import * as run from './run.js';
import { API_SINCE } from '../../generated/api-since.js';
import { platformPath } from '../registry/platform.js';

export class Containers {
  /** @internal resources are made by DockerClient. */
  constructor(
    private readonly ctx: ApiContext,
    private readonly execs: Exec,
  ) {}

  /** `GET /containers/json`: running containers (all with `all: true`), filtered. */
  async list(opts: O.ContainerListOptions = {}): Promise<O.ContainerSummary[]> {
    checkOptions('containers.list', 'ContainerList', opts, { declared: { filters: 'object' } });
    const { signal, filters, ...rest } = opts;
    const query = { ...rest, filters: encodeFilterTable('containers.list', CONTAINER_LIST_FILTERS, filters) };
    return this.ctx.json(this.ctx.api.GET('/containers/json', { params: { query }, signal }));
  }

  /** `POST /containers/create`: `config` is the spec's create body; `name`, `platform` (API ≥ 1.41) go in the query. */
  async create(config: O.ContainerCreateConfig, opts: O.ContainerCreateOptions = {}): Promise<O.ContainerCreateResult> {
    checkObject(config, 'containers.create: config');
    if (config === undefined) throw new DockerInputError('containers.create: config (at least { Image }) is required');
    checkOptions('containers.create', 'ContainerCreate', opts, { declared: { platform: ['string', 'object'] } });
    const { signal, platform, ...rest } = opts;
    const query = await this.ctx.gateQuery('containers.create', API_SINCE.ContainerCreate.params, { ...rest, platform: platformPath(platform, 'containers.create: option "platform"') }, signal);
    gateBody(API_SINCE.ContainerCreate.body, 'containers.create', await this.ctx.negotiate(signal), config);
    return this.ctx.json(this.ctx.api.POST('/containers/create', { params: { query }, body: config, signal }));
  }

  /** `GET /containers/{id}/json`. Unknown container → DockerApiError 404. */
  async inspect(id: string, opts: O.ContainerInspectOptions = {}): Promise<O.ContainerInspect> {
    checkName('containers.inspect', 'id', id);
    checkOptions('containers.inspect', 'ContainerInspect', opts);
    const { signal, ...query } = opts;
    return this.ctx.json(this.ctx.api.GET('/containers/{id}/json', { params: { path: { id }, query }, signal }));
  }

  /** `POST /containers/{id}/start`. Already running: resolves (the engine answers 304). */
  async start(id: string, opts: O.ContainerStartOptions = {}): Promise<void> {
    checkOptions('containers.start', 'ContainerStart', opts);
    return this.#action('start', id, opts, (signal, query) => this.ctx.api.POST('/containers/{id}/start', { params: { path: { id }, query }, parseAs: 'text', signal }));
  }

  /** `POST /containers/{id}/stop`: stop signal, then SIGKILL after `t` seconds. Already stopped: resolves (304). */
  async stop(id: string, opts: O.ContainerStopOptions = {}): Promise<void> {
    checkName('containers.stop', 'id', id);
    checkOptions('containers.stop', 'ContainerStop', opts, { renamed: { stopSignal: 'signal' } });
    const { signal, stopSignal, ...rest } = opts;
    const query = await this.ctx.gateQuery('containers.stop', API_SINCE.ContainerStop.params, { ...rest, signal: stopSignal }, signal);
    await this.#action('stop', id, { signal }, (s) => this.ctx.api.POST('/containers/{id}/stop', { params: { path: { id }, query }, parseAs: 'text', signal: s }));
  }

  /** `POST /containers/{id}/restart`. */
  async restart(id: string, opts: O.ContainerRestartOptions = {}): Promise<void> {
    checkName('containers.restart', 'id', id);
    checkOptions('containers.restart', 'ContainerRestart', opts, { renamed: { stopSignal: 'signal' } });
    const { signal, stopSignal, ...rest } = opts;
    const query = await this.ctx.gateQuery('containers.restart', API_SINCE.ContainerRestart.params, { ...rest, signal: stopSignal }, signal);
    await this.#action('restart', id, { signal }, (s) => this.ctx.api.POST('/containers/{id}/restart', { params: { path: { id }, query }, parseAs: 'text', signal: s }));
  }

  /** `POST /containers/{id}/kill`: send `killSignal` (default SIGKILL). Not running → DockerApiError 409. */
  async kill(id: string, opts: O.ContainerKillOptions = {}): Promise<void> {
    checkOptions('containers.kill', 'ContainerKill', opts, { renamed: { killSignal: 'signal' } });
    const { killSignal, ...rest } = opts ?? {};
    return this.#action('kill', id, rest, (signal) =>
      this.ctx.api.POST('/containers/{id}/kill', { params: { path: { id }, query: { signal: killSignal } }, parseAs: 'text', signal }),
    );
  }

  /** `POST /containers/{id}/pause`. */
  async pause(id: string, opts: CallOptions = {}): Promise<void> {
    checkOptions('containers.pause', 'ContainerPause', opts);
    return this.#action('pause', id, opts, (signal) => this.ctx.api.POST('/containers/{id}/pause', { params: { path: { id } }, parseAs: 'text', signal }));
  }

  /** `POST /containers/{id}/unpause`. */
  async unpause(id: string, opts: CallOptions = {}): Promise<void> {
    checkOptions('containers.unpause', 'ContainerUnpause', opts);
    return this.#action('unpause', id, opts, (signal) => this.ctx.api.POST('/containers/{id}/unpause', { params: { path: { id } }, parseAs: 'text', signal }));
  }

  /** `POST /containers/{id}/rename`. */
  async rename(id: string, name: string, opts: CallOptions = {}): Promise<void> {
    checkName('containers.rename', 'name', name);
    checkOptions('containers.rename', 'ContainerRename', opts, { except: ['name'] });
    return this.#action('rename', id, opts, (signal) =>
      this.ctx.api.POST('/containers/{id}/rename', { params: { path: { id }, query: { name } }, parseAs: 'text', signal }),
    );
  }

  /** `POST /containers/{id}/update`: change resources and restart policy of a container. */
  async update(id: string, body: O.ContainerUpdateBody, opts: CallOptions = {}): Promise<O.ContainerUpdateResult> {
    checkName('containers.update', 'id', id);
    checkObject(body, 'containers.update: body');
    checkOptions('containers.update', 'ContainerUpdate', opts);
    gateBody(API_SINCE.ContainerUpdate.body, 'containers.update', await this.ctx.negotiate(opts.signal), body);
    return this.ctx.json(this.ctx.api.POST('/containers/{id}/update', { params: { path: { id } }, body: body ?? {}, signal: opts.signal }));
  }

  /** `POST /containers/{id}/resize`: the TTY size (`h` rows, `w` columns). */
  async resize(id: string, opts: O.ContainerResizeOptions): Promise<void> {
    checkObject(opts, 'containers.resize: options');
    const { h, w, ...rest } = opts ?? ({} as O.ContainerResizeOptions);
    checkSize('containers.resize', h, w);
    checkOptions('containers.resize', 'ContainerResize', opts);
    return this.#action('resize', id, rest, (signal) =>
      this.ctx.api.POST('/containers/{id}/resize', { params: { path: { id }, query: { h, w } }, parseAs: 'text', signal }),
    );
  }

  /**
   * `POST /containers/{id}/wait`: resolves when the container reaches `condition` (`not-running`, the default;
   * `next-exit`; `removed`) with its exit code. A client `timeout` also bounds this wait.
   */
  async wait(id: string, opts: O.ContainerWaitOptions = {}): Promise<O.ContainerWaitResult> {
    checkName('containers.wait', 'id', id);
    checkOptions('containers.wait', 'ContainerWait', opts);
    const { signal, ...query } = opts;
    // A wait may last as long as the container runs: it goes over the stream lane, like other long answers, so
    // that many waiting callers never hold the connections short calls need.
    const res = await this.ctx.stream((init) => this.ctx.api.POST('/containers/{id}/wait', { params: { path: { id }, query }, signal, ...init }));
    return (await res.json()) as O.ContainerWaitResult;
  }

  /** `DELETE /containers/{id}`: `force` kills a running one; `v` removes its anonymous volumes. */
  async remove(id: string, opts: O.ContainerRemoveOptions = {}): Promise<void> {
    checkOptions('containers.remove', 'ContainerDelete', opts);
    const { signal, ...query } = opts ?? {};
    return this.#action('remove', id, { signal }, (s) => this.ctx.api.DELETE('/containers/{id}', { params: { path: { id }, query }, parseAs: 'text', signal: s }));
  }

  /** `POST /containers/prune`: remove stopped containers. */
  async prune(opts: O.ContainerPruneOptions = {}): Promise<O.ContainerPruneResult> {
    checkOptions('containers.prune', 'ContainerPrune', opts, { declared: { filters: 'object' } });
    const { signal, filters } = opts;
    const query = { filters: encodeFilterTable('containers.prune', CONTAINER_PRUNE_FILTERS, filters) };
    return this.ctx.json(this.ctx.api.POST('/containers/prune', { params: { query }, signal }));
  }

  /** `GET /containers/{id}/top`: the processes, as `ps` shows them (`ps_args`, default `-ef`). */
  async top(id: string, opts: O.ContainerTopOptions = {}): Promise<O.ContainerTopResult> {
    checkName('containers.top', 'id', id);
    checkOptions('containers.top', 'ContainerTop', opts);
    const { signal, ...query } = opts;
    return this.ctx.json(this.ctx.api.GET('/containers/{id}/top', { params: { path: { id }, query }, signal }));
  }

  /** `GET /containers/{id}/changes`: files added (1), changed (0) or deleted (2) against the image. */
  async changes(id: string, opts: CallOptions = {}): Promise<O.ContainerChange[]> {
    checkName('containers.changes', 'id', id);
    checkOptions('containers.changes', 'ContainerChanges', opts);
    // dockerd answers `null` when nothing changed.
    return (await this.ctx.json(this.ctx.api.GET('/containers/{id}/changes', { params: { path: { id } }, signal: opts.signal }))) ?? [];
  }

  /** Output as frames: iterate them, or await `{ stdout, stderr }` (see FrameOutput). */
  logs(id: string, opts: O.ContainerLogsOptions = {}): FrameOutput {
    return output.logs(this.ctx, id, opts);
  }

  /** Attach to the container's stdio over an upgraded connection → a DuplexSession (attach before start for StdinOnce). */
  attach(id: string, opts: O.ContainerAttachOptions = {}): Promise<DuplexSession> {
    return output.attach(this.ctx, id, opts);
  }

  /** Resource usage: an endless async iterable of samples, or one sample with `{ stream: false }`. */
  stats(id: string, opts: O.ContainerStatsOptions & { stream: false }): Promise<O.ContainerStats>;
  stats(id: string, opts?: O.ContainerStatsOptions & { stream?: true }): AsyncGenerator<O.ContainerStats, void, undefined>;
  stats(id: string, opts: O.ContainerStatsOptions & { stream?: boolean } = {}): Promise<O.ContainerStats> | AsyncGenerator<O.ContainerStats, void, undefined> {
    if (opts?.stream === false) return output.statsOnce(this.ctx, id, opts);
    return output.statsStream(this.ctx, id, opts);
  }

  /** `GET /containers/{id}/archive`: a path of the container as a tar stream, with its stat. */
  getArchive(id: string, path: string, opts: O.ContainerArchiveOptions = {}): Promise<{ stat: O.ContainerPathStat; tar: Readable }> {
    return archive.getArchive(this.ctx, id, path, opts);
  }

  /** `PUT /containers/{id}/archive`: extract a tar (directory, .tar file, stream or bytes) into directory `path`. */
  putArchive(id: string, path: string, source: TarSource, opts: O.ContainerPutArchiveOptions = {}): Promise<void> {
    return archive.putArchive(this.ctx, id, path, source, opts);
  }

  /** `HEAD /containers/{id}/archive`: the decoded stat of a path in the container. */
  statPath(id: string, path: string, opts: O.ContainerArchiveOptions = {}): Promise<O.ContainerPathStat> {
    return archive.statPath(this.ctx, id, path, opts);
  }

  /** `GET /containers/{id}/export`: the container's filesystem as a tar stream. */
  export(id: string, opts: CallOptions = {}): Promise<Readable> {
    return archive.exportContainer(this.ctx, id, opts);
  }

  /** Run `cmd` in the running container and collect its output and exit code (create + start + collect + inspect). */
  exec(id: string, cmd: string[], opts: run.ExecRunOptions = {}): Promise<run.ExecRunResult> {
    return run.execIn(this.execs, id, cmd, opts);
  }

  /** Create, start, collect the output, wait, and remove (unless `keep`) a container. */
  run(config: O.ContainerCreateConfig, opts: run.RunOptions = {}): Promise<run.RunResult> {
    return run.runContainer(this, config, opts);
  }

  /**
   * An action answered with no content (or 304 "already so"): resolves, or rejects with DockerApiError. The
   * calling method has checked its options.
   */
  async #action<Q>(
    name: string,
    id: string,
    opts: (Q & CallOptions) | undefined,
    call: (signal: AbortSignal | undefined, query: Omit<Q, 'signal'>) => Promise<{ response: { status: number; url: string }; error?: unknown }>,
  ): Promise<void> {
    checkName(`containers.${name}`, 'id', id);
    const { signal, ...query } = (opts ?? {}) as Q & CallOptions;
    const result = await call(signal, query as Omit<Q, 'signal'>);
    // 304 Not Modified (start a running / stop a stopped container) is the engine saying "already done".
    if (result.response.status === 304) return;
    await this.ctx.json(Promise.resolve(result));
  }
}

