/**
 * Newline-delimited JSON decoding: the progress bodies of pull, push, build, import and load, and the endless
 * streams of `/events` and `/containers/{id}/stats` (values are yielded as their lines arrive).
 *
 * Chunks may split anywhere, including inside a multibyte UTF-8 character (a streaming TextDecoder carries the
 * partial bytes over). A line that spans many chunks is collected as a list of pieces and joined once, so the
 * cost stays linear in the body size. `\r\n` endings, blank lines and a last line without a newline are fine.
 */
import { DockerProtocolError } from '../core/errors.js';

export interface JsonLinesOptions {
  /**
   * Longest line accepted, in UTF-16 code units (default 64 MiB). Bounds memory when a body that is not
   * newline-delimited JSON (e.g. a tar stream sent to the wrong place) would otherwise be buffered whole.
   */
  maxLineLength?: number;
  /** Parses one line (default `JSON.parse`), e.g. to keep an int64 field exact; throwing means "not JSON". */
  parse?: (line: string) => unknown;
}

const DEFAULT_MAX_LINE_LENGTH = 64 * 1024 * 1024;
const EXCERPT_LENGTH = 200;

function excerpt(line: string): string {
  if (line.length <= EXCERPT_LENGTH) return JSON.stringify(line);
  return `${JSON.stringify(line.slice(0, EXCERPT_LENGTH))}… (${line.length - EXCERPT_LENGTH} more characters)`;
}

/** What parseLine returns for a blank line. */
const SKIP: unique symbol = Symbol('skip');

function parseLine(line: string, lineNumber: number, maxLineLength: number, parse: (line: string) => unknown = JSON.parse): unknown {
  if (line.length > maxLineLength) {
    throw new DockerProtocolError(`line ${lineNumber} of the JSON stream is longer than ${maxLineLength} characters: ${excerpt(line)}`);
  }
  // JSON.parse ignores surrounding whitespace, including the \r of a \r\n ending.
  if (line.trim() === '') return SKIP;
  try {
    return parse(line);
  } catch (cause) {
    throw new DockerProtocolError(`line ${lineNumber} of the JSON stream is not JSON: ${excerpt(line.trimEnd())}`, { cause });
  }
}

/**
 * Decodes a body of newline-delimited JSON into values, one per non-blank line, in order. Errors from the body
 * (abort, connection loss) propagate unchanged; a line that is not JSON throws DockerProtocolError. Stopping the
 * iteration early (`break`, `return()`) calls the body iterator's `return()`, which releases the connection.
 */
export async function* decodeJsonLines(
  body: AsyncIterable<Uint8Array | string>,
  options: JsonLinesOptions = {},
): AsyncGenerator<unknown, void, undefined> {
  const maxLineLength = options.maxLineLength ?? DEFAULT_MAX_LINE_LENGTH;
  const parse = options.parse ?? JSON.parse;
  const decoder = new TextDecoder('utf-8');
  // The current unfinished line, as pieces (joined once when its newline arrives).
  let pieces: string[] = [];
  let pendingLength = 0;
  let lineNumber = 0;

  for await (const chunk of body) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    let start = 0;
    let newline: number;
    while ((newline = text.indexOf('\n', start)) !== -1) {
      let line = text.slice(start, newline);
      if (pieces.length > 0) {
        pieces.push(line);
        line = pieces.join('');
        pieces = [];
        pendingLength = 0;
      }
      start = newline + 1;
      const value = parseLine(line, ++lineNumber, maxLineLength, parse);
      if (value !== SKIP) yield value;
    }
    if (start < text.length) {
      const rest = start === 0 ? text : text.slice(start);
      pendingLength += rest.length;
      pieces.push(rest);
      if (pendingLength > maxLineLength) parseLine(pieces.join(''), lineNumber + 1, maxLineLength);
    }
  }
  pieces.push(decoder.decode());
  const last = parseLine(pieces.join(''), ++lineNumber, maxLineLength, parse);
  if (last !== SKIP) yield last;
}
