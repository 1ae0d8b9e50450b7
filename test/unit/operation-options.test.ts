/** generated/operation-options.ts: every option key each operation accepts, with its primitive type. */
import { OPERATION_OPTIONS } from '../../generated/operation-options';
import { operationOptions } from '../../scripts/facts/operation-options';

describe('operation options', () => {
  test('build: `t` (not `tags`), booleans, integers, JSON-valued strings and the registry header', () => {
    const build = OPERATION_OPTIONS.ImageBuild;
    expect(build.query.t).toEqual({ type: 'string' });
    expect(build.query).not.toHaveProperty('tags');
    expect(build.query.nocache).toEqual({ type: 'boolean' });
    expect(build.query.memory).toEqual({ type: 'integer' });
    expect(build.query.buildargs).toEqual({ type: 'json-string' });
    expect(build.query.labels).toEqual({ type: 'json-string' });
    expect(build.header).toContain('X-Registry-Config');
    expect(build.path).toEqual([]);
  });

  test('arrays name their element type; required parameters say so; path parameters are listed apart', () => {
    expect(OPERATION_OPTIONS.ImageGet.query.platform).toEqual({ type: 'array', items: 'json-string' });
    expect(OPERATION_OPTIONS.ImageDelete.query.platforms).toEqual({ type: 'array', items: 'json-string' });
    expect(OPERATION_OPTIONS.SystemDataUsage.query.type).toEqual({ type: 'array', items: 'string' });
    expect(OPERATION_OPTIONS.ImageInspect.query.platform).toEqual({ type: 'json-string' });
    expect(OPERATION_OPTIONS.ContainerArchive.query.path).toEqual({ type: 'string', required: true });
    expect(OPERATION_OPTIONS.ImageTag).toEqual({ path: ['name'], query: { repo: { type: 'string' }, tag: { type: 'string' } }, header: [] });
    expect(OPERATION_OPTIONS.ImagePush.header).toEqual(['X-Registry-Auth']);
    for (const op of ['ImageList', 'ImagePrune', 'VolumeList', 'SystemEvents'] as const) {
      expect(OPERATION_OPTIONS[op].query.filters).toEqual({ type: 'json-string' });
    }
  });

  test('read from the spec text: JSON-described strings are json-string, base64 JSON headers and plain strings are not', () => {
    const doc = {
      paths: {
        '/x/{id}': {
          parameters: [{ name: 'id', in: 'path', type: 'string', required: true }],
          post: {
            operationId: 'X',
            parameters: [
              { name: 'a', in: 'query', type: 'string', description: 'A JSON encoded value of the filters' },
              { name: 'b', in: 'query', type: 'string', description: 'base64-encoded JSON object' },
              { name: 'c', in: 'query', type: 'number' },
              { name: 'd', in: 'query', type: 'array', items: { type: 'integer' } },
              { name: 'X-H', in: 'header', type: 'string' },
              { name: 'body', in: 'body', schema: { type: 'object' } },
            ],
          },
        },
      },
    };
    expect(operationOptions(doc)).toEqual({
      X: {
        path: ['id'],
        query: { a: { type: 'json-string' }, b: { type: 'string' }, c: { type: 'number' }, d: { type: 'array', items: 'integer' } },
        header: ['X-H'],
      },
    });
  });
});
