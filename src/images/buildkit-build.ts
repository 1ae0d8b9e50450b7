/**
 * The result reducer of a BuildKit build (`version: '2'`): the image ID from the `moby.image.id` aux line (as the
 * classic builder's reducer reads it), plus the step view, so that a failure can name the step that failed.
 * BuildKit's error line only says `executor failed running [/bin/sh -c …]: exit code: N`; the step's name and
 * output are only in the trace.
 */
import { DockerStreamError } from '../errors.js';
import type { StreamReducer } from '../operation.js';
import type { BuildkitTraceFields } from '../streams/buildkit-events.js';
import { buildReducer, type BuildEvent, type BuildResult } from '../stream-reducers.js';
import { BuildkitSteps } from './buildkit-steps.js';

/** Output lines of the failing step that go into the error (the step record keeps more). */
const ERROR_LOG_LINES = 10;

export interface FailedStep {
  /** `[2/3] RUN make` */
  name: string;
  digest: string;
  /** BuildKit's error text for the step. */
  error?: string;
  /** The step's last output lines (at most 10). */
  logs: string[];
}

/** A BuildKit build failed; `step` names the step and carries its last output when the trace showed it. */
export class DockerBuildError extends DockerStreamError {
  constructor(
    failure: DockerStreamError,
    readonly step: FailedStep | undefined,
  ) {
    super(failure.operation, failure.daemonMessage, failure.detail);
    if (step) {
      const output = step.logs.length ? `; its last output:\n${step.logs.map((l) => `  ${l}`).join('\n')}` : ' (no output)';
      this.message = `${this.message}\nstep ${step.name} failed${output}`;
    }
  }
}

export interface BuildkitReducer extends StreamReducer<BuildEvent & BuildkitTraceFields, BuildResult> {
  /** The steps seen so far. */
  readonly steps: BuildkitSteps;
  /** Turns the daemon's error line into a DockerBuildError naming the failed step. */
  failed(failure: DockerStreamError): DockerBuildError;
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
      return new DockerBuildError(
        failure,
        step && { name: step.name, digest: step.digest, error: step.error, logs: step.logs.slice(-ERROR_LOG_LINES) },
      );
    },
  };
}
