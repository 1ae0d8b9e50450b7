/**
 * The `/events` stream: newline-delimited EventMessage objects, endless unless `until` is given.
 *
 * `timeNano` is nanoseconds since the epoch, about 1.8e18 today: beyond 2^53, so `JSON.parse` would round it
 * (to a multiple of 256 ns). Each line's `timeNano` is therefore kept as the exact decimal digits the engine sent,
 * a string typed `${bigint}`: `BigInt(event.timeNano)` is exact, and the event still survives `JSON.stringify`
 * (a bigint field would make it throw), so events can be logged and stored as they are.
 */
import type { components } from '../../generated/docker-engine.js';
import { decodeJsonLines, type JsonLinesOptions } from './json-lines.js';

type SpecEventMessage = components['schemas']['EventMessage'];

/** The spec's EventMessage, with `timeNano` as its exact decimal digits (see above). */
export type EventMessage = Omit<SpecEventMessage, 'timeNano'> & {
  /** Nanoseconds since the Unix epoch, as the engine sent them: `BigInt(timeNano)` is exact. */
  timeNano?: `${bigint}`;
};

/**
 * A `"timeNano": <integer>` member. In valid JSON an unescaped `"` opens or closes a string, and a string followed
 * by `:` is a member name, so this matches only a member named timeNano whose value is a number (the `{` or `,`
 * before it rules out a name that merely ends in `"timeNano` after an escaped quote).
 */
const TIME_NANO = /([{,]\s*"timeNano"\s*:\s*)(-?\d+)/g;

/** JSON.parse of one event line, with `timeNano` quoted first so its digits survive. */
export function parseEventLine(line: string): unknown {
  return JSON.parse(line.includes('"timeNano"') ? line.replace(TIME_NANO, '$1"$2"') : line);
}

/** Decodes an events body into EventMessages as they arrive (see decodeJsonLines for chunking and errors). */
export function decodeEvents(body: AsyncIterable<Uint8Array | string>, options: Omit<JsonLinesOptions, 'parse'> = {}): AsyncGenerator<EventMessage, void, undefined> {
  return decodeJsonLines(body, { ...options, parse: parseEventLine }) as AsyncGenerator<EventMessage, void, undefined>;
}
