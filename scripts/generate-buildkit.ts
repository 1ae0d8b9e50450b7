/**
 * The BuildKit step of `npm run generate` / `generate:check`:
 *   openapi/buildkit/*.proto (pinned, sha256 in SOURCE.md) → buf + protoc-gen-es → generated/buildkit/
 *
 * Both tools come from npm (@bufbuild/buf ships its compiler binary as an optional dependency; protoc-gen-es is
 * @bufbuild/protobuf's own generator), so no system protoc is needed. Only the types the client uses are generated
 * (`--type` follows the real imports of the pinned files). Output is deterministic: no dates, no absolute paths.
 *
 * Run alone: `tsx scripts/generate-buildkit.ts [--check]`; scripts/generate.ts runs it after the Engine API step.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';

const ROOT = resolve(__dirname, '..');
const PROTO_DIR = join(ROOT, 'openapi', 'buildkit');
const OUT_DIR = join(ROOT, 'generated', 'buildkit');
const BIN = join(ROOT, 'node_modules', '.bin');

/** The messages and services the client needs; everything they reference comes along. */
export const BUILDKIT_TYPES = ['moby.buildkit.v1.StatusResponse', 'moby.filesync.v1.Auth', 'grpc.health.v1.Health'] as const;

/** `| local file | upstream path | commit | git blob | sha256 |` rows of SOURCE.md → file → sha256. */
export function pinnedProtos(dir = PROTO_DIR): Map<string, string> {
  const pins = new Map<string, string>();
  for (const line of readFileSync(join(dir, 'SOURCE.md'), 'utf8').split('\n')) {
    const cells = line.split('|').map((c) => c.trim().replace(/^`|`$/g, ''));
    if (cells.length === 7 && cells[1].endsWith('.proto')) pins.set(cells[1], cells[5]);
  }
  return pins;
}

function listFiles(dir: string, base = dir): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(join(dir, e.name), base) : [relative(base, join(dir, e.name))],
  );
}

/** Every .proto under the dir must be pinned, unmodified, and every pinned file present. */
export function verifyPins(dir = PROTO_DIR): void {
  const pins = pinnedProtos(dir);
  if (pins.size === 0) throw new Error(`${dir}/SOURCE.md lists no pinned .proto files`);
  const present = listFiles(dir).filter((f) => f.endsWith('.proto'));
  for (const file of present) if (!pins.has(file)) throw new Error(`openapi/buildkit/${file} is not pinned in SOURCE.md`);
  for (const [file, sha] of pins) {
    const path = join(dir, file);
    if (!existsSync(path)) throw new Error(`openapi/buildkit/${file} is pinned in SOURCE.md but missing`);
    const actual = createHash('sha256').update(readFileSync(path)).digest('hex');
    if (actual !== sha) throw new Error(`openapi/buildkit/${file}: sha256 ${actual} does not match the pinned ${sha}; pinned files must stay unmodified`);
  }
}

/** Generates into a fresh temp dir and returns relative path → text. */
export function generateBuildkit(dir = PROTO_DIR): Record<string, string> {
  verifyPins(dir);
  const tmp = mkdtempSync(join(tmpdir(), 'dec-buildkit-'));
  try {
    const template = {
      version: 'v2',
      plugins: [{ local: join(BIN, 'protoc-gen-es'), out: tmp, opt: ['target=ts', 'import_extension=js'] }],
    };
    const args = ['generate', dir, '--template', JSON.stringify(template), ...BUILDKIT_TYPES.flatMap((t) => ['--type', t])];
    execFileSync(join(BIN, 'buf'), args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
    const files: Record<string, string> = {};
    for (const f of listFiles(tmp).sort()) files[f] = readFileSync(join(tmp, f), 'utf8');
    return files;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Files that differ between `files` and `dir` (changed, missing, or extra). */
function diff(files: Record<string, string>, dir: string): string[] {
  const out: string[] = [];
  for (const [name, text] of Object.entries(files)) {
    const p = join(dir, name);
    if (!existsSync(p)) out.push(`${name} (missing)`);
    else if (readFileSync(p, 'utf8') !== text) out.push(`${name} (differs)`);
  }
  for (const name of listFiles(dir)) if (!(name in files)) out.push(`${name} (not generated; remove it)`);
  return out.sort();
}

/** The step as scripts/generate.ts calls it; returns the exit code. */
export function runBuildkitStep(argv: readonly string[]): number {
  // `--dir <generated>` (as generate.ts takes it) checks or writes <generated>/buildkit.
  const dirIdx = argv.indexOf('--dir');
  const outDir = dirIdx >= 0 ? join(resolve(argv[dirIdx + 1]), 'buildkit') : OUT_DIR;
  let files: Record<string, string>;
  try {
    files = generateBuildkit();
  } catch (err) {
    console.error(`generate-buildkit: ${(err as Error).message}`);
    return 2;
  }
  if (argv.includes('--check')) {
    const bad = diff(files, outDir);
    if (bad.length) {
      console.error('generate:check: generated/buildkit/ is out of sync with openapi/buildkit/:');
      for (const b of bad) console.error(`  ${b}`);
      console.error('Run `npm run generate` and commit the result.');
      return 1;
    }
    console.log(`generate:check: generated/buildkit/ is in sync (${Object.keys(files).length} files)`);
    return 0;
  }
  rmSync(outDir, { recursive: true, force: true });
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(outDir, name)), { recursive: true });
    writeFileSync(join(outDir, name), text);
  }
  console.log(`generate: wrote ${Object.keys(files).length} files to generated/buildkit/`);
  return 0;
}

if (require.main === module) process.exit(runBuildkitStep(process.argv.slice(2)));
