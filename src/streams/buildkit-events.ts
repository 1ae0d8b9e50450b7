/**
 * BuildKit builds (`POST /build?version=2`) stream `{"id":"moby.buildkit.trace","aux":"<base64 protobuf>"}`
 * lines. This decoder stage gives each such event a `buildkit` field: the decoded `StatusResponse` (vertexes,
 * statuses, logs, warnings; the proto's field names, camelCase), keeping `id` and `aux` as sent.
 *
 * The protobuf runtime and the generated messages are loaded on the first trace line only (dynamic import):
 * classic builds, pulls and every other operation never pay for them.
 */
// The public types are the generated plain interfaces, not protobuf-es's message types: those would make every
// consumer's type-check load @bufbuild/protobuf's declarations (scripts/buildkit-shapes.ts).
import type { StatusResponse, Vertex, VertexLog, VertexStatus, VertexWarning } from '../../generated/buildkit/status-shapes.js';

export type { StatusResponse as BuildkitStatus, Vertex as BuildkitVertex, VertexLog as BuildkitLog };
export type { VertexStatus as BuildkitVertexStatus, VertexWarning as BuildkitWarning };

export const BUILDKIT_TRACE_ID = 'moby.buildkit.trace';

/** What the decoder adds to a trace event. */
export interface BuildkitTraceFields {
  /** The decoded `aux` of a `moby.buildkit.trace` line; absent on every other line. */
  buildkit?: StatusResponse;
}

/** Returns protobuf-es's StatusResponse as the plain interface: tsc fails here if the two ever drift apart. */
type Decode = (aux: string) => StatusResponse;
let loading: Promise<Decode> | undefined;

/** Loads the decoder once (the module is cached by the runtime; a failed load is retried next time). */
function loadDecoder(): Promise<Decode> {
  loading ??= import('./buildkit-status.js').then(
    (m) => m.decodeStatusResponse,
    (err: unknown) => {
      loading = undefined;
      throw err;
    },
  );
  return loading;
}

function isTrace(value: unknown): value is { id: string; aux: string } {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { id?: unknown; aux?: unknown };
  return v.id === BUILDKIT_TRACE_ID && typeof v.aux === 'string';
}

/**
 * Passes every value through; trace lines get `buildkit`. A payload that is not a StatusResponse throws
 * DockerProtocolError (the stream is not what the engine promised).
 */
export async function* decodeBuildkitTraces(values: AsyncIterable<unknown>): AsyncGenerator<unknown, void, undefined> {
  let decode: Decode | undefined;
  for await (const value of values) {
    if (isTrace(value)) {
      decode ??= await loadDecoder();
      yield Object.assign(value, { buildkit: decode(value.aux) });
    } else {
      yield value;
    }
  }
}
