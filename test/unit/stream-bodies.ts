/**
 * Recorded engine bodies (test/unit/streams/*.jsonl, see the README there) delivered the way a socket would:
 * as a byte stream cut at awkward places. Pure data for unit tests of the stream decoding — no engine involved.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export function recorded(name: string): Buffer {
  return readFileSync(join(__dirname, 'streams', `${name}.jsonl`));
}

/** The recorded body parsed line by line (what the events must equal). */
export function recordedEvents(name: string): Record<string, unknown>[] {
  return recorded(name)
    .toString('utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** Yields the bytes in chunks of `size` (default 7: cuts through JSON tokens and lines). */
export async function* chunks(bytes: Uint8Array, size = 7): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

/** A body that records whether its consumer stopped it early and how far it was read. */
export class TrackedBody implements AsyncIterable<Uint8Array> {
  returned = false;
  chunksRead = 0;
  finished = false;
  failed = false;
  constructor(private readonly bytes: Uint8Array, private readonly size = 7, private readonly failWith?: unknown) {}
  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    try {
      for (let i = 0; i < this.bytes.length; i += this.size) {
        this.chunksRead++;
        yield this.bytes.subarray(i, i + this.size);
      }
      if (this.failWith !== undefined) {
        this.failed = true;
        throw this.failWith;
      }
      this.finished = true;
    } finally {
      if (!this.finished && !this.failed) this.returned = true;
    }
  }
}
