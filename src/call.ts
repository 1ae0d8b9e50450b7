/** Turning openapi-fetch results into values or typed errors, shared by every resource module. */
import { DockerApiError } from './errors.js';

interface FetchResult<T> {
  data?: T;
  error?: unknown;
  response: { status: number; url: string };
}

/** The daemon's message from an error body: `{"message": …}` JSON (already parsed), or the raw text. */
export function daemonMessage(body: unknown, status: number): string {
  if (body && typeof body === 'object' && typeof (body as { message?: unknown }).message === 'string') {
    return (body as { message: string }).message;
  }
  if (typeof body === 'string' && body.trim()) {
    try {
      const parsed = JSON.parse(body) as { message?: unknown };
      if (typeof parsed?.message === 'string') return parsed.message;
    } catch {
      // not JSON: the text itself is the message
    }
    return body.trim();
  }
  return `HTTP ${status}`;
}

export function apiError(method: string, url: string, status: number, body: unknown): DockerApiError {
  return new DockerApiError(status, method, pathOf(url), daemonMessage(body, status));
}

/** Path of a request URL without origin and query (queries may carry values callers consider private). */
export function pathOf(url: string): string {
  const noQuery = url.split('?')[0];
  const i = noQuery.indexOf('/', noQuery.indexOf('//') + 2);
  return i < 0 ? '/' : noQuery.slice(i);
}

/** Await an openapi-fetch call: its data, or a DockerApiError carrying status, method, path and the daemon's text. */
export async function unwrap<T>(method: string, call: Promise<FetchResult<T>>): Promise<T> {
  const { data, error, response } = await call;
  if (response.status >= 400 || (error !== undefined && response.status >= 300)) throw apiError(method, response.url, response.status, error);
  return data as T;
}
