/**
 * `docker.api` over the transport: every operation of the generated `paths`, typed by api-types.ts, sent by
 * api-client.ts as one `transport.request()` on the `call` lane (call-pool.ts): request bodies
 * go out as they were given (string, bytes, Node stream, async iterable — never re-buffered) and the answer is
 * the transport's LiteResponse. The call shape and results are openapi-fetch's (`{ data | error, response }`).
 */
import { checkedPathSerializer } from '../core/path-params.js';
import type { LiteResponse } from '../transport/response.js';
import type { Lane, RawRequest, Transport } from '../transport/transport.js';
import { createApiClient, type ApiClientOptions } from './api-client.js';
import type { DockerApi } from './api-types.js';
import { responseRecorder, type ResponseRecorder } from './recorder.js';

export type { DockerApi };

/** Sends one request over one lane of `transport` (the request object is api-client's own, made per call). */
export function laneSend(transport: Transport, lane: Lane, paced?: boolean): (req: RawRequest) => Promise<LiteResponse> {
  return (req) => {
    req.lane = lane;
    if (paced) req.paced = true;
    return transport.request(req);
  };
}

/** The typed API over `transport` (the `call` lane; streamed calls pass the `stream` lane's send in their init). */
export function createDockerApi(transport: Transport): DockerApi {
  const recorder = responseRecorder();
  return createApiClient({
    send: laneSend(transport, 'call'),
    // Every path parameter of every call is checked here, once: no `.`/`..`/empty segment is ever sent.
    pathSerializer: checkedPathSerializer,
    onResponse: recorder ? recording(recorder) : undefined,
  });
}

/** Tee each parsed 2xx JSON answer to `record` (test-only, see recorder.ts): wraps the body readers the client calls. */
function recording(record: ResponseRecorder): NonNullable<ApiClientOptions['onResponse']> {
  return ({ method, response, schemaPath, parseAs }) => {
    const res = response as LiteResponse & { text(): Promise<string>; json(): Promise<unknown> };
    const meta = { method, schemaPath, status: res.status, server: res.headers.get('server'), apiVersion: res.headers.get('api-version') };
    if (!response.ok) return undefined;
    if (parseAs === 'stream') {
      // JSON-lines answers (events, stats, progress): each line is one answer to its schema.
      if (/json/.test(res.headers.get('content-type') ?? '')) teeLines(res, (body) => record({ ...meta, body }));
      return undefined;
    }
    if (parseAs !== 'json') return undefined;
    const { text, json } = res;
    res.text = async () => {
      const raw = await text.call(res);
      let body: unknown;
      try {
        body = raw ? (JSON.parse(raw) as unknown) : undefined;
      } catch {
        return raw; // not JSON: the client's own parse reports it
      }
      if (body !== undefined) record({ ...meta, body });
      return raw;
    };
    res.json = async () => {
      const body = await json.call(res);
      record({ ...meta, body });
      return body;
    };
    return undefined;
  };
}

/** Wrap `res.chunks()` so each complete JSON line read through it is passed to `record` (bytes pass unchanged). */
function teeLines(res: LiteResponse, record: (body: unknown) => void): void {
  const chunks = res.chunks.bind(res);
  res.chunks = async function* () {
    const decoder = new TextDecoder();
    let pending = '';
    const emit = (line: string): void => {
      if (!line.trim()) return;
      try {
        record(JSON.parse(line) as unknown);
      } catch {
        // not a JSON line: the stream's own decoder reports it
      }
    };
    for await (const chunk of chunks()) {
      pending += decoder.decode(chunk, { stream: true });
      const lines = pending.split('\n');
      pending = lines.pop()!;
      lines.forEach(emit);
      yield chunk;
    }
    emit(pending + decoder.decode());
  };
}
