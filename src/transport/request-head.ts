/**
 * The head of an HTTP/1.1 request as this client writes it on its own connections (the call pool, call-pool.ts, and
 * downloads, download.ts): request line, Host, the caller's headers, and the framing headers this client owns.
 * Refuses what undici refuses, with undici's error type (the transport maps it the same way): CR, LF or NUL in the
 * path or a header (request smuggling), and framing or connection headers set by the caller — the connection's
 * framing is this client's to decide. A caller's Content-Length must match the body (undici's rule too).
 */
import undiciErrors from 'undici/lib/core/errors.js';

const UNSAFE = /[\r\n\0]/;
/** Headers the caller may not set (undici refuses the same ones). */
const OWN = new Set(['connection', 'keep-alive', 'upgrade', 'transfer-encoding']);

/**
 * `body`: the request body's length in bytes, or undefined for none (a POST/PUT/PATCH without one still says
 * `content-length: 0`, as undici does). `close`: ask the engine to close the connection after its answer.
 */
export function requestHead(method: string, path: string, host: string, headers: Record<string, string>, body: number | undefined, close = false): string {
  if (UNSAFE.test(path)) throw new undiciErrors.InvalidArgumentError('invalid request path');
  let head = `${method} ${path} HTTP/1.1\r\n`;
  let hostSet = false;
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined) continue;
    if (UNSAFE.test(name) || UNSAFE.test(value)) throw new undiciErrors.InvalidArgumentError(`invalid header ${JSON.stringify(name)}`);
    const lower = name.toLowerCase();
    if (OWN.has(lower)) throw new undiciErrors.InvalidArgumentError(`invalid ${lower} header`);
    if (lower === 'content-length') {
      if (value.trim() !== String(body ?? 0)) throw new undiciErrors.RequestContentLengthMismatchError();
      continue; // written below
    }
    if (lower === 'host') hostSet = true;
    head += `${name}: ${value}\r\n`;
  }
  if (!hostSet) head += `host: ${host}\r\n`;
  if (close) head += 'connection: close\r\n';
  if (body !== undefined) head += `content-length: ${body}\r\n`;
  else if (method === 'POST' || method === 'PUT' || method === 'PATCH') head += 'content-length: 0\r\n';
  return head + '\r\n';
}
