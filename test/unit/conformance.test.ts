/**
 * The conformance check's machinery on hand-made answers (pure: no engine; the real answers are validated by
 * `npm test` after jest, scripts/conformance.ts). It must find a wrong type, name the spec schema that owns the
 * field, accept what the overlay made nullable, and tell documented deviations from unexplained ones.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deviationFor } from '../../scripts/conformance/deviations';
import { engineOf, readRecords, Validator, type Recorded } from '../../scripts/conformance/validate';
import { convertPinned } from '../../scripts/openapi3';

let validator: Validator;
beforeAll(async () => {
  validator = new Validator((await convertPinned()).openapi);
});

const DOCKERD = 'Docker/20.10.24+dfsg1 (linux)';
const answer = (method: string, schemaPath: string, body: unknown, server: string | null = DOCKERD): Recorded => ({ method, schemaPath, status: 200, server, apiVersion: '1.41', body });
const image = { Id: 'sha256:a', ParentId: '', RepoTags: null, RepoDigests: null, Created: 1, Size: 2, SharedSize: -1, Labels: null, Containers: -1 };

test('engines are named from the Server header; test fakes (no engine header) are not engines', () => {
  expect(engineOf(DOCKERD, '1.41')).toBe('dockerd 20.10.24+dfsg1 (API 1.41)');
  expect(engineOf('Libpod/4.3.1 (linux)', '1.41')).toBe('podman 4.3.1 (API 1.41)');
  expect(engineOf(null, '1.41')).toBeUndefined();
  const { observed } = validator.run([answer('GET', '/images/json', [{ Id: 1 }], null)]);
  expect(observed).toEqual([]);
});

test('null where the overlay made a field nullable is valid; a wrong type is a finding named by its schema', () => {
  const { observed, findings } = validator.run([
    answer('GET', '/images/json', [image]),
    answer('GET', '/images/json', [{ ...image, Size: 'big' }]),
  ]);
  expect(observed).toEqual([{ engine: 'dockerd 20.10.24+dfsg1 (API 1.41)', operationId: 'ImageList', responses: 2, unschematized: 0 }]);
  expect(findings).toMatchObject([{ operationId: 'ImageList', where: 'ImageSummary.Size', keyword: 'type', example: { path: '/0/Size', value: '"big"' } }]);
});

test('a field under allOf, a map and a $ref is located in the schema that owns it', () => {
  const inspect = { Id: 'a'.repeat(64), HostConfig: { Binds: 7 }, NetworkSettings: { Networks: { none: { Aliases: 'a' } } } };
  const { findings } = validator.run([answer('GET', '/containers/{id}/json', inspect)]);
  expect(findings.map((f) => `${f.where} ${f.keyword}`).sort()).toEqual(['EndpointSettings.Aliases type', 'HostConfig.Binds type']);
});

test('documented deviations are matched by engine, place and keyword; anything else is unexplained', () => {
  expect(deviationFor('podman 4.3.1 (API 1.41)', 'Health.Status', 'enum')?.name).toBe('podman-health-status-empty');
  expect(deviationFor('dockerd 20.10.24+dfsg1 (API 1.41)', 'Health.Status', 'enum')).toBeUndefined();
  expect(deviationFor('podman 4.3.1 (API 1.41)', 'Health.Status', 'type')).toBeUndefined();
});

test('recordings are read from every worker file of the directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'dec-conformance-test-'));
  try {
    writeFileSync(join(dir, '1.jsonl'), `${JSON.stringify(answer('GET', '/_ping', 'OK'))}\n`);
    writeFileSync(join(dir, '2.jsonl'), `${JSON.stringify(answer('GET', '/info', {}))}\n${JSON.stringify(answer('GET', '/version', {}))}\n`);
    writeFileSync(join(dir, 'other.txt'), 'ignored');
    expect(readRecords(dir).map((r) => r.schemaPath)).toEqual(['/_ping', '/info', '/version']);
  } finally {
    rmSync(dir, { recursive: true });
  }
});
