import { Writable } from 'node:stream';

/** Counts and drops bytes; as fast a consumer as a Node Writable can be (1 MiB buffer, as the stream figures use). */
export function sink(): { stream: Writable; bytes: () => number } {
  let n = 0;
  const stream = new Writable({
    highWaterMark: 1 << 20,
    write(chunk: Buffer, _enc, cb) {
      n += chunk.length;
      cb();
    },
  });
  return { stream, bytes: () => n };
}
