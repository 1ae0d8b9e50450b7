/**
 * Short calls while long streams hold connections (issue 12, defect 6): `npx tsx bench/starvation.ts` against
 * DOCKER_HOST (the rig's engine: `eval "$(scripts/engine.sh env)"`). Standalone, not part of `npm run bench`.
 *
 * With `maxConnections: 4`, it opens 0, 4 and 8 `images.save()` streams that are never read (each holds a
 * connection: the engine blocks on a full socket), then times 200 sequential `images.inspect()` calls. Short
 * calls and streams have a pool each (transport.ts, Lane), so the inspect latency should not depend on how
 * many streams are open — with one shared pool the 4-stream runs would never finish. Prints a Markdown table.
 */
import { DockerClient } from '../src/index.js';

const CALLS = Number(process.env.STARVATION_CALLS ?? 200);
const MAX = 4;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function run(image: string, streams: number): Promise<string> {
  const docker = new DockerClient({ host: process.env.DOCKER_HOST, maxConnections: MAX });
  try {
    await docker.negotiate();
    // Streams beyond the cap wait in the stream pool's queue: only the first MAX are awaited.
    const started = Array.from({ length: streams }, () => docker.images.save(image));
    for (const p of started) p.catch(() => undefined);
    const open = await Promise.all(started.slice(0, MAX));
    for (const s of open) s.pause();
    const times: number[] = [];
    for (let i = 0; i < CALLS; i++) {
      const t0 = process.hrtime.bigint();
      await docker.images.inspect(image);
      times.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
    for (const s of open) s.destroy();
    times.sort((a, b) => a - b);
    const f = (n: number) => n.toFixed(2);
    return `| ${Math.min(streams, MAX)} + ${Math.max(0, streams - MAX)} | ${CALLS} | ${f(percentile(times, 50))} | ${f(percentile(times, 99))} | ${f(times[times.length - 1])} |`;
  } finally {
    await docker.destroy();
  }
}

async function main(): Promise<void> {
  const image = process.env.DEC_TEST_BASE_IMAGE ?? 'dec-busybox:latest';
  const rows = [];
  for (const streams of [0, MAX, 2 * MAX]) rows.push(await run(image, streams));
  console.log(`images.inspect with maxConnections ${MAX}, while N images.save() streams are open and unread (ms)\n`);
  console.log('| streams (open + queued) | calls | p50 | p99 | max |\n| ---: | ---: | ---: | ---: | ---: |');
  for (const row of rows) console.log(row);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
