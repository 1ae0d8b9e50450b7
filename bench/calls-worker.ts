/**
 * One call contender in its own process (its own heap, GC and connection pool), driven over IPC by run.ts so
 * contenders take turns: run.ts asks for a batch, this process runs it and answers with the timings.
 *
 *   → { kind: 'seq', op, n }          n sequential calls; answers per-call latencies in µs
 *   → { kind: 'conc', op, total, inflight }   `total` calls, `inflight` at a time; answers wall ms
 * Both also answer the CPU time this process spent on the batch (user + system), which unlike latency does not
 * depend on what else the machine is doing.
 *   → { kind: 'exit' }
 */
import { checkAnswer, makeCallContender, type CallContender, type CallContenderName, type CallOp } from './lib/call-contenders.js';
import { config } from './lib/config.js';

export type CallRequest =
  | { kind: 'seq'; op: CallOp; n: number; check?: boolean }
  | { kind: 'conc'; op: CallOp; total: number; inflight: number }
  | { kind: 'exit' };

export type CallReply =
  | { kind: 'ready'; available: Record<CallOp, string | true> }
  | { kind: 'seq'; micros: number[]; cpuMicros: number }
  | { kind: 'conc'; ms: number; cpuMicros: number }
  | { kind: 'error'; message: string };

const name = process.argv[2] as CallContenderName;
const imageId = process.env.BENCH_IMAGE_ID ?? '';
const minImages = Number(process.env.BENCH_MIN_IMAGES ?? '1');

function send(msg: CallReply): void {
  process.send!(msg);
}

function callOf(c: CallContender, op: CallOp): () => Promise<unknown> {
  if (op === 'list' && c.list) return c.list;
  if (op === 'inspect' && c.inspect) {
    const inspect = c.inspect;
    return () => inspect(imageId);
  }
  throw new Error(`${name} has no ${op}`);
}

async function main(): Promise<void> {
  const contender = await makeCallContender(name, {
    socketPath: process.env.BENCH_SOCKET ?? '',
    apiVersion: process.env.BENCH_API_VERSION ?? '',
    imageId,
    maxConnections: config.maxConnections,
  });
  const available = {
    list: contender.list ? true : (contender.missing?.list ?? 'not available'),
    inspect: contender.inspect ? true : (contender.missing?.inspect ?? 'not available'),
  } as Record<CallOp, string | true>;
  send({ kind: 'ready', available });

  process.on('message', (msg: CallRequest) => {
    if (msg.kind === 'exit') {
      void contender.close().finally(() => process.disconnect());
      return;
    }
    void handle(contender, msg).then(send, (err: Error) => send({ kind: 'error', message: err?.stack ?? String(err) }));
  });
}

async function handle(c: CallContender, msg: Exclude<CallRequest, { kind: 'exit' }>): Promise<CallReply> {
  const call = callOf(c, msg.op);
  const cpu0 = process.cpuUsage();
  const cpuMicros = () => {
    const d = process.cpuUsage(cpu0);
    return d.user + d.system;
  };
  if (msg.kind === 'seq') {
    const micros = new Array<number>(msg.n);
    for (let i = 0; i < msg.n; i++) {
      const t0 = process.hrtime.bigint();
      const value = await call();
      micros[i] = Number(process.hrtime.bigint() - t0) / 1e3;
      if (msg.check) checkAnswer(msg.op, value, imageId, minImages);
    }
    return { kind: 'seq', micros, cpuMicros: cpuMicros() };
  }
  let next = 0;
  const t0 = process.hrtime.bigint();
  const lane = async () => {
    while (next < msg.total) {
      next++;
      await call();
    }
  };
  await Promise.all(Array.from({ length: Math.min(msg.inflight, msg.total) }, lane));
  return { kind: 'conc', ms: Number(process.hrtime.bigint() - t0) / 1e6, cpuMicros: cpuMicros() };
}

main().catch((err: Error) => {
  send({ kind: 'error', message: err?.stack ?? String(err) });
  process.exitCode = 1;
  process.disconnect?.();
});
