/**
 * Peak RSS of a directory build (bench/README.md, "Uploads: build from a directory"). One process per run, like
 * rss-probe.ts; prints one JSON line. Not part of `npm run bench`: run it by hand after a bench build
 * (bench/tmp/build, BENCH_CLIENT_DIR set to the client to measure), under /usr/bin/time for the whole-process peak:
 *
 *   /usr/bin/time -f '%M KiB' node bench/tmp/build/build-probe.js build <socket> <context dir> <tag>
 *   /usr/bin/time -f '%M KiB' node bench/tmp/build/build-probe.js idle <socket>
 *
 * idle: negotiate + ping, then 1.5 s for the llhttp TurboFan compile (the floor, see rss-probe.ts). build: the same,
 * then `images.build(dir, { t, nocache: true })` (the image is removed after). Reported: the kernel's peak (VmHWM)
 * before the build and while it streams (reset through /proc/self/clear_refs), CPU and wall time of the build, the
 * largest `arrayBuffers` sampled every 5 ms and `memoryUsage()` at the sampled RSS peak, GCs by kind.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { PerformanceObserver, constants as perf } from 'node:perf_hooks';
import { loadClient } from './lib/client.js';

const MB = 1e6;
const hwm = (): number => Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]) * 1024;
const mb = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, +(v / MB).toFixed(1)]));

async function main(): Promise<void> {
  const [mode, socketPath, dir, tag] = process.argv.slice(2);
  const gcs = { minor: 0, other: 0 };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      if ((e as unknown as { detail?: { kind?: number } }).detail?.kind === perf.NODE_PERFORMANCE_GC_MINOR) gcs.minor++;
      else gcs.other++;
    }
  }).observe({ entryTypes: ['gc'] });
  let maxArrayBuffers = 0;
  let atPeak = process.memoryUsage();
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    maxArrayBuffers = Math.max(maxArrayBuffers, m.arrayBuffers);
    if (m.rss > atPeak.rss) atPeak = m;
  }, 5);
  const { DockerClient } = loadClient();
  const docker = new DockerClient({ socketPath });
  await docker.negotiate();
  await docker.ping();
  const out: Record<string, unknown> = { mode, rssAfterPingMB: +(process.memoryUsage.rss() / MB).toFixed(1) };
  if (mode === 'idle') {
    await new Promise((resolve) => setTimeout(resolve, 1500));
    out.hwmMB = +(hwm() / MB).toFixed(1);
  } else {
    out.hwmBeforeMB = +(hwm() / MB).toFixed(1);
    writeFileSync('/proc/self/clear_refs', '5');
    maxArrayBuffers = 0;
    atPeak = process.memoryUsage();
    gcs.minor = gcs.other = 0;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await docker.images.build(dir, { t: tag, nocache: true });
    const cpu = process.cpuUsage(cpu0);
    Object.assign(out, { hwmStreamMB: +(hwm() / MB).toFixed(1), ms: Math.round(performance.now() - t0), cpuMs: Math.round((cpu.user + cpu.system) / 1000) });
    await docker.images.remove(tag, { force: true }).catch(() => {});
  }
  await docker.close();
  clearInterval(timer);
  const { rss, heapTotal, heapUsed, external, arrayBuffers } = atPeak;
  console.log(JSON.stringify({ ...out, maxArrayBuffersMB: +(maxArrayBuffers / MB).toFixed(1), atPeakMB: mb({ rss, heapTotal, heapUsed, external, arrayBuffers }), gcs }));
}

main().catch((err: Error) => {
  process.stderr.write(`${err?.stack ?? String(err)}\n`);
  process.exit(1);
});
