import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { applyOverlay } from '../../scripts/overlay';
import { hasField, NULLABLE_FIXES } from '../../scripts/overlay-nullable';

// The pinned spec, whichever version it is (a spec bump must not break this test).
const OPENAPI = join(__dirname, '../../openapi');
const pinned = JSON.parse(readFileSync(join(OPENAPI, 'pinned.json'), 'utf8')) as { file: string };
const spec = () => yaml.load(readFileSync(join(OPENAPI, pinned.file), 'utf8')) as any;

describe('spec overlay', () => {
  test('DELETE /images/{name} platforms becomes a repeated (multi) parameter; import body becomes binary', () => {
    const s = spec();
    const platforms = () => s.paths['/images/{name}'].delete.parameters.find((p: any) => p.name === 'platforms');
    expect(platforms().collectionFormat).toBeUndefined();
    expect(applyOverlay(s)).toEqual(['image-delete-platforms-multi', 'image-create-binary-body', ...NULLABLE_FIXES.map((f) => f.name)]);
    expect(platforms().collectionFormat).toBe('multi');
    expect(s.paths['/images/create'].post.parameters.find((p: any) => p.name === 'inputImage').schema.format).toBe('binary');
  });

  test('applies nothing to a spec that no longer has the defects', () => {
    const s = spec();
    applyOverlay(s);
    expect(applyOverlay(s)).toEqual([]);
    delete s.paths['/images/{name}'];
    expect(applyOverlay(s)).toEqual([]);
  });

  test('x-nullable fixes: every field exists in the pinned spec, and ends up nullable ($refs wrapped in allOf)', () => {
    const s = spec();
    const missing = NULLABLE_FIXES.flatMap((f) => Object.keys(f.fields)).filter((field) => !hasField(s, field));
    expect(missing).toEqual([]);
    expect(s.definitions.ImageSummary.properties.RepoDigests['x-nullable']).not.toBe(true); // the spec even says `false`
    applyOverlay(s);
    expect(s.definitions.ImageSummary.properties.RepoDigests['x-nullable']).toBe(true);
    expect(s.definitions.HostConfig.allOf[1].properties.Binds['x-nullable']).toBe(true);
    expect(s.definitions.ContainerWaitResponse.properties.Error).toEqual({ allOf: [{ $ref: '#/definitions/ContainerWaitExitError' }], 'x-nullable': true });
    expect(s.paths['/build/prune'].post.responses['200'].schema.properties.CachesDeleted['x-nullable']).toBe(true);
  });
});
