/**
 * BuildKit builds (`version: '2'`): the trace lines decoded (`event.buildkit`), the result reducer — the image ID
 * from the `moby.image.id` aux line, as the classic builder's reducer reads it, plus the step view, so that a
 * failure can name the step that failed (BuildKit's error line only says `executor failed running [/bin/sh -c …]:
 * exit code: N`; the step's name and output are only in the trace) — and the session that serves credentials.
 */
import type { ApiContext } from '../api/context.js';
import type { TarSource } from '../bodies/tar-body.js';
import { DockerApiError, DockerBuildError, DockerStreamError } from '../core/errors.js';
import { openBuildSession, type BuildSession } from '../registry/build-session.js';
import type { RegistryCredentials } from '../registry/credentials.js';
import { sessionCredentials } from '../registry/session-credentials.js';
import { decodeBuildkitTraces } from '../streams/buildkit-events.js';
import { progressMessages } from '../streams/progress-lines.js';
import { StreamOperation, type StreamDecoder, type StreamReducer } from '../streams/stream-operation.js';
import { openBuild, requestedTags, type BuildOperation, type BuildOptions } from './build.js';
import { BuildkitSteps } from './buildkit-steps.js';
import { buildReducer, type BuildEvent, type BuildResult } from './reducers.js';

/** Output lines of the failing step that go into the error (the step record keeps more). */
const ERROR_LOG_LINES = 10;

export interface BuildkitReducer extends StreamReducer<BuildEvent, BuildResult> {
  /** The steps seen so far. */
  readonly steps: BuildkitSteps;
  /** The daemon's error line as a DockerBuildError naming the failed step (unchanged when the trace named none). */
  failed(failure: DockerStreamError): DockerStreamError;
}

export function buildkitReducer(options: { tags?: readonly string[] } = {}): BuildkitReducer {
  const base = buildReducer(options);
  const steps = new BuildkitSteps();
  return {
    operation: base.operation,
    steps,
    next(event) {
      if (event.buildkit) steps.update(event.buildkit);
      else base.next(event);
    },
    finish: () => base.finish(),
    failed(failure) {
      const step = steps.failed(failure.daemonMessage);
      if (!step) return failure;
      return new DockerBuildError(failure, { name: step.name, digest: step.digest, error: step.error, logs: step.logs.slice(-ERROR_LOG_LINES) });
    },
  };
}

/**
 * The StreamOperation decoder of a BuildKit build: progress lines with each trace decoded (`event.buildkit`),
 * and the daemon's error line turned into a DockerBuildError by `reducer` (which has seen every event before).
 */
export function buildkitDecoder(reducer: BuildkitReducer): StreamDecoder<BuildEvent> {
  return async function* (body, operation) {
    try {
      yield* decodeBuildkitTraces(progressMessages(body, operation)) as AsyncIterable<BuildEvent>;
    } catch (err) {
      throw err instanceof DockerStreamError ? reducer.failed(err) : err;
    }
  };
}

/** A body whose end — read to the end, failed, or cancelled before it was read — also ends the session. */
function closingSession(body: AsyncIterable<Uint8Array>, session: BuildSession): AsyncIterable<Uint8Array> & { destroy(): void } {
  const end = (): void => void session.close();
  return {
    async *[Symbol.asyncIterator]() {
      try {
        yield* body;
      } finally {
        end();
      }
    },
    destroy() {
      (body as { destroy?: () => void }).destroy?.();
      void body[Symbol.asyncIterator]().return?.();
      end();
    },
  };
}

/**
 * `POST /build?version=2` with a session, as the docker CLI always opens one: it serves `registryConfig`, then
 * `credentials` (default: `docker.auth`, i.e. config.json and credential helpers, unless `registryConfig` is
 * `false`) to BuildKit one registry host at a time; with none BuildKit still goes on anonymously (without any
 * session dockerd 20.10 fails a pull that meets a 401 with "no active sessions"). An engine without sessions
 * (Podman: 404) builds without one, with `X-Registry-Config` as for the classic builder. The session ends with the
 * build's output.
 */
export function buildkitBuild(ctx: ApiContext, creds: RegistryCredentials | undefined, context: TarSource, opts: BuildOptions): BuildOperation {
  const reducer = buildkitReducer({ tags: requestedTags(opts) });
  let session: BuildSession | undefined;
  const open = async (): Promise<string | undefined> => {
    const { registryConfig, signal } = opts;
    const fallback = opts.credentials ?? (creds && registryConfig !== false ? (host: string) => creds.resolve(host) : undefined);
    const lookup = sessionCredentials(registryConfig === false ? undefined : registryConfig, fallback);
    try {
      session = await openBuildSession(ctx.connection, { credentials: lookup, signal });
    } catch (err) {
      if (err instanceof DockerApiError && err.status === 404) return undefined;
      throw err;
    }
    return session.id;
  };
  const body = (async () => {
    try {
      const output = await openBuild(ctx, creds, context, opts, open);
      return session ? closingSession(output, session) : output;
    } catch (err) {
      await session?.close();
      throw err;
    }
  })();
  return new StreamOperation(body, reducer, { decode: buildkitDecoder(reducer), signal: opts?.signal });
}
