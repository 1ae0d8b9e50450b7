/**
 * npm run build — dual package: dist/cjs (CommonJS) and dist/esm (ES modules), each with .d.ts.
 *
 * Declarations come from tsc (two runs, so ESM consumers get ESM-scoped types). The JavaScript is bundled by
 * esbuild into one file per format, dependencies left external: loading ~25 small modules cost ~15 ms of
 * import time under the ESM loader (bench/). What loads on first use instead of with the entry: scripts/bundle.ts.
 * Both entry points are then loaded once as a smoke test.
 */
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bundle } from './bundle';

const ROOT = resolve(__dirname, '..');
const tsc = join(ROOT, 'node_modules', '.bin', 'tsc');
const declarations = ['-p', 'tsconfig.build.json', '--emitDeclarationOnly'];

rmSync(join(ROOT, 'dist'), { recursive: true, force: true });
execFileSync(tsc, [...declarations, '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--outDir', 'dist/cjs'], { cwd: ROOT, stdio: 'inherit' });
execFileSync(tsc, [...declarations, '--module', 'ES2022', '--moduleResolution', 'Bundler', '--outDir', 'dist/esm'], { cwd: ROOT, stdio: 'inherit' });
writeFileSync(join(ROOT, 'dist/esm/package.json'), '{ "type": "module" }\n');

async function main(): Promise<void> {
  await bundle(ROOT, 'dist/cjs/src/index.js', 'dist/esm/src');
  const check = `const m = require('docker-engine-client'); if (typeof m.DockerClient !== 'function') process.exit(1);`;
  execFileSync(process.execPath, ['-e', check], { cwd: ROOT, stdio: 'inherit' });
  const checkEsm = `import('docker-engine-client').then((m) => { if (typeof m.DockerClient !== 'function') process.exit(1); })`;
  execFileSync(process.execPath, ['--input-type=module', '-e', checkEsm], { cwd: ROOT, stdio: 'inherit' });
  console.log('build: dist/cjs and dist/esm written; both entry points load');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
