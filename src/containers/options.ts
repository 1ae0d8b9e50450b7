/** Options and results of the container calls, derived from the spec's `operations` (never re-declared). */
import type { operations } from '../../generated/docker-engine.js';
import type { CallOptions, QueryOf, Schemas } from '../core/spec.js';
import type { Platform } from '../images/options.js';
import type { ContainerListFilters, ContainerPruneFilters } from './filters.js';

type JsonBody<K extends keyof operations> = operations[K] extends { requestBody: { content: { 'application/json': infer B } } } ? B : never;

export type ContainerListOptions = Omit<QueryOf<'ContainerList'>, 'filters'> & { filters?: ContainerListFilters } & CallOptions;
/** The create body: the spec's ContainerConfig with HostConfig and NetworkingConfig. */
export type ContainerCreateConfig = JsonBody<'ContainerCreate'>;
export type ContainerCreateOptions = Omit<QueryOf<'ContainerCreate'>, 'platform'> & {
  /** Image platform to use (API ≥ 1.41); a string `os[/arch[/variant]]` or an OCI platform object. */
  platform?: string | Platform;
} & CallOptions;
export type ContainerInspectOptions = QueryOf<'ContainerInspect'> & CallOptions;
export type ContainerStartOptions = QueryOf<'ContainerStart'> & CallOptions;
/**
 * `t`: seconds to wait before killing. `stopSignal`: the signal to stop with instead of the container's
 * StopSignal (the API's `signal` parameter, API ≥ 1.42; renamed here because `signal` is the AbortSignal).
 */
export type ContainerStopOptions = Omit<QueryOf<'ContainerStop'>, 'signal'> & { stopSignal?: string } & CallOptions;
export type ContainerRestartOptions = Omit<QueryOf<'ContainerRestart'>, 'signal'> & { stopSignal?: string } & CallOptions;
/** `killSignal`: the signal to send (the API's `signal` parameter, default SIGKILL). */
export type ContainerKillOptions = { killSignal?: string } & CallOptions;
export type ContainerRemoveOptions = QueryOf<'ContainerDelete'> & CallOptions;
export type ContainerWaitOptions = QueryOf<'ContainerWait'> & CallOptions;
export type ContainerResizeOptions = Required<Pick<QueryOf<'ContainerResize'>, 'h' | 'w'>> & CallOptions;
export type ContainerTopOptions = QueryOf<'ContainerTop'> & CallOptions;
export type ContainerPruneOptions = { filters?: ContainerPruneFilters } & CallOptions;
export type ContainerUpdateBody = JsonBody<'ContainerUpdate'>;

export type ContainerLogsOptions = Omit<QueryOf<'ContainerLogs'>, 'since' | 'until' | 'tail'> & {
  /** Only lines after this time: a Date, or Unix seconds (fractions allowed). */
  since?: Date | number;
  /** Only lines before this time (API ≥ 1.35). */
  until?: Date | number;
  /** Only the last N lines (`'all'`: every line, the default). */
  tail?: number | 'all';
  /**
   * Whether the container has a TTY, which decides the framing; looked up with an inspect when not given. With a
   * TTY the output is one `stdout` stream.
   */
  tty?: boolean;
} & CallOptions;

export type ContainerAttachOptions = Omit<QueryOf<'ContainerAttach'>, 'stream'> & {
  /** As for logs: looked up when not given. */
  tty?: boolean;
} & CallOptions;

export type ContainerStatsOptions = Omit<QueryOf<'ContainerStats'>, 'stream'> & CallOptions;

export type ContainerArchiveOptions = CallOptions;
/** The spec types these two as strings; they are booleans to the daemon (sent as `true` / `false`). */
export type ContainerPutArchiveOptions = {
  /** Refuse to replace a directory with a non-directory or the other way round. */
  noOverwriteDirNonDir?: boolean;
  /** Give the files the container user's uid/gid instead of the tar's. */
  copyUIDGID?: boolean;
} & CallOptions;

export type ContainerSummary = Schemas['ContainerSummary'];
export type ContainerInspect = Schemas['ContainerInspectResponse'];
export type ContainerCreateResult = Schemas['ContainerCreateResponse'];
export type ContainerTopResult = Schemas['ContainerTopResponse'];
export type ContainerChange = Schemas['FilesystemChange'];
export type ContainerStats = Schemas['ContainerStatsResponse'];
export type ContainerUpdateResult = Schemas['ContainerUpdateResponse'];
export type ContainerPruneResult = operations['ContainerPrune']['responses'][200]['content']['application/json'];
/** The spec's wait answer, except that `Error` is null when the container exited without one (both engines). */
export type ContainerWaitResult = Omit<Schemas['ContainerWaitResponse'], 'Error'> & { Error?: Schemas['ContainerWaitExitError'] | null };

/**
 * `X-Docker-Container-Path-Stat`, decoded. `mode` is Go's FileMode: permission bits plus type bits
 * (directory 1<<31, symlink 1<<27, …); `isDirectory` / `isSymbolicLink` read them for you.
 */
export interface ContainerPathStat {
  name: string;
  size: number;
  mode: number;
  /** RFC 3339 modification time, as the engine sent it. */
  mtime: string;
  /** The target when the path is a symbolic link, else "". */
  linkTarget: string;
  isDirectory: boolean;
  isSymbolicLink: boolean;
  /** The permission bits (`mode & 0o777`). */
  permissions: number;
}
