/**
 * The head of an HTTP/1.1 request as this client writes it on its own connections (the call pool, call-pool.ts;
 * downloads and streams, download.ts; upgrades, upgrade-socket.ts): request line, Host, the caller's headers, and
 * the framing headers this client owns.
 * Refuses what undici refuses, with undici's error type (the transport maps it the same way): CR, LF or NUL in the
 * path or a header (request smuggling), and framing or connection headers set by the caller — the connection's
 * framing is this client's to decide. A caller's Content-Length must match a body of known length (undici's rule
 * too); a stream's is sent as given (body-writer.ts holds the stream to it).
 */
import undiciErrors from 'undici/lib/core/errors.js';

const UNSAFE = /[\r\n\0]/;
/** Headers the caller may not set (undici refuses the same ones). */
const OWN = new Set(['connection', 'keep-alive', 'upgrade', 'transfer-encoding']);

/** The Content-Length a caller's headers declare (any case); undefined when none. A bad one is refused. */
export function declaredLength(headers: Record<string, string>): number | undefined {
  for (const name in headers) {
    if (name.length === 14 && name.toLowerCase() === 'content-length') return lengthValue(headers[name]);
  }
  return undefined;
}

/** A Content-Length header's value as a number (digits only, as undici accepts it). */
function lengthValue(value: string): number {
  const digits = value.trim();
  if (!/^\d{1,15}$/.test(digits)) throw new undiciErrors.InvalidArgumentError('invalid content-length header');
  return Number(digits);
}

/**
 * `body`: the request body's length in bytes; `'stream'` for a stream (sent with the caller's Content-Length, else
 * chunked); undefined for none (a POST/PUT/PATCH without one still says `content-length: 0`, as undici does).
 * `connection`: `close` asks the engine to close the connection after its answer; `upgrade` asks it to switch to
 * `protocol` (attach, exec start, BuildKit sessions). A header given a list is sent once per entry.
 */
export function requestHead(
  method: string,
  path: string,
  host: string,
  headers: Record<string, string | string[] | undefined> | undefined,
  body: number | 'stream' | undefined,
  connection?: 'close' | { upgrade: string },
): string {
  if (UNSAFE.test(path)) throw new undiciErrors.InvalidArgumentError('invalid request path');
  let head = `${method} ${path} HTTP/1.1\r\n`;
  let hostSet = false;
  let declared: number | undefined;
  for (const name in headers) {
    const given = headers[name];
    if (given === undefined) continue;
    const lower = name.toLowerCase();
    if (OWN.has(lower)) throw new undiciErrors.InvalidArgumentError(`invalid ${lower} header`);
    for (const value of typeof given === 'string' ? [given] : given) {
      if (UNSAFE.test(name) || UNSAFE.test(value)) throw new undiciErrors.InvalidArgumentError(`invalid header ${JSON.stringify(name)}`);
      if (lower === 'content-length') {
        declared = lengthValue(value);
        if (body !== 'stream' && declared !== (body ?? 0)) throw new undiciErrors.RequestContentLengthMismatchError();
        continue; // written below
      }
      if (lower === 'host') hostSet = true;
      head += `${name}: ${value}\r\n`;
    }
  }
  if (!hostSet) head += `host: ${host}\r\n`;
  if (connection === 'close') head += 'connection: close\r\n';
  else if (connection) head += `connection: upgrade\r\nupgrade: ${connection.upgrade}\r\n`;
  if (body === 'stream') head += declared === undefined ? 'transfer-encoding: chunked\r\n' : `content-length: ${declared}\r\n`;
  else if (body !== undefined) head += `content-length: ${body}\r\n`;
  else if (method === 'POST' || method === 'PUT' || method === 'PATCH') head += 'content-length: 0\r\n';
  return head + '\r\n';
}
