import { DockerInputError } from '../../src/core/errors';
import { gateParams, requireSince } from '../../src/core/since';
import { IMAGE_PARAM_SINCE } from '../../src/images/since';

describe('the version gate', () => {
  test('requireSince passes at or above the version and refuses below it, naming both versions', () => {
    expect(() => requireSince('containers.stop: option "signal"', '1.42', '1.42')).not.toThrow();
    expect(() => requireSince('containers.stop: option "signal"', '1.42', '1.50')).not.toThrow();
    expect(() => requireSince('containers.stop: option "signal"', '1.42', '1.41')).toThrow(
      new DockerInputError('containers.stop: option "signal" needs Engine API v1.42 or newer, but this engine speaks v1.41 (an older engine would silently ignore it)'),
    );
    // Compared as numbers, not strings: 1.9 < 1.10.
    expect(() => requireSince('x', '1.10', '1.9')).toThrow(DockerInputError);
  });

  test('gateParams reads a table row: too-new options refused, false ones dropped, the rest kept', () => {
    const row = IMAGE_PARAM_SINCE.ImageList;
    expect(gateParams(row, 'images.list', '1.41', { all: true, manifests: false, 'shared-size': undefined })).toEqual({ all: true, 'shared-size': undefined });
    expect(() => gateParams(row, 'images.list', '1.46', { manifests: true })).toThrow(/^images\.list: option "manifests" needs Engine API v1\.47/);
    expect(gateParams(row, 'images.list', '1.47', { manifests: true })).toEqual({ manifests: true });
    expect(gateParams(undefined, 'images.prune', '1.41', { a: 1 })).toEqual({ a: 1 });
  });
});
