/**
 * A tar archive written chunk by chunk into the buffers of a ChunkSource (file-chunks.ts): for each entry its
 * header block(s), its content — read from the file straight into the chunk, or copied from memory — and the
 * zero padding to a whole block; then the two zero blocks that end the archive.
 *
 * Every fill but the last fills the whole buffer (small files and headers are packed together, a large file
 * is split across chunks), which is what ChunkSource's reuse argument needs (its point 2: every chunk but the
 * last is a full chunk). Nothing a chunk holds is kept here after the fill that wrote it.
 *
 * A file is read at most up to the size its header announces (taken when the walk listed it): if it grew
 * since, the tar holds its first `size` bytes; if it shrank, the pack fails — a header cannot be taken back,
 * and zero-filling would send a file that never existed.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { CHUNK_BYTES, type ChunkFiller } from './file-chunks.js';
import { readAsync, type LoopReads } from './local-reads.js';
import { BLOCK, encodeHeader, type TarHeader } from './tar-header.js';

export interface TarEntry {
  header: TarHeader;
  /** Absolute path of the content, `header.size` bytes of it (files only). */
  file?: string;
  /** The content itself, `header.size` bytes (files only). */
  content?: Uint8Array;
}

interface OpenFile {
  handle: FileHandle;
  name: string;
  size: number;
  read: number;
}

export class TarFiller implements ChunkFiller {
  /** Bytes to copy next, in order: header blocks, in-memory content. */
  private copies: Uint8Array[] = [];
  private copied = 0;
  /** The file whose content comes after the copies. */
  private file: OpenFile | undefined;
  /** Zero bytes after that: the entry's padding, or the end of the archive. */
  private zeros = 0;
  private ended = false;
  private closed = false;

  /**
   * `loop`: read file contents with `readSync` on this thread while it is `on` (local-reads.ts); undefined:
   * async reads.
   */
  constructor(
    private readonly entries: AsyncIterator<TarEntry>,
    private readonly mapError: (err: Error) => Error,
    private readonly loop?: LoopReads,
  ) {}

  /**
   * Fill the next chunk only when asked for while it will be a sync read of one large file's content alone (see
   * ChunkFiller); anything else awaits the thread pool (the walk, opening files, async reads) and is better
   * done while the current chunk is written.
   */
  get ahead(): boolean {
    const file = this.file;
    return !(this.loop?.on && file && this.copies.length === 0 && file.size - file.read >= CHUNK_BYTES);
  }

  fill(buffer: Buffer): number | Promise<number> {
    // One large file's content alone: the whole chunk in one read — on this thread with no promise when reads run
    // on the loop, else one async read — not through fillFrom()/readFile(): an upload's per-chunk JavaScript stays
    // too small for V8 to optimize (those two async functions were, on a 1 GiB build read async; body-writer.ts
    // PulledBody says what that costs).
    const file = this.file;
    if (file && this.copies.length === 0 && file.size - file.read > buffer.length) {
      const loop = this.loop;
      if (!loop?.on) {
        return readAsync(file.handle.fd, buffer, 0, buffer.length, file.read)
          .then((n) => (this.counted(file, n) === buffer.length ? n : this.fillFrom(buffer, n)))
          .catch((err: Error) => Promise.reject(this.mapError(err)));
      }
      let n: number;
      try {
        n = this.counted(file, loop.read(file.handle.fd, buffer, 0, buffer.length, file.read));
      } catch (err) {
        throw this.mapError(err as Error);
      }
      return n === buffer.length ? n : this.fillAsync(buffer, n);
    }
    return this.fillAsync(buffer, 0);
  }

  async close(): Promise<void> {
    this.closed = true;
    const file = this.file;
    this.file = undefined;
    try {
      await this.entries.return?.();
    } finally {
      await file?.handle.close();
    }
  }

  private async fillAsync(buffer: Buffer, at: number): Promise<number> {
    try {
      return await this.fillFrom(buffer, at);
    } catch (err) {
      throw this.mapError(err as Error);
    }
  }

  private async fillFrom(buffer: Buffer, at: number): Promise<number> {
    while (at < buffer.length && !this.closed) {
      const head = this.copies[0];
      if (head) {
        const n = Math.min(head.length - this.copied, buffer.length - at);
        buffer.set(head.subarray(this.copied, this.copied + n), at);
        at += n;
        this.copied += n;
        if (this.copied === head.length) {
          this.copies.shift();
          this.copied = 0;
        }
      } else if (this.file) {
        at += await this.readFile(this.file, buffer, at);
      } else if (this.zeros > 0) {
        const n = Math.min(this.zeros, buffer.length - at);
        buffer.fill(0, at, at + n);
        at += n;
        this.zeros -= n;
      } else if (!this.ended) {
        await this.nextEntry();
      } else {
        break;
      }
    }
    return at;
  }

  private async nextEntry(): Promise<void> {
    const next = await this.entries.next();
    if (next.done) {
      this.ended = true;
      this.zeros = 2 * BLOCK;
      return;
    }
    const { header, file, content } = next.value;
    let handle: FileHandle | undefined;
    if (file !== undefined && header.size > 0) {
      try {
        handle = await open(file, 'r');
      } catch (err) {
        // Deleted since the walk listed it: left out, like an entry deleted before the walk's lstat.
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
        throw err;
      }
    }
    this.copies.push(encodeHeader(header));
    if (content) this.copies.push(content);
    if (handle) this.file = { handle, name: header.name, size: header.size, read: 0 };
    this.zeros = (BLOCK - (header.size % BLOCK)) % BLOCK;
  }

  private async readFile(file: OpenFile, buffer: Buffer, at: number): Promise<number> {
    const want = Math.min(file.size - file.read, buffer.length - at);
    const bytesRead = this.loop?.on
      ? this.loop.read(file.handle.fd, buffer, at, want, file.read)
      : await readAsync(file.handle.fd, buffer, at, want, file.read);
    this.counted(file, bytesRead);
    if (file.read === file.size) {
      this.file = undefined;
      await file.handle.close();
    }
    return bytesRead;
  }

  /** `bytesRead` more of `file` were read: counts them; none means the file shrank since it was listed. */
  private counted(file: OpenFile, bytesRead: number): number {
    if (bytesRead === 0) {
      throw new Error(`${file.name} shrank while it was being packed (${file.read} of the ${file.size} bytes it had when listed)`);
    }
    file.read += bytesRead;
    return bytesRead;
  }
}
