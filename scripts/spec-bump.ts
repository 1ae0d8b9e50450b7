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
 * Exit status: 0 done (or already pinned), 2 bad input, 3 a bug in this tool.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, extname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { SpecInputError } from './spec-diff/errors';
import { diffSpecs } from './spec-diff/diff';
import { display, loadSpec, parseSpec, readSpecText, resolveSpecArg, userCwd } from './spec-diff/load';
import { renderMarkdown } from './spec-diff/markdown';

const REPO = resolve(__dirname, '..');
const SHARED_SPECS = join(REPO, '..', 'shared', 'specs');
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
}

function sourceMd(file: string, version: string, hash: string, from: string, old: { version: string; file: string }, changes: string): string {
  return `# Pinned Engine API spec

\`${file}\` is the Docker Engine API v${version} swagger (Swagger 2.0), copied byte-for-byte by
\`npm run spec:bump\` from \`${from}\` (provenance of the shared spec store: \`../shared/specs/SOURCES.md\`).
It replaced v${old.version} (\`${old.file}\`); what changed between the two is in \`${changes}\`.

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
    return { status: 'already-pinned', oldVersion: old.version, newVersion: version, file, sha256: hash };
  }

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
  writeFileSync(join(openapiDir, 'SOURCE.md'), sourceMd(file, version, hash, from, old, changesName));
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
  };
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, allowPositionals: true, options: { root: { type: 'string' }, help: { type: 'boolean', short: 'h' } } });
  } catch (err) {
    throw new SpecInputError(`${(err as Error).message.split('\n')[0].split('. ')[0]}; ${USAGE}`);
  }
  if (parsed.values.help) {
    console.log(USAGE);
    return 0;
  }
  if (parsed.positionals.length !== 1) throw new SpecInputError(`expected one spec (version or file), got ${parsed.positionals.length}; ${USAGE}`);
  const cwd = userCwd('spec:bump');
  const root = parsed.values.root === undefined ? REPO : resolve(cwd, parsed.values.root);
  const r = await bump(parsed.positionals[0], root, cwd);
  if (r.status === 'already-pinned') {
    console.log(`spec-bump: v${r.newVersion} (${r.file}, sha256 ${r.sha256}) is already pinned; nothing to do`);
    return 0;
  }
  console.log(`spec-bump: pinned v${r.newVersion} as openapi/${r.file} (sha256 ${r.sha256}), replacing v${r.oldVersion}`);
  console.log(`spec-bump: ${r.changeCount} API changes written to ${display(r.changesFile!)}`);
  console.log(`spec-bump: regenerated ${r.generated!.join(', ')} in ${display(join(root, 'generated'))}`);
  console.log('spec-bump: next: npm run typecheck && npm test, then review and commit openapi/ and generated/');
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      if (err instanceof SpecInputError) {
        console.error(`spec-bump: ${err.message}`);
        process.exitCode = 2;
      } else {
        console.error(`spec-bump: ${(err as Error)?.message?.split('\n')[0] ?? String(err)}`);
        process.exitCode = 3;
      }
    },
  );
}
