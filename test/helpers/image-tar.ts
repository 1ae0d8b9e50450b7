/**
 * Reading what `docker save` produced: the files of every layer of the images in the archive, so a test can
 * prove what went into an image (and what did not) from the real tar bytes.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type { Readable } from 'node:stream';
import * as tarStream from 'tar-stream';

/** Files above this size are listed with `content: undefined` (the tests only read small marker files). */
const MAX_CONTENT = 64 * 1024;

export interface LayerFile {
  type: tarStream.Header['type'];
  content?: string;
  /** sha256 (hex) of a regular file's bytes, whatever its size. */
  sha256?: string;
}

async function readAll(stream: AsyncIterable<unknown>, keep: boolean): Promise<{ content?: Buffer; sha256: string }> {
  const chunks: Buffer[] = [];
  const hash = createHash('sha256');
  let size = 0;
  for await (const item of stream) {
    const chunk = item as Buffer;
    size += chunk.length;
    hash.update(chunk);
    if (keep && size <= MAX_CONTENT) chunks.push(chunk);
  }
  return { content: keep && size <= MAX_CONTENT ? Buffer.concat(chunks) : undefined, sha256: hash.digest('hex') };
}

/**
 * A layer in the outer archive. dockerd writes each layer as `<id>/layer.tar`; Podman writes it as
 * `<digest>.tar` at the top and makes `<id>/layer.tar` a symlink to it. Links carry no data and are skipped.
 */
function isLayer(header: tarStream.Header): boolean {
  return header.type === 'file' && (header.name.endsWith('layer.tar') || /^[0-9a-f]{64}\.tar$/.test(header.name));
}

/**
 * Every path found in any layer of a saved archive (union of the layers; the tests' images never delete files),
 * without a leading `./` or `/`, with the text of small regular files. Also returns the outer archive's own
 * entry names (manifest.json, …) and its symlinks (entry name → link target).
 */
export async function savedImageFiles(
  archive: Readable,
): Promise<{ files: Map<string, LayerFile>; entries: string[]; links: Map<string, string> }> {
  const files = new Map<string, LayerFile>();
  const entries: string[] = [];
  const links = new Map<string, string>();
  let layers = 0;
  const outer = tarStream.extract();
  archive.on('error', (err) => outer.destroy(err));
  // tar-stream's extract is a streamx Writable, which Node's pipe() drives like its own.
  archive.pipe(outer as unknown as NodeJS.WritableStream);
  for await (const entry of outer) {
    entries.push(entry.header.name);
    if (entry.header.type === 'symlink') links.set(entry.header.name, entry.header.linkname ?? '');
    if (!isLayer(entry.header)) {
      await readAll(entry, false);
      continue;
    }
    layers++;
    const inner = tarStream.extract();
    entry.pipe(inner);
    for await (const file of inner) {
      const name = file.header.name.replace(/^\.?\//, '').replace(/\/$/, '');
      const isFile = file.header.type === 'file';
      const { content, sha256 } = await readAll(file, isFile);
      if (name === '' || name === '.') continue;
      files.set(name, { type: file.header.type, content: content?.toString('utf8'), ...(isFile && { sha256 }) });
    }
  }
  // An archive in another layout (OCI `blobs/`) would list no files at all: fail loudly instead.
  if (layers === 0) throw new Error(`no layer tar in the saved archive: ${entries.join(', ')}`);
  return { files, entries, links };
}

/**
 * What makes a saved archive checkable byte for byte on its own: the sha256 of its image config (the image ID)
 * and of each layer tar in manifest order (the config's `rootfs.diff_ids`), computed from the archive's bytes.
 */
export async function savedDigests(archive: Readable): Promise<{ config: string; layers: string[]; diffIds: string[] }> {
  const hashes = new Map<string, string>();
  const texts = new Map<string, string>();
  const links = new Map<string, string>();
  const outer = tarStream.extract();
  archive.on('error', (err) => outer.destroy(err));
  archive.pipe(outer as unknown as NodeJS.WritableStream);
  for await (const entry of outer) {
    const name = entry.header.name;
    if (entry.header.type === 'symlink') links.set(name, path.posix.join(path.posix.dirname(name), entry.header.linkname ?? ''));
    const { content, sha256 } = await readAll(entry, name.endsWith('.json'));
    hashes.set(name, `sha256:${sha256}`);
    if (content) texts.set(name, content.toString('utf8'));
  }
  const resolve = (name: string): string => links.get(name) ?? name;
  const [manifest] = JSON.parse(texts.get('manifest.json') ?? '[]') as { Config: string; Layers: string[] }[];
  const config = JSON.parse(texts.get(resolve(manifest.Config)) ?? '{}') as { rootfs?: { diff_ids?: string[] } };
  return {
    config: hashes.get(resolve(manifest.Config)) ?? '',
    layers: manifest.Layers.map((l) => hashes.get(resolve(l)) ?? `missing ${l}`),
    diffIds: config.rootfs?.diff_ids ?? [],
  };
}
