/**
 * core/ — rules every layer shares: the typed errors, input checks, spec-type helpers, API versions and their
 * gates, filter encoding. Changes when a cross-cutting rule changes, never for one resource.
 *
 * Typed errors. Everything this client throws on purpose is a DockerError, so callers can catch one class
 * and switch on the subclass (or on `code`) without parsing message text.
 *
 * `instanceof` works across copies of this package loaded in one process (the CommonJS and the ESM build, or
 * two installed versions): each class carries a brand `Symbol.for('docker-engine-client.<ClassName>')`, every
 * instance is marked with the brands of its class chain, and `Symbol.hasInstance` accepts a marked object.
 */
import type { components } from '../../generated/docker-engine.js';

/** Where a class keeps its brand (a registered symbol, so every copy of the package sees the same one). */
const BRAND = Symbol.for('docker-engine-client.brand');

export class DockerError extends Error {
  /** True for errors of this class made by any copy of the package (CJS and ESM builds alike). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (Function.prototype[Symbol.hasInstance].call(this, value)) return true;
    // Only classes that own a brand match foreign instances; a caller's own subclass stays plain instanceof.
    if (typeof value !== 'object' || value === null || !Object.hasOwn(this, BRAND)) return false;
    return (value as Record<symbol, unknown>)[(this as unknown as Record<symbol, symbol>)[BRAND]] === true;
  }

  /** Stable machine-readable kind. */
  readonly code: string = 'DOCKER_ERROR';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    for (let c: unknown = new.target; typeof c === 'function' && c !== Error; c = Object.getPrototypeOf(c)) {
      if (Object.hasOwn(c, BRAND)) Object.defineProperty(this, (c as unknown as Record<symbol, symbol>)[BRAND], { value: true });
    }
  }
}

/** The engine answered with an HTTP error status. `message` is the daemon's own text, verbatim. */
export class DockerApiError extends DockerError {
  override readonly code = 'DOCKER_API_ERROR';
  constructor(
    readonly status: number,
    readonly method: string,
    readonly path: string,
    /** The daemon's message, verbatim (`{"message": …}` body, or the raw body text). */
    readonly daemonMessage: string,
  ) {
    super(`${method} ${path} → ${status}: ${daemonMessage}`);
  }
  get isNotFound(): boolean {
    return this.status === 404;
  }
  get isConflict(): boolean {
    return this.status === 409;
  }
}

/**
 * Where a connection failed: `connect` — the engine could not be reached (socket missing, refused, TLS);
 * `lost` — an established connection broke (the engine died or restarted, a proxy cut it); `closed` — this client
 * was closed or destroyed while the call was in flight or before it started.
 */
export type ConnectionFailure = 'connect' | 'lost' | 'closed';

/** A connection to the engine failed: could not connect, was lost (`bytesReceived` says how far), or was closed. */
export class DockerConnectionError extends DockerError {
  override readonly code = 'DOCKER_CONNECTION_ERROR';
  readonly failure: ConnectionFailure;
  /** For a connection lost while the answer streamed: the bytes of the body received before it broke. */
  readonly bytesReceived?: number;
  constructor(
    /** Socket path or host:port that was dialled. */
    readonly target: string,
    message: string,
    options?: { cause?: unknown; failure?: ConnectionFailure; bytesReceived?: number; midStream?: boolean },
  ) {
    const failure = options?.failure ?? 'connect';
    const bytes = options?.bytesReceived;
    const when = bytes !== undefined ? `mid-stream after ${bytes} bytes of the answer` : options?.midStream ? 'while the answer was read' : 'before it answered';
    super(
      failure === 'connect'
        ? `cannot connect to the Docker engine at ${target}: ${message}`
        : failure === 'closed'
          ? `the client was closed (Docker engine at ${target}): ${message}`
          : `the connection to the Docker engine at ${target} was lost ${when}: ${message}`,
      { cause: options?.cause },
    );
    this.failure = failure;
    if (bytes !== undefined) this.bytesReceived = bytes;
  }
}

/**
 * A docker credential helper (`docker-credential-<name> get`) failed, timed out or could not be run. The message
 * names the helper and the registry and carries the helper's own error text; it never holds a secret.
 */
export class DockerCredentialsError extends DockerError {
  override readonly code = 'DOCKER_CREDENTIALS_ERROR';
  constructor(
    /** The helper program, e.g. `docker-credential-pass`. */
    readonly helper: string,
    /** The registry whose credentials were asked for. */
    readonly serverURL: string,
    message: string,
  ) {
    super(`${helper} get (for ${serverURL}) ${message}`);
  }
}

/** The caller's AbortSignal fired. */
export class DockerAbortError extends DockerError {
  override readonly code = 'DOCKER_ABORTED';
  constructor(message = 'the operation was aborted', options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The client's `timeout` elapsed before the engine finished answering. */
export class DockerTimeoutError extends DockerError {
  override readonly code = 'DOCKER_TIMEOUT';
  constructor(
    readonly timeoutMs: number,
    /** What was waited for, e.g. `waiting for the answer`. */
    what: string,
    /** Socket path or host:port of the engine. */
    readonly target?: string,
  ) {
    super(`${what}${target ? ` of the Docker engine at ${target}` : ''} timed out after ${timeoutMs} ms`);
  }
}

/** A streamed operation (pull, push, build, import, load) reported failure in its body (HTTP 200). */
export class DockerStreamError extends DockerError {
  override readonly code = 'DOCKER_STREAM_ERROR';
  constructor(
    readonly operation: string,
    /** The daemon's error text, verbatim. */
    readonly daemonMessage: string,
    /** The `errorDetail` object of the failing line, when the daemon sent one. */
    readonly detail?: components['schemas']['ErrorDetail'],
  ) {
    super(`${operation} failed: ${daemonMessage}`);
  }
}

/** The step of a BuildKit build that failed, from the build's trace. */
export interface FailedBuildStep {
  /** `[2/3] RUN make` */
  name: string;
  /** BuildKit's vertex digest. */
  digest: string;
  /** BuildKit's error text for the step. */
  error?: string;
  /** The step's last output lines (at most 10). */
  logs: string[];
}

/**
 * A BuildKit build failed: a DockerStreamError (the daemon's text in `daemonMessage`) that also names the step
 * (`step`; its name and last output are in the message too) — BuildKit's error line alone says only
 * `executor failed running [/bin/sh -c …]: exit code: N`.
 */
export class DockerBuildError extends DockerStreamError {
  constructor(
    failure: DockerStreamError,
    readonly step: FailedBuildStep,
  ) {
    super(failure.operation, failure.daemonMessage, failure.detail);
    const output = step.logs.length ? `; its last output:\n${step.logs.map((l) => `  ${l}`).join('\n')}` : ' (no output)';
    this.message = `${this.message}\nstep ${step.name} failed${output}`;
  }
}

/** The engine speaks an API older than this client supports. */
export class DockerVersionError extends DockerError {
  override readonly code = 'DOCKER_UNSUPPORTED_VERSION';
  constructor(
    readonly engineVersion: string,
    readonly minimumVersion: string,
  ) {
    super(`the engine speaks API v${engineVersion}, but docker-engine-client needs at least v${minimumVersion}`);
  }
}

/** Bad input caught before any request was sent (bad reference, unknown filter key, bad option, bad env). */
export class DockerInputError extends DockerError {
  override readonly code: string = 'DOCKER_INPUT_ERROR';
}

/**
 * The engine's answer broke the API's wire format (e.g. a progress stream line that is not JSON). Distinct from
 * DockerStreamError, which carries a failure the daemon itself reported.
 */
export class DockerProtocolError extends DockerError {
  override readonly code = 'DOCKER_PROTOCOL_ERROR';
}

/**
 * A filter key the endpoint does not document, or a value of the wrong type. TypeScript rejects these at compile
 * time; this is the runtime check for JavaScript callers, one kind of bad input.
 */
export class DockerFilterError extends DockerInputError {
  override readonly code = 'DOCKER_INVALID_FILTER';
  constructor(
    /** The operation whose filters were given, e.g. `images.list`. */
    readonly endpoint: string,
    /** The offending key. */
    readonly key: string,
    /** The keys this endpoint accepts. */
    readonly allowed: readonly string[],
    message: string,
  ) {
    super(message);
  }
}

// Each class owns its brand (set here once rather than as a static field in each class).
for (const [name, cls] of Object.entries({
  DockerError,
  DockerApiError,
  DockerConnectionError,
  DockerCredentialsError,
  DockerAbortError,
  DockerTimeoutError,
  DockerStreamError,
  DockerBuildError,
  DockerVersionError,
  DockerInputError,
  DockerProtocolError,
  DockerFilterError,
})) {
  Object.defineProperty(cls, BRAND, { value: Symbol.for(`docker-engine-client.${name}`) });
}
