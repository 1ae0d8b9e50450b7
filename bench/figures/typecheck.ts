/**
 * Figure 6: what type-checking costs a consumer. A 40-line program that uses docker.images and containers
 * (through `docker.api`) is checked with `tsc --noEmit` against the installed package (its emitted .d.ts, as
 * users get them), next to an empty program in the same setting (same tsc, same @types/node), with
 * `skipLibCheck` false and true. A third program is the same consumer with `docker.api` typed as openapi-fetch's
 * own `Client<paths>`, for scale: it is what `docker.api` was typed as before src/api-types.ts.
 *
 * Every tsc run is a process of its own under `/usr/bin/time` (CPU = user + system, peak RSS); runs are
 * interleaved, order rotated. Each program's CPU is also divided by the empty program's of the same round and
 * setting (`pairedEmpty`), as figure 3 pairs its rounds with curl: load that comes and goes between rounds (the
 * machine's other work) then hits both sides of a ratio alike. Types and instantiations (tsc
 * --extendedDiagnostics) do not depend on load at all.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { QUICK, ROOT } from '../lib/config.js';
import type { InstalledPackage } from '../lib/package-install.js';
import { pairedRatios, rotate, summarize, type Summary } from '../lib/stats.js';

export const TYPECHECK_PROGRAMS = ['empty', 'consumer', 'consumer-openapi-fetch'] as const;
export type TypecheckProgram = (typeof TYPECHECK_PROGRAMS)[number];

export interface TypecheckCell {
  cpuS: Summary;
  /** CPU ÷ the empty program's CPU in the same round and setting, over the rounds. */
  pairedEmpty: Summary;
  wallS: Summary;
  rssMB: Summary;
  types: number;
  instantiations: number;
  definitionLines: number;
}

export interface TypecheckFigures {
  runs: number;
  tsc: string;
  /** `skipLibCheck: false` → `strict`, `true` → `skip`. */
  cells: Record<'strict' | 'skip', Partial<Record<TypecheckProgram, TypecheckCell>>>;
}

const API = '__API__';
/** The consumer: images (high level), containers through `docker.api`, a save piped to a file. */
const CONSUMER = `import { pipeline } from 'node:stream/promises';
import { createWriteStream } from 'node:fs';
import { DockerClient, DockerApiError, type ImageSummary } from 'docker-engine-client';
__IMPORTS__
async function main(): Promise<void> {
  const docker = DockerClient.fromEnv();
  const images: ImageSummary[] = await docker.images.list({ all: true, filters: { dangling: true } });
  for (const image of images) console.log(image.Id, image.RepoTags?.join(', '), image.Size);
  const inspect = await docker.images.inspect('localhost/busybox:latest');
  console.log(inspect.Config?.Cmd, inspect.Architecture);
  await docker.images.tag('localhost/busybox:latest', { repo: 'localhost/copy', tag: 'v1' });
  for await (const event of docker.images.pull('localhost/busybox:latest')) console.log(event.status);
  const built = await docker.images.build('./ctx', { t: 'localhost/app:dev', networkmode: 'none' });
  console.log(built);
  await pipeline(await docker.images.save('localhost/app:dev'), createWriteStream('app.tar'));
  const api = ${API};
  const { data: created, error } = await api.POST('/containers/create', {
    params: { query: { name: 'consumer-test' } },
    body: { Image: 'localhost/app:dev', Cmd: ['true'], HostConfig: { NetworkMode: 'none', AutoRemove: false } },
  });
  if (error || !created) throw new Error(\`create failed: \${error?.message}\`);
  await api.POST('/containers/{id}/start', { params: { path: { id: created.Id } } });
  const { data: waited } = await api.POST('/containers/{id}/wait', { params: { path: { id: created.Id } } });
  console.log('exit', waited?.StatusCode);
  const { data: list } = await api.GET('/containers/json', { params: { query: { all: true } } });
  for (const c of list ?? []) console.log(c.Id, c.Names, c.State);
  const { data: info } = await api.GET('/containers/{id}/json', { params: { path: { id: created.Id } } });
  console.log(info?.State?.Status, info?.Config?.Image);
  await api.DELETE('/containers/{id}', { params: { path: { id: created.Id }, query: { force: true } } });
  await docker.close();
}

main().catch((err: unknown) => {
  if (err instanceof DockerApiError) console.error(err.status, err.message);
  else console.error(err);
  process.exit(1);
});
`;

const SOURCES: Record<TypecheckProgram, string> = {
  empty: 'export const answer: number = 42;\n',
  consumer: CONSUMER.replace('__IMPORTS__\n', '').replace(API, 'docker.api'),
  'consumer-openapi-fetch': CONSUMER.replace(
    '__IMPORTS__',
    "import type { Client } from 'openapi-fetch';\nimport type { paths } from 'docker-engine-client';",
  ).replace(API, 'docker.api as unknown as Client<paths, `${string}/${string}`>'),
};

function tsconfig(file: string, skipLibCheck: boolean): string {
  return JSON.stringify({
    compilerOptions: {
      target: 'ES2022',
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      noEmit: true,
      skipLibCheck,
      // This repository's @types/node (what a Node consumer has anyway), the same for every program.
      typeRoots: [path.join(ROOT, 'node_modules', '@types')],
      types: ['node'],
    },
    files: [file],
  });
}

function diag(out: string, key: string): number {
  const m = new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(out);
  return m ? Number(m[1]) : NaN;
}

export function runTypecheckFigures(pkg: InstalledPackage, log: (line: string) => void): TypecheckFigures {
  const dir = path.join(pkg.appDir, 'typecheck');
  mkdirSync(dir, { recursive: true });
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const jobs: { setting: 'strict' | 'skip'; program: TypecheckProgram; project: string }[] = [];
  for (const program of TYPECHECK_PROGRAMS) {
    writeFileSync(path.join(dir, `${program}.ts`), SOURCES[program]);
    for (const setting of ['strict', 'skip'] as const) {
      const project = path.join(dir, `tsconfig.${program}.${setting}.json`);
      writeFileSync(project, tsconfig(`${program}.ts`, setting === 'skip'));
      jobs.push({ setting, program, project });
    }
  }
  const runs = Number(process.env.BENCH_TYPECHECK_RUNS ?? (QUICK ? 1 : 5));
  log(`figure 6: tsc --noEmit, ${jobs.length} projects × ${runs} runs`);
  const samples = new Map(jobs.map((j) => [j, { cpu: new Map<number, number>(), wall: [] as number[], rss: [] as number[], out: '' }]));
  for (let r = 0; r < runs; r++) {
    for (const job of rotate(jobs, r)) {
      const t0 = performance.now();
      const res = spawnSync('/usr/bin/time', ['-f', 'TIME %U %S %M', process.execPath, tsc, '-p', job.project, '--extendedDiagnostics'], {
        cwd: dir,
        encoding: 'utf8',
      });
      const wall = (performance.now() - t0) / 1000;
      const time = /TIME (\S+) (\S+) (\d+)/.exec(res.stderr);
      if (res.status !== 0 || !time) throw new Error(`tsc -p ${path.basename(job.project)} failed:\n${res.stdout}${res.stderr}`);
      const s = samples.get(job)!;
      s.cpu.set(r, Number(time[1]) + Number(time[2]));
      s.wall.push(wall);
      s.rss.push(Number(time[3]) / 1024);
      s.out = res.stdout;
    }
  }
  const cells: TypecheckFigures['cells'] = { strict: {}, skip: {} };
  for (const job of jobs) {
    const s = samples.get(job)!;
    const empty = samples.get(jobs.find((j) => j.setting === job.setting && j.program === 'empty')!)!;
    cells[job.setting][job.program] = {
      cpuS: summarize([...s.cpu.values()]),
      pairedEmpty: summarize(pairedRatios(s.cpu, empty.cpu)),
      wallS: summarize(s.wall),
      rssMB: summarize(s.rss),
      types: diag(s.out, 'Types'),
      instantiations: diag(s.out, 'Instantiations'),
      definitionLines: diag(s.out, 'Lines of Definitions'),
    };
  }
  const version = spawnSync(process.execPath, [tsc, '--version'], { encoding: 'utf8' }).stdout.trim();
  return { runs, tsc: version, cells };
}
