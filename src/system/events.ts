/**
 * `docker.system.events()`: GET /events as an async iterable of EventMessages (timeNano exact, streams/events.ts).
 *
 * The stream is endless unless `until` is given; it ends — the loop simply finishes — when the engine closes it
 * at `until`. Leaving the loop (`break`, `return`, a throw) is the quiet way to stop watching, and closes the
 * connection. Aborting `signal` rejects the iteration with DockerAbortError, as it does for every other call
 * and stream of this client (logs, stats, attach, exec, pulls, builds — core/spec.ts `CallOptions`) and as Node's
 * own abortable iterators do (`events.on`, `timers/promises` `setInterval`): an abort is not the end of the
 * stream, and code after the loop must be able to tell that the events it saw were cut short.
 */
import type { ApiContext } from '../api/context.js';
import { DockerInputError } from '../core/errors.js';
import { encodeFilterTable } from '../core/filters.js';
import { checkOptions, type Kind } from '../core/check-options.js';
import { checkObject, kindOf } from '../core/input.js';
import type { CallOptions } from '../core/spec.js';
import { abortable } from '../streams/abortable.js';
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
  // An aborted signal rejects before anything is sent (transport.ts checks it first).
  const res = await ctx.stream((init) => ctx.api.GET('/events', { params: { query }, signal, ...init }));
  yield* abortable(decodeEvents(res.chunks()), signal);
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
