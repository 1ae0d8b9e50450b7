import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { applyOverlay } from '../../scripts/overlay';

// The pinned spec, whichever version it is (a spec bump must not break this test).
const OPENAPI = join(__dirname, '../../openapi');
const pinned = JSON.parse(readFileSync(join(OPENAPI, 'pinned.json'), 'utf8')) as { file: string };
const spec = () => yaml.load(readFileSync(join(OPENAPI, pinned.file), 'utf8')) as any;

describe('spec overlay', () => {
  test('DELETE /images/{name} platforms becomes a repeated (multi) parameter; import body becomes binary', () => {
    const s = spec();
    const platforms = () => s.paths['/images/{name}'].delete.parameters.find((p: any) => p.name === 'platforms');
    expect(platforms().collectionFormat).toBeUndefined();
    expect(applyOverlay(s)).toEqual(['image-delete-platforms-multi', 'image-create-binary-body']);
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
});
