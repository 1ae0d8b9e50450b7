/**
 * One streamed operation by one Node contender, in a process of its own so its peak RSS is its own
 * (run.ts wraps it in /usr/bin/time). Prints one JSON line: { bytes, ms } — ms from the first request byte to
 * the daemon's last answer byte — or { unavailable } when the contender has no such operation (yet).
 *
 *   node stream-worker.js <op> <contender> '<json params>'
 */
import { createWriteStream } from 'node:fs';
import { get } from 'node:http';
import { stat } from 'node:fs/promises';
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type Dockerode from 'dockerode';
import type * as Undici from 'undici';
import { sink } from './lib/sink.js';
import { isNotImplemented, loadClient, optionalMethod, requireFromClient } from './lib/client.js';
/** Kept in step with figures/streams.ts ARCHIVE_PATH (the worker loads nothing from the figures). */
const ARCHIVE_PATH = '/random.bin';

export type StreamOp = 'save-file' | 'save-sink' | 'export-file' | 'archive-file' | 'load' | 'import' | 'build';
/** `idle`: load the client, ping, exit — the floor under the streaming runs' peak RSS. */
export type WorkerOp = StreamOp | 'idle';
export type NodeStreamContender = 'ours' | 'ours-1m' | 'undici' | 'node-http' | 'dockerode' | 'node-sdk';

export interface StreamParams {
  socketPath: string;
  /** save: the image; import/build: the tag to create; export/getArchive: the container. */
  image: string;
  /** save-file: where to write; load/import: the tar to send. */
  file?: string;
  /** build: the context directory and the files in it. */
  dir?: string;
  files?: string[];
}

export interface StreamResult {
  bytes?: number;
  ms?: number;
  unavailable?: string;
}

/** Progress answers (load, import, build) report failure as an {"error"} line in a 200 body. */
function failIfErrorLine(messages: unknown[]): void {
  const bad = messages.find((m) => (m as { error?: unknown; errorDetail?: unknown })?.error ?? (m as { errorDetail?: unknown })?.errorDetail);
  if (bad) throw new Error(`daemon reported: ${JSON.stringify(bad)}`);
}

/** Exactly the pipeline a user writes (no counting stage in between); the bytes are counted on disk. */
async function intoFile(tar: NodeJS.ReadableStream, file: string, t0: number, highWaterMark?: number): Promise<StreamResult> {
  await pipeline(tar, createWriteStream(file, highWaterMark ? { highWaterMark } : {}));
  return { bytes: (await stat(file)).size, ms: performance.now() - t0 };
}

/** Into the counting sink that keeps nothing (bench/lib/sink.ts). */
async function intoSink(tar: NodeJS.ReadableStream, t0: number): Promise<StreamResult> {
  const s = sink();
  await pipeline(tar, s.stream);
  return { bytes: s.bytes(), ms: performance.now() - t0 };
}

async function ours(op: WorkerOp, p: StreamParams, writeBuffer?: number): Promise<StreamResult> {
  const { DockerClient } = loadClient();
  const docker = new DockerClient({ socketPath: p.socketPath });
  await docker.negotiate();
  if (op === 'idle') {
    await docker.ping();
    await docker.close();
    return {};
  }
  if (op === 'export-file' || op === 'archive-file') {
    try {
      const t0 = performance.now();
      const tar = op === 'export-file' ? await docker.containers.export(p.image) : (await docker.containers.getArchive(p.image, ARCHIVE_PATH)).tar;
      return await intoFile(tar, p.file!, t0);
    } finally {
      await docker.close();
    }
  }
  const name = op.startsWith('save') ? 'save' : op;
  const fn = optionalMethod(docker.images, name);
  if (!fn) return { unavailable: `docker.images.${name} not yet available` };
  const t0 = performance.now();
  try {
    if (op === 'save-file' || op === 'save-sink') {
      const tar = (await fn(p.image)) as Readable;
      return op === 'save-sink' ? await intoSink(tar, t0) : await intoFile(tar, p.file!, t0, writeBuffer);
    }
    const [repo, tag] = p.image.split(':');
    if (op === 'load') await fn(p.file!);
    else if (op === 'import') await fn(p.file!, { repo, tag });
    else await fn(p.dir!, { t: p.image, nocache: true });
    return { ms: performance.now() - t0 };
  } catch (err) {
    if (isNotImplemented(err)) return { unavailable: `docker.images.${name} not yet available` };
    throw err;
  } finally {
    await docker.close();
  }
}

async function dockerode(op: StreamOp, p: StreamParams): Promise<StreamResult> {
  const DockerodeCtor = require('dockerode') as typeof Dockerode;
  const docker = new DockerodeCtor({ socketPath: p.socketPath });
  const progress = (stream: NodeJS.ReadableStream) =>
    new Promise<unknown[]>((resolve, reject) => docker.modem.followProgress(stream, (err, out) => (err ? reject(err) : resolve(out))));
  const t0 = performance.now();
  if (op === 'export-file' || op === 'archive-file') {
    const container = docker.getContainer(p.image);
    const tar = op === 'export-file' ? await container.export() : await container.getArchive({ path: ARCHIVE_PATH });
    return intoFile(tar, p.file!, t0);
  }
  if (op === 'save-file' || op === 'save-sink') {
    const tar = await docker.getImage(p.image).get();
    return op === 'save-sink' ? intoSink(tar, t0) : intoFile(tar, p.file!, t0);
  }
  const [repo, tag] = p.image.split(':');
  const res =
    op === 'load'
      ? await docker.loadImage(p.file!)
      : op === 'import'
        ? await docker.importImage(p.file!, { repo, tag })
        : await docker.buildImage({ context: p.dir!, src: p.files! }, { t: p.image, nocache: true });
  failIfErrorLine(await progress(res));
  return { ms: performance.now() - t0 };
}

/** undici's own `Pool.request()` (the same undici the client installs), body read into the sink. */
async function undiciFloor(op: StreamOp, p: StreamParams): Promise<StreamResult> {
  if (op !== 'save-sink') return { unavailable: 'reference for save → sink only' };
  const { Pool } = requireFromClient<typeof Undici>('undici');
  const pool = new Pool('http://localhost', { connect: { socketPath: p.socketPath } });
  const version = process.env.BENCH_API_VERSION ?? '1.41';
  const t0 = performance.now();
  try {
    const { statusCode, body } = await pool.request({ method: 'GET', path: `/v${version}/images/${encodeURIComponent(p.image)}/get` });
    if (statusCode !== 200) throw new Error(`save: HTTP ${statusCode}`);
    return await intoSink(body, t0);
  } finally {
    await pool.close();
  }
}

/**
 * Node alone, no Docker client: `http.get` on the engine's socket, the answer piped into the default write stream
 * (the file downloads only). What Node's own HTTP client and fs reach for the same pipeline on this machine.
 */
async function nodeHttp(op: StreamOp, p: StreamParams): Promise<StreamResult> {
  const id = encodeURIComponent(p.image);
  const paths: Partial<Record<StreamOp, string>> = {
    'save-file': `/images/${id}/get`,
    'export-file': `/containers/${id}/export`,
    'archive-file': `/containers/${id}/archive?${new URLSearchParams({ path: ARCHIVE_PATH })}`,
  };
  const path = paths[op];
  if (!path) return { unavailable: 'reference for the file downloads only' };
  const version = process.env.BENCH_API_VERSION ?? '1.41';
  const t0 = performance.now();
  const res = await new Promise<import('node:http').IncomingMessage>((ok, fail) => get({ socketPath: p.socketPath, path: `/v${version}${path}` }, ok).on('error', fail));
  if (res.statusCode !== 200) throw new Error(`${op}: HTTP ${res.statusCode}`);
  return intoFile(res, p.file!, t0);
}

async function nodeSdk(op: StreamOp, p: StreamParams): Promise<StreamResult> {
  if (op === 'import') return { unavailable: 'imageCreate sends no request body (no import from a tar)' };
  if (op === 'load') return { unavailable: "imageLoad resolves on the response headers without reading the daemon's answer" };
  if (op === 'build') return { unavailable: 'imageBuild takes a ready tar web stream and defaults to BuildKit (version=2)' };
  const { DockerClient } = require('@docker/node-sdk') as typeof import('@docker/node-sdk');
  const docker = await DockerClient.fromDockerHost(`unix:${p.socketPath}`);
  const t0 = performance.now();
  try {
    if (op === 'save-sink') {
      const s = sink();
      await docker.imageGet(p.image, Writable.toWeb(s.stream));
      return { bytes: s.bytes(), ms: performance.now() - t0 };
    }
    const file = createWriteStream(p.file!);
    await docker.imageGet(p.image, Writable.toWeb(file));
    return { bytes: (await stat(p.file!)).size, ms: performance.now() - t0 };
  } finally {
    await docker.close();
  }
}

async function main(): Promise<void> {
  const [op, contender, json] = process.argv.slice(2) as [WorkerOp, NodeStreamContender, string];
  if (op === 'idle' && contender !== 'ours') throw new Error('idle: for this client only');
  const params = JSON.parse(json) as StreamParams;
  const runs: Record<NodeStreamContender, () => Promise<StreamResult>> = {
    ours: () => ours(op, params),
    'ours-1m': () => ours(op, params, 1 << 20),
    undici: () => undiciFloor(op as StreamOp, params),
    'node-http': () => nodeHttp(op as StreamOp, params),
    dockerode: () => dockerode(op as StreamOp, params),
    'node-sdk': () => nodeSdk(op as StreamOp, params),
  };
  const result = await runs[contender]();
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((err: Error) => {
  process.stderr.write(`${err?.stack ?? String(err)}\n`);
  process.exit(1);
});
