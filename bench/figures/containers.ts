/**
 * Figure 5: containers — the demultiplexed logs of a container that wrote BENCH_LOGS_MIB MiB (half stdout, half
 * stderr; random bytes, so frames of every size), read by this client, dockerode (`modem.demuxStream`) and curl
 * (the raw multiplexed stream to /dev/null); and two round trips, `containers.exec` (create + start + collect +
 * inspect) and an attach echo (write a line into `cat`, read it back), against dockerode's equivalents.
 * Logs runs are processes of their own under /usr/bin/time (peak RSS); round trips run BENCH_RT_ITERS times per
 * process after a warm-up, contenders taking turns round by round.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pack } from 'tar-stream';
import type { ContainerOp, ContainerParams, ContainerResult, NodeContainerContender } from '../containers-worker.js';
import { config } from '../lib/config.js';
import type { EngineAdmin } from '../lib/engine.js';
import { pairedRatios, roundContenders, rotate, summarize, type Summary } from '../lib/stats.js';
import { run, timed } from './streams.js';

export const LOGS_CONTENDERS = ['ours', 'dockerode', 'curl'] as const;
export type LogsContender = (typeof LOGS_CONTENDERS)[number];
export const RT_OPS = ['exec', 'attach'] as const;
export const RT_CONTENDERS: NodeContainerContender[] = ['ours', 'dockerode'];

export interface ContainerFigures {
  logsMiB: number;
  /**
   * Per contender: MiB/s of the log's payload (curl downloads it with 8 bytes of stdcopy header per frame; its rate
   * is the payload over its time too, so the rates compare times), peak RSS MB, CPU s, and MiB/s ÷ curl's in the
   * same round over the rounds both ran.
   */
  logs: Partial<Record<LogsContender, { mibps: Summary; rssMB: Summary; cpuS: Summary; pairedCurl?: Summary } | { error: string }>>;
  /** This client's MiB/s ÷ dockerode's in the same round, over the rounds both ran (the target's "≥ dockerode"). */
  logsPairedDockerode?: Summary;
  /** Rounds of every contender, and of this client and curl in all. */
  logsRounds?: number;
  logsPairRounds?: number;
  /** Peak RSS (MB) of this client reading a log 1/16 the size: the flat-in-size check compares against it. */
  oursSmallRssMB?: number;
  /** Per op and contender: ms per round trip over all measured iterations. */
  roundTrips: Record<(typeof RT_OPS)[number], Partial<Record<NodeContainerContender, Summary | { error: string }>>>;
  /**
   * Per op: this client's median round trip ÷ dockerode's in the same round, over the rounds — load that comes and
   * goes between rounds hits both sides of each ratio alike (the target is judged on it).
   */
  roundTripsPaired: Partial<Record<(typeof RT_OPS)[number], Summary>>;
  notes: string[];
}

const MiB = 1 << 20;

/** An image with /bin/busybox: the rig's, or one imported here from the host's static busybox. */
async function busyboxImage(admin: EngineAdmin, made: string[]): Promise<string> {
  const rig = process.env.DEC_TEST_BASE_IMAGE ?? 'dec-busybox:latest';
  if (await admin.imageId(rig)) return rig;
  const tar = pack();
  tar.entry({ name: 'bin/busybox', mode: 0o755 }, readFileSync('/bin/busybox'));
  tar.entry({ name: 'tmp/', type: 'directory', mode: 0o1777 });
  tar.finalize();
  const chunks: Buffer[] = [];
  for await (const c of tar as AsyncIterable<Buffer>) chunks.push(c);
  const { status, data } = await admin.json<string>('POST', '/images/create?fromSrc=-&repo=bench-busybox&tag=latest', Buffer.concat(chunks), { 'content-type': 'application/x-tar' });
  if (status !== 200 || String(data).includes('"error"')) throw new Error(`importing busybox: HTTP ${status} ${String(data).slice(0, 300)}`);
  made.push('bench-busybox:latest');
  return 'bench-busybox:latest';
}

async function createContainer(admin: EngineAdmin, body: object, containers: string[]): Promise<string> {
  const { status, data } = await admin.json<{ Id: string; message?: string }>('POST', '/containers/create', Buffer.from(JSON.stringify(body)), { 'content-type': 'application/json' });
  if (status !== 201) throw new Error(`create: HTTP ${status} ${JSON.stringify(data)}`);
  containers.push(data.Id);
  return data.Id;
}

async function startContainer(admin: EngineAdmin, id: string): Promise<void> {
  const { status, data } = await admin.json('POST', `/containers/${id}/start`);
  if (status !== 204) throw new Error(`start: HTTP ${status} ${JSON.stringify(data)}`);
}

export async function runContainerFigures(opts: {
  admin: EngineAdmin;
  socketPath: string;
  apiVersion: string;
  buildDir: string;
  log: (line: string) => void;
}): Promise<ContainerFigures> {
  const { admin } = opts;
  const half = (config.logsMiB * MiB) / 2;
  const rssFile = path.join(opts.buildDir, 'containers-rss.txt');
  const worker = path.join(opts.buildDir, 'containers-worker.js');
  const images: string[] = [];
  const containers: string[] = [];
  const result: ContainerFigures = { logsMiB: config.logsMiB, logs: {}, roundTrips: { exec: {}, attach: {} }, roundTripsPaired: {}, notes: [] };
  try {
    const image = await busyboxImage(admin, images);
    const base = { Image: image, HostConfig: { NetworkMode: 'none' } };

    // The log: written once (not measured), kept whole by the `local` driver (json-file would re-encode binary).
    opts.log(`figure 5: a container writes ${config.logsMiB} MiB of logs (set-up)`);
    const writeLog = async (halfBytes: number): Promise<string> => {
      const id = await createContainer(
        admin,
        {
          ...base,
          Entrypoint: ['/bin/busybox', 'sh', '-c'],
          Cmd: [`/bin/busybox head -c ${halfBytes} /dev/urandom; /bin/busybox head -c ${halfBytes} /dev/urandom >&2`],
          HostConfig: { NetworkMode: 'none', LogConfig: { Type: 'local', Config: { 'max-size': `${config.logsMiB * 4}m`, 'max-file': '1', compress: 'false' } } },
        },
        containers,
      );
      await startContainer(admin, id);
      await admin.json('POST', `/containers/${id}/wait`);
      return id;
    };
    const logger = await writeLog(half);
    // The same client on a log 1/16 the size: its peak RSS is the baseline that "flat in output size" is held to.
    const small = await timed(process.execPath, [worker, 'logs', 'ours', JSON.stringify({ socketPath: opts.socketPath, containerId: await writeLog(half / 16) })], rssFile);
    if (small.code === 0) result.oursSmallRssMB = (small.rssKiB * 1024) / 1e6;

    const logsUrl = `http://localhost/v${opts.apiVersion}/containers/${logger}/logs?stdout=1&stderr=1&follow=1`;
    const samples = new Map<LogsContender, { mibps: number[]; rss: number[]; cpu: number[]; byRound: Map<number, number> }>();
    result.logsRounds = config.logsRounds;
    result.logsPairRounds = Math.max(config.logsRounds, config.logsPairRounds);
    for (let r = 0; r < result.logsPairRounds; r++) {
      // After the rounds of every contender, this client and curl alone (the paired target ratio).
      for (const who of roundContenders(LOGS_CONTENDERS, r, config.logsRounds, ['ours', 'curl'])) {
        if (result.logs[who] && 'error' in result.logs[who]!) continue;
        let ms: number;
        let bytes: number;
        let out;
        if (who === 'curl') {
          out = await timed('curl', ['-sS', '--fail', '--unix-socket', opts.socketPath, '-o', '/dev/null', '-w', '%{time_total} %{size_download}', logsUrl], rssFile);
          const [secs, size] = out.stdout.trim().split(' ').map(Number);
          ms = secs * 1000;
          bytes = size;
        } else {
          const params: ContainerParams = { socketPath: opts.socketPath, containerId: logger };
          out = await timed(process.execPath, [worker, 'logs', who, JSON.stringify(params)], rssFile);
          if (out.code === 0) ({ ms, bytes } = JSON.parse(out.stdout.trim().split('\n').pop()!) as Required<Pick<ContainerResult, 'ms' | 'bytes'>>);
          else ms = bytes = NaN;
        }
        // The Node clients count payload (the whole log), curl the raw stream (payload + 8 bytes per frame).
        if (out.code !== 0 || (who !== 'curl' && bytes !== 2 * half) || (who === 'curl' && !(bytes > 2 * half))) {
          result.logs[who] = { error: out.code !== 0 ? out.stderr.trim().slice(-300) : `read ${bytes} bytes, the log has ${2 * half}` };
          continue;
        }
        const s = samples.get(who) ?? { mibps: [] as number[], rss: [] as number[], cpu: [] as number[], byRound: new Map<number, number>() };
        // Every contender's rate is the log's payload over its time: the same work, so the rates compare times.
        s.mibps.push((2 * half) / MiB / (ms / 1000));
        s.byRound.set(r, s.mibps[s.mibps.length - 1]);
        s.rss.push((out.rssKiB * 1024) / 1e6);
        s.cpu.push(out.cpuS);
        samples.set(who, s);
      }
    }
    const curlRounds = samples.get('curl')?.byRound;
    for (const [who, s] of samples) {
      if (result.logs[who]) continue;
      const paired = pairedRatios(s.byRound, curlRounds);
      result.logs[who] = { mibps: summarize(s.mibps), rssMB: summarize(s.rss), cpuS: summarize(s.cpu), pairedCurl: paired.length && who !== 'curl' ? summarize(paired) : undefined };
    }
    const vsDockerode = pairedRatios(samples.get('ours')?.byRound, samples.get('dockerode')?.byRound);
    if (vsDockerode.length) result.logsPairedDockerode = summarize(vsDockerode);
    opts.log(`figure 5 logs: ${JSON.stringify(Object.fromEntries(Object.entries(result.logs).map(([w, c]) => [w, 'mibps' in c! ? Math.round(c.mibps.median) : c!.error])))} MiB/s`);

    // Round trips: a running container to exec into, and a `cat` to echo through (not StdinOnce: one per contender process).
    const sleeper = await createContainer(admin, { ...base, Entrypoint: ['/bin/busybox'], Cmd: ['sleep', '3600'] }, containers);
    await startContainer(admin, sleeper);
    const cat = await createContainer(admin, { ...base, Entrypoint: ['/bin/busybox'], Cmd: ['cat'], OpenStdin: true, AttachStdin: true, AttachStdout: true }, containers);
    await startContainer(admin, cat);
    for (const op of RT_OPS) {
      const all = new Map<NodeContainerContender, number[]>();
      const byRound = new Map<NodeContainerContender, Map<number, number>>();
      for (let r = 0; r < config.rtRounds; r++) {
        for (const who of rotate(RT_CONTENDERS, r)) {
          if (result.roundTrips[op][who]) continue;
          const params: ContainerParams =
            op === 'exec'
              ? { socketPath: opts.socketPath, containerId: sleeper, iterations: config.rtIters, warmup: config.rtWarmup }
              : { socketPath: opts.socketPath, containerId: cat, iterations: config.echoIters, warmup: config.echoWarmup };
          const out = await run(process.execPath, [worker, op, who, JSON.stringify(params)]);
          if (out.code !== 0) {
            result.roundTrips[op][who] = { error: out.stderr.trim().split('\n').slice(-3).join(' ').slice(0, 300) };
            continue;
          }
          const samples = (JSON.parse(out.stdout.trim().split('\n').pop()!) as ContainerResult).samples!;
          all.set(who, [...(all.get(who) ?? []), ...samples]);
          byRound.set(who, (byRound.get(who) ?? new Map<number, number>()).set(r, summarize(samples).median));
        }
      }
      for (const [who, s] of all) result.roundTrips[op][who] ??= summarize(s);
      const paired = pairedRatios(byRound.get('ours'), byRound.get('dockerode'));
      if (paired.length) result.roundTripsPaired[op] = summarize(paired);
      opts.log(`figure 5 ${op}: ${[...all].map(([w, s]) => `${w} ${summarize(s).median.toFixed(2)} ms`).join(', ')}`);
    }
  } finally {
    for (const id of containers) await admin.json('DELETE', `/containers/${id}?force=1`);
    await admin.removeImages(images);
  }
  return result;
}
