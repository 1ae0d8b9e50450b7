/**
 * The step view of a BuildKit build: what `docker buildx build --progress=plain` shows, folded from the decoded
 * `StatusResponse`s of the trace lines. BuildKit sends deltas — a vertex reappears whenever it starts, completes
 * or fails, and logs arrive as byte chunks that may split lines (and UTF-8 characters) anywhere — so this keeps
 * one record per vertex digest and a line buffer per vertex.
 */
import type { BuildkitStatus, BuildkitVertex } from '../streams/buildkit-events.js';
import type { Timestamp } from '../../generated/buildkit/status-shapes.js';
import { TextDecoder } from 'node:util';

/** Go's zero `time.Time` as a protobuf Timestamp: BuildKit 0.8 (gogoproto, non-nullable) sends it for "unset". */
const GO_ZERO_TIME_SECONDS = -62135596800n;

/** A Timestamp as a Date; undefined for absent and zero timestamps. */
export function timestampDate(ts: Timestamp | undefined): Date | undefined {
  if (ts === undefined || ts.seconds <= GO_ZERO_TIME_SECONDS) return undefined;
  return new Date(Number(ts.seconds) * 1000 + Math.floor(ts.nanos / 1e6));
}

export interface BuildStep {
  /** BuildKit's vertex digest, the step's identity. */
  digest: string;
  /** Position in order of first appearance, from 1 (buildx's `#N`). */
  index: number;
  /** `[2/3] RUN make`, `[internal] load build context`, `[stage-1 2/2] COPY --from=0 …`. */
  name: string;
  /** Digests of the vertexes this one depends on. */
  inputs: string[];
  /** The result came from the build cache (the step did not run). */
  cached: boolean;
  started?: Date;
  completed?: Date;
  /** `completed - started` in milliseconds, once both are known. */
  durationMs?: number;
  /** BuildKit's error text when the step failed (or was cancelled because another step failed). */
  error?: string;
  /** Output lines of the step (stdout and stderr interleaved as sent), the newest `maxLogLines` of them. */
  logs: string[];
  /** Byte progress of the step's sub-tasks (layer downloads, context transfer), by BuildKit's status ID. */
  progress: Map<string, StepProgress>;
}

/** One sub-task of a step (`VertexStatus`): `current` of `total` units (bytes; `total` 0 when unknown). */
export interface StepProgress {
  id: string;
  /** What is being done (`extracting`, `transferring context`…), when BuildKit names it. */
  name: string;
  current: number;
  total: number;
  completed: boolean;
}

/** What one StatusResponse changed about one step. */
export interface StepChange {
  step: BuildStep;
  /** The step appeared in this update (first time its digest was seen). */
  added: boolean;
  /** It started / completed / was found in the cache in this update. */
  started: boolean;
  completed: boolean;
  cached: boolean;
  /** Timestamp of the newest output chunk in this update. */
  loggedAt?: Date;
  /** Complete output lines that arrived in this update. */
  lines: string[];
  /** Sub-tasks that progressed or completed in this update. */
  progress: StepProgress[];
}

export interface BuildkitStepsOptions {
  /** Output lines kept per step (default 200). */
  maxLogLines?: number;
}

const CANCELLED = /context canceled/;

export class BuildkitSteps {
  readonly #steps = new Map<string, BuildStep>();
  readonly #partial = new Map<string, { decoder: TextDecoder; text: string }>();
  readonly #maxLogLines: number;

  constructor(options: BuildkitStepsOptions = {}) {
    this.#maxLogLines = Math.max(1, options.maxLogLines ?? 200);
  }

  /** All steps in order of first appearance. */
  get steps(): BuildStep[] {
    return [...this.#steps.values()];
  }

  /** Folds one decoded trace payload; returns the steps it touched, in the order BuildKit listed them. */
  update(status: BuildkitStatus): StepChange[] {
    const changes = new Map<string, StepChange>();
    const change = (step: BuildStep, added = false): StepChange => {
      let c = changes.get(step.digest);
      if (!c) changes.set(step.digest, (c = { step, added, started: false, completed: false, cached: false, lines: [], progress: [] }));
      return c;
    };
    for (const v of status.vertexes) this.#vertex(v, change);
    for (const st of status.statuses) {
      const step = this.#steps.get(st.vertex) ?? this.#placeholder(st.vertex, change);
      const p: StepProgress = { id: st.ID, name: st.name, current: Number(st.current), total: Number(st.total), completed: timestampDate(st.completed) !== undefined };
      step.progress.set(st.ID, p);
      change(step).progress.push(p);
    }
    for (const log of status.logs) {
      const step = this.#steps.get(log.vertex) ?? this.#placeholder(log.vertex, change);
      const lines = this.#lines(log.vertex, log.msg, false);
      const c = change(step);
      c.loggedAt = timestampDate(log.timestamp) ?? c.loggedAt;
      if (lines.length) this.#keep(step, lines, c.lines);
    }
    return [...changes.values()];
  }

  /**
   * The step that made the build fail: the first one with an error that is not the cancellation BuildKit
   * reports on the steps it stopped because of it (preferring the one whose error the daemon's message quotes).
   */
  failed(daemonMessage?: string): BuildStep | undefined {
    const errored = this.steps.filter((s) => s.error !== undefined);
    if (daemonMessage !== undefined) {
      const quoted = errored.find((s) => s.error !== '' && daemonMessage.includes(s.error!));
      if (quoted) return quoted;
    }
    return errored.find((s) => !CANCELLED.test(s.error!)) ?? errored[0];
  }

  #vertex(v: BuildkitVertex, change: (step: BuildStep, added?: boolean) => StepChange): void {
    let step = this.#steps.get(v.digest);
    let c: StepChange;
    if (!step) {
      step = { digest: v.digest, index: this.#steps.size + 1, name: v.name, inputs: [...v.inputs], cached: false, logs: [], progress: new Map() };
      this.#steps.set(v.digest, step);
      c = change(step, true);
    } else {
      c = change(step);
      if (step.name === '' && v.name !== '') step.name = v.name;
    }
    if (v.cached && !step.cached) {
      step.cached = true;
      c.cached = true;
    }
    const started = timestampDate(v.started);
    const completed = timestampDate(v.completed);
    if (started && !step.started) {
      step.started = started;
      c.started = true;
    }
    if (completed && !step.completed) {
      step.completed = completed;
      c.completed = true;
      // A last line without a newline is complete once the step is.
      const rest = this.#lines(v.digest, undefined, true);
      if (rest.length) this.#keep(step, rest, c.lines);
    }
    if (step.started && step.completed) step.durationMs = step.completed.getTime() - step.started.getTime();
    if (v.error !== '') step.error = v.error;
  }

  /** Logs can precede their vertex; the vertex fills the record in when it arrives. */
  #placeholder(digest: string, change: (step: BuildStep, added?: boolean) => StepChange): BuildStep {
    const step: BuildStep = { digest, index: this.#steps.size + 1, name: '', inputs: [], cached: false, logs: [], progress: new Map() };
    this.#steps.set(digest, step);
    change(step, true);
    return step;
  }

  /** Splits a vertex's log bytes into complete lines (`\r\n`, `\n`; a lone `\r` redraw keeps the last text). */
  #lines(digest: string, bytes: Uint8Array | undefined, flush: boolean): string[] {
    let p = this.#partial.get(digest);
    if (!p) this.#partial.set(digest, (p = { decoder: new TextDecoder('utf-8'), text: '' }));
    if (bytes) p.text += p.decoder.decode(bytes, { stream: true });
    if (flush) p.text += p.decoder.decode();
    const parts = p.text.split('\n');
    p.text = flush ? '' : parts.pop()!;
    if (flush && parts[parts.length - 1] === '') parts.pop();
    return parts.map((line) => {
      const trimmed = line.endsWith('\r') ? line.slice(0, -1) : line;
      const cr = trimmed.lastIndexOf('\r');
      return cr === -1 ? trimmed : trimmed.slice(cr + 1);
    });
  }

  #keep(step: BuildStep, lines: string[], into: string[]): void {
    into.push(...lines);
    step.logs.push(...lines);
    if (step.logs.length > this.#maxLogLines) step.logs.splice(0, step.logs.length - this.#maxLogLines);
  }
}
