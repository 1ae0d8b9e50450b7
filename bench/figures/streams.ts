/**
 * Figure 3: streamed transfers of a random-data image of BENCH_STREAM_MIB MiB (1 GiB by default) — save (to a
 * file and to a sink), load, import, build — by this client, dockerode, @docker/node-sdk and curl. Every run is a
 * process of its own under /usr/bin/time, so the peak RSS reported is that contender's alone.
 */
import { spawn } from 'node:child_process';
import { randomFill } from 'node:crypto';
import { createWriteStream, mkdirSync, readFileSync, rmSync, statSync, statfsSync, writeFileSync } from 'node:fs';
import { rename } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import type { StreamOp, StreamParams, StreamResult } from '../stream-worker.js';
import { config } from '../lib/config.js';
import type { EngineAdmin } from '../lib/engine.js';
import { pairedRatios, roundContenders, summarize, type Summary } from '../lib/stats.js';

export const STREAM_OPS: StreamOp[] = ['save-sink', 'save-file', 'export-file', 'archive-file', 'load', 'import', 'build'];
export const STREAM_CONTENDERS = ['ours', 'ours-1m', 'undici', 'node-http', 'curl', 'dockerode', 'node-sdk'] as const;
export type StreamContender = (typeof STREAM_CONTENDERS)[number];

/**
 * Reference runs beside the clients, each for some operations only: this client writing the file through a
 * 1 MiB write buffer instead of fs.createWriteStream's default 16 KiB; undici's `Pool.request()` body read into
 * the sink (what any Node client on undici can reach at best); Node's own `http.get` piped into the default write
 * stream (what Node reaches for a file download with no Docker client).
 */
const ONLY_FOR: Partial<Record<StreamContender, StreamOp[]>> = {
  'ours-1m': ['save-file'],
  undici: ['save-sink'],
  'node-http': ['save-file', 'export-file', 'archive-file'],
};

export function contendersFor(op: StreamOp): StreamContender[] {
  // @docker/node-sdk is measured on images only (its container export/archive calls are left out).
  return STREAM_CONTENDERS.filter((c) => (ONLY_FOR[c]?.includes(op) ?? true) && !(FROM_CONTAINER.has(op) && c === 'node-sdk'));
}

export const STREAM_LABELS: Record<StreamOp, string> = {
  'save-sink': 'save → sink',
  'save-file': 'save → file',
  load: 'load (tar file)',
  import: 'import (tar file)',
  build: 'build (directory context)',
  'export-file': 'containers.export → file',
  'archive-file': 'containers.getArchive → file',
};

/** Operations that read the bench's container (created in the set-up) instead of an image. */
const FROM_CONTAINER: ReadonlySet<StreamOp> = new Set(['export-file', 'archive-file']);
/** Downloads written through the default `fs.createWriteStream`: the read-ahead's target (≥ 0.95× curl). */
export const FILE_DOWNLOADS: ReadonlySet<StreamOp> = new Set(['save-file', ...FROM_CONTAINER]);
/** Operations whose answer is the payload itself (its byte count is checked against the set-up's). */
const DOWNLOADS: ReadonlySet<StreamOp> = new Set(['save-sink', ...FILE_DOWNLOADS]);
/** What `containers.getArchive` fetches from the bench container: the big image's one file. */
export const ARCHIVE_PATH = '/random.bin';

export interface StreamCell {
  /** MiB/s per round. */
  mibps?: Summary;
  /** This contender's MiB/s ÷ curl's in the same round, over the rounds both ran (they take turns within a round). */
  pairedCurl?: Summary;
  /** Peak RSS in MB (10^6 bytes) per round. */
  rssMB?: Summary;
  /** CPU seconds (user + system) of the contender's process per round. */
  cpuS?: Summary;
  unavailable?: string;
  error?: string;
}

export interface StreamFigures {
  payloadMiB: Record<StreamOp, number>;
  /** Rounds of every contender, and of this client and curl in all. */
  rounds?: number;
  pairRounds?: number;
  /** Peak RSS (MB) of this client's worker process that negotiates, pings and exits: the RSS target's floor. */
  idleRssMB?: Summary;
  /**
   * Peak RSS (MB) over its own idle peak of a process with no Docker client moving the same bytes
   * (node-floor.ts): `pipeline`, the user's pipeline into the default write stream fed from memory; `upload`, the
   * least JavaScript that loads the saved tar; `sink`, a bare socket's save piped into the sink the save → sink row
   * uses. What Node itself costs, beside the RSS targets.
   */
  nodeFloorMB?: { pipeline: Summary; upload: Summary; sink: Summary };
  cells: Record<StreamOp, Partial<Record<StreamContender, StreamCell>>>;
  notes: string[];
}

const fillRandom = promisify(randomFill);
const MiB = 1 << 20;

/** `size` bytes of random data written through a 1 MiB buffer: never more than a few MiB in memory. */
async function writeRandomFile(file: string, size: number): Promise<void> {
  async function* chunks() {
    for (let left = size; left > 0; left -= MiB) yield await fillRandom(Buffer.allocUnsafe(Math.min(MiB, left)));
  }
  await pipeline(Readable.from(chunks()), createWriteStream(file));
}

interface RunOutput {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function run(cmd: string, args: string[]): Promise<RunOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Run under /usr/bin/time; answers the command's output, its peak RSS in KiB and its CPU seconds. */
export async function timed(cmd: string, args: string[], rssFile: string): Promise<RunOutput & { rssKiB: number; cpuS: number }> {
  const out = await run('/usr/bin/time', ['-f', '%M %U %S', '-o', rssFile, cmd, ...args]);
  const [rssKiB, user, sys] = readFileSync(rssFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  return { ...out, rssKiB, cpuS: user + sys };
}

interface Ctx {
  admin: EngineAdmin;
  socketPath: string;
  apiVersion: string;
  buildDir: string;
  dir: string;
  ctxDir: string;
  ctxFiles: string[];
  srcTar: string;
  savedTar: string;
  bigImage: string;
  /** A container of the big image, created (never started, network none): export and getArchive read it. */
  container: string;
}

/** One run of one contender: { ms, bytes? } or why it could not run. */
async function runOnce(ctx: Ctx, op: StreamOp, who: StreamContender, round: number): Promise<StreamResult & { rssKiB?: number; cpuS?: number }> {
  const rssFile = path.join(ctx.dir, 'rss.txt');
  const tag = op === 'import' ? `bench-big-import:${who}-${round}` : op === 'build' ? `bench-big-build:${who}-${round}` : ctx.bigImage;
  const outFile = path.join(ctx.dir, `save-${who}.tar`);
  // A new file every run, for every contender. Rewriting the previous run's 1 GiB file (O_TRUNC) makes ext4 flush
  // it when it is closed (auto_da_alloc): 0.4 s on a quiet disk, seconds after other runs' writes. The Node
  // contenders' time includes their close (pipeline waits for it), curl's `time_total` ends before its close —
  // so the flush fell on one side only (bench/README.md, "save → file: the close of a rewritten file").
  if (FILE_DOWNLOADS.has(op)) rmSync(outFile, { force: true });
  if (who !== 'curl') {
    const params: StreamParams = {
      socketPath: ctx.socketPath,
      image: FROM_CONTAINER.has(op) ? ctx.container : tag,
      file: FILE_DOWNLOADS.has(op) ? outFile : op === 'load' ? ctx.savedTar : op === 'import' ? ctx.srcTar : undefined,
      dir: ctx.ctxDir,
      files: ctx.ctxFiles,
    };
    const out = await timed(process.execPath, [path.join(ctx.buildDir, 'stream-worker.js'), op, who, JSON.stringify(params)], rssFile);
    if (out.code !== 0) throw new Error(`${who} ${op} failed (exit ${out.code}): ${out.stderr.trim().slice(-2000)}`);
    return { ...(JSON.parse(out.stdout.trim().split('\n').pop()!) as StreamResult), rssKiB: out.rssKiB, cpuS: out.cpuS };
  }
  const base = `http://localhost/v${ctx.apiVersion}`;
  const common = ['-sS', '--fail', '--unix-socket', ctx.socketPath, '-w', '%{time_total} %{size_download}'];
  const answer = path.join(ctx.dir, 'curl-answer.txt');
  const upload = ['-X', 'POST', '-H', 'Content-Type: application/x-tar', '-H', 'Expect:', '-o', answer];
  let out;
  if (op === 'save-file' || op === 'save-sink') {
    const url = `${base}/images/${encodeURIComponent(ctx.bigImage)}/get`;
    out = await timed('curl', [...common, '-o', op === 'save-file' ? outFile : '/dev/null', url], rssFile);
  } else if (op === 'export-file') {
    out = await timed('curl', [...common, '-o', outFile, `${base}/containers/${ctx.container}/export`], rssFile);
  } else if (op === 'archive-file') {
    const q = new URLSearchParams({ path: ARCHIVE_PATH });
    out = await timed('curl', [...common, '-o', outFile, `${base}/containers/${ctx.container}/archive?${q}`], rssFile);
  } else if (op === 'load') {
    out = await timed('curl', [...common, ...upload, '-T', ctx.savedTar, `${base}/images/load`], rssFile);
  } else if (op === 'import') {
    const [repo, t] = tag.split(':');
    const q = new URLSearchParams({ fromSrc: '-', repo, tag: t });
    out = await timed('curl', [...common, ...upload, '-T', ctx.srcTar, `${base}/images/create?${q}`], rssFile);
  } else {
    // Packing the directory is part of the job, as it is for the Node clients: GNU tar into curl's stdin.
    const q = new URLSearchParams({ t: tag, nocache: '1' });
    const script = 'set -o pipefail; dir=$1; url=$2; shift 2; tar -C "$dir" -cf - "${CTX_FILES[@]}" | curl "$@" -T - "$url"';
    const files = ctx.ctxFiles.map((f) => `'${f}'`).join(' ');
    out = await timed('bash', ['-c', `CTX_FILES=(${files}); ${script}`, 'bash', ctx.ctxDir, `${base}/build?${q}`, ...common, ...upload], rssFile);
  }
  if (out.code !== 0) throw new Error(`curl ${op} failed (exit ${out.code}): ${out.stderr.trim().slice(-2000)}`);
  if (op === 'load' || op === 'import' || op === 'build') {
    const text = readFileSync(answer, 'utf8');
    if (text.includes('"error"')) throw new Error(`curl ${op}: daemon reported ${text.slice(-500)}`);
  }
  const [secs, down] = out.stdout.trim().split(' ').map(Number);
  return { ms: secs * 1000, bytes: DOWNLOADS.has(op) ? down : undefined, rssKiB: out.rssKiB, cpuS: out.cpuS };
}

function checkDisk(dir: string, needBytes: number, what: string): void {
  const st = statfsSync(dir);
  const free = st.bavail * st.bsize;
  if (free < needBytes) {
    throw new Error(`${what}: ${(free / 2 ** 30).toFixed(1)} GiB free in ${dir}, need ${(needBytes / 2 ** 30).toFixed(1)} GiB (set BENCH_STREAM_MIB lower)`);
  }
}

export async function runStreamFigures(opts: {
  admin: EngineAdmin;
  socketPath: string;
  apiVersion: string;
  buildDir: string;
  dockerRootDir?: string;
  log: (line: string) => void;
}): Promise<StreamFigures> {
  const size = config.streamMiB * MiB;
  const dir = config.tmpDir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  // Scratch: random file, its tar, one saved tar at a time (+ the kept one); engine: the layer plus load/import
  // and build copies while they are unpacked.
  checkDisk(dir, 4 * size + 2 ** 30, 'scratch space');
  if (opts.dockerRootDir) {
    try {
      checkDisk(opts.dockerRootDir, 4 * size + 2 ** 30, 'engine storage');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  const ctxDir = path.join(dir, 'ctx');
  mkdirSync(ctxDir);
  const ctx: Ctx = {
    admin: opts.admin,
    socketPath: opts.socketPath,
    apiVersion: opts.apiVersion,
    buildDir: opts.buildDir,
    dir,
    ctxDir,
    ctxFiles: ['Dockerfile', 'random.bin'],
    srcTar: path.join(dir, 'src.tar'),
    savedTar: path.join(dir, 'saved.tar'),
    bigImage: 'bench-big:latest',
    container: '',
  };
  const result: StreamFigures = {
    payloadMiB: {} as Record<StreamOp, number>,
    rounds: config.streamRounds,
    pairRounds: Math.max(config.streamRounds, config.streamPairRounds),
    cells: {} as StreamFigures['cells'],
    notes: [],
  };
  const made: string[] = [ctx.bigImage];
  try {
    opts.log(`figure 3: writing ${config.streamMiB} MiB of random data`);
    // A build that needs no base image and runs no container: the context upload and unpacking is the work.
    writeFileSync(path.join(ctxDir, 'Dockerfile'), 'FROM scratch\nLABEL bench.build=1\n');
    await writeRandomFile(path.join(ctxDir, 'random.bin'), size);
    const tarOut = await run('tar', ['-C', ctxDir, '-cf', ctx.srcTar, 'random.bin']);
    if (tarOut.code !== 0) throw new Error(`tar failed: ${tarOut.stderr}`);

    // Set-up, not measured: the big image, imported once with curl, and one saved tar for the load figure.
    opts.log('figure 3: importing the big image (set-up)');
    const setupTag = 'bench-big-import:curl--1';
    made.push(setupTag);
    await runOnce(ctx, 'import', 'curl', -1);
    const tagged = await opts.admin.json('POST', `/images/${encodeURIComponent(setupTag)}/tag?repo=bench-big&tag=latest`);
    if (tagged.status !== 201) throw new Error(`set-up: tagging the imported image failed: HTTP ${tagged.status}`);
    await opts.admin.removeImages([setupTag]);
    await runOnce(ctx, 'save-file', 'curl', -1);
    await rename(path.join(dir, 'save-curl.tar'), ctx.savedTar);
    const savedSize = statSync(ctx.savedTar).size;
    // The container export and getArchive read: created only, on network none (it has nothing to run anyway).
    const created = await opts.admin.json<{ Id: string }>(
      'POST',
      '/containers/create?name=bench-big-files',
      Buffer.from(JSON.stringify({ Image: ctx.bigImage, Cmd: ['/nothing'], NetworkDisabled: true, HostConfig: { NetworkMode: 'none' } })),
      { 'content-type': 'application/json' },
    );
    if (created.status !== 201) throw new Error(`set-up: creating the export container failed: HTTP ${created.status} ${JSON.stringify(created.data)}`);
    ctx.container = created.data.Id;
    const expected: Partial<Record<StreamOp, number>> = { 'save-sink': savedSize, 'save-file': savedSize };
    for (const op of FROM_CONTAINER) {
      await runOnce(ctx, op, 'curl', -1);
      expected[op] = statSync(path.join(dir, 'save-curl.tar')).size;
      rmSync(path.join(dir, 'save-curl.tar'));
    }

    result.payloadMiB = {
      'save-sink': savedSize / MiB,
      'save-file': savedSize / MiB,
      'export-file': expected['export-file']! / MiB,
      'archive-file': expected['archive-file']! / MiB,
      load: savedSize / MiB,
      import: statSync(ctx.srcTar).size / MiB,
      build: (size + statSync(path.join(ctxDir, 'Dockerfile')).size) / MiB,
    };

    // What a Node process weighs before it streams anything: the floor under every Node contender's peak RSS.
    const idle = async (label: string, code: string) => {
      const out = await timed(process.execPath, ['-e', code], path.join(dir, 'rss.txt'));
      return `${label} ${((out.rssKiB * 1024) / 1e6).toFixed(0)} MB`;
    };
    result.notes.push(
      `Peak RSS of Node processes that stream nothing: ${await idle('bare `node -e ""`', '')}; ` +
        `${await idle('with this client loaded', `require(${JSON.stringify(process.env.BENCH_CLIENT_DIR)})`)}; ` +
        `${await idle('with undici loaded', `require(require.resolve('undici', { paths: [${JSON.stringify(process.env.BENCH_CLIENT_DIR)}] }))`)}.`,
    );

    // The same worker process, streaming nothing: client loaded, version negotiated, one ping.
    const idleRss: number[] = [];
    for (let r = 0; r < 3; r++) {
      const params = JSON.stringify({ socketPath: ctx.socketPath, image: ctx.bigImage } satisfies StreamParams);
      const out = await timed(process.execPath, [path.join(ctx.buildDir, 'stream-worker.js'), 'idle', 'ours', params], path.join(dir, 'rss.txt'));
      if (out.code !== 0) throw new Error(`idle worker failed (exit ${out.code}): ${out.stderr.trim().slice(-2000)}`);
      idleRss.push((out.rssKiB * 1024) / 1e6);
    }
    result.idleRssMB = summarize(idleRss);
    result.notes.push(`Peak RSS of this client's worker process after negotiating and one ping, streaming nothing: ${result.idleRssMB.median.toFixed(0)} MB (median of 3; min–max ${result.idleRssMB.min.toFixed(0)}–${result.idleRssMB.max.toFixed(0)}).`);

    // Node alone, no client: what streaming this long costs any Node process (bench/node-floor.ts).
    const floorRun = async (args: string[]): Promise<number> => {
      const out = await timed(process.execPath, [path.join(ctx.buildDir, 'node-floor.js'), ...args], path.join(dir, 'rss.txt'));
      if (out.code !== 0) throw new Error(`node-floor ${args[0]} failed (exit ${out.code}): ${out.stderr.trim().slice(-2000)}`);
      return (out.rssKiB * 1024) / 1e6;
    };
    const floorFile = path.join(dir, 'node-floor.tar');
    const over = { pipeline: [] as number[], upload: [] as number[], sink: [] as number[] };
    for (let r = 0; r < 3; r++) {
      const base = await floorRun(['idle']);
      over.pipeline.push((await floorRun(['pipeline', floorFile, String(Math.round(savedSize / MiB))])) - base);
      rmSync(floorFile, { force: true });
      over.upload.push((await floorRun(['upload', ctx.socketPath, ctx.savedTar, ctx.apiVersion])) - base);
      over.sink.push((await floorRun(['sink', ctx.socketPath, ctx.bigImage, ctx.apiVersion])) - base);
    }
    const floor = (result.nodeFloorMB = { pipeline: summarize(over.pipeline), upload: summarize(over.upload), sink: summarize(over.sink) });
    const aboveIdle = (f: Summary) => `+${f.median.toFixed(1)} MB (${f.min.toFixed(1)}–${f.max.toFixed(1)})`;
    result.notes.push(
      `Node alone, no Docker client (bench/node-floor.ts, 3 runs each, peak over the same bare process's idle peak): ` +
        `the user's pipeline into the default \`fs.createWriteStream\`, fed ${Math.round(savedSize / MiB)} MiB from one reused 512 KiB buffer, ` +
        `${aboveIdle(floor.pipeline)}; ` +
        `the least JavaScript that uploads the saved tar (\`POST /images/load\` on a bare socket, one reused 1 MiB buffer) ` +
        `${aboveIdle(floor.upload)}; ` +
        `a bare socket's save (\`GET /images/{name}/get\`) piped into the save → sink row's counting Writable, Node's own socket reads ` +
        `${aboveIdle(floor.sink)}. ` +
        'That much is V8\'s optimizing compiler and the one buffer, for any Node process that streams this long (bench/README.md, "Stop 23").',
    );

    for (const op of STREAM_OPS) {
      const cells: Partial<Record<StreamContender, StreamCell>> = (result.cells[op] = {});
      const samples = new Map<StreamContender, { mibps: number[]; rss: number[]; cpu: number[]; byRound: Map<number, number> }>();
      let active: StreamContender[] = contendersFor(op);
      const rounds = Math.max(config.streamRounds, config.streamPairRounds);
      for (let r = 0; r < rounds; r++) {
        // After the rounds of all contenders, this client and curl alone (the paired target ratio).
        for (const who of roundContenders(active, r, config.streamRounds, ['ours', 'curl'])) {
          let out;
          try {
            out = await runOnce(ctx, op, who, r);
          } catch (err) {
            cells[who] = { error: String((err as Error).message).split('\n')[0].slice(0, 300) };
            opts.log(`figure 3 ${op} ${who}: ${(err as Error).message}`);
            active = active.filter((a) => a !== who);
            continue;
          } finally {
            if (op === 'import' || op === 'build') await opts.admin.removeImages([`bench-big-${op}:${who}-${r}`]);
            if (FILE_DOWNLOADS.has(op)) rmSync(path.join(dir, `save-${who}.tar`), { force: true });
          }
          if (out.unavailable) {
            cells[who] = { unavailable: out.unavailable };
            active = active.filter((a) => a !== who);
            continue;
          }
          if (DOWNLOADS.has(op) && out.bytes !== expected[op]) {
            cells[who] = { error: `received ${out.bytes} bytes, curl received ${expected[op]}` };
            active = active.filter((a) => a !== who);
            continue;
          }
          const s = samples.get(who) ?? { mibps: [] as number[], rss: [] as number[], cpu: [] as number[], byRound: new Map<number, number>() };
          s.mibps.push(result.payloadMiB[op] / (out.ms! / 1000));
          s.byRound.set(r, s.mibps[s.mibps.length - 1]);
          s.rss.push((out.rssKiB! * 1024) / 1e6);
          s.cpu.push(out.cpuS!);
          samples.set(who, s);
        }
      }
      const curlRounds = samples.get('curl')?.byRound;
      for (const [who, s] of samples) {
        if (cells[who]) continue;
        const paired = pairedRatios(s.byRound, curlRounds);
        cells[who] = { mibps: summarize(s.mibps), rssMB: summarize(s.rss), cpuS: summarize(s.cpu), pairedCurl: paired.length && who !== 'curl' ? summarize(paired) : undefined };
      }
      opts.log(
        `figure 3 ${op}: ${Object.entries(cells)
          .map(([w, c]) => `${w} ${c.mibps ? `${c.mibps.median.toFixed(0)} MiB/s ${c.rssMB!.max.toFixed(0)} MB` : (c.unavailable ?? c.error)}`)
          .join(', ')}`,
      );
    }
  } finally {
    if (ctx.container) await opts.admin.json('DELETE', `/containers/${ctx.container}?force=1`);
    await opts.admin.removeImages(made);
    rmSync(dir, { recursive: true, force: true });
  }
  return result;
}
