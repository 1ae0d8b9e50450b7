/**
 * `npm run bench` (through bench/run.sh, which builds the package and provides an engine): runs the figures,
 * prints the report and writes it to bench/RESULTS.md (bench/tmp/RESULTS-quick.md for BENCH_QUICK=1).
 * Raw samples go to bench/tmp/results.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runCallFigures } from './figures/calls.js';
import { runContainerFigures } from './figures/containers.js';
import { runImportFigures } from './figures/import-cost.js';
import { runStreamFigures } from './figures/streams.js';
import { runTypecheckFigures } from './figures/typecheck.js';
import { loadClient } from './lib/client.js';
import { config, QUICK, ROOT, socketPath } from './lib/config.js';
import { EngineAdmin, pingVersion } from './lib/engine.js';
import { describeMachine, loadAvg } from './lib/machine.js';
import { packAndInstall } from './lib/package-install.js';
import { renderReport, type Results } from './lib/report.js';
import { transpileBench } from './lib/workers.js';

const log = (line: string) => process.stderr.write(`bench: ${line}\n`);

async function main(): Promise<void> {
  const sock = socketPath();
  const pkg = packAndInstall(log);
  process.env.BENCH_CLIENT_DIR = pkg.clientDir;
  const engineVersion = await pingVersion(sock);
  // The version this client settles on; the floor uses the same `/vX.Y` prefix.
  const { DockerClient } = loadClient();
  const docker = new DockerClient({ socketPath: sock });
  const apiVersion = await docker.negotiate();
  await docker.close();
  process.env.BENCH_API_VERSION = apiVersion;
  log(`engine API ${engineVersion}, client uses ${apiVersion}`);

  const admin = new EngineAdmin(sock, apiVersion);
  const version = (await admin.json<{ Version?: string; ApiVersion?: string }>('GET', '/version')).data;
  const info = (await admin.json<{ Driver?: string; DockerRootDir?: string }>('GET', '/info')).data;
  const buildDir = path.join(ROOT, 'bench', 'tmp', 'build');
  transpileBench(path.join(ROOT, 'bench'), buildDir);

  const results: Results = {
    machine: describeMachine(version, info.Driver ?? '?'),
    loadAfter: {},
    versions: pkg.versions,
    settings: { ...config, concInflight: config.concInflight.join('+'), figures: [...config.figures].join('+'), tmpDir: path.relative(ROOT, config.tmpDir), out: path.relative(ROOT, config.out) },
    notes: [
      'The machine has 2 cores shared by the engine, the contender being measured and whatever else runs (during ' +
        'development: other engineers\' test runs), so absolute numbers are noisy — see the load averages. Contenders take ' +
        'turns (A B C …, order rotated every round) so that noise hits all of them alike: compare ratios, not absolute values. ' +
        'Client CPU columns are the least noisy figures.',
      '@docker/node-sdk (0.0.17, Docker\'s TypeScript SDK over undici 6 `fetch`) works against this unix-socket engine of API ' +
        '1.41: it sends paths without a version prefix, so the engine answers in its own version. It is measured for list, ' +
        'inspect and save; it cannot import from a tar, and its load and build are not comparable (reasons in the table).',
      'Analysis of the figures and the causes of missed targets: bench/README.md.',
    ],
  };
  if (QUICK) results.notes.push('BENCH_QUICK=1: smoke run with small sizes and few iterations; not representative.');

  const listRefs: string[] = [];
  try {
    if (config.figures.has('calls') || config.figures.has('concurrent')) {
      // Distinct small images, so list returns an array of realistic length; inspect asks for the first.
      const ids: string[] = [];
      for (let i = 0; i < config.listImages; i++) {
        listRefs.push(`bench-list:${i}`);
        ids.push(await admin.importTiny('bench-list', String(i), `bench image ${i}\n`));
      }
      results.calls = await runCallFigures({ buildDir, socketPath: sock, apiVersion, imageId: ids[0], minImages: config.listImages, log });
      results.loadAfter['figures 1–2'] = loadAvg();
    }
    if (config.figures.has('containers')) {
      results.containers = await runContainerFigures({ admin, socketPath: sock, apiVersion, buildDir, log });
      results.loadAfter['figure 5'] = loadAvg();
    }
    if (config.figures.has('streams')) {
      results.streams = await runStreamFigures({ admin, socketPath: sock, apiVersion, buildDir, dockerRootDir: info.DockerRootDir, log });
      results.loadAfter['figure 3'] = loadAvg();
    }
  } finally {
    await admin.removeImages(listRefs);
    await admin.close();
  }
  if (config.figures.has('import')) {
    results.importCost = runImportFigures(pkg, log, sock);
    results.loadAfter['figure 4'] = loadAvg();
  }
  if (config.figures.has('typecheck')) {
    results.typecheck = runTypecheckFigures(pkg, log);
    results.loadAfter['figure 6'] = loadAvg();
  }

  const report = renderReport(results);
  mkdirSync(path.dirname(config.out), { recursive: true });
  writeFileSync(config.out, report);
  writeFileSync(path.join(ROOT, 'bench', 'tmp', 'results.json'), JSON.stringify(results, null, 2));
  process.stdout.write(report);
  log(`written to ${path.relative(ROOT, config.out)}`);
}

main().catch((err: Error) => {
  log(`failed: ${err?.stack ?? String(err)}`);
  process.exit(1);
});
