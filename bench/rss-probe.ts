/**
 * Where a streaming process's peak RSS goes (bench/README.md, "Peak RSS while streaming"). One save of an image
 * by one reader, in a process of its own; prints one JSON line. Not part of `npm run bench`: run it by hand after
 * a bench build (bench/tmp/build, BENCH_CLIENT_DIR set), e.g.
 *
 *   node bench/tmp/build/rss-probe.js ours-sink <socket> <image>
 *
 * The kernel's peak (VmHWM) is read twice (idle: once, 1.5 s after the ping): when the answer's headers have arrived (what start-up, negotiation
 * and the first requests cost, the llhttp TurboFan compile included) and, after resetting it through
 * /proc/self/clear_refs, at the end (the peak while the body streams). Sampled every 2 ms: heapTotal and
 * arrayBuffers (the JS side of socket reads: live and not-yet-collected backing stores). GCs counted by kind.
 *
 * Modes: idle (negotiate + ping only) · ours-sink / ours-file (this client's save; ours-file-1m: to a write stream
 * with a 1 MiB buffer) · undici-sink (undici's own
 * Pool.request) · raw-sink (a net socket, no HTTP parsing: Node's socket reads alone) · raw-onread (the same
 * socket reading into one reused buffer) · raw-onread-copy (reused buffer, every read copied into a fresh Buffer
 * that is dropped: what handing chunks out costs whoever reads the socket).
 */
import { createWriteStream, readFileSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { PerformanceObserver, constants as perf } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type * as Undici from 'undici';
import { sink } from './lib/sink.js';
import { loadClient, requireFromClient } from './lib/client.js';

type Mode = 'idle' | 'ours-sink' | 'ours-file' | 'ours-file-1m' | 'undici-sink' | 'raw-sink' | 'raw-onread' | 'raw-onread-copy';

const MB = 1e6;
const hwm = (): number => Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) * 1024;
/** Resets VmHWM to the current RSS (Linux ≥ 4.0). */
const resetHwm = (): void => writeFileSync('/proc/self/clear_refs', '5');

/** GET the image's tar over a bare socket (Connection: close); counts what arrives, headers and framing included. */
function rawSave(socketPath: string, path: string, mode: Mode, started: () => void): Promise<number> {
  return new Promise((resolve, reject) => {
    let bytes = 0;
    const buffer = Buffer.alloc(64 * 1024);
    const onread =
      mode === 'raw-onread'
        ? { buffer, callback: (n: number) => void (bytes += n) }
        : mode === 'raw-onread-copy'
          ? { buffer, callback: (n: number) => void (bytes += buffer.copy(Buffer.allocUnsafeSlow(n), 0, 0, n)) }
          : undefined;
    const sock = net.connect({ path: socketPath, ...(onread ? { onread } : {}) } as net.NetConnectOpts);
    if (!onread) sock.on('data', (c: Buffer) => (bytes += c.length));
    sock.on('connect', () => {
      sock.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
      started();
    });
    sock.on('close', () => resolve(bytes));
    sock.on('error', reject);
  });
}

async function main(): Promise<void> {
  const [mode, socketPath, image, file = 'bench/tmp/rss-probe.tar'] = process.argv.slice(2) as [Mode, string, string, string?];
  const gcs = { minor: 0, other: 0 };
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind;
      if (kind === perf.NODE_PERFORMANCE_GC_MINOR) gcs.minor++;
      else gcs.other++;
    }
  });
  obs.observe({ entryTypes: ['gc'] });
  let peak = { rss: 0, heapTotal: 0, arrayBuffers: 0 };
  let max = { heapTotal: 0, arrayBuffers: 0 };
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    if (m.rss > peak.rss) peak = { rss: m.rss, heapTotal: m.heapTotal, arrayBuffers: m.arrayBuffers };
    max = { heapTotal: Math.max(max.heapTotal, m.heapTotal), arrayBuffers: Math.max(max.arrayBuffers, m.arrayBuffers) };
  }, 2);
  let hwmBefore = 0;
  let rssAfterPing = 0;
  const started = (): void => {
    hwmBefore = hwm();
    peak = { rss: 0, heapTotal: 0, arrayBuffers: 0 };
    max = { heapTotal: 0, arrayBuffers: 0 };
    resetHwm();
  };
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  let bytes = 0;
  const version = process.env.BENCH_API_VERSION ?? '1.41';
  const path = `/v${version}/images/${encodeURIComponent(image)}/get`;
  let chunks = 0;
  if (mode === 'idle' || mode === 'ours-sink' || mode === 'ours-file' || mode === 'ours-file-1m') {
    const { DockerClient } = loadClient();
    const docker = new DockerClient({ socketPath });
    await docker.negotiate();
    await docker.ping();
    rssAfterPing = process.memoryUsage.rss();
    if (mode === 'idle') {
      // The floor: nothing streams, but the first responses started llhttp's TurboFan tier-up in the background.
      await new Promise((resolve) => setTimeout(resolve, 1500));
      hwmBefore = hwm();
    } else {
      const tar: Readable = await docker.images.save(image);
      // Opt-in: a second `data` listener makes the body reader hand out fresh copies (coalesce-buffer.ts).
      if (process.env.PROBE_COUNT_CHUNKS) tar.on('data', () => chunks++);
      started();
      if (mode === 'ours-sink') {
        const s = sink();
        await pipeline(tar, s.stream);
        bytes = s.bytes();
      } else {
        await pipeline(tar, createWriteStream(file, mode === 'ours-file-1m' ? { highWaterMark: 1 << 20 } : {}));
        bytes = statSync(file).size;
      }
    }
    await docker.close();
  } else if (mode === 'undici-sink') {
    const { Pool } = requireFromClient<typeof Undici>('undici');
    const pool = new Pool('http://localhost', { connect: { socketPath } });
    await (await pool.request({ method: 'GET', path: '/_ping' })).body.text();
    rssAfterPing = process.memoryUsage.rss();
    const { body } = await pool.request({ method: 'GET', path });
    started();
    const s = sink();
    await pipeline(body, s.stream);
    bytes = s.bytes();
    await pool.close();
  } else {
    rssAfterPing = process.memoryUsage.rss();
    bytes = await rawSave(socketPath, path, mode, started);
  }
  const wall = (performance.now() - t0) / 1000;
  clearInterval(timer);
  obs.disconnect();
  const cpu = process.cpuUsage(cpu0);
  const r = (x: number) => Math.round((x / MB) * 10) / 10;
  const out = {
    mode,
    bytes,
    MiBps: bytes ? Math.round(bytes / 2 ** 20 / wall) : undefined,
    ...(chunks ? { chunks } : {}),
    cpuS: Math.round((cpu.user + cpu.system) / 1e4) / 100,
    rssAfterPingMB: r(rssAfterPing),
    peakBeforeBodyMB: r(hwmBefore),
    peakWhileStreamingMB: r(hwm()),
    atStreamingPeak: { heapTotalMB: r(peak.heapTotal), arrayBuffersMB: r(peak.arrayBuffers) },
    maxWhileStreaming: { heapTotalMB: r(max.heapTotal), arrayBuffersMB: r(max.arrayBuffers) },
    gcs,
  };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

main().catch((err: Error) => {
  process.stderr.write(`${err?.stack ?? String(err)}\n`);
  process.exit(1);
});
