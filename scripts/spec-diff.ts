/**
 * npm run spec:diff -- [--json] <old> <new>
 *
 * Compares two Engine API specs and prints what moved, as sorted Markdown (or JSON with --json): breaking
 * changes first, then operations (added ones with their parameters), parameters, filter keys, bodies, media
 * types, response headers and models (renamed/extracted same-shape models named as such).
 * <old>/<new> are API versions (`1.54`, looked up in openapi/ then ../shared/specs/) or file paths.
 * Exit status (scripts/spec-diff/cli.ts, shared with spec-bump): 0 no API changes, 1 changes, 2 bad input
 * (one line on stderr), 3 a bug in this tool.
 *
 * Hand-written rather than an npm differ: the report must name each changed model once (tools that
 * dereference first repeat a model's change at every use), read Swagger 2.0 parameters (collectionFormat,
 * x-nullable, x-deprecated) and the Engine spec's "Deprecated:" descriptions, and run offline.
 */
import { join, resolve } from 'node:path';
import { EXIT, parseCli, runCli } from './spec-diff/cli';
import { SpecInputError } from './spec-diff/errors';
import { diffSpecs, type DiffReport } from './spec-diff/diff';
import { display, loadSpec, resolveSpecArg, userCwd, type SpecDirs } from './spec-diff/load';
import { renderMarkdown } from './spec-diff/markdown';

export { SpecInputError, diffSpecs, renderMarkdown, loadSpec, resolveSpecArg };
export type { DiffReport };

const ROOT = resolve(__dirname, '..');
export const DEFAULT_DIRS: SpecDirs = { openapiDir: join(ROOT, 'openapi'), sharedDir: join(ROOT, '..', 'shared', 'specs') };

const USAGE = 'usage: spec-diff [--json] [--old-label TEXT] [--new-label TEXT] <old version|file> <new version|file>';

/** Diff two specs named by version or path. Throws SpecInputError on bad input. */
export function diffArgs(oldArg: string, newArg: string, labels: { old?: string; new?: string } = {}, dirs = DEFAULT_DIRS): DiffReport {
  const oldPath = resolveSpecArg(oldArg, dirs);
  const newPath = resolveSpecArg(newArg, dirs);
  return diffSpecs(loadSpec(oldPath, labels.old ?? display(oldPath)), loadSpec(newPath, labels.new ?? display(newPath)));
}

function main(argv: string[]): number {
  const parsed = parseCli(argv, { json: { type: 'boolean' }, 'old-label': { type: 'string' }, 'new-label': { type: 'string' } }, USAGE);
  if (!parsed) return EXIT.ok;
  if (parsed.positionals.length !== 2) throw new SpecInputError(`expected two specs, got ${parsed.positionals.length}; ${USAGE}`);
  const [oldArg, newArg] = parsed.positionals;
  const report = diffArgs(oldArg, newArg, { old: parsed.values['old-label'], new: parsed.values['new-label'] }, { ...DEFAULT_DIRS, cwd: userCwd('spec:diff') });
  process.stdout.write(parsed.values.json ? `${JSON.stringify(report, null, 2)}\n` : renderMarkdown(report));
  return report.changeCount === 0 ? EXIT.ok : EXIT.changes;
}

if (require.main === module) void runCli('spec-diff', main);
