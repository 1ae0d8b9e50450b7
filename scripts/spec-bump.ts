/**
 * npm run spec:bump -- <version|file> [--root DIR]
 *
 * Moves the client to another Engine API spec in one step: pins the spec byte-for-byte in openapi/ with its
 * sha256, points pinned.json and SOURCE.md at it, removes the previously pinned spec, regenerates generated/
 * (which carries SPEC_API_VERSION, the client's maximum API version) and writes the spec diff to
 * openapi/CHANGES-v<old>-v<new>.md. Type-check and tests then show what broke.
 *
 * Everything that can fail (reading, diffing, generating) runs before the first write, so a bad spec leaves
 * the tree as it was. --root points at a directory holding openapi/ and generated/ (tests use a temp copy).
 * Warns (stderr, still exit 0) on a downgrade and on a version ../shared/specs/SOURCES.md does not list as
 * released; SOURCE.md records the upstream provenance (path, blob, commit) that SOURCES.md gives the file.
 * Exit status (scripts/spec-diff/cli.ts): 0 done (or already pinned), 2 bad input, 3 a bug in this tool.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, extname, join, relative, resolve } from 'node:path';
import { EXIT, parseCli, runCli, warn } from './spec-diff/cli';
import { SpecInputError } from './spec-diff/errors';
import { diffSpecs } from './spec-diff/diff';
import { display, loadSpec, parseSpec, readSpecText, resolveSpecArg, userCwd } from './spec-diff/load';
import { renderMarkdown } from './spec-diff/markdown';
import { compareVersions, readSources, releaseStatus, type Sources } from './spec-diff/sources';

const REPO = resolve(__dirname, '..');
const SHARED_SPECS = join(REPO, '..', 'shared', 'specs');
const SOURCES = join(SHARED_SPECS, 'SOURCES.md');
const USAGE = 'usage: spec-bump [--root DIR] <version|file>';

export interface BumpResult {
  status: 'bumped' | 'already-pinned';
  oldVersion: string;
  newVersion: string;
  /** Spec file name now pinned in openapi/. */
  file: string;
  sha256: string;
  /** Path of the changes report (bumped only). */
  changesFile?: string;
  changeCount?: number;
  generated?: string[];
  /** Downgrade, unreleased version, provenance mismatch: printed by the CLI, not fatal. */
  warnings: string[];
}

/** Where the spec came from, as SOURCES.md records it, for SOURCE.md; and what a reviewer should be warned of. */
function provenance(src: string, hash: string, version: string, sources: Sources | undefined): { text: string; warnings: string[] } {
  const warnings: string[] = [];
  const status = releaseStatus(sources, version);
  const release =
    status.status === 'released'
      ? `v${version} is a released API version${status.release ? ` (first served by ${status.release})` : ''}.`
      : status.status === 'unreleased'
        ? `**v${version} is not released yet** (per SOURCES.md): the spec may still change upstream.`
        : `Whether v${version} is released is not known (no SOURCES.md).`;
  if (status.status === 'unreleased') warnings.push(`v${version} is not a released API version (${display(SOURCES)} does not list it as released); the spec may still change`);
  if (status.status === 'unknown') warnings.push(`cannot tell whether v${version} is released: ${display(SOURCES)} is missing`);
  const row = sources && src.startsWith(SHARED_SPECS) ? sources.rows.get(basename(src)) : undefined;
  if (!row) {
    const why = !src.startsWith(SHARED_SPECS) ? 'it did not come from the shared spec store' : sources ? 'SOURCES.md has no row for it' : 'SOURCES.md is missing';
    return { text: `No upstream provenance is recorded for this file (${why}).\n${release}`, warnings };
  }
  if (row.sha256 !== hash) {
    warnings.push(`${display(src)} does not match the sha256 SOURCES.md records for it (${row.sha256}); provenance not carried over`);
    return { text: `The file differs from what SOURCES.md records for \`${row.file}\`, so no upstream provenance is claimed.\n${release}`, warnings };
  }
  const repo = sources?.repository ?? 'upstream';
  const text = [
    `Upstream: ${repo} \`${row.upstreamPath}\` (git blob \`${row.blob}\`) at commit \`${row.commit}\``,
    row.lastCommit ? `(last commit touching the path: \`${row.lastCommit.replace(/\s+\(/, '` (')}).` : '.',
  ].join(' ');
  return { text: `${text}\n${release}`, warnings };
}

function sourceMd(file: string, version: string, hash: string, from: string, origin: string, old: { version: string; file: string }, changes: string): string {
  return `# Pinned Engine API spec

\`${file}\` is the Docker Engine API v${version} swagger (Swagger 2.0), copied byte-for-byte by
\`npm run spec:bump\` from \`${from}\` (provenance of the shared spec store: \`../shared/specs/SOURCES.md\`).
It replaced v${old.version} (\`${old.file}\`); what changed between the two is in \`${changes}\`.

${origin}

Its sha256 (\`${hash}\`) is in \`${file}.sha256\`; \`npm run generate\` refuses a spec whose hash does not
match. Never edit the YAML: known spec defects are fixed by \`scripts/overlay.ts\` during generation.
\`pinned.json\` names the file generation reads; \`npm run spec:bump\` rewrites all of these.
`;
}

export async function bump(arg: string, root = REPO, cwd = process.cwd()): Promise<BumpResult> {
  const openapiDir = join(root, 'openapi');
  const generatedDir = join(root, 'generated');
  if (!existsSync(join(openapiDir, 'pinned.json'))) throw new SpecInputError(`${display(root)} has no openapi/pinned.json`);

  const src = resolveSpecArg(arg, { openapiDir, sharedDir: SHARED_SPECS, cwd });
  const text = readSpecText(src);
  const bytes = readFileSync(src);
  const probe = parseSpec(text, display(src));
  if (probe.format !== 'Swagger 2.0') throw new SpecInputError(`${display(src)}: generation reads Swagger 2.0 specs only, this is ${probe.format}`);
  if (!/^\d+\.\d+$/.test(probe.version)) throw new SpecInputError(`${display(src)}: info.version "${probe.version}" is not an API version like 1.56`);

  // The generation pipeline (openapi-typescript, typescript) takes a while to load: only once the input is good.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { generate, readPinned, sha256, writeGenerated } = require('./generate') as typeof import('./generate');
  let old;
  try {
    old = readPinned(openapiDir);
  } catch (err) {
    throw new SpecInputError(`cannot read the current pin in ${display(openapiDir)}: ${(err as Error).message}`);
  }
  const version = probe.version;
  const file = `docker-engine-v${version}${extname(src) === '.json' ? '.json' : '.yaml'}`;
  const hash = sha256(bytes);
  if (file === old.file && hash === old.sha256) {
    return { status: 'already-pinned', oldVersion: old.version, newVersion: version, file, sha256: hash, warnings: [] };
  }
  const origin = provenance(src, hash, version, readSources(SOURCES));
  const warnings = [
    ...(compareVersions(version, old.version) < 0 ? [`v${version} is older than the pinned v${old.version}: this is a downgrade, the client loses what came after v${version}`] : []),
    ...origin.warnings,
  ];

  // Reports name the files as they will sit in openapi/, so the changes file is the same on every machine.
  const oldDoc = loadSpec(old.path, `openapi/${old.file}`);
  const report = diffSpecs(oldDoc, parseSpec(text, `openapi/${file}`));
  const changesName = `CHANGES-v${old.version}-v${version}.md`;

  // Generate from a staged copy first: a spec the pipeline cannot handle must not leave a half-bumped tree.
  const stage = mkdtempSync(join(tmpdir(), 'spec-bump-'));
  let files: Record<string, string>;
  try {
    writeFileSync(join(stage, file), bytes);
    writeFileSync(join(stage, `${file}.sha256`), `${hash}  ${file}\n`);
    writeFileSync(join(stage, 'pinned.json'), `${JSON.stringify({ version, file }, null, 2)}\n`);
    files = await generate(stage);
  } catch (err) {
    throw new SpecInputError(`generation from ${display(src)} failed: ${(err as Error).message.split('\n')[0]}`);
  } finally {
    rmSync(stage, { recursive: true, force: true });
  }

  copyFileSync(src, join(openapiDir, file));
  writeFileSync(join(openapiDir, `${file}.sha256`), `${hash}  ${file}\n`);
  writeFileSync(join(openapiDir, changesName), renderMarkdown(report));
  writeFileSync(join(openapiDir, 'pinned.json'), `${JSON.stringify({ version, file }, null, 2)}\n`);
  const from = relative(REPO, src).startsWith('..') && !src.startsWith(SHARED_SPECS) ? basename(src) : relative(REPO, src);
  writeFileSync(join(openapiDir, 'SOURCE.md'), sourceMd(file, version, hash, from, origin.text, old, changesName));
  if (old.file !== file) {
    rmSync(old.path, { force: true });
    rmSync(`${old.path}.sha256`, { force: true });
  }
  writeGenerated(files, generatedDir);
  return {
    status: 'bumped',
    oldVersion: old.version,
    newVersion: version,
    file,
    sha256: hash,
    changesFile: join(openapiDir, changesName),
    changeCount: report.changeCount,
    generated: Object.keys(files).sort(),
    warnings,
  };
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseCli(argv, { root: { type: 'string' } }, USAGE);
  if (!parsed) return EXIT.ok;
  if (parsed.positionals.length !== 1) throw new SpecInputError(`expected one spec (version or file), got ${parsed.positionals.length}; ${USAGE}`);
  const cwd = userCwd('spec:bump');
  const root = parsed.values.root === undefined ? REPO : resolve(cwd, parsed.values.root);
  const r = await bump(parsed.positionals[0], root, cwd);
  for (const w of r.warnings) warn('spec-bump', w);
  if (r.status === 'already-pinned') {
    console.log(`spec-bump: v${r.newVersion} (${r.file}, sha256 ${r.sha256}) is already pinned; nothing to do`);
    return EXIT.ok;
  }
  console.log(`spec-bump: pinned v${r.newVersion} as openapi/${r.file} (sha256 ${r.sha256}), replacing v${r.oldVersion}`);
  console.log(`spec-bump: ${r.changeCount} API changes written to ${display(r.changesFile!)}`);
  console.log(`spec-bump: regenerated ${r.generated!.join(', ')} in ${display(join(root, 'generated'))}`);
  console.log('spec-bump: next: npm run typecheck && npm test, then review and commit openapi/ and generated/');
  return EXIT.ok;
}

if (require.main === module) void runCli('spec-bump', main);
