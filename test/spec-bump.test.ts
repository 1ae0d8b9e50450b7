/**
 * spec:bump on a temp copy of openapi/ + generated/ (--root), never on the repository itself. Real specs,
 * real generation. (scripts/spec-ci.sh has its own test, test/spec-ci.test.ts.)
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import { REPO, SHARED_SPECS, expectOneLineError, runTsx, tempDir, writeSpec } from './helpers/spec-tools';

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/** A root with copies of the repository's openapi/ and generated/. */
function tempRoot(): string {
  const root = tempDir('spec-bump-test-');
  cpSync(join(REPO, 'openapi'), join(root, 'openapi'), { recursive: true });
  cpSync(join(REPO, 'generated'), join(root, 'generated'), { recursive: true });
  return root;
}

/** relative path → sha256 of every file under dir, subfolders included (openapi/buildkit, generated/buildkit). */
function snapshot(dir: string): Record<string, string> {
  const files = (readdirSync(dir, { recursive: true }) as string[]).filter((f) => statSync(join(dir, f)).isFile());
  return Object.fromEntries(files.sort().map((f) => [f, sha256(readFileSync(join(dir, f)))]));
}

const pinned = JSON.parse(readFileSync(join(REPO, 'openapi', 'pinned.json'), 'utf8')) as { version: string; file: string };
// Bump to a version other than the pinned one, and one with real API changes against it.
const target = pinned.version === '1.54' ? '1.53' : '1.54';
const older = (a: string, b: string): boolean => Number(a.split('.')[1]) < Number(b.split('.')[1]);

/** SOURCES.md's table row for a spec file, read with a plain split (not the parser under test). */
function sourcesRow(file: string): string[] {
  const line = readFileSync(join(SHARED_SPECS, 'SOURCES.md'), 'utf8')
    .split('\n')
    .find((l) => l.startsWith(`| ${file} |`))!;
  return line.split('|').map((c) => c.trim().replace(/`/g, ''));
}

describe('spec:bump', () => {
  const repoBefore = { openapi: snapshot(join(REPO, 'openapi')), generated: snapshot(join(REPO, 'generated')) };

  test(`bumping a temp root to v${target}: pins, records sha256, regenerates, writes the changes report, drops the old spec`, () => {
    const root = tempRoot();
    const r = runTsx('scripts/spec-bump.ts', [target, '--root', root]);
    // Going back from the pin is allowed, with a warning that says so.
    expect(r.stderr).toBe(older(target, pinned.version) ? `spec-bump: warning: v${target} is older than the pinned v${pinned.version}: this is a downgrade, the client loses what came after v${target}\n` : '');
    expect(r.status).toBe(0);

    const file = `docker-engine-v${target}.yaml`;
    const source = readFileSync(join(SHARED_SPECS, file));
    const openapi = join(root, 'openapi');
    expect(JSON.parse(readFileSync(join(openapi, 'pinned.json'), 'utf8'))).toEqual({ version: target, file });
    expect(readFileSync(join(openapi, file)).equals(source)).toBe(true); // unmodified
    expect(readFileSync(join(openapi, `${file}.sha256`), 'utf8')).toBe(`${sha256(source)}  ${file}\n`);
    // `sha256sum -c` accepts the file as written.
    expect(execFileSync('sha256sum', ['-c', `${file}.sha256`], { cwd: openapi, encoding: 'utf8' })).toBe(`${file}: OK\n`);
    expect(existsSync(join(openapi, pinned.file))).toBe(false);
    expect(existsSync(join(openapi, `${pinned.file}.sha256`))).toBe(false);
    expect(readdirSync(openapi).filter((f) => /\.(ya?ml|json)$/.test(f) && f !== 'pinned.json')).toEqual([file]);
    const sourceMd = readFileSync(join(openapi, 'SOURCE.md'), 'utf8');
    expect(sourceMd).toContain(`\`${file}\` is the Docker Engine API v${target} swagger`);
    // Provenance carried over from SOURCES.md: upstream path, git blob, commit.
    const [, , upstreamPath, commit, , blob] = sourcesRow(file);
    expect(sourceMd).toContain(`Upstream: moby/moby \`${upstreamPath}\` (git blob \`${blob}\`) at commit \`${commit}\``);
    expect(sourceMd).toMatch(new RegExp(`v${target.replace('.', '\\.')} is a released API version \\(first served by [\\w.-]+\\)`));

    const info = readFileSync(join(root, 'generated', 'spec-info.ts'), 'utf8');
    expect(info).toContain(`export const SPEC_API_VERSION = "${target}";`);
    expect(info).toContain(`export const SPEC_SHA256 = "${sha256(source)}";`);
    // generated/ is exactly what generation produces from the new pin (generate:check would pass).
    const check = runTsx('test/helpers/generated-in-sync.ts', [root]);
    expect(check.stderr).toBe('');
    expect(JSON.parse(check.stdout)).toEqual([]);

    const changes = readFileSync(join(openapi, `CHANGES-v${pinned.version}-v${target}.md`), 'utf8');
    expect(changes).toContain(`# Engine API changes: v${pinned.version} → v${target}`);
    expect(changes).toContain(`- old: \`openapi/${pinned.file}\``);
    expect(changes).toContain(`- new: \`openapi/${file}\``);
    // Same report as spec:diff gives for the two files.
    const direct = runTsx('scripts/spec-diff.ts', ['--old-label', `openapi/${pinned.file}`, '--new-label', `openapi/${file}`, join(REPO, 'openapi', pinned.file), join(SHARED_SPECS, file)]);
    expect(direct.status).toBe(1);
    expect(changes).toBe(direct.stdout);
    expect(r.stdout).toContain(`spec-bump: pinned v${target} as openapi/${file}`);

    // Bumping to what is pinned is a no-op.
    const before = snapshot(openapi);
    const again = runTsx('scripts/spec-bump.ts', [target, '--root', root]);
    expect(again.stderr).toBe('');
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(/is already pinned; nothing to do/);
    expect(snapshot(openapi)).toEqual(before);
  });

  test('a version SOURCES.md calls unreleased: bumped, with a warning, and SOURCE.md says so', () => {
    // Which version is unreleased comes from SOURCES.md ("**v1.56 is unreleased**" in this snapshot).
    const unreleased = /\*\*v(\d+\.\d+) is unreleased\*\*/.exec(readFileSync(join(SHARED_SPECS, 'SOURCES.md'), 'utf8'))?.[1];
    expect(unreleased).toBeDefined();
    const root = tempRoot();
    // When the unreleased version is the pin itself, first move the temp root to a released one.
    const from = pinned.version === unreleased ? target : pinned.version;
    if (from !== pinned.version) expect(runTsx('scripts/spec-bump.ts', [from, '--root', root]).status).toBe(0);
    const r = runTsx('scripts/spec-bump.ts', [unreleased!, '--root', root]);
    expect(r.status).toBe(0);
    expect(r.stderr.trim().split('\n')).toEqual([
      ...(older(unreleased!, from) ? [expect.stringContaining('downgrade')] : []),
      `spec-bump: warning: v${unreleased} is not a released API version (../shared/specs/SOURCES.md does not list it as released); the spec may still change`,
    ]);
    const sourceMd = readFileSync(join(root, 'openapi', 'SOURCE.md'), 'utf8');
    expect(sourceMd).toContain(`**v${unreleased} is not released yet** (per SOURCES.md)`);
    const [, , upstreamPath, , , blob] = sourcesRow(`docker-engine-v${unreleased}.yaml`);
    expect(sourceMd).toContain(`Upstream: moby/moby \`${upstreamPath}\` (git blob \`${blob}\`)`);

    // A spec from outside the shared store has no provenance to claim, and says so.
    const dir = tempDir('spec-bump-own-');
    const own = join(dir, 'my-engine.yaml');
    cpSync(join(SHARED_SPECS, `docker-engine-v${target}.yaml`), own);
    const mine = runTsx('scripts/spec-bump.ts', [own, '--root', root]);
    expect(mine.status).toBe(0);
    expect(mine.stderr).toContain('downgrade');
    expect(readFileSync(join(root, 'openapi', 'SOURCE.md'), 'utf8')).toContain('No upstream provenance is recorded for this file');
  });

  test('bad input: exit 2 with one line, and the root is left exactly as it was', () => {
    const root = tempRoot();
    const before = { openapi: snapshot(join(root, 'openapi')), generated: snapshot(join(root, 'generated')) };
    const dir = tempDir('spec-bump-bad-');
    const oa3 = writeSpec(dir, 'oa3.json', { openapi: '3.0.3', info: { title: 't', version: '9.9' }, paths: {} });
    const noVersion = writeSpec(dir, 'nover.json', { swagger: '2.0', info: { title: 't', version: 'latest' }, paths: {} });
    const cases: Array<[string[], RegExp]> = [
      [['9.99'], /no spec for API version 9\.99/],
      [[join(dir, 'nope.yaml')], /nope\.yaml: no such file$/],
      [[writeSpec(dir, 'junk.yaml', 'just text\n')], /not a Swagger\/OpenAPI document/],
      [[oa3], /generation reads Swagger 2\.0 specs only, this is OpenAPI 3$/],
      [[noVersion], /info\.version "latest" is not an API version like 1\.56$/],
      [[], /expected one spec/],
    ];
    for (const [args, message] of cases) {
      const r = runTsx('scripts/spec-bump.ts', [...args, '--root', root]);
      expect({ args, status: r.status }).toEqual({ args, status: 2 });
      expect(expectOneLineError(r, 'spec-bump')).toMatch(message);
    }
    const missingRoot = runTsx('scripts/spec-bump.ts', ['1.56', '--root', dir]);
    expect(missingRoot.status).toBe(2);
    expect(expectOneLineError(missingRoot, 'spec-bump')).toMatch(/has no openapi\/pinned\.json$/);
    expect({ openapi: snapshot(join(root, 'openapi')), generated: snapshot(join(root, 'generated')) }).toEqual(before);
  });

  test('the repository itself was not touched by these tests', () => {
    expect({ openapi: snapshot(join(REPO, 'openapi')), generated: snapshot(join(REPO, 'generated')) }).toEqual(repoBefore);
  });
});
