/**
 * The published package works: `npm pack` builds first (prepack), and the tarball installed into a fresh project
 * loads through both entry points (require and import) and type-checks for both module kinds.
 *
 * The install resolves the runtime dependencies from npm's cache (`--prefer-offline`: after `npm ci` they are
 * there; only a cold cache asks the npm registry). No install script runs.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const tsc = join(ROOT, 'node_modules', '.bin', 'tsc');

function run(cmd: string, args: string[], cwd: string): string {
  return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20 });
}

describe('npm pack', () => {
  let work: string;
  let project: string;
  let files: string[];

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'dec-pack-'));
    // --json lists the files that went in, after what prepack (the build) printed.
    const out = run(npm, ['pack', '--json', '--pack-destination', work], ROOT);
    const packed = JSON.parse(out.slice(out.search(/^\[/m))) as { filename: string; files: { path: string }[] }[];
    files = packed[0].files.map((f) => f.path);
    project = join(work, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    run(npm, ['install', '--prefer-offline', '--no-audit', '--no-fund', '--ignore-scripts', join(work, packed[0].filename)], project);
  }, 240_000);

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  test('the tarball ships both builds with their declarations, and no sources or tests', () => {
    for (const f of ['dist/cjs/src/index.js', 'dist/cjs/src/index.d.ts', 'dist/esm/src/index.js', 'dist/esm/src/index.d.ts', 'dist/esm/package.json']) {
      expect(files).toContain(f);
    }
    expect(files.filter((f) => /^(src|test|scripts)\//.test(f))).toEqual([]);
  });

  test('require() loads the CommonJS build', () => {
    const out = run(process.execPath, ['-e', "const m = require('docker-engine-client'); console.log(typeof m.DockerClient, typeof m.DockerInputError, require.resolve('docker-engine-client'))"], project);
    expect(out.trim()).toBe(`function function ${join(project, 'node_modules/docker-engine-client/dist/cjs/src/index.js')}`);
  });

  test('import loads the ES module build', () => {
    const code = "const m = await import('docker-engine-client'); console.log(typeof m.DockerClient, typeof m.ProgressTracker, import.meta.resolve('docker-engine-client'))";
    const out = run(process.execPath, ['--input-type=module', '-e', code], project);
    expect(out.trim()).toBe(`function function file://${join(project, 'node_modules/docker-engine-client/dist/esm/src/index.js')}`);
  });

  /** `tsc -p` over `files` in the installed project; its output (diagnostics, and what `args` ask for). */
  function typecheck(files: string[], skipLibCheck: boolean, args: string[] = []): string {
    const config = `tsconfig.${skipLibCheck ? 'skip' : 'strict'}.json`;
    writeFileSync(
      join(project, config),
      JSON.stringify({
        compilerOptions: {
          module: 'node16',
          moduleResolution: 'node16',
          target: 'es2022',
          strict: true,
          noEmit: true,
          skipLibCheck,
          // A Node project has @types/node; borrow the repo's rather than installing it.
          typeRoots: [join(ROOT, 'node_modules', '@types')],
          types: ['node'],
        },
        files,
      }),
    );
    try {
      return run(tsc, ['-p', config, ...args], project);
    } catch (err) {
      return String((err as { stdout?: string }).stdout);
    }
  }

  test('the declarations type-check from a CommonJS and an ES module consumer', () => {
    const use = (kind: string) =>
      `import { DockerClient, type DockerClientOptions } from 'docker-engine-client';\n` +
      `const options: DockerClientOptions = { socketPath: '/run/x.sock', timeout: 1000 };\n` +
      `export const ${kind} = new DockerClient(options).images.list({ all: true });\n` +
      `// @ts-expect-error misspelt option keys are compile errors\nnew DockerClient({ sockPath: 'x' });\n`;
    writeFileSync(join(project, 'use.cts'), use('cjs'));
    writeFileSync(join(project, 'use.mts'), use('esm'));
    // The package's own declarations resolving is what matters here; the next test checks every library file.
    expect(typecheck(['use.cts', 'use.mts'], true)).toBe('');
  });

  test('with skipLibCheck false, both declaration trees check cleanly and load no undici declarations', () => {
    // A published type naming undici's (Transport's `dispatcher: Dispatcher` did, reachable through the session
    // types of attach and exec) made every such consumer load and check ~43 undici .d.ts files, next to the copy
    // @types/node already has (undici-types). --explainFiles says which of our files imported each one.
    const sessions = (kind: string) =>
      `import type { DockerClient, DuplexSession, Frame } from 'docker-engine-client';\n` +
      `export async function ${kind}(docker: DockerClient): Promise<Frame[]> {\n` +
      `  const session: DuplexSession = await docker.containers.attach('c', { stdout: true });\n` +
      `  const frames: Frame[] = [];\n  for await (const frame of session) frames.push(frame);\n  return frames;\n}\n`;
    writeFileSync(join(project, 'sessions.cts'), sessions('cjs'));
    writeFileSync(join(project, 'sessions.mts'), sessions('esm'));
    const out = typecheck(['sessions.cts', 'sessions.mts'], false, ['--explainFiles']);
    const errors = out.split('\n').filter((line) => /error TS\d+/.test(line));
    expect(errors).toEqual([]);
    const explained = out.split(/\n(?=\S)/);
    expect(explained.filter((entry) => entry.includes('node_modules/docker-engine-client/dist/')).length).toBeGreaterThan(20);
    expect(explained.filter((entry) => /^(?:\S*\/)?node_modules\/undici\//.test(entry))).toEqual([]);
  });

  test('a consumer of builds and their BuildKit trace types loads no @bufbuild/protobuf declarations', () => {
    // The trace types were protobuf-es's `Message<…> & {…}`: touching a build's result loaded and (skipLibCheck
    // false) checked @bufbuild/protobuf's 66 .d.ts files. They are generated plain interfaces now.
    const build = (kind: string) =>
      `import type { BuildkitStatus, DockerClient } from 'docker-engine-client';\n` +
      `export async function ${kind}(docker: DockerClient, status: BuildkitStatus): Promise<bigint[]> {\n` +
      `  await docker.images.build('./ctx', { t: 'localhost/app:dev', version: '2' });\n` +
      `  const seconds = status.vertexes.map((v) => v.started?.seconds ?? 0n);\n` +
      `  return [...seconds, ...status.statuses.map((s) => s.total)];\n}\n`;
    writeFileSync(join(project, 'build.cts'), build('cjs'));
    writeFileSync(join(project, 'build.mts'), build('esm'));
    const out = typecheck(['build.cts', 'build.mts'], false, ['--explainFiles']);
    expect(out.split('\n').filter((line) => /error TS\d+/.test(line))).toEqual([]);
    const explained = out.split(/\n(?=\S)/);
    expect(explained.filter((entry) => entry.includes('node_modules/docker-engine-client/dist/')).length).toBeGreaterThan(20);
    expect(explained.filter((entry) => /^(?:\S*\/)?node_modules\/@bufbuild\//.test(entry))).toEqual([]);
  });
});
