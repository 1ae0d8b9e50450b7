/** A tar in memory from `{ name: content }` (regular files, mode 0644 unless given), for copy-in tests. */
import { pack } from 'tar-stream';

export async function tarOf(files: Record<string, Buffer | string>, mode = 0o644): Promise<Buffer> {
  const p = pack();
  for (const [name, content] of Object.entries(files)) p.entry({ name, mode }, content);
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of p) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
