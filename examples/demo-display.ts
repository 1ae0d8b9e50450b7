/**
 * Terminal output for the demo: byte sizes as people read them, a status line that rewrites itself on a
 * terminal, and a live progress bar for transfers (pull, push, load) fed by the client's ProgressTracker.
 * When stdout is not a terminal (CI logs, a pipe) nothing is redrawn: plain lines, one per layer state change.
 */
import { Transform } from 'node:stream';
import { ProgressTracker, type ProgressSnapshot } from '../src/index.js';

export const live = process.stdout.isTTY === true;

/** Decimal units like the docker CLI: `47 B`, `2.0 kB`, `64.0 MB`. */
export function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = n / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** `label` padded to the demo's first column. */
export const col = (label: string): string => label.padEnd(10);

/** One line that rewrites itself on a terminal; elsewhere only `final` lines are printed. */
export function status(text: string, final = false): void {
  if (live) process.stdout.write(`\r\x1b[2K${text}${final ? '\n' : ''}`);
  else if (final) console.log(text);
}

/** A pass-through stream that shows the bytes gone through it on the status line (a save on its way to a file). */
export function byteCounter(label: string): { stream: Transform; bytes: () => number } {
  let bytes = 0;
  let lastDraw = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _enc, done) {
      bytes += chunk.length;
      const now = Date.now();
      if (now - lastDraw >= 50) {
        lastDraw = now;
        status(`${col(label)}${formatBytes(bytes)}`);
      }
      done(null, chunk);
    },
  });
  return { stream, bytes: () => bytes };
}

const BAR_WIDTH = 30;

function bar(fraction: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * BAR_WIDTH);
  return `[${'█'.repeat(filled)}${'·'.repeat(BAR_WIDTH - filled)}]`;
}

/** Short layer id for plain lines (dockerd sends 12 hex digits already; podman sends full digests). */
const shortId = (id: string): string => id.replace(/^sha256:/, '').slice(0, 12);

/**
 * Shows one transfer: feed it every event of a pull / push / load; `done()` prints the last line.
 * On a terminal: `push      [██████████····]  52%  33.6 MB / 64.0 MB  1 layer`, redrawn at most every 50 ms.
 * Elsewhere: `push      layer 3f2a9c1b0d4e: Pushing` whenever a layer's status changes.
 */
export class TransferProgress {
  readonly #tracker = new ProgressTracker();
  readonly #lastStatus = new Map<string, string>();
  #lastDraw = 0;
  #snapshot: ProgressSnapshot | undefined;
  /** The latest layer status (`Downloading`, `Extracting`, …), shown after the numbers. */
  #phase = '';

  constructor(private readonly label: string) {}

  update(event: { id?: string; status?: string; progressDetail?: { current?: number; total?: number } }): void {
    this.#snapshot = this.#tracker.update(event);
    const id = event.id;
    if (id && event.status && this.#snapshot.layers.has(id)) this.#phase = event.status;
    if (!live) {
      if (id && event.status && this.#snapshot.layers.has(id) && this.#lastStatus.get(id) !== event.status) {
        this.#lastStatus.set(id, event.status);
        console.log(`${col(this.label)}layer ${shortId(id)}: ${event.status}`);
      }
      return;
    }
    const now = Date.now();
    if (now - this.#lastDraw >= 50) {
      this.#lastDraw = now;
      this.#draw();
    }
  }

  #draw(): void {
    const s = this.#snapshot;
    if (!s) return;
    const layers = `${s.layers.size} layer${s.layers.size === 1 ? '' : 's'}`;
    const sizes = s.total > 0 ? `${formatBytes(s.current)} / ${formatBytes(s.total)}` : 'waiting for sizes';
    status(`${col(this.label)}${bar(s.fraction)} ${String(Math.round(s.fraction * 100)).padStart(3)}%  ${sizes}  ${layers}${this.#phase ? ` · ${this.#phase}` : ''}`);
  }

  /** Replaces the bar (or follows the plain lines) with `summary`. */
  done(summary: string): void {
    status(`${col(this.label)}${summary}`, true);
  }
}
