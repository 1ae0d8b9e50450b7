/** Shared by the spec-diff / spec-bump / spec-ci tests: run the CLIs as real child processes, build small specs. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO = resolve(__dirname, '..', '..');
export const SHARED_SPECS = resolve(REPO, '..', 'shared', 'specs');

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** `npx tsx <file> ...args` (file relative to the repo root), run from the repo root as npm run would. */
export function runTsx(file: string, args: string[], cwd = REPO): Run {
  const r = spawnSync('npx', ['tsx', join(REPO, file), ...args], { cwd, encoding: 'utf8', maxBuffer: 64 << 20 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const made: string[] = [];

/** A fresh directory under the OS temp dir, removed after the test file (see removeTempDirs). */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

// Every file that makes temp dirs through this helper cleans them up.
afterAll(removeTempDirs);

/** A minimal Swagger 2.0 document. */
export function swagger(definitions: Record<string, unknown>, paths: Record<string, unknown> = {}, version = '1.0'): Record<string, unknown> {
  return { swagger: '2.0', info: { title: 'test', version }, paths, definitions };
}

/** Write a document as JSON (which is also YAML) and return its path. */
export function writeSpec(dir: string, name: string, doc: unknown): string {
  const p = join(dir, name);
  writeFileSync(p, typeof doc === 'string' ? doc : JSON.stringify(doc, null, 2));
  return p;
}

/** The stderr of a CLI that failed on bad input: one line, no stack trace. */
export function expectOneLineError(r: Run, tool: string): string {
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^${tool}: `));
  expect(r.stderr).not.toMatch(/\n\s+at /);
  return lines[0];
}
