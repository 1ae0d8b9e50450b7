/**
 * Aggregates per-layer byte progress from pull / push / load / build events into numbers for one progress bar.
 *
 * Each layer event carries `id` (short layer id), `status` and, while bytes move, `progressDetail.current/total`.
 * The aggregate counts transferred bytes (download, upload, load): a layer that has moved past its transfer
 * (`Verifying Checksum`, `Download complete`, `Extracting`, `Pull complete`, `Pushed`, `Already exists`, …)
 * counts as fully transferred, so the bar never moves backwards when a pull switches from downloading a layer to
 * extracting it. Layers whose size is unknown add nothing to `current` or `total`.
 */
import type { components } from '../../generated/docker-engine.js';

type ProgressDetail = components['schemas']['ProgressDetail'];

/** The event fields the tracker reads; every pull/push/load/build event type fits. */
export interface ProgressEvent {
  id?: string;
  status?: string;
  progressDetail?: ProgressDetail;
}

export interface LayerProgress {
  /** Latest status text for the layer (`Downloading`, `Extracting`, `Pull complete`, …). */
  status: string;
  /** Bytes of the current phase, as last reported. */
  current: number;
  /** Size of the layer, once known (0 until then). */
  total: number;
  /** All of the layer's bytes are transferred. */
  transferred: boolean;
}

export interface ProgressSnapshot {
  layers: ReadonlyMap<string, Readonly<LayerProgress>>;
  /** Transferred bytes over all layers of known size. */
  current: number;
  /** Sum of the known layer sizes. */
  total: number;
  /** Every layer seen so far has transferred its bytes (a pull may still be extracting; the result says when it ends). */
  done: boolean;
  /** current / total in [0, 1]; 1 when done, 0 while nothing is known. */
  fraction: number;
}

/** Statuses during which bytes are still moving; `progressDetail` then counts transferred bytes. */
const TRANSFERRING = new Set(['Downloading', 'Pushing', 'Loading layer', 'Importing']);
/** Statuses before any byte moved. */
const PENDING = new Set(['Pulling fs layer', 'Waiting', 'Preparing']);

function isTransferred(status: string, current: number, total: number): boolean {
  if (TRANSFERRING.has(status)) return total > 0 && current >= total;
  if (PENDING.has(status) || status.startsWith('Retrying')) return false;
  // Verifying Checksum, Download complete, Extracting, Pull complete, Already exists, Pushed,
  // Layer already exists, Mounted from …: all past the transfer.
  return true;
}

/** Events that carry an `id` but are not about a layer. */
function isLayerEvent(event: ProgressEvent): event is ProgressEvent & { id: string; status: string } {
  if (typeof event.id !== 'string' || event.id === '' || typeof event.status !== 'string') return false;
  // dockerd: {"status":"Pulling from library/busybox","id":"latest"} — the id is the tag.
  return !event.status.startsWith('Pulling from ');
}

export class ProgressTracker {
  readonly #layers = new Map<string, LayerProgress>();

  /** Feeds one event; returns the updated snapshot. Events that are not about a layer leave it unchanged. */
  update(event: ProgressEvent): ProgressSnapshot {
    if (isLayerEvent(event)) {
      const layer = this.#layers.get(event.id) ?? { status: '', current: 0, total: 0, transferred: false };
      const detail = event.progressDetail;
      const total = typeof detail?.total === 'number' && detail.total > 0 ? detail.total : undefined;
      const current = typeof detail?.current === 'number' && detail.current >= 0 ? detail.current : undefined;
      layer.status = event.status;
      if (total !== undefined) layer.total = total;
      if (TRANSFERRING.has(event.status) || current !== undefined) layer.current = current ?? 0;
      layer.transferred = isTransferred(event.status, layer.current, layer.total);
      this.#layers.set(event.id, layer);
    }
    return this.snapshot();
  }

  snapshot(): ProgressSnapshot {
    let current = 0;
    let total = 0;
    let done = this.#layers.size > 0;
    for (const layer of this.#layers.values()) {
      if (!layer.transferred) done = false;
      if (layer.total > 0) {
        total += layer.total;
        current += layer.transferred ? layer.total : Math.min(layer.current, layer.total);
      }
    }
    const fraction = done ? 1 : total > 0 ? current / total : 0;
    // A copy, so a snapshot kept by the caller does not change under it.
    const layers = new Map<string, LayerProgress>();
    for (const [id, layer] of this.#layers) layers.set(id, { ...layer });
    return { layers, current, total, done, fraction };
  }
}
