/**
 * A terminal view of a build's events, for demos and CLIs:
 *  - not a TTY: plain lines in the format of `docker buildx build --progress=plain` (`#5 [2/3] RUN make`,
 *    `#5 0.412 output line`, `#5 DONE 1.2s`, `#4 CACHED`, `#5 ERROR: …`), written as they happen;
 *  - a TTY: a live block redrawn in place (at most every 100 ms): one line per step with its state and time,
 *    and the last output lines of the steps that are running.
 * Classic-builder events (`stream` text) are passed through as they are, so one call serves both builders.
 */
import type { Writable } from 'node:stream';
import type { BuildEvent } from './reducers.js';
import { BuildkitSteps, type BuildStep, type StepChange, type StepProgress } from './buildkit-steps.js';

export interface BuildViewOptions {
  /** Where to write (default process.stderr). */
  out?: Writable & { isTTY?: boolean; columns?: number };
  /** Live view (default: whether `out` is a TTY). */
  live?: boolean;
  /** Output lines shown under each running step in the live view (default 6). */
  tailLines?: number;
}

const REDRAW_MS = 100;

/** A sub-task as buildx shows it: `sha256:ab… 1.2MB / 3.4MB`, `exporting layers` (nothing counted). */
function subtask(p: StepProgress): string {
  const size = (n: number): string => (n >= 1e6 ? `${(n / 1e6).toFixed(1)}MB` : n >= 1e3 ? `${(n / 1e3).toFixed(1)}kB` : `${n}B`);
  const amount = p.total > 0 ? ` ${size(p.current)} / ${size(p.total)}` : p.current > 0 ? ` ${size(p.current)}` : '';
  return `${p.id}${p.name ? ` ${p.name}` : ''}${amount}`;
}

function seconds(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)}s`;
}

export class BuildView {
  readonly #out: NonNullable<BuildViewOptions['out']>;
  readonly #live: boolean;
  readonly #tail: number;
  readonly #steps = new BuildkitSteps();
  readonly #headed = new Set<string>();
  /** Steps completed in the previous update, their DONE held back: BuildKit may mark one cached right after. */
  readonly #doneLater = new Set<BuildStep>();
  readonly #begin = Date.now();
  #drawn = 0;
  #timer: NodeJS.Timeout | undefined;

  constructor(options: BuildViewOptions = {}) {
    this.#out = options.out ?? process.stderr;
    this.#live = options.live ?? this.#out.isTTY === true;
    this.#tail = options.tailLines ?? 6;
  }

  /** Shows one build event. */
  update(event: BuildEvent): void {
    if (event.buildkit) {
      const changes = this.#steps.update(event.buildkit);
      if (this.#live) this.#schedule();
      else {
        this.#flushDone(new Set(changes.filter((c) => c.cached).map((c) => c.step)));
        for (const c of changes) this.#plain(c);
      }
    } else if (typeof event.stream === 'string' && event.stream !== '') {
      if (!this.#live) this.#flushDone(new Set());
      this.#clear();
      this.#out.write(event.stream);
      if (this.#live) this.#schedule();
    }
  }

  /** Final drawing; `error` (the build's failure) is printed under it. Stops the redraw timer. */
  end(error?: unknown): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#live) this.#draw(true);
    else this.#flushDone(new Set());
    if (error !== undefined) this.#out.write(`ERROR: ${error instanceof Error ? error.message : String(error)}\n`);
  }

  #plain(c: StepChange): void {
    const { step } = c;
    const tag = `#${step.index}`;
    const head = (): void => {
      if (this.#headed.has(step.digest) || step.name === '') return;
      this.#headed.add(step.digest);
      this.#out.write(`${tag} ${step.name}\n`);
    };
    if (c.started || c.lines.length || c.completed || c.cached || c.progress.some((p) => p.completed)) head();
    const since = step.started && c.loggedAt ? (c.loggedAt.getTime() - step.started.getTime()) / 1000 : 0;
    for (const line of c.lines) this.#out.write(`${tag} ${since.toFixed(3)} ${line}\n`);
    for (const p of c.progress) if (p.completed) this.#out.write(`${tag} ${subtask(p)} done\n`);
    if (c.cached) this.#out.write(`${tag} CACHED\n`);
    else if (!c.completed || step.cached) return;
    else if (step.error !== undefined) this.#out.write(`${tag} ERROR: ${step.error}\n`);
    else this.#doneLater.add(step);
  }

  /** Prints the held-back DONE lines, except for steps that turned out cached (their CACHED line follows). */
  #flushDone(cached: ReadonlySet<BuildStep>): void {
    for (const step of this.#doneLater) {
      if (!cached.has(step)) this.#out.write(`#${step.index} DONE ${seconds(step.durationMs ?? 0)}\n`);
    }
    this.#doneLater.clear();
  }

  #schedule(): void {
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      this.#draw(false);
    }, REDRAW_MS);
  }

  /** Erases the live block (so passed-through text does not interleave with it). */
  #clear(): void {
    if (this.#live && this.#drawn > 0) this.#out.write(`\x1b[${this.#drawn}F\x1b[J`);
    this.#drawn = 0;
  }

  #draw(final: boolean): void {
    const width = Math.max(40, (this.#out.columns || 100) - 1);
    const fit = (s: string): string => (s.length > width ? `${s.slice(0, width - 1)}…` : s);
    const steps = this.#steps.steps.filter((s) => s.name !== '');
    const done = steps.filter((s) => s.completed).length;
    const lines = [`[+] Building ${seconds(Date.now() - this.#begin)} (${done}/${steps.length})${final ? ' FINISHED' : ''}`];
    for (const step of steps) {
      lines.push(fit(this.#row(step, width)));
      if (step.completed || !step.started) continue;
      for (const p of step.progress.values()) if (!p.completed) lines.push(fit(` => => ${subtask(p)}`));
      for (const l of step.logs.slice(-this.#tail)) lines.push(fit(` => => # ${l}`));
    }
    this.#clear();
    this.#out.write(`${lines.join('\n')}\n`);
    this.#drawn = lines.length;
  }

  #row(step: BuildStep, width: number): string {
    const state = step.cached ? 'CACHED ' : step.error !== undefined ? 'ERROR ' : '';
    const ms = step.durationMs ?? (step.started ? Date.now() - step.started.getTime() : undefined);
    const time = ms === undefined ? '' : seconds(ms);
    const left = ` => ${state}${step.name}`;
    return `${left}${' '.repeat(Math.max(1, width - left.length - time.length))}${time}`;
  }
}

/**
 * Iterates a build operation (`docker.images.build(…)`), showing every event; resolves when the build's events
 * end and rethrows the build's failure after showing it. Await the operation afterwards for its result.
 */
export async function showBuild(events: AsyncIterable<BuildEvent>, options: BuildViewOptions = {}): Promise<void> {
  const view = new BuildView(options);
  try {
    for await (const event of events) view.update(event);
  } catch (err) {
    view.end(err);
    throw err;
  }
  view.end();
}
