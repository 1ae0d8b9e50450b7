/**
 * npm run build — dual package: dist/cjs (CommonJS) and dist/esm (ES modules), each with .d.ts.
 * Two tsc runs over the same sources (src/ imports with explicit .js extensions, valid for both), and a
 * one-line package.json in dist/esm marking it as ESM. Then both entry points are loaded once as a smoke test.
 */
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');
const tsc = join(ROOT, 'node_modules', '.bin', 'tsc');
const common = ['-p', 'tsconfig.build.json'];

rmSync(join(ROOT, 'dist'), { recursive: true, force: true });
execFileSync(tsc, [...common, '--module', 'NodeNext', '--moduleResolution', 'NodeNext', '--outDir', 'dist/cjs'], { cwd: ROOT, stdio: 'inherit' });
execFileSync(tsc, [...common, '--module', 'ES2022', '--moduleResolution', 'Bundler', '--outDir', 'dist/esm'], { cwd: ROOT, stdio: 'inherit' });
writeFileSync(join(ROOT, 'dist/esm/package.json'), '{ "type": "module" }\n');

const check = `const m = require('docker-engine-client'); if (typeof m.DockerClient !== 'function') process.exit(1);`;
execFileSync(process.execPath, ['-e', check], { cwd: ROOT, stdio: 'inherit' });
const checkEsm = `import('docker-engine-client').then((m) => { if (typeof m.DockerClient !== 'function') process.exit(1); })`;
execFileSync(process.execPath, ['--input-type=module', '-e', checkEsm], { cwd: ROOT, stdio: 'inherit' });
console.log('build: dist/cjs and dist/esm written; both entry points load');
