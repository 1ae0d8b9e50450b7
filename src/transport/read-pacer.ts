/**
 * When a paced answer (a log: download.ts, RawRequest.paced) waits before its next read.
 *
 * An engine writes a log frame by frame and flushes each. Read as they come, 512 MiB of 256-byte frames took
 * ~120 000 reads and ~6 s of the client's CPU; waiting PACED_WAIT_MS after a small read lets the next read take that
 * millisecond's frames together (bench/README.md, "Stop 25").
 *
 * But a wait yields at most one socket buffer: the kernel charges each small write well over its size, so a
 * unix socket holds ~45–55 KB of such frames, and a timer fires after ~1.1 ms. An engine that writes faster than
 * that blocks during every wait: against a server writing 256-byte frames as fast as it can, the paced reads took
 * 3.8–5.5 s for 512 MiB, unpaced 2.6–3.5 s, curl 2.0–2.7 s (bench/README.md, "Stop 28"). So a wait is skipped while
 * reading without waiting brings clearly more per millisecond (FAST_FACTOR) than the last wait did; such a run of
 * reads takes one wait every PROBE_MS to measure the wait again, since the engine may have slowed down.
 * Over TLS this matters for every log: Node hands out a TLS socket's plaintext a record at a time, one record per
 * frame the engine flushed, so every read is small; waiting after each made a 256 MiB log take 9.5–10.8 s, against
 * 5.5–6.5 s now and curl's 5.6–6.2 s.
 */

/** A read smaller than this is followed by a wait (unless the engine is fast, above). */
export const PACED_SMALL_READ_BYTES = 16 << 10;
export const PACED_WAIT_MS = 1;
/** Reads without waiting must bring this many times the last wait's bytes per millisecond to skip a wait. */
const FAST_FACTOR = 2;
/** The longest run of reads without a wait before one is taken again to re-measure. */
const PROBE_MS = 100;

export class ReadPacer {
  /** When the wait in progress began; undefined while none is. */
  #waitedAt: number | undefined;
  /** Bytes per ms that the last wait's read brought; undefined before the first wait (then a small read waits). */
  #waitYield: number | undefined;
  /** The reads since the read that ended the last wait: when they began, and their bytes. */
  #runAt = 0;
  #runBytes = 0;

  constructor(private readonly now: () => number = () => performance.now()) {}

  /** A read of `bytes` came in (the answer is not over): true when the next read should wait PACED_WAIT_MS. */
  waitAfter(bytes: number): boolean {
    if (this.#waitedAt !== undefined) {
      // The read that ends a wait: what the wait gathered.
      const now = this.now();
      this.#waitYield = bytes / Math.max(now - this.#waitedAt, PACED_WAIT_MS);
      this.#waitedAt = undefined;
      this.#runAt = now;
      this.#runBytes = 0;
      return false;
    }
    this.#runBytes += bytes;
    // (A large read never waits, so it needs no clock reading.)
    if (bytes >= PACED_SMALL_READ_BYTES) return false;
    const now = this.now();
    const run = now - this.#runAt;
    // (At least the wait's own length in the divisor: right after a wait's read, one more read is no rate.)
    const fast = this.#waitYield !== undefined && run < PROBE_MS && this.#runBytes / Math.max(run, PACED_WAIT_MS) > FAST_FACTOR * this.#waitYield;
    if (fast) return false;
    this.#waitedAt = now;
    return true;
  }
}
