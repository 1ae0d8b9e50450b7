/**
 * A test-only observer of every JSON answer `docker.api` parses (test/helpers/conformance-recorder.ts installs it;
 * nothing else does). The conformance check (scripts/conformance.ts) validates what it saw against the spec's
 * schemas, so a field the spec types wrongly (`null` where it says `string[]`) is found on real engines.
 *
 * It is set before clients are made and read once per client: a client made without it pays nothing. The
 * operation is named by openapi-fetch's path template and method, mapped to the operationId by the check.
 */

/** One parsed 2xx JSON answer. */
export interface RecordedResponse {
  method: string;
  /** The spec's path template, `/images/{name}/json`. */
  schemaPath: string;
  status: number;
  /** The engine's `Server` header (`Docker/20.10.24 (linux)`, `Libpod/4.3.1 (linux)`) and its `Api-Version`. */
  server: string | null;
  apiVersion: string | null;
  body: unknown;
}

export type ResponseRecorder = (record: RecordedResponse) => void;

let current: ResponseRecorder | undefined;

/** Install (or, with undefined, remove) the observer for clients created from now on. */
export function setResponseRecorder(recorder: ResponseRecorder | undefined): void {
  current = recorder;
}

export function responseRecorder(): ResponseRecorder | undefined {
  return current;
}
