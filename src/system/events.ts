/**
 * `docker.system.events()`: GET /events as an async iterable of EventMessages (timeNano exact, streams/events.ts).
 *
 * The stream is endless unless `until` is given; it ends — the loop simply finishes — when the engine closes it
 * at `until`, or when `signal` is aborted (that is how an endless watch is stopped, so it is not an error).
 * Leaving the loop early (`break`, `return`, a throw) closes the connection.
 */
import type { ApiContext } from '../api/context.js';
import { DockerAbortError, DockerInputError } from '../core/errors.js';
import { encodeFilterTable } from '../core/filters.js';
import { checkOptions, type Kind } from '../core/check-options.js';
import { checkObject, kindOf } from '../core/input.js';
import type { CallOptions } from '../core/spec.js';
import { decodeEvents, type EventMessage } from '../streams/events.js';
import { SYSTEM_EVENTS_FILTERS, type SystemEventsFilters } from './filters.js';

/**
 * A point in time for `since` / `until`: a Date; a number of seconds since the Unix epoch (fractions kept); or
 * a string the engine parses itself — Unix seconds (`"1700000000.5"`), RFC 3339, or a Go duration before now
 * (`"10m"`).
 */
export type EventTime = Date | number | string;

export interface SystemEventsOptions extends CallOptions {
  /** Replay the events since this time, then stream new ones. */
  since?: EventTime;
  /** Stop at this time: past events up to it are replayed, and the stream ends when it is reached. */
  until?: EventTime;
  filters?: SystemEventsFilters;
}

/** An EventTime's kinds (a Date is an object; encodeTime, run first, checks the value). */
const TIME: readonly Kind[] = ['object', 'number', 'string'];

/** The events of `opts`; the request is sent on the first `next()`, bad input rejects it before anything is sent. */
export async function* systemEvents(ctx: ApiContext, opts: SystemEventsOptions = {}): AsyncGenerator<EventMessage, void, undefined> {
  checkObject(opts, 'system.events: options');
  const { signal, since, until, filters } = opts;
  const query = {
    since: encodeTime('since', since),
    until: encodeTime('until', until),
    filters: encodeFilterTable('system.events', SYSTEM_EVENTS_FILTERS, filters),
  };
  checkOptions('system.events', 'SystemEvents', opts, { declared: { since: TIME, until: TIME, filters: 'object' } });
  if (signal?.aborted) return;
  try {
    const res = await ctx.stream((init) => ctx.api.GET('/events', { params: { query }, signal, ...init }));
    yield* decodeEvents(res.chunks());
  } catch (err) {
    if (signal?.aborted && err instanceof DockerAbortError) return;
    throw err;
  }
}

function encodeTime(what: 'since' | 'until', value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isFinite(ms) && ms >= 0) return (ms / 1000).toFixed(3);
  } else if (typeof value === 'number') {
    // Fractions as plain digits (at most nanoseconds): String(1e-7) would be an exponent the engine cannot parse.
    if (Number.isFinite(value) && value >= 0) return Number.isInteger(value) ? String(value) : value.toFixed(9).replace(/0+$/, '');
  } else if (typeof value === 'string') {
    if (value.trim() !== '') return value;
  }
  throw new DockerInputError(
    `system.events: \`${what}\` must be a Date, a non-negative number of seconds or a non-empty timestamp string, got ${kindOf(value, 'value')}`,
  );
}
