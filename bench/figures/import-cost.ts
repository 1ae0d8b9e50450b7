/**
 * Figure 4: what installing and loading the package costs, on the install that package-install.ts made (the
 * packed package with runtime dependencies only). Process wall time of `node -e "require(…)"` and of the ESM
 * `import()` is compared with bare node, measured with hyperfine when installed (else an alternating loop of our
 * own); the installed tree is counted and weighed. With an engine, also loading and one call (`ping`, from a new
 * client): what loading defers to the first call (undici's Pool, bench/README.md "Import cost") is paid there.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { config, ROOT } from '../lib/config.js';
import type { InstalledPackage } from '../lib/package-install.js';
import { rotate, summarize, type Summary } from '../lib/stats.js';

export interface ImportTiming {
  label: string;
  /** Wall ms per process. */
  ms: Summary;
  /** Median minus the matching bare-node median. */
  overMs?: number;
  /** `load`: loading the package only (the import-cost target); `call`: loading it and one call. */
  kind?: 'load' | 'call';
}

export interface ImportFigures {
  tool: string;
  timings: ImportTiming[];
  directDeps: string[];
  treePackages: string[];
  installedBytes: number;
  ownBytes: number;
  tarballBytes: number;
}

function duBytes(p: string): number {
  const st = lstatSync(p);
  if (!st.isDirectory()) return st.size;
  return readdirSync(p).reduce((n, e) => n + duBytes(path.join(p, e)), 0);
}

interface Cmd {
  label: string;
  argv: string[];
  cwd: string;
  /** Label of the bare-node command to subtract. */
  base?: string;
  kind?: 'load' | 'call';
}

const ROUNDS = 4;

/** Alternating loop (A B C A B C …) when hyperfine is not installed. */
function ownTiming(cmds: Cmd[], runs: number): Map<string, number[]> {
  const out = new Map<string, number[]>(cmds.map((c) => [c.label, []]));
  for (let i = 0; i < runs + 3; i++) {
    for (const c of rotate(cmds, i)) {
      const t0 = performance.now();
      const r = spawnSync(c.argv[0], c.argv.slice(1), { cwd: c.cwd, stdio: 'ignore' });
      const ms = performance.now() - t0;
      if (r.status !== 0) throw new Error(`${c.label}: exit ${r.status}`);
      if (i >= 3) out.get(c.label)!.push(ms);
    }
  }
  return out;
}

/**
 * hyperfine runs all runs of one command before the next; so that drifting load hits every command alike, it is
 * called in rounds (order rotated), each doing a share of the runs, and the times are pooled.
 */
function hyperfineTiming(cmds: Cmd[], runs: number): Map<string, number[]> {
  const out = new Map<string, number[]>(cmds.map((c) => [c.label, []]));
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'bench-hyperfine-'));
  const quote = (a: string) => (/^[\w./=-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  try {
    for (let r = 0; r < ROUNDS; r++) {
      for (const cwd of [...new Set(cmds.map((c) => c.cwd))]) {
        const group = rotate(
          cmds.filter((c) => c.cwd === cwd),
          r,
        );
        const json = path.join(scratch, 'hyperfine.json');
        execFileSync(
          'hyperfine',
          ['-N', '--style', 'none', '--warmup', '2', '--runs', String(Math.ceil(runs / ROUNDS)), '--export-json', json, ...group.map((c) => c.argv.map(quote).join(' '))],
          { cwd, stdio: ['ignore', 'ignore', 'inherit'] },
        );
        const data = JSON.parse(readFileSync(json, 'utf8')) as { results: { times: number[] }[] };
        group.forEach((c, i) => out.get(c.label)!.push(...data.results[i].times.map((s) => s * 1000)));
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  return out;
}

export function runImportFigures(pkg: InstalledPackage, log: (line: string) => void, socketPath?: string): ImportFigures {
  const app = pkg.appDir;
  const ls = execFileSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: app, encoding: 'utf8' })
    .trim()
    .split('\n')
    .filter((p) => p && path.resolve(p) !== path.resolve(app) && path.resolve(p) !== path.resolve(pkg.clientDir));
  const treePackages = ls.map((p) => path.relative(path.join(app, 'node_modules'), p));
  const manifest = JSON.parse(readFileSync(path.join(pkg.clientDir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };

  const node = process.execPath;
  const name = pkg.name;
  const cmds: Cmd[] = [
    { label: 'bare node (CJS)', argv: [node, '-e', ''], cwd: app },
    { label: `require('${name}')`, argv: [node, '-e', `require('${name}')`], cwd: app, base: 'bare node (CJS)', kind: 'load' },
    { label: 'bare node (ESM)', argv: [node, '--input-type=module', '-e', ''], cwd: app },
    { label: `import('${name}')`, argv: [node, '--input-type=module', '-e', `await import('${name}')`], cwd: app, base: 'bare node (ESM)', kind: 'load' },
    // Peers, for scale (this repository's devDependencies), against a bare node run in the same directory.
    { label: 'bare node (CJS, repo)', argv: [node, '-e', ''], cwd: ROOT },
    { label: "require('dockerode')", argv: [node, '-e', "require('dockerode')"], cwd: ROOT, base: 'bare node (CJS, repo)' },
    { label: "require('@docker/node-sdk')", argv: [node, '-e', "require('@docker/node-sdk')"], cwd: ROOT, base: 'bare node (CJS, repo)' },
  ];
  if (socketPath) {
    // Load, make a client, one call, close: a failed ping rejects, and the run fails with it.
    const sock = JSON.stringify(socketPath);
    const ours = `const { DockerClient } = require('${name}'); const d = new DockerClient({ socketPath: ${sock} }); d.system.ping().then(() => d.close());`;
    const dockerode = `const Docker = require('dockerode'); new Docker({ socketPath: ${sock} }).ping().then(() => {});`;
    cmds.push(
      { label: `require('${name}') + ping`, argv: [node, '-e', ours], cwd: app, base: 'bare node (CJS)', kind: 'call' },
      { label: "require('dockerode') + ping", argv: [node, '-e', dockerode], cwd: ROOT, base: 'bare node (CJS, repo)', kind: 'call' },
    );
  }
  const hasHyperfine = spawnSync('hyperfine', ['--version'], { stdio: 'ignore' }).status === 0;
  log(`figure 4: timing ${cmds.length} commands × ${config.importRuns} runs with ${hasHyperfine ? 'hyperfine' : 'an alternating loop'}`);
  const times = hasHyperfine ? hyperfineTiming(cmds, config.importRuns) : ownTiming(cmds, config.importRuns);
  const summaries = new Map(cmds.map((c) => [c.label, summarize(times.get(c.label)!)]));
  return {
    tool: hasHyperfine ? `${execFileSync('hyperfine', ['--version'], { encoding: 'utf8' }).trim()}, ${ROUNDS} rounds` : 'own alternating loop',
    timings: cmds.map((c) => ({
      label: c.label,
      ms: summaries.get(c.label)!,
      overMs: c.base ? summaries.get(c.label)!.median - summaries.get(c.base)!.median : undefined,
      kind: c.kind,
    })),
    directDeps: Object.keys(manifest.dependencies ?? {}),
    treePackages,
    installedBytes: duBytes(path.join(app, 'node_modules')),
    ownBytes: duBytes(pkg.clientDir),
    tarballBytes: pkg.tarballBytes,
  };
}
