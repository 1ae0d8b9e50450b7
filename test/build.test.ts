/** The published shape: one build gives CommonJS and ESM entry points, both with type declarations. */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');
// The pinned spec's version, whatever it is: a spec bump must not break this test.
const PINNED = (JSON.parse(readFileSync(join(ROOT, 'openapi', 'pinned.json'), 'utf8')) as { version: string }).version;

test('npm run build produces loadable CJS and ESM entry points with .d.ts', () => {
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'pipe' });
  for (const flavour of ['cjs', 'esm']) {
    expect(existsSync(join(ROOT, 'dist', flavour, 'src', 'index.js'))).toBe(true);
    expect(existsSync(join(ROOT, 'dist', flavour, 'src', 'index.d.ts'))).toBe(true);
  }
  const probe = (code: string, esm: boolean) =>
    execFileSync(process.execPath, [...(esm ? ['--input-type=module'] : []), '-e', code], { cwd: ROOT, encoding: 'utf8' }).trim();
  expect(probe("const m = require('docker-engine-client'); console.log(typeof m.DockerClient, m.MAX_API_VERSION)", false)).toBe(`function ${PINNED}`);
  expect(probe("const m = await import('docker-engine-client'); console.log(typeof m.DockerClient, m.MAX_API_VERSION)", true)).toBe(`function ${PINNED}`);
  // Directory packing is loaded on first use (dynamic import): it must resolve in both builds.
  const pack = "const t = await m.tarBody('examples/demo-context'); let n = 0; for await (const c of t.body) n += c.length; console.log(t.kind, n > 1024);";
  expect(probe(`(async () => { const m = require('docker-engine-client'); ${pack} })()`, false)).toBe('directory true');
  expect(probe(`const m = await import('docker-engine-client'); ${pack}`, true)).toBe('directory true');
});
