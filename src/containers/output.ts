/**
 * What a container prints: logs (frames, iterate or await), attach (a duplex session), stats (JSON samples).
 *
 * Framing is never guessed: without a TTY the engine multiplexes stdout/stderr with stdcopy headers, with one it
 * sends raw terminal bytes, and API 1.41 engines (and Podman) do not say which in the Content-Type. So the
 * container's `Config.Tty` is looked up (an inspect, sent alongside the request) unless the caller passes `tty`.
 */
import type { ApiContext } from '../api/context.js';
import { DockerInputError } from '../core/errors.js';
import { checkOptions } from '../core/check-options.js';
import { checkName, checkObject, kindOf } from '../core/input.js';
import { abortable } from '../streams/abortable.js';
import { FrameOutput } from '../streams/frame-output.js';
import type { FrameMode } from '../streams/frames.js';
import { decodeJsonLines } from '../streams/json-lines.js';
import { openSession, type DuplexSession } from '../streams/session.js';
import type * as O from './options.js';
import { API_SINCE } from '../../generated/api-since.js';

/** The framing of a container's output: from `tty` when given, else from its config. */
export async function modeOf(ctx: ApiContext, id: string, tty: boolean | undefined, signal?: AbortSignal): Promise<FrameMode> {
  if (tty !== undefined) return tty ? 'raw' : 'multiplexed';
  const info = await ctx.json(ctx.api.GET('/containers/{id}/json', { params: { path: { id } }, signal }));
  return info.Config?.Tty ? 'raw' : 'multiplexed';
}

/** Date or Unix seconds → the seconds the API reads (fractions kept: the daemon parses `seconds.nanos`). */
function seconds(method: string, name: string, value: Date | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.getTime() / 1000;
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  throw new DockerInputError(`${method}: option "${name}" must be a Date or Unix seconds, got ${kindOf(value, 'value')}`);
}

/** `GET /containers/{id}/logs` → FrameOutput (sent on first use). stdout and stderr default to true. */
export function logs(ctx: ApiContext, id: string, opts: O.ContainerLogsOptions): FrameOutput {
  checkName('containers.logs', 'id', id);
  checkObject(opts, 'containers.logs: options');
  const { signal, tty, since, until, tail, stdout = true, stderr = true, ...rest } = opts;
  // since/until take Dates and fractional seconds, tail 'all' or a count: their own checks say so first.
  if (tail !== undefined && tail !== 'all' && !(Number.isInteger(tail) && tail >= 0)) {
    throw new DockerInputError(`containers.logs: option "tail" must be a non-negative integer or "all", got ${kindOf(tail, 'value')}`);
  }
  const query = {
    ...rest,
    stdout,
    stderr,
    since: seconds('containers.logs', 'since', since),
    until: seconds('containers.logs', 'until', until),
    tail: tail === undefined ? undefined : String(tail),
  };
  checkOptions('containers.logs', 'ContainerLogs', opts, { declared: { since: ['object', 'number'], until: ['object', 'number'], tail: ['integer', 'string'], tty: 'boolean' } });
  return new FrameOutput(async () => {
    const mode = modeOf(ctx, id, tty, signal);
    // Logs can be hundreds of MB: the download connection's reader costs less CPU per frame than undici's, and
    // paced reads take the engine's frames (each written and flushed alone) a millisecond's worth at a time.
    const opened = ctx.messages((init) => ctx.api.GET('/containers/{id}/logs', { params: { path: { id }, query }, signal, ...init }));
    const [m, res] = await settleBoth(mode, opened, (r) => void r.discard().catch(() => {}));
    return { body: res.chunks(), mode: m };
  }, 'logs', signal);
}

/** `POST /containers/{id}/attach` (upgraded) → DuplexSession. stdin, stdout and stderr default to true. */
export async function attach(ctx: ApiContext, id: string, opts: O.ContainerAttachOptions): Promise<DuplexSession> {
  checkName('containers.attach', 'id', id);
  checkOptions('containers.attach', 'ContainerAttach', opts, { except: ['stream'], declared: { tty: 'boolean' } });
  const { signal, tty, stdin = true, stdout = true, stderr = true, logs: withLogs = false, detachKeys } = opts;
  const query = new URLSearchParams({ stream: '1', stdin: flag(stdin), stdout: flag(stdout), stderr: flag(stderr), logs: flag(withLogs) });
  if (detachKeys !== undefined) query.set('detachKeys', detachKeys);
  const path = `/containers/${encodeURIComponent(id)}/attach?${query}`;
  return openSession(ctx.connection, { method: 'POST', path, signal }, { mode: modeOf(ctx, id, tty, signal), operation: 'attach' });
}

const flag = (b: boolean): string => (b ? '1' : '0');

/** `GET /containers/{id}/stats?stream=false`: one sample (`one-shot`, API ≥ 1.41, skips the CPU priming read). */
export async function statsOnce(ctx: ApiContext, id: string, opts: O.ContainerStatsOptions): Promise<O.ContainerStats> {
  checkName('containers.stats', 'id', id);
  checkOptions('containers.stats', 'ContainerStats', opts);
  const { signal, ...rest } = opts;
  const query = await ctx.gateQuery('containers.stats', API_SINCE.ContainerStats.params, { ...rest, stream: false }, signal);
  return ctx.json(ctx.api.GET('/containers/{id}/stats', { params: { path: { id }, query }, signal }));
}

/**
 * `GET /containers/{id}/stats` streamed: one sample per second, endlessly while the container runs (it ends when
 * the container stops). Stop by leaving the loop or with the signal (the iteration then throws DockerAbortError).
 * The request is sent on the first `next()`.
 */
export function statsStream(ctx: ApiContext, id: string, opts: O.ContainerStatsOptions): AsyncGenerator<O.ContainerStats, void, undefined> {
  checkName('containers.stats', 'id', id);
  checkOptions('containers.stats', 'ContainerStats', opts);
  const { signal, ...rest } = opts;
  if (rest['one-shot']) throw new DockerInputError('containers.stats: option "one-shot" needs { stream: false }');
  return (async function* () {
    const res = await ctx.stream((init) => ctx.api.GET('/containers/{id}/stats', { params: { path: { id }, query: { ...rest, stream: true } }, signal, ...init }));
    yield* abortable(decodeJsonLines(res.chunks()) as AsyncIterable<O.ContainerStats>, signal);
  })();
}

/**
 * Both promises' values; when one fails, the other's value is released with `release` (so a response opened
 * alongside a failed inspect is not left holding a connection) and the failure thrown.
 */
async function settleBoth<A, B>(a: Promise<A>, b: Promise<B>, release: (value: B) => void): Promise<[A, B]> {
  const [ra, rb] = await Promise.allSettled([a, b]);
  if (ra.status === 'rejected') {
    if (rb.status === 'fulfilled') release(rb.value);
    throw ra.reason;
  }
  if (rb.status === 'rejected') throw rb.reason;
  return [ra.value, rb.value];
}
