/**
 * Figures 1 and 2: per-call latency (sequential) and throughput with many calls in flight. Each contender lives
 * in its own child process for the whole figure; the children take turns batch by batch (A B C D E, then the
 * order rotated), so a burst of load from elsewhere on the machine hits every contender alike.
 */
import { fork, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { CallReply, CallRequest } from '../calls-worker.js';
import { CALL_CONTENDERS, type CallContenderName, type CallOp } from '../lib/call-contenders.js';
import { config } from '../lib/config.js';
import { pairedRatios, rotate, summarize, type Summary } from '../lib/stats.js';

export interface CallFigures {
  /** Per contender and operation: latency summary in µs, or why it is missing. */
  sequential: Record<string, Partial<Record<CallOp, Summary | string>>>;
  /** Per contender and operation: client CPU µs per call, one figure per round. */
  sequentialCpu: Record<string, Partial<Record<CallOp, Summary>>>;
  /**
   * Per contender and operation: its median latency ÷ the floor's and ÷ dockerode's in the same round (paired), one
   * figure per round, as for figure 2. A list answer takes ~1 ms of the engine's and moves ±20% with load; pooled
   * medians of contenders a few % apart then swapped order between runs of the same code.
   */
  sequentialPaired?: Record<string, Partial<Record<CallOp, { floor: Summary; dockerode: Summary }>>>;
  /** Per number in flight, per contender: calls per second, one figure per round, or why missing. */
  concurrent: Record<number, Record<string, Summary | string>>;
  /** Per number in flight, per contender: client CPU µs per call in the concurrent rounds. */
  concurrentCpu: Record<number, Record<string, Summary>>;
  /**
   * Per number in flight, per contender: its calls/s ÷ dockerode's in the same round (paired), one figure per
   * round. The load of the moment moves both alike and cancels, which the ratio of two medians does not.
   */
  concurrentVsDockerode?: Record<number, Record<string, Summary>>;
}

class Worker {
  private queue: ((msg: CallReply) => void)[] = [];
  private exited: Error | undefined;
  readonly ready: Promise<Extract<CallReply, { kind: 'ready' }>>;
  constructor(
    readonly name: CallContenderName,
    private readonly child: ChildProcess,
  ) {
    this.ready = new Promise((resolve, reject) => {
      this.queue.push((msg) => (msg.kind === 'ready' ? resolve(msg) : reject(new Error(`${name}: ${(msg as { message?: string }).message}`))));
    });
    child.on('message', (msg: CallReply) => this.queue.shift()?.(msg));
    child.on('exit', (code) => {
      this.exited = new Error(`${name} worker exited (code ${code})`);
      for (const w of this.queue.splice(0)) w({ kind: 'error', message: this.exited.message });
    });
  }
  ask(req: Exclude<CallRequest, { kind: 'exit' }>): Promise<CallReply> {
    if (this.exited) return Promise.reject(this.exited);
    return new Promise((resolve) => {
      this.queue.push(resolve);
      this.child.send(req);
    });
  }
  async stop(): Promise<void> {
    if (this.exited) return;
    const gone = new Promise((r) => this.child.once('exit', r));
    this.child.send({ kind: 'exit' } satisfies CallRequest);
    const timer = setTimeout(() => this.child.kill(), 10_000);
    await gone;
    clearTimeout(timer);
  }
}

function expect<K extends CallReply['kind']>(name: string, msg: CallReply, kind: K): Extract<CallReply, { kind: K }> {
  if (msg.kind !== kind) throw new Error(`${name}: ${msg.kind === 'error' ? msg.message : `unexpected ${msg.kind} reply`}`);
  return msg as Extract<CallReply, { kind: K }>;
}

export async function runCallFigures(opts: {
  buildDir: string;
  socketPath: string;
  apiVersion: string;
  imageId: string;
  minImages: number;
  log: (line: string) => void;
}): Promise<CallFigures> {
  const workers = CALL_CONTENDERS.map(
    (name) =>
      new Worker(
        name,
        fork(path.join(opts.buildDir, 'calls-worker.js'), [name], {
          execArgv: [],
          env: {
            ...process.env,
            BENCH_SOCKET: opts.socketPath,
            BENCH_API_VERSION: opts.apiVersion,
            BENCH_IMAGE_ID: opts.imageId,
            BENCH_MIN_IMAGES: String(opts.minImages),
            BENCH_MAX_CONNECTIONS: String(config.maxConnections),
          },
          stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
        }),
      ),
  );
  const result: CallFigures = { sequential: {}, sequentialCpu: {}, concurrent: {}, concurrentCpu: {}, concurrentVsDockerode: {} };
  try {
    const available = new Map<CallContenderName, Record<CallOp, string | true>>();
    for (const w of workers) available.set(w.name, (await w.ready).available);

    if (config.figures.has('calls')) {
      for (const op of ['list', 'inspect'] as const) {
        const active = workers.filter((w) => available.get(w.name)![op] === true);
        for (const w of workers) {
          const a = available.get(w.name)![op];
          (result.sequential[w.name] ??= {})[op] = a === true ? undefined : a;
        }
        // Warm-up (JIT, connections) with answer checks, not recorded.
        for (const w of active) expect(w.name, await w.ask({ kind: 'seq', op, n: config.warmup, check: true }), 'seq');
        const samples = new Map<string, number[]>(active.map((w) => [w.name, []]));
        const cpu = new Map<string, number[]>(active.map((w) => [w.name, []]));
        const roundMedians = new Map<string, Map<number, number>>(active.map((w) => [w.name, new Map<number, number>()]));
        const perRound = Math.ceil(config.calls / config.callRounds);
        for (let r = 0; r < config.callRounds; r++) {
          for (const w of rotate(active, r)) {
            const reply = expect(w.name, await w.ask({ kind: 'seq', op, n: perRound }), 'seq');
            samples.get(w.name)!.push(...reply.micros);
            cpu.get(w.name)!.push(reply.cpuMicros / perRound);
            roundMedians.get(w.name)!.set(r, summarize(reply.micros).median);
          }
        }
        const floor = roundMedians.get('floor');
        const dockerode = roundMedians.get('dockerode');
        for (const w of active) {
          result.sequential[w.name][op] = summarize(samples.get(w.name)!);
          (result.sequentialCpu[w.name] ??= {})[op] = summarize(cpu.get(w.name)!);
          const own = roundMedians.get(w.name)!;
          if (floor && dockerode) {
            ((result.sequentialPaired ??= {})[w.name] ??= {})[op] = { floor: summarize(pairedRatios(own, floor)), dockerode: summarize(pairedRatios(own, dockerode)) };
          }
        }
        opts.log(`figure 1 ${op}: ${active.map((w) => `${w.name} ${result.sequential[w.name][op] && (result.sequential[w.name][op] as Summary).median.toFixed(0)}µs`).join(', ')}`);
      }
    }

    if (config.figures.has('concurrent')) {
      const op = 'inspect';
      const active = workers.filter((w) => available.get(w.name)![op] === true);
      for (const inflight of config.concInflight) {
        const rateOf: Record<string, Summary | string> = (result.concurrent[inflight] = {});
        const cpuOf: Record<string, Summary> = (result.concurrentCpu[inflight] = {});
        for (const w of workers) {
          const a = available.get(w.name)![op];
          if (a !== true) rateOf[w.name] = a;
        }
        const total = Math.max(config.concTotal, 2 * inflight);
        const req = { kind: 'conc', op, total, inflight } as const;
        for (const w of active) expect(w.name, await w.ask(req), 'conc'); // warm-up: opens the connections
        const rates = new Map<string, number[]>(active.map((w) => [w.name, []]));
        const cpu = new Map<string, number[]>(active.map((w) => [w.name, []]));
        for (let r = 0; r < config.concRounds; r++) {
          for (const w of rotate(active, r)) {
            const { ms, cpuMicros } = expect(w.name, await w.ask(req), 'conc');
            rates.get(w.name)!.push((total / ms) * 1000);
            cpu.get(w.name)!.push(cpuMicros / total);
          }
        }
        const paired: Record<string, Summary> = (result.concurrentVsDockerode![inflight] = {});
        const dockerode = rates.get('dockerode');
        for (const w of active) {
          rateOf[w.name] = summarize(rates.get(w.name)!);
          cpuOf[w.name] = summarize(cpu.get(w.name)!);
          // Every contender ran once per round, so index r of each list is the same round.
          if (dockerode) paired[w.name] = summarize(rates.get(w.name)!.map((x, r) => x / dockerode[r]));
        }
        opts.log(`figure 2 (${inflight} in flight): ${active.map((w) => `${w.name} ${(rateOf[w.name] as Summary).median.toFixed(0)}/s`).join(', ')}`);
      }
    }
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
  }
  return result;
}
