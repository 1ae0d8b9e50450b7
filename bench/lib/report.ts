/** bench/RESULTS.md: the figures as Markdown tables with ratios, the targets checked, and how to re-run. */
import type { CallFigures } from '../figures/calls.js';
import { LOGS_CONTENDERS, RT_CONTENDERS, RT_OPS, type ContainerFigures } from '../figures/containers.js';
import type { ImportFigures } from '../figures/import-cost.js';
import { TYPECHECK_PROGRAMS, type TypecheckFigures } from '../figures/typecheck.js';
import { contendersFor, FILE_DOWNLOADS, STREAM_LABELS, STREAM_OPS, type StreamContender, type StreamFigures } from '../figures/streams.js';
import type { StreamOp } from '../stream-worker.js';
import { CALL_CONTENDERS, CALL_LABELS, type CallOp } from './call-contenders.js';
import type { Machine } from './machine.js';
import { fmt, ratio, type Summary } from './stats.js';

export interface Results {
  machine: Machine;
  loadAfter: Record<string, string>;
  /** Versions of the client and its key dependencies in the measured install. */
  versions: Record<string, string>;
  settings: Record<string, string | number>;
  calls?: CallFigures;
  streams?: StreamFigures;
  importCost?: ImportFigures;
  typecheck?: TypecheckFigures;
  containers?: ContainerFigures;
  notes: string[];
}

const STREAM_NAMES: Record<StreamContender, string> = {
  ours: 'this client',
  'ours-1m': 'this client, 1 MiB write buffer',
  undici: 'undici `Pool.request()`',
  'node-http': "Node alone: `http.get` piped into the default write stream",
  curl: '`curl --unix-socket`',
  dockerode: 'dockerode',
  'node-sdk': '@docker/node-sdk',
};

const isSummary = (x: unknown): x is Summary => typeof x === 'object' && x !== null && 'median' in x;
const spread = (s: Summary, digits = fmt) => `${digits(s.p25)}–${digits(s.p75)}`;

interface Target {
  what: string;
  measured: string;
  met: boolean | undefined;
}

function callTable(c: CallFigures, out: string[], targets: Target[]): void {
  out.push('## 1. Sequential per-call latency', '');
  out.push(
    'Latency: median µs per call over all calls, with the interquartile range; ratios compare medians. ' +
      '× floor / × dockerode, paired: the contender\'s median ÷ the floor\'s / dockerode\'s in the same round, median (IQR) ' +
      'over the rounds — what the targets are judged on. ' +
      'Client CPU: user + system CPU µs the contender\'s process spent per call (median over rounds) — unlike latency ' +
      'it hardly depends on what else the machine does.',
    '',
  );
  const med = (name: string, op: CallOp) => {
    const v = c.sequential[name]?.[op];
    return isSummary(v) ? v.median : undefined;
  };
  const cpu = (name: string, op: CallOp) => c.sequentialCpu?.[name]?.[op]?.median;
  for (const op of ['list', 'inspect'] as const) {
    out.push(`### images.${op}`, '');
    out.push('| contender | µs | IQR | × floor | × dockerode | × floor, paired | × dockerode, paired | client CPU µs | CPU × floor |');
    out.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const name of CALL_CONTENDERS) {
      const v = c.sequential[name]?.[op];
      if (!isSummary(v)) {
        out.push(`| ${CALL_LABELS[name]} | ${v ?? 'not measured'} | | | | | | | |`);
        continue;
      }
      const p = c.sequentialPaired?.[name]?.[op];
      out.push(
        `| ${CALL_LABELS[name]} | ${fmt(v.median)} | ${spread(v)} | ${ratio(v.median, med('floor', op))} | ${ratio(v.median, med('dockerode', op))} | ${pairedSpan(p?.floor)} | ${pairedSpan(p?.dockerode)} | ${fmt(cpu(name, op) ?? NaN)} | ${ratio(cpu(name, op), cpu('floor', op))} |`,
      );
    }
    out.push('');
  }
  for (const who of ['high', 'raw'] as const) {
    for (const op of ['list', 'inspect'] as const) {
      const m = med(who, op);
      const floor = med('floor', op);
      const dockerode = med('dockerode', op);
      if (m === undefined || floor === undefined || dockerode === undefined) {
        targets.push({ what: `${CALL_LABELS[who]} ${op}: ≤ 1.05× floor, ≤ dockerode`, measured: String(c.sequential[who]?.[op] ?? 'not measured'), met: undefined });
        continue;
      }
      const p = c.sequentialPaired?.[who]?.[op];
      targets.push({
        what: `${CALL_LABELS[who]} ${op}: ≤ 1.05× floor, ≤ dockerode (latency, paired rounds)`,
        measured:
          `${fmt(m)} µs = ${ratio(m, floor)} floor, ${ratio(m, dockerode)} dockerode` +
          (p ? `; round by round ${pairedSpan(p.floor)} floor, ${pairedSpan(p.dockerode)} dockerode` : '') +
          `; CPU ${ratio(cpu(who, op), cpu('floor', op))} floor`,
        met: p ? p.floor.median <= 1.05 && p.dockerode.median <= 1 : undefined,
      });
    }
  }

  out.push('## 2. Concurrent throughput (images.inspect)', '');
  out.push(
    'Calls per second with N calls in flight; median over rounds, and min–max of the rounds. "× dockerode, paired": the ' +
      'median over rounds of the contender\'s calls/s ÷ dockerode\'s in the same round (IQR in brackets) — the contenders ' +
      'take turns within a round, so a change of machine load between rounds cancels; the targets use it. The undici contenders run with ' +
      'a connection cap (the floor\'s Pool `connections`, this client\'s `maxConnections` where the installed version has it; ' +
      'see Settings); dockerode uses Node\'s default agent (no cap).',
    '',
  );
  for (const [n, rates] of Object.entries(c.concurrent)) {
    out.push(`### ${n} in flight`, '');
    out.push('| contender | calls/s | min–max | × floor | × dockerode | × dockerode, paired | client CPU µs/call |');
    out.push('|---|---:|---:|---:|---:|---:|---:|');
    const paired = c.concurrentVsDockerode?.[Number(n)] ?? {};
    const rate = (name: string) => {
      const v = rates[name];
      return isSummary(v) ? v.median : undefined;
    };
    for (const name of CALL_CONTENDERS) {
      const v = rates[name];
      if (!isSummary(v)) out.push(`| ${CALL_LABELS[name]} | ${v ?? 'not measured'} | | | | | |`);
      else
        out.push(
          `| ${CALL_LABELS[name]} | ${fmt(v.median)} | ${fmt(v.min)}–${fmt(v.max)} | ${ratio(v.median, rate('floor'))} | ${ratio(v.median, rate('dockerode'))} | ${pairedSpan(paired[name])} | ${fmt(c.concurrentCpu?.[Number(n)]?.[name]?.median ?? NaN)} |`,
        );
    }
    out.push('');
    for (const who of ['high', 'raw'] as const) {
      const m = rate(who);
      const p = paired[who];
      targets.push({
        what: `${CALL_LABELS[who]} inspect, ${n} in flight: ≥ dockerode (paired rounds)`,
        measured: m !== undefined && p ? `${fmt(m)}/s; ${pairedSpan(paired[who])} dockerode, round by round` : String(rates[who] ?? 'not measured'),
        met: m !== undefined && p ? p.median >= 1 : undefined,
      });
    }
  }
}

/** A paired ratio's median with its interquartile range over the rounds: `0.96× (0.87–1.00)`. */
function pairedSpan(p: Summary | undefined): string {
  return p ? `${p.median.toFixed(2)}× (${p.p25.toFixed(2)}–${p.p75.toFixed(2)})` : '';
}

function streamTable(s: StreamFigures, out: string[], targets: Target[]): void {
  out.push('## 3. Streams', '');
  out.push(
    'Throughput = payload MiB ÷ time from the request to the end of the daemon\'s answer (median of rounds, with min–max). ' +
      `Rounds: ${s.rounds ?? '?'} of every contender, each taking its turn (order rotated), then this client and curl alone up to ${s.pairRounds ?? '?'} rounds; ` +
      '"× curl, paired": the median over rounds of the contender\'s MiB/s ÷ curl\'s in the same round (IQR in brackets), which the targets use — a change of machine load between rounds cancels. ' +
      'Peak RSS = maximum resident set of the contender\'s own process over its rounds (`/usr/bin/time`), in MB. ' +
      'CPU = user + system seconds of that process (median of rounds; for Node contenders it includes starting node and loading the library).',
    '',
  );
  out.push('| operation | payload MiB | contender | MiB/s | min–max | × curl | × curl, paired | × dockerode | peak RSS MB | CPU s |');
  out.push('|---|---:|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const op of STREAM_OPS) {
    const cells = s.cells[op] ?? {};
    const m = (who: StreamContender) => cells[who]?.mibps?.median;
    for (const who of contendersFor(op)) {
      const c = cells[who];
      const head = `| ${STREAM_LABELS[op]} | ${fmt(s.payloadMiB[op])} | ${STREAM_NAMES[who]}`;
      if (!c?.mibps) out.push(`${head} | ${c?.unavailable ?? (c?.error ? `failed: ${c.error}` : 'not measured')} | | | | | | |`);
      else
        out.push(
          `${head} | ${fmt(c.mibps.median)} | ${fmt(c.mibps.min)}–${fmt(c.mibps.max)} | ${ratio(m(who), m('curl'))} | ${pairedSpan(c.pairedCurl)} | ${ratio(m(who), m('dockerode'))} | ${fmt(c.rssMB!.max)} | ${fmt(c.cpuS?.median ?? NaN)} |`,
        );
    }
    const ours = cells.ours;
    const p = ours?.pairedCurl;
    const want = FILE_DOWNLOADS.has(op) ? 0.95 : 0.9;
    targets.push({
      what: `${STREAM_LABELS[op]}: ≥ ${want.toFixed(2)}× curl (paired rounds)`,
      measured: ours?.mibps && p ? `${fmt(ours.mibps.median)} MiB/s; ${pairedSpan(ours.pairedCurl)} curl over ${p.n} rounds` : (ours?.unavailable ?? ours?.error ?? 'not measured'),
      met: p ? p.median >= want : undefined,
    });
    const idle = s.idleRssMB?.median;
    targets.push({
      what: `${STREAM_LABELS[op]}: peak RSS ≤ idle-after-ping peak + 10 MB`,
      measured: ours?.rssMB && idle !== undefined ? `${fmt(ours.rssMB.max)} MB = idle ${fmt(idle)} MB + ${fmt(ours.rssMB.max - idle)} MB${nodeAlone(s, op)}` : 'not measured',
      met: ours?.rssMB && idle !== undefined ? ours.rssMB.max <= idle + 10 : undefined,
    });
  }
  out.push('');
  for (const n of s.notes) out.push(`- ${n}`);
  if (s.notes.length) out.push('');
}

/** What Node alone pays for the same transfer (figure 3's node-floor runs), beside an RSS target's measurement. */
function nodeAlone(s: StreamFigures, op: StreamOp): string {
  const f = s.nodeFloorMB;
  if (!f) return '';
  if (FILE_DOWNLOADS.has(op)) return `; Node alone, the same pipeline fed from memory: +${fmt(f.pipeline.median)} MB`;
  if (op === 'load' || op === 'import' || op === 'build') return `; Node alone, the least code that uploads: +${fmt(f.upload.median)} MB`;
  if (op === 'save-sink') return `; Node alone, a bare socket piped into the same sink: +${fmt(f.sink.median)} MB`;
  return '';
}

function containerTable(c: ContainerFigures, out: string[], targets: Target[]): void {
  out.push('## 5. Containers', '');
  out.push(
    `Logs: a container wrote ${fmt(c.logsMiB)} MiB of random bytes (half stdout, half stderr; the \`local\` log driver); each contender ` +
      'reads the whole log (`follow=1` on the exited container): the Node clients demultiplex it (this client: `containers.logs` frames; ' +
      'dockerode: `modem.demuxStream`), curl writes the raw multiplexed stream (8 bytes more per frame) to /dev/null. MiB/s: the log\'s payload ' +
      'over the contender\'s time, for every contender (the same work, so the rates compare times; until stop 21 curl\'s counted its 8-byte headers too). ' +
      `Rounds: ${c.logsRounds ?? '?'} of every contender, then this client and curl alone up to ${c.logsPairRounds ?? '?'}; "× curl, paired" as in figure 3, which the target uses. Peak RSS of the process.`,
    '',
  );
  out.push('| contender | MiB/s | min–max | × curl | × curl, paired | × dockerode | peak RSS MB | CPU s |');
  out.push('|---|---:|---:|---:|---:|---:|---:|---:|');
  const mibps = (who: (typeof LOGS_CONTENDERS)[number]) => {
    const cell = c.logs[who];
    return cell && 'mibps' in cell ? cell.mibps.median : undefined;
  };
  for (const who of LOGS_CONTENDERS) {
    const cell = c.logs[who];
    const name = who === 'ours' ? 'this client' : who === 'curl' ? '`curl --unix-socket`' : 'dockerode';
    if (!cell || !('mibps' in cell)) out.push(`| ${name} | ${cell ? `failed: ${cell.error}` : 'not measured'} | | | | | | |`);
    else
      out.push(
        `| ${name} | ${fmt(cell.mibps.median)} | ${fmt(cell.mibps.min)}–${fmt(cell.mibps.max)} | ${ratio(cell.mibps.median, mibps('curl'))} | ${pairedSpan(cell.pairedCurl)} | ${ratio(cell.mibps.median, mibps('dockerode'))} | ${fmt(cell.rssMB.max)} | ${fmt(cell.cpuS.median)} |`,
      );
  }
  const ours = c.logs.ours;
  const oursRss = ours && 'rssMB' in ours ? ours.rssMB.max : undefined;
  const m = mibps('ours');
  const p = ours && 'pairedCurl' in ours ? ours.pairedCurl : undefined;
  const smallRss = c.oursSmallRssMB;
  const d = c.logsPairedDockerode;
  targets.push({
    what: `logs ${fmt(c.logsMiB)} MiB demuxed: ≥ 0.95× curl (paired rounds; issue 13, issue 9 asked 0.90×), ≥ dockerode (paired rounds), peak RSS flat in size (≤ +16 MB over a log 1/16 the size)`,
    measured:
      m !== undefined && p
        ? `${fmt(m)} MiB/s; ${pairedSpan(p)} curl over ${p.n} rounds, ${ratio(m, mibps('dockerode'))} dockerode` +
          (d ? ` (${pairedSpan(d)} round by round over ${d.n})` : '') +
          `; ${fmt(oursRss!)} MB vs ${fmt(smallRss ?? NaN)} MB`
        : 'not measured',
    met: m !== undefined && p && d && smallRss !== undefined ? p.median >= 0.95 && d.median >= 1 && oursRss! <= smallRss + 16 : undefined,
  });
  out.push('');
  out.push('Round trips: ms per operation over all measured iterations (median, IQR). exec: `containers.exec(id, [busybox echo hi])` = create + ' +
    'start (upgraded) + collect + inspect, vs dockerode `exec()` + `start({ hijack })` + `demuxStream` + `inspect()`; attach: write a line into an ' +
    'attached `cat`, read it back. × dockerode, paired: this client\'s median ÷ dockerode\'s in the same round, median (IQR) over the rounds.', '');
  out.push('| round trip | contender | median ms | IQR | × dockerode | × dockerode, paired |');
  out.push('|---|---|---:|---:|---:|---:|');
  for (const op of RT_OPS) {
    const med = (who: (typeof RT_CONTENDERS)[number]) => {
      const cell = c.roundTrips[op][who];
      return cell && 'median' in cell ? cell.median : undefined;
    };
    for (const who of RT_CONTENDERS) {
      const cell = c.roundTrips[op][who];
      const name = who === 'ours' ? 'this client' : 'dockerode';
      if (!cell || !('median' in cell)) out.push(`| ${op} | ${name} | ${cell ? `failed: ${cell.error}` : 'not measured'} | | | |`);
      else out.push(`| ${op} | ${name} | ${fmt(cell.median)} | ${spread(cell)} | ${ratio(cell.median, med('dockerode'))} | ${who === 'ours' ? pairedSpan(c.roundTripsPaired[op]) : ''} |`);
    }
    const o = med('ours');
    const d = med('dockerode');
    const p = c.roundTripsPaired[op];
    targets.push({
      what: `${op} round trip ≤ dockerode (paired rounds)`,
      measured: o !== undefined && p ? `${fmt(o)} ms = ${ratio(o, d)} dockerode; ${pairedSpan(p)} round by round over ${p.n} rounds` : 'not measured',
      met: p ? p.median <= 1 : undefined,
    });
  }
  out.push('');
  for (const n of c.notes) out.push(`- ${n}`);
}

function importTable(f: ImportFigures, out: string[], targets: Target[]): void {
  out.push('## 4. Import cost', '');
  out.push(`Process wall time (${f.tool}); "over bare node" subtracts the median of the matching bare \`node\` run.`, '');
  out.push('| command | median ms | IQR | over bare node |');
  out.push('|---|---:|---:|---:|');
  for (const t of f.timings) out.push(`| \`${t.label}\` | ${fmt(t.ms.median)} | ${spread(t.ms)} | ${t.overMs === undefined ? '' : `${fmt(t.overMs)} ms`} |`);
  out.push('');
  if (f.timings.some((t) => t.kind === 'call')) {
    out.push('- `… + ping`: load the package, make a client, one `ping()` (this client negotiates first), close — against the bench engine. What loading leaves to the first call is paid here, and whatever the process waits for at exit (until stop 22, this client\'s first call loaded undici\'s Pool, and its exit waited for V8 to compile undici\'s WebAssembly HTTP parser; bench/README.md).');
  }
  out.push(`- packed tarball: ${(f.tarballBytes / 1e3).toFixed(0)} kB; installed: ${(f.installedBytes / 1e6).toFixed(2)} MB in node_modules, of which the package itself ${(f.ownBytes / 1e6).toFixed(2)} MB`);
  out.push(`- direct runtime dependencies (${f.directDeps.length}): ${f.directDeps.join(', ')}`);
  out.push(`- runtime dependency tree (\`npm ls --omit=dev --all --parseable\`, without the package itself): ${f.treePackages.length} packages: ${f.treePackages.join(', ')}`);
  out.push('');
  for (const t of f.timings.filter((t) => t.kind === 'load')) {
    targets.push({ what: `${t.label} ≤ 40 ms over bare node`, measured: `${fmt(t.overMs!)} ms`, met: t.overMs! <= 40 });
  }
  targets.push({ what: 'runtime dependencies ≤ 5 packages (direct)', measured: String(f.directDeps.length), met: f.directDeps.length <= 5 });
  targets.push({ what: 'runtime dependencies ≤ 5 packages (whole installed tree)', measured: String(f.treePackages.length), met: f.treePackages.length <= 5 });
}

const TYPECHECK_NAMES = {
  empty: 'empty program',
  consumer: 'consumer (images + `docker.api` containers)',
  'consumer-openapi-fetch': 'same consumer, `docker.api` typed as openapi-fetch `Client<paths>`',
} as const;

function typecheckTable(f: TypecheckFigures, out: string[], targets: Target[]): void {
  out.push('## 6. Type-check cost for a consumer', '');
  out.push(
    `\`tsc --noEmit\` (${f.tsc}) of a 40-line consumer against the installed package's .d.ts, next to an empty program with the ` +
      `same compiler options and @types/node; ${f.runs} runs each, interleaved. CPU = user + system s of the tsc process (median); ` +
      '× empty, paired: CPU ÷ the empty program\'s CPU in the same round, median (IQR) over the rounds — what the target is judged on; ' +
      'types and instantiations (`--extendedDiagnostics`) do not depend on load.',
    '',
  );
  out.push('| skipLibCheck | program | CPU s | × empty | × empty, paired | wall s | peak RSS MB | types | instantiations | lines of .d.ts |');
  out.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const setting of ['strict', 'skip'] as const) {
    const cells = f.cells[setting];
    const empty = cells.empty?.cpuS.median;
    for (const program of TYPECHECK_PROGRAMS) {
      const c = cells[program];
      if (!c) continue;
      out.push(
        `| ${setting === 'skip'} | ${TYPECHECK_NAMES[program]} | ${fmt(c.cpuS.median)} | ${ratio(c.cpuS.median, empty)} | ${pairedSpan(c.pairedEmpty)} | ${fmt(c.wallS.median)} | ${fmt(c.rssMB.max)} | ${c.types} | ${c.instantiations} | ${c.definitionLines} |`,
      );
    }
    const consumer = cells.consumer?.cpuS.median;
    const paired = cells.consumer?.pairedEmpty;
    targets.push({
      what: `type-check of a 40-line consumer, skipLibCheck ${setting === 'skip'}: ≤ 1.5× an empty program (CPU, paired rounds)`,
      measured:
        consumer !== undefined && empty !== undefined && paired
          ? `${fmt(consumer)} s vs ${fmt(empty)} s; ${pairedSpan(paired)} round by round over ${paired.n} rounds`
          : 'not measured',
      met: paired ? paired.median <= 1.5 : undefined,
    });
  }
  out.push('');
}

export function renderReport(r: Results): string {
  const m = r.machine;
  const out: string[] = [];
  const targets: Target[] = [];
  out.push('# Benchmarks: docker-engine-client side by side', '');
  out.push(`Measured ${m.date} with \`npm run bench\` (re-run: \`npm run bench\`; smoke run: \`BENCH_QUICK=1 npm run bench\`; knobs in bench/lib/config.ts).`, '');
  out.push('## Machine', '');
  out.push(`- CPU: ${m.cpu}, ${m.cores} cores; RAM ${m.memGiB} GiB; ${m.kernel}`);
  out.push(`- Node ${m.node}; engine ${m.engine}, storage driver ${m.storageDriver}; ${m.curl}`);
  out.push(`- Measured install (\`npm pack\` + \`npm install --omit=dev\`): ${Object.entries(r.versions).map(([k, v]) => `${k} ${v}`).join(', ')}`);
  out.push(`- Load average (1/5/15 min) at start: ${m.loadAvg}; ${Object.entries(r.loadAfter).map(([k, v]) => `after ${k}: ${v}`).join('; ')}`);
  out.push(`- Settings: ${Object.entries(r.settings).map(([k, v]) => `${k}=${v}`).join(', ')}`);
  out.push('');
  for (const n of r.notes) out.push(`> ${n}`, '>');
  if (r.notes.length) out.pop();
  out.push('');
  const body: string[] = [];
  if (r.calls) callTable(r.calls, body, targets);
  if (r.streams) streamTable(r.streams, body, targets);
  if (r.importCost) importTable(r.importCost, body, targets);
  if (r.typecheck) typecheckTable(r.typecheck, body, targets);
  if (r.containers) containerTable(r.containers, body, targets);
  out.push('## Targets', '');
  out.push('| target | measured | met |');
  out.push('|---|---|---|');
  for (const t of targets) out.push(`| ${t.what} | ${t.measured} | ${t.met === undefined ? 'not measured' : t.met ? 'yes' : '**no**'} |`);
  out.push('');
  out.push(...body);
  return `${out.join('\n').replace(/\n{3,}/g, '\n\n')}\n`;
}
