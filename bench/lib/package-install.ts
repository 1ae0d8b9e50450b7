/**
 * The client as users get it: `npm pack` of the built package, installed with its runtime dependencies only into
 * bench/tmp/pkg. Every figure loads the client from there, so a concurrent `npm run build` in the working tree
 * (which deletes dist/ first) cannot pull the code from under a running benchmark, and figure 4 weighs exactly
 * what was measured.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './config.js';

export interface InstalledPackage {
  name: string;
  /** The scratch app that depends on the package. */
  appDir: string;
  /** node_modules/<name> inside it. */
  clientDir: string;
  tarballBytes: number;
  /** Versions resolved in the install, for the report. */
  versions: Record<string, string>;
}

export function packAndInstall(log: (line: string) => void): InstalledPackage {
  const dir = path.join(ROOT, 'bench', 'tmp', 'pkg');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const packed = JSON.parse(
    // run.sh has built dist/ already; --ignore-scripts keeps the prepack build's output out of the JSON.
    execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }),
  ) as { name: string; filename: string; size: number }[];
  const appDir = path.join(dir, 'app');
  mkdirSync(appDir);
  writeFileSync(path.join(appDir, 'package.json'), JSON.stringify({ name: 'bench-app', private: true, version: '0.0.0' }));
  log(`installing ${packed[0].filename} with its runtime dependencies into ${path.relative(ROOT, appDir)}`);
  execFileSync('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline', path.join(dir, packed[0].filename)], {
    cwd: appDir,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const name = packed[0].name;
  const versionOf = (pkg: string) => (JSON.parse(readFileSync(path.join(appDir, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version;
  return {
    name,
    appDir,
    clientDir: path.join(appDir, 'node_modules', name),
    tarballBytes: packed[0].size,
    versions: { [name]: versionOf(name), undici: versionOf('undici') },
  };
}
