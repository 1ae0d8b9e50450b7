/**
 * Benchmark knobs, all from the environment so a re-run needs no edits. BENCH_QUICK=1 is a smoke run: small
 * sizes and few iterations, written to bench/tmp/ instead of bench/RESULTS.md.
 */
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '..', '..');
export const QUICK = process.env.BENCH_QUICK === '1';

function int(name: string, full: number, quick: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return QUICK ? quick : full;
  const n = Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(raw)}`);
  return n;
}

export const config = {
  /** Sequential calls per contender and operation (figure 1), split into interleaved rounds. */
  calls: int('BENCH_CALLS', 1000, 200),
  callRounds: int('BENCH_CALL_ROUNDS', 10, 4),
  warmup: int('BENCH_WARMUP', 200, 50),
  /** Figure 2: calls per round, how many in flight, rounds. */
  concTotal: int('BENCH_CONC_TOTAL', 2000, 400),
  /** Figure 2 is run at each of these numbers of calls in flight (comma-separated). */
  concInflight: (process.env.BENCH_CONC_INFLIGHT ?? '100,1000').split(',').map((s) => {
    const n = Number(s.trim());
    if (!Number.isInteger(n) || n <= 0) throw new Error(`BENCH_CONC_INFLIGHT must list positive integers, got ${JSON.stringify(s)}`);
    return n;
  }),
  /**
   * Connection cap of the undici contenders (the floor's Pool `connections`, and this client's `maxConnections`
   * where the installed client has that option): the client's default cap (DEFAULT_MAX_CONNECTIONS in
   * src/transport/transport.ts), so the cap's cost is measured.
   */
  maxConnections: int('BENCH_MAX_CONNECTIONS', 128, 128),
  concRounds: int('BENCH_CONC_ROUNDS', 15, 2),
  /** Distinct images in the engine, so images.list returns a realistic array. */
  listImages: int('BENCH_LIST_IMAGES', 10, 10),
  /**
   * Figure 3: size of the random image / build context in MiB, and rounds per contender. Three, so that a
   * median is one round's figure rather than the mean of two: with two, the ratios to curl moved by ±0.1 between
   * full runs of the same code (bench/README.md).
   */
  streamMiB: int('BENCH_STREAM_MIB', 1024, 64),
  streamRounds: int('BENCH_STREAM_ROUNDS', 3, 1),
  /**
   * Rounds of this client and curl alone after those: the targets compare the two round by round (paired), and
   * one run of a 1 GiB transfer on this 2-core machine swings by ±30 % (bench/README.md, "Paired rounds").
   */
  streamPairRounds: int('BENCH_STREAM_PAIR_ROUNDS', 8, 2),
  /** Figure 4: hyperfine runs per command. */
  importRuns: int('BENCH_IMPORT_RUNS', 40, 10),
  /** Figure 5: MiB a container writes to its log, logs rounds; round trips per process, warm-up, rounds. */
  logsMiB: int('BENCH_LOGS_MIB', 512, 32),
  logsRounds: int('BENCH_LOGS_ROUNDS', 3, 1),
  /** Rounds of this client and curl alone after those, for the paired ratio the logs target uses (as figure 3). */
  logsPairRounds: int('BENCH_LOGS_PAIR_ROUNDS', 6, 2),
  rtIters: int('BENCH_RT_ITERS', 100, 20),
  rtWarmup: int('BENCH_RT_WARMUP', 10, 5),
  /** Attach echoes take well under a millisecond: many more per process, after a longer warm-up (JIT). */
  echoIters: int('BENCH_ECHO_ITERS', 2000, 500),
  echoWarmup: int('BENCH_ECHO_WARMUP', 200, 100),
  /**
   * Round-trip rounds per contender; the target compares the two contenders' medians round by round (paired).
   * Six, not four: pooled over four rounds, attach moved between 0.9× and 1.06× dockerode on unchanged code.
   */
  rtRounds: int('BENCH_RT_ROUNDS', 6, 2),
  /** Which figures to run: any of calls, concurrent, streams, import, containers, typecheck. */
  figures: new Set((process.env.BENCH_FIGURES ?? 'calls,concurrent,streams,import,containers,typecheck').split(',').map((s) => s.trim())),
  /** Scratch space for the GiB files (same disk as the engine is fine; checked for free space first). */
  tmpDir: process.env.BENCH_TMPDIR ?? path.join(ROOT, 'bench', 'tmp', 'data'),
  out: process.env.BENCH_OUT ?? path.join(ROOT, 'bench', QUICK ? 'tmp/RESULTS-quick.md' : 'RESULTS.md'),
};

/** The engine's unix socket, from DOCKER_HOST (the bench compares clients on one local socket). */
export function socketPath(): string {
  const host = process.env.DOCKER_HOST;
  if (!host || !host.startsWith('unix://')) {
    throw new Error(`DOCKER_HOST must be a unix:// address (got ${JSON.stringify(host)}); run \`npm run bench\``);
  }
  return host.slice('unix://'.length);
}
