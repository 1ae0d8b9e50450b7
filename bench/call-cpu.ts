/**
 * Figure 1–2 contenders in ONE process, batch by batch in rotated order, measuring the CPU time each batch costs
 * (process.cpuUsage): robust on a shared machine where latency is not. For working on the per-call overhead and
 * the connection cap without a full `npm run bench`.
 *
 *   npm run build && eval "$(bash scripts/engine.sh env)"
 *   BENCH_CLIENT_DIR=$PWD npx tsx bench/call-cpu.ts seq  [contender…]          # CPU µs per sequential call
 *   BENCH_CLIENT_DIR=$PWD npx tsx bench/call-cpu.ts conc [contender…]          # calls/s with N in flight
 *   BENCH_CLIENT_DIR=$PWD npx tsx bench/call-cpu.ts procs [contender…]         # `conc`, each in its own process
 *   BENCH_CLIENT_DIR=$PWD valgrind --tool=callgrind node --single-threaded --import tsx bench/call-cpu.ts \
 *     count <contender> <op> <n>                 # n calls after CPU_WARMUP (1000): instructions, run with n and 0
 *
 * `procs` runs each contender in a calls-worker process of its own, as figure 2 does (a shared heap and event loop
 * favour no one, but dockerode's CPU per call is higher in one process with the others).
 * Contenders: floor, raw, high, dockerode (figure 1's), and for `conc`/`procs` also `high@<cap>` / `floor@<cap>` (this
 * client or the floor's Pool with that connection cap; `0` = unlimited). Knobs: CPU_OPS (list,inspect),
 * CPU_CALLS (400), CPU_ROUNDS (10), CPU_INFLIGHT (100,1000), CPU_TOTAL (2000).
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { CallReply, CallRequest } from './calls-worker.js';
import { makeCallContender, type CallContender, type CallContenderName, type CallOp } from './lib/call-contenders.js';
import { loadClient } from './lib/client.js';
import { config } from './lib/config.js';

const [mode = 'seq', ...names] = process.argv.slice(2);
const ops = (process.env.CPU_OPS ?? 'list,inspect').split(',') as CallOp[];
const calls = Number(process.env.CPU_CALLS ?? 400);
const rounds = Number(process.env.CPU_ROUNDS ?? 10);
const inflights = (process.env.CPU_INFLIGHT ?? '100,1000').split(',').map(Number);
const total = Number(process.env.CPU_TOTAL ?? 2000);

interface Named {
  name: string;
  c: CallContender;
}

/**
 * The connection cap of a contender spec `name@N`: without `@N` the bench's cap; `@0` = no cap — undici's Pool takes
 * `connections: null`, the client has no "unlimited", so a cap no test reaches.
 */
function capOf(base: string, cap: string | undefined): number | null {
  if (cap === undefined) return config.maxConnections;
  if (Number(cap) === 0) return base === 'floor' ? null : 1e6;
  return Number(cap);
}

async function open(spec: string, socketPath: string, apiVersion: string, imageId: string): Promise<Named> {
  const [base, cap] = spec.split('@');
  const maxConnections = capOf(base, cap) as number;
  const c = await makeCallContender(base as CallContenderName, { socketPath, apiVersion, imageId, maxConnections });
  return { name: spec, c };
}

const cpuNow = (): number => {
  const u = process.cpuUsage();
  return u.user + u.system;
};

function callOf(c: CallContender, op: CallOp, id: string): () => Promise<unknown> {
  return op === 'list' ? c.list! : () => c.inspect!(id);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function range(xs: number[]): string {
  const s = [...xs].sort((a, b) => a - b);
  return `${s[Math.floor(s.length * 0.25)].toFixed(0)}–${s[Math.floor(s.length * 0.75)].toFixed(0)}`;
}

async function main(): Promise<void> {
  const host = process.env.DOCKER_HOST ?? '';
  if (!host.startsWith('unix://')) throw new Error('DOCKER_HOST=unix://… of a private engine, please');
  const socketPath = host.slice('unix://'.length);
  const { DockerClient } = loadClient();
  const probe = new DockerClient({ socketPath });
  const apiVersion = await probe.negotiate();
  const imageId = (await probe.images.inspect(process.env.DEC_TEST_BASE_IMAGE ?? 'dec-busybox:latest')).Id!;
  await probe.close();
  if (mode === 'count') {
    // Under callgrind: warm up, then `n` calls of one contender; the difference of two runs (n and 0) / n is the
    // instructions per call, the process's start-up and warm-up cancelled out.
    const [spec, op, n] = names;
    const { c } = await open(spec, socketPath, apiVersion, imageId);
    const call = callOf(c, op as CallOp, imageId);
    for (let i = 0; i < Number(process.env.CPU_WARMUP ?? 1000); i++) await call();
    for (let i = 0; i < Number(n); i++) await call();
    return c.close();
  }
  if (mode === 'procs') return procs(names, socketPath, apiVersion, imageId);
  const specs = names.length ? names : mode === 'seq' ? ['floor', 'raw', 'high', 'dockerode'] : ['floor', 'high', 'high@128', 'high@0', 'dockerode'];
  const all: Named[] = [];
  for (const s of specs) all.push(await open(s, socketPath, apiVersion, imageId));

  for (const op of ops) {
    if (mode === 'seq') {
      const cpu = new Map<string, number[]>(all.map((n) => [n.name, []]));
      for (const n of all) for (let i = 0; i < 200; i++) await callOf(n.c, op, imageId)(); // warm-up
      for (let r = 0; r < rounds; r++) {
        for (let k = 0; k < all.length; k++) {
          const n = all[(k + r) % all.length];
          const call = callOf(n.c, op, imageId);
          const c0 = cpuNow();
          for (let i = 0; i < calls; i++) await call();
          cpu.get(n.name)!.push((cpuNow() - c0) / calls);
        }
      }
      const floors = cpu.get(all[0].name)!;
      for (const n of all) {
        const xs = cpu.get(n.name)!;
        // Each round's ratio to the first contender's (same round): the load of that moment cancels out.
        const ratios = xs.map((x, i) => (x / floors[i]) * 100);
        console.log(`${op}\t${n.name}\tCPU µs/call ${median(xs).toFixed(1)} (IQR ${range(xs)})\t${(median(ratios) / 100).toFixed(3)}× ${all[0].name} (round by round, IQR ${range(ratios)} %)`);
      }
    } else {
      for (const inflight of inflights) {
        const rate = new Map<string, number[]>(all.map((n) => [n.name, []]));
        const cpu = new Map<string, number[]>(all.map((n) => [n.name, []]));
        for (let r = 0; r < rounds; r++) {
          for (let k = 0; k < all.length; k++) {
            const n = all[(k + r) % all.length];
            const call = callOf(n.c, op, imageId);
            let next = 0;
            const lane = async (): Promise<void> => {
              while (next < total) {
                next++;
                await call();
              }
            };
            const c0 = cpuNow();
            const t0 = process.hrtime.bigint();
            await Promise.all(Array.from({ length: Math.min(inflight, total) }, lane));
            const ms = Number(process.hrtime.bigint() - t0) / 1e6;
            rate.get(n.name)!.push((total / ms) * 1000);
            cpu.get(n.name)!.push((cpuNow() - c0) / total);
          }
        }
        const ref = median(rate.get(all[all.length - 1].name)!);
        for (const n of all) {
          const xs = rate.get(n.name)!;
          console.log(
            `${op}\t${inflight} in flight\t${n.name}\t${median(xs).toFixed(0)} calls/s (IQR ${range(xs)})\t${(median(xs) / ref).toFixed(2)}× ${all[all.length - 1].name}\tCPU µs/call ${median(cpu.get(n.name)!).toFixed(0)}`,
          );
        }
      }
    }
  }
  for (const n of all) await n.c.close();
}

/** Figure 2's workers (calls-worker.ts), one per contender spec, taking turns batch by batch. */
async function procs(specs: string[], socketPath: string, apiVersion: string, imageId: string): Promise<void> {
  const workers = specs.map((spec) => {
    const [name, cap] = spec.split('@');
    const child = fork(path.join(__dirname, 'calls-worker.ts'), [name], {
      execArgv: ['--import', 'tsx'],
      // The worker reads its cap through config.ts, which takes positive integers only: no cap is a cap never reached.
      env: { ...process.env, BENCH_SOCKET: socketPath, BENCH_API_VERSION: apiVersion, BENCH_IMAGE_ID: imageId, BENCH_MAX_CONNECTIONS: String(capOf(name, cap) ?? 1e6) },
    });
    return { spec, child, ready: next(child) };
  });
  for (const w of workers) await w.ready;
  for (const op of ops) {
    for (const inflight of inflights) {
      const rate = new Map<string, number[]>(specs.map((s) => [s, []]));
      const cpu = new Map<string, number[]>(specs.map((s) => [s, []]));
      for (let r = 0; r < rounds; r++) {
        for (let k = 0; k < workers.length; k++) {
          const w = workers[(k + r) % workers.length];
          const reply = next(w.child);
          w.child.send({ kind: 'conc', op, total, inflight } satisfies CallRequest);
          const answer = await reply;
          if (answer.kind !== 'conc') throw new Error(`${w.spec}: ${JSON.stringify(answer)}`);
          rate.get(w.spec)!.push((total / answer.ms) * 1000);
          cpu.get(w.spec)!.push(answer.cpuMicros / total);
        }
      }
      const refs = rate.get(specs[specs.length - 1])!;
      for (const s of specs) {
        const xs = rate.get(s)!;
        // Each round's ratio to the last contender's: the load of that moment cancels out.
        const ratios = xs.map((x, i) => (x / refs[i]) * 100);
        console.log(
          `${op}\t${inflight} in flight\t${s}\t${median(xs).toFixed(0)} calls/s (IQR ${range(xs)})\t${(median(ratios) / 100).toFixed(2)}× ${specs[specs.length - 1]} (round by round, IQR ${range(ratios)} %)\tCPU µs/call ${median(cpu.get(s)!).toFixed(0)}`,
        );
      }
    }
  }
  for (const w of workers) w.child.send({ kind: 'exit' } satisfies CallRequest);
}

function next(child: ChildProcess): Promise<CallReply> {
  return new Promise((resolve) => child.once('message', (m) => resolve(m as CallReply)));
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
