/**
 * Writing generated/ and comparing it, shared by `npm run generate` (scripts/generate.ts) and
 * `npm run spec:bump` (scripts/spec-bump.ts): generated/ holds exactly the files generation produced.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Names of files that differ between `files` and `dir` (changed, missing, or extra). */
export function diffDir(files: Record<string, string>, dir: string): string[] {
  const present = existsSync(dir) ? readdirSync(dir).filter((n) => n !== 'buildkit') : []; // generate-buildkit.ts owns it
  const out: string[] = [];
  for (const [name, text] of Object.entries(files)) {
    const p = join(dir, name);
    if (!existsSync(p)) out.push(`${name} (missing)`);
    else if (readFileSync(p, 'utf8') !== text) out.push(`${name} (differs)`);
  }
  for (const name of present) if (!(name in files)) out.push(`${name} (not generated; remove it)`);
  return out.sort();
}

/** Make `dir` hold exactly `files`: write what differs, remove what was not generated. Returns what changed. */
export function writeGenerated(files: Record<string, string>, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const changed = diffDir(files, dir).map((b) => b.split(' ')[0]);
  for (const name of changed) {
    if (name in files) writeFileSync(join(dir, name), files[name]);
    else rmSync(join(dir, name), { force: true });
  }
  return changed;
}
