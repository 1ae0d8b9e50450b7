/** generate:check proves generated/ is exactly what the pinned spec produces, and fails loudly when it is not. */
import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');
const tsx = join(ROOT, 'node_modules', '.bin', 'tsx');

function check(dir?: string) {
  const args = [join(ROOT, 'scripts', 'generate.ts'), '--check', ...(dir ? ['--dir', dir] : [])];
  const r = spawnSync(tsx, args, { cwd: ROOT, encoding: 'utf8' });
  // On drift the fresh output is kept for a person to diff; a test has no use for it.
  const kept = /fresh output in (\S+)\)/.exec(r.stderr)?.[1];
  if (kept) rmSync(kept, { recursive: true, force: true });
  return r;
}

describe('generate:check', () => {
  let copy: string;
  beforeEach(() => {
    copy = mkdtempSync(join(tmpdir(), 'dec-gen-'));
    cpSync(join(ROOT, 'generated'), copy, { recursive: true });
  });
  afterEach(() => rmSync(copy, { recursive: true, force: true }));

  test('passes on the committed generated/', () => {
    const r = check();
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/generated\/ is in sync \(5 files, /);
    expect(r.status).toBe(0);
  });

  test('fails naming the file when a generated file was edited by hand', () => {
    appendFileSync(join(copy, 'docker-engine.ts'), '\nexport type HandEdit = 1;\n');
    const r = check(copy);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/docker-engine\.ts \(differs\)/);
    expect(r.stderr).not.toMatch(/spec-info\.ts/);
  });

  test('fails on a missing file and on a stray file', () => {
    unlinkSync(join(copy, 'spec-info.ts'));
    appendFileSync(join(copy, 'stray.ts'), 'export {};\n');
    const r = check(copy);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/spec-info\.ts \(missing\)/);
    expect(r.stderr).toMatch(/stray\.ts \(not generated; remove it\)/);
  });

  test('refuses to run without the spec history the version facts come from', () => {
    const r = spawnSync(tsx, [join(ROOT, 'scripts', 'generate.ts'), '--check', '--specs', join(copy, 'no-such-dir')], { cwd: ROOT, encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^generate: the spec history .*no-such-dir does not exist; version facts \(generated\/api-since\.ts\) are computed from it\n$/);
  });

  test('binary request bodies are typed as stream-capable bodies, not string', () => {
    const types = readFileSync(join(ROOT, 'generated', 'docker-engine.ts'), 'utf8');
    const stream = 'Blob | Uint8Array | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>';
    // /build, /images/load and /images/create (import; via the overlay) and /containers/{id}/archive
    for (const op of ['ImageBuild', 'ImageLoad', 'ImageCreate', 'PutContainerArchive']) {
      const start = types.indexOf(`\n    ${op}: {`);
      expect(start).toBeGreaterThan(0);
      const body = types.slice(start, types.indexOf('responses:', start));
      expect(body).toContain(stream);
    }
  });

  test('refuses a pinned spec whose bytes do not match the recorded sha256', () => {
    const openapi = mkdtempSync(join(tmpdir(), 'dec-openapi-'));
    cpSync(join(ROOT, 'openapi'), openapi, { recursive: true });
    // The pinned spec, whichever version it is (a bump must not break this test).
    const { file } = JSON.parse(readFileSync(join(openapi, 'pinned.json'), 'utf8')) as { file: string };
    const recorded = readFileSync(join(openapi, `${file}.sha256`), 'utf8').trim().split(/\s+/)[0];
    appendFileSync(join(openapi, file), '\n# edited\n');
    const out = execFileSync(
      tsx,
      ['-e', `require(${JSON.stringify(join(ROOT, 'scripts', 'generate.ts'))}).generate(${JSON.stringify(openapi)}).then(()=>console.log('generated'),(e)=>console.log(e.message))`],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(out).toMatch(new RegExp(`sha256 [0-9a-f]{64} does not match the recorded ${recorded.slice(0, 8)}`));
    rmSync(openapi, { recursive: true, force: true });
  });
});
