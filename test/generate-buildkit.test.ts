/** The BuildKit step of generate:check: generated/buildkit/ is exactly what the pinned protos produce; pins hold. */
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pinnedProtos, verifyPins } from '../scripts/generate-buildkit';

const ROOT = resolve(__dirname, '..');
const CONTROL = 'github.com/moby/buildkit/api/services/control/control_pb.ts';

function check(dir?: string) {
  const args = [join(ROOT, 'scripts', 'generate-buildkit.ts'), '--check', ...(dir ? ['--dir', dir] : [])];
  return spawnSync(join(ROOT, 'node_modules', '.bin', 'tsx'), args, { cwd: ROOT, encoding: 'utf8' });
}

describe('generate-buildkit', () => {
  let copy: string;
  beforeEach(() => {
    copy = mkdtempSync(join(tmpdir(), 'dec-genbk-'));
  });
  afterEach(() => rmSync(copy, { recursive: true, force: true }));

  test('passes on the committed generated/buildkit/', () => {
    const r = check();
    expect(r.stdout).toMatch(/generated\/buildkit\/ is in sync \(5 files\)/);
    expect(r.status).toBe(0);
  });

  test('fails naming a hand-edited, a missing and a stray file', () => {
    cpSync(join(ROOT, 'generated'), copy, { recursive: true });
    appendFileSync(join(copy, 'buildkit', CONTROL), '\nexport type HandEdit = 1;\n');
    unlinkSync(join(copy, 'buildkit', 'grpc/health/v1/health_pb.ts'));
    appendFileSync(join(copy, 'buildkit', 'stray_pb.ts'), 'export {};\n');
    const r = check(copy);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${CONTROL} (differs)`);
    expect(r.stderr).toContain('grpc/health/v1/health_pb.ts (missing)');
    expect(r.stderr).toContain('stray_pb.ts (not generated; remove it)');
  });

  test('every pinned proto is listed with its sha256, and an edited or unlisted proto is refused', () => {
    const pins = pinnedProtos();
    expect([...pins.keys()].sort()).toEqual([
      'github.com/moby/buildkit/api/services/control/control.proto',
      'github.com/moby/buildkit/api/types/worker.proto',
      'github.com/moby/buildkit/session/auth/auth.proto',
      'github.com/moby/buildkit/solver/pb/ops.proto',
      'github.com/moby/buildkit/sourcepolicy/pb/policy.proto',
      'google/rpc/status.proto',
      'grpc/health/v1/health.proto',
    ]);
    expect(() => verifyPins()).not.toThrow();
    cpSync(join(ROOT, 'openapi', 'buildkit'), copy, { recursive: true });
    appendFileSync(join(copy, 'github.com/moby/buildkit/session/auth/auth.proto'), '\n// edited\n');
    expect(() => verifyPins(copy)).toThrow(/auth\.proto: sha256 [0-9a-f]{64} does not match the pinned/);
    cpSync(join(ROOT, 'openapi', 'buildkit'), copy, { recursive: true });
    appendFileSync(join(copy, 'extra.proto'), 'syntax = "proto3";\n');
    expect(() => verifyPins(copy)).toThrow(/extra\.proto is not pinned in SOURCE\.md/);
  });
});
