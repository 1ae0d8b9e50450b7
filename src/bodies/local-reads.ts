/**
 * Whether a tar file, or the files of a directory context, may be read on the event loop's own thread
 * (`fs.readSync`) while they are uploaded.
 *
 * Why: an async read hops to libuv's thread pool and back — a wake-up of a pool thread, an eventfd write, a
 * wake-up of the loop — and the pool thread copies the file's pages into the buffer on whichever core it runs
 * on, so the socket write that follows copies the same 1 MiB again out of the other core's cache. A 1 GiB
 * load to dockerd cost 0.1–0.18 s more CPU (medians, two sessions) that way than with the read on the loop's
 * thread, where the buffer is still in the core's 1 MiB L2 cache when the socket write copies it (bench/README.md,
 * uploads). A read from the page cache takes ~0.15 ms per MiB; the loop is blocked that long.
 *
 * The price is that a read that waits for a device blocks the whole process. So: only on local file systems
 * (a network or FUSE file system may stall for seconds or for ever), and the upload goes back to async reads
 * once reads wait for the device (LoopReads: two slow reads in a row). A directory is judged by its root: a
 * mount of another kind inside a context is read as its root is.
 */
import { read, readSync } from 'node:fs';

/**
 * statfs(2) `f_type` magic numbers of local file systems whose reads come from the page cache or a local device:
 * ext2/3/4, xfs, btrfs, tmpfs, overlay (containers), zfs, f2fs, ramfs, bcachefs. Any other type is read async.
 */
const LOCAL_FS_TYPES = new Set([0xef53, 0x58465342, 0x9123683e, 0x01021994, 0x794c7630, 0x2fc12fc1, 0xf2f52010, 0x858458f6, 0xca451a4e]);

/** Whether a file system of statfs type `type` is one whose reads may run on the event loop (pure). */
export function isLocalFsType(type: number | bigint): boolean {
  return LOCAL_FS_TYPES.has(Number(type));
}

/** Whether `file` (a tar file, a context directory) lies on a local file system; false when that cannot be told. */
export async function readsLocally(file: string): Promise<boolean> {
  const { statfs } = process.getBuiltinModule('node:fs/promises');
  try {
    return isLocalFsType((await statfs(file)).type);
  } catch {
    return false;
  }
}

/** A read that took longer than this waited for the device (a page-cache read of 1 MiB takes ~0.15 ms). */
export const SLOW_READ_NS = 4_000_000n;

/**
 * `readSync` on this thread while reads are fast. One slow read is a preemption on a busy machine as often as a
 * device (at load 4, 1 read in 200 took over 2 ms); two in a row is the device: `on` turns false for good and
 * the caller reads async from then on.
 */
export class LoopReads {
  on = true;
  private slow = 0;

  constructor(private readonly slowReadNs = SLOW_READ_NS) {}

  /** `fs.readSync`; throws what it throws. */
  read(fd: number, buffer: Uint8Array, offset: number, length: number, position: number | null): number {
    const t0 = process.hrtime.bigint();
    const n = readSync(fd, buffer, offset, length, position);
    this.slow = process.hrtime.bigint() - t0 > this.slowReadNs ? this.slow + 1 : 0;
    if (this.slow >= 2) this.on = false;
    return n;
  }
}

/**
 * An async read of `fd` (libuv's thread pool) as a promise, with fs.read's callback rather than a FileHandle's
 * `read()`: the promise API's own layers (FileHandle.read, fsCall) were optimized by V8 on a 1 GiB upload read
 * async, their compile memory 2–3 MB of its peak (bench/README.md "Stop 24"). `fd` stays the FileHandle's, closed
 * by it. Resolves with the bytes read; position null: from the file position.
 */
export function readAsync(fd: number, buffer: Uint8Array, offset: number, length: number, position: number | null): Promise<number> {
  return new Promise((resolve, reject) => {
    read(fd, buffer, offset, length, position, (err, bytesRead) => (err ? reject(err) : resolve(bytesRead)));
  });
}
