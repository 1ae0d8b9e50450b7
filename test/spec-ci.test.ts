/**
 * scripts/spec-ci.sh on throw-away git repositories (real git, real specs, the real spec-diff CLI): which base
 * it compares against (last commit that changed openapi/, merge base of a branch), shallow clones, breaking
 * changes called out first, and committed CHANGES reports checked against a fresh spec:diff.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { diffSpecs } from '../scripts/spec-diff/diff';
import { loadSpec } from '../scripts/spec-diff/load';
import { renderMarkdown } from '../scripts/spec-diff/markdown';
import { REPO, SHARED_SPECS, tempDir } from './helpers/spec-tools';

const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', ['-c', 'user.name=spec-ci test', '-c', 'user.email=spec-ci@test.invalid', '-c', 'commit.gpgsign=false', '-c', 'init.defaultBranch=main', ...args], {
    cwd,
    encoding: 'utf8',
  });
/** Run the script; stdout then stderr (the diff tool's own error line goes to stderr). */
const ci = (repo: string, ...args: string[]): { status: number | null; out: string } => {
  const env = { ...process.env };
  delete env.GITHUB_BASE_REF;
  const r = spawnSync('bash', [join(REPO, 'scripts', 'spec-ci.sh'), '--repo', repo, ...args], { encoding: 'utf8', env });
  return { status: r.status, out: r.stdout + r.stderr };
};
const short = (repo: string, rev: string): string => git(repo, 'rev-parse', '--short', rev).trim();
const file = (v: string): string => `docker-engine-v${v}.yaml`;

/** Pin a version in the repo's openapi/ (staged), optionally with the CHANGES report spec:bump would write. */
function pin(repo: string, version: string, changesFrom?: string): void {
  for (const f of readdirSync(join(repo, 'openapi'))) if (f.startsWith('docker-engine-')) git(repo, 'rm', '-q', `openapi/${f}`);
  cpSync(join(SHARED_SPECS, file(version)), join(repo, 'openapi', file(version)));
  writeFileSync(join(repo, 'openapi', 'pinned.json'), JSON.stringify({ version, file: file(version) }));
  if (changesFrom) {
    const report = diffSpecs(loadSpec(join(SHARED_SPECS, file(changesFrom)), `openapi/${file(changesFrom)}`), loadSpec(join(SHARED_SPECS, file(version)), `openapi/${file(version)}`));
    writeFileSync(join(repo, 'openapi', `CHANGES-v${changesFrom}-v${version}.md`), renderMarkdown(report));
  }
  git(repo, 'add', 'openapi');
}

function newRepo(): string {
  const repo = tempDir('spec-ci-test-');
  git(repo, 'init', '-q');
  mkdirSync(join(repo, 'openapi'));
  pin(repo, '1.53');
  git(repo, 'commit', '-qm', 'pin 1.53');
  return repo;
}

function touchReadme(repo: string, text: string): void {
  writeFileSync(join(repo, 'README'), `${text}\n`);
  git(repo, 'add', 'README');
  git(repo, 'commit', '-qm', text);
}

describe('scripts/spec-ci.sh', () => {
  test('on the main line: diffs against the parent of the last commit that changed openapi/, however many commits follow', () => {
    const repo = newRepo();
    const first = short(repo, 'HEAD');
    const quiet = `spec-ci: openapi/ was last changed by the first commit (${first}); no earlier spec to compare against\n`;
    expect(ci(repo)).toEqual({ status: 0, out: quiet });
    touchReadme(repo, 'docs');
    expect(ci(repo)).toEqual({ status: 0, out: quiet });

    const docs = short(repo, 'HEAD');
    pin(repo, '1.54', '1.53');
    git(repo, 'commit', '-qm', 'bump to 1.54');
    const bump = short(repo, 'HEAD');
    // Later commits that leave openapi/ alone do not hide the diff (HEAD~1 did).
    touchReadme(repo, 'more docs');
    touchReadme(repo, 'even more docs');
    const r = ci(repo);
    expect(r.status).toBe(0);
    expect(r.out).toContain(
      `spec-ci: openapi/ changed since ${docs} (before ${bump}, the last commit that changed openapi/); API diff of the pinned spec (${docs}:openapi/${file('1.53')} → openapi/${file('1.54')}):\n`,
    );
    expect(r.out).toContain('# Engine API changes: v1.53 → v1.54');
    expect(r.out).toContain('- Query parameter `identity` added: `boolean`');
    expect(r.out).not.toContain('BREAKING');
    expect(r.out).toContain('spec-ci: openapi/CHANGES-v1.53-v1.54.md matches a fresh spec:diff\n');

    // Right after a bump, before its commit: the diff against HEAD.
    pin(repo, '1.55');
    const local = ci(repo);
    expect(local.status).toBe(0);
    expect(local.out).toContain(`spec-ci: openapi/ changed since ${short(repo, 'HEAD')} (HEAD; openapi/ has uncommitted changes); API diff of the pinned spec`);
    expect(local.out).toContain('# Engine API changes: v1.54 → v1.55');
  });

  test('breaking changes are called out before the report, and lead it', () => {
    const repo = newRepo();
    pin(repo, '1.52', '1.53'); // a downgrade: what 1.53 added is gone
    git(repo, 'commit', '-qm', 'back to 1.52');
    const r = ci(repo);
    expect(r.status).toBe(0);
    const lines = r.out.split('\n');
    const warning = lines.findIndex((l) => /^spec-ci: BREAKING: \d+ changes can break existing clients \(listed first below\)$/.test(l));
    const title = lines.indexOf('# Engine API changes: v1.53 → v1.52');
    expect(warning).toBeGreaterThan(-1);
    expect(title).toBeGreaterThan(warning);
    // The report's first section is the breaking one.
    expect(lines.find((l, i) => i > title && l.startsWith('## '))).toMatch(/^## Breaking changes/);
    expect(r.out).toContain('- model `SystemInfo`: Property `NRI` removed (was `NRIInfo`)');
  });

  test('a stale committed CHANGES report fails the build, with the difference and how to regenerate it', () => {
    const repo = newRepo();
    pin(repo, '1.54', '1.53');
    const changes = join(repo, 'openapi', 'CHANGES-v1.53-v1.54.md');
    writeFileSync(changes, readFileSync(changes, 'utf8').replace('- Query parameter `identity` added: `boolean`\n', ''));
    git(repo, 'commit', '-qam', 'bump with a hand-edited report');
    const r = ci(repo);
    expect(r.status).toBe(1);
    expect(r.out).toContain('spec-ci: openapi/CHANGES-v1.53-v1.54.md differs from a fresh spec:diff (- committed, + fresh); regenerate it:');
    expect(r.out).toContain('\n+- Query parameter `identity` added: `boolean`\n');

    // Once the old spec is gone from openapi/ (a later bump), the report is still checked, from git history.
    pin(repo, '1.55');
    writeFileSync(changes, renderMarkdown(diffSpecs(loadSpec(join(SHARED_SPECS, file('1.53')), `openapi/${file('1.53')}`), loadSpec(join(SHARED_SPECS, file('1.54')), `openapi/${file('1.54')}`))));
    git(repo, 'add', 'openapi');
    git(repo, 'commit', '-qm', 'bump to 1.55, fix the old report');
    const fixed = ci(repo);
    expect(fixed.out).toContain('spec-ci: openapi/CHANGES-v1.53-v1.54.md matches a fresh spec:diff\n');
    expect(fixed.status).toBe(0);
  });

  test('on a branch: diffs against the merge base, even when openapi/ changed several commits back', () => {
    const repo = newRepo();
    const forkPoint = short(repo, 'HEAD');
    git(repo, 'checkout', '-qb', 'feature');
    pin(repo, '1.54', '1.53');
    git(repo, 'commit', '-qm', 'bump on the branch');
    touchReadme(repo, 'later work');
    git(repo, 'checkout', '-q', 'main');
    touchReadme(repo, 'main moves on');
    git(repo, 'checkout', '-q', 'feature');
    const r = ci(repo, '--base', 'main');
    expect(r.status).toBe(0);
    expect(r.out).toContain(`spec-ci: openapi/ changed since ${forkPoint} (merge base with main); API diff of the pinned spec`);
    expect(r.out).toContain('# Engine API changes: v1.53 → v1.54');

    // A branch that leaves openapi/ alone says so (and still checks the committed reports).
    git(repo, 'checkout', '-qb', 'docs-only', 'main');
    touchReadme(repo, 'docs only');
    expect(ci(repo, '--base', 'main').out).toBe(`spec-ci: openapi/ unchanged since ${short(repo, 'main')} (merge base with main)\n`);
    expect(ci(repo, '--base', 'no-such-branch')).toEqual({ status: 1, out: 'spec-ci: cannot find no-such-branch to compare against\n' });
  });

  test('a shallow clone is deepened; without a reachable origin it warns loudly instead of going quiet (not fatal: CI checkouts are not ours)', () => {
    const repo = newRepo();
    pin(repo, '1.54', '1.53');
    git(repo, 'commit', '-qm', 'bump to 1.54');
    touchReadme(repo, 'docs');
    const shallow = tempDir('spec-ci-shallow-');
    execFileSync('git', ['clone', '-q', '--depth', '1', `file://${repo}`, shallow]);
    const r = ci(shallow);
    expect(r.status).toBe(0);
    expect(r.out).toMatch(/^spec-ci: shallow clone: fetched the full history\n/);
    expect(r.out).toContain('# Engine API changes: v1.53 → v1.54');

    const orphan = tempDir('spec-ci-orphan-');
    execFileSync('git', ['clone', '-q', '--depth', '1', `file://${repo}`, orphan]);
    git(orphan, 'remote', 'remove', 'origin');
    expect(ci(orphan)).toEqual({
      status: 0,
      out:
        'spec-ci: WARNING: shallow clone and the history cannot be fetched, so the API diff since the base cannot be shown;\n' +
        'spec-ci: WARNING: check out with full history (e.g. actions/checkout fetch-depth: 0) to see it\n' +
        'spec-ci: WARNING: openapi/CHANGES-v1.53-v1.54.md: openapi/docker-engine-v1.53.yaml or openapi/docker-engine-v1.54.yaml is only in the history this shallow clone lacks; not checked\n',
    });
  });

  test('an old spec in history that no longer parses is reported, not fatal', () => {
    const repo = newRepo();
    writeFileSync(join(repo, 'openapi', file('1.53')), 'not: [valid\n');
    git(repo, 'commit', '-qam', 'break the spec');
    const broken = short(repo, 'HEAD');
    writeFileSync(join(repo, 'openapi', file('1.53')), readFileSync(join(SHARED_SPECS, file('1.53'))));
    git(repo, 'commit', '-qam', 'repair the spec');
    const r = ci(repo);
    expect(r.status).toBe(0);
    expect(r.out).toContain(`spec-diff: ${broken}:openapi/${file('1.53')}: not valid YAML or JSON`);
    expect(r.out).toContain('spec-ci: could not diff the specs');
  });
});
