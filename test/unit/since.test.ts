import { DockerInputError } from '../../src/core/errors';
import { gateParams, requireSince } from '../../src/core/since';
import { encodeOperationFilters } from '../../src/core/filters';

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

  test('gateParams reads the generated facts by operationId: too-new options refused, false ones dropped, the rest kept', () => {
    const row = 'ImageList';
    expect(gateParams(row, 'images.list', '1.41', { all: true, manifests: false, 'shared-size': undefined })).toEqual({ all: true, 'shared-size': undefined });
    expect(() => gateParams(row, 'images.list', '1.46', { manifests: true })).toThrow(/^images\.list: option "manifests" needs Engine API v1\.47/);
    expect(gateParams(row, 'images.list', '1.47', { manifests: true })).toEqual({ manifests: true });
    expect(gateParams(undefined, 'images.prune', '1.41', { a: 1 })).toEqual({ a: 1 });
  });

  test('gateParams never modifies the caller\'s query: a copy when it drops or renames, else the query itself', () => {
    const untouched = { all: true, manifests: undefined };
    expect(gateParams('ImageList', 'images.list', '1.41', untouched)).toBe(untouched);
    const dropped = { all: true, manifests: false };
    const out = gateParams('ImageList', 'images.list', '1.41', dropped);
    expect(out).not.toBe(dropped);
    expect(out).toStrictEqual({ all: true });
    expect(dropped).toStrictEqual({ all: true, manifests: false });
    const renamed = { 'reserved-space': 5 };
    expect(gateParams('BuildPrune', 'builder.prune', '1.41', renamed)).toStrictEqual({ 'keep-storage': 5 });
    expect(renamed).toStrictEqual({ 'reserved-space': 5 });
    // Asked again (the compiled facts are cached per operation), the same answers.
    expect(gateParams('ImageList', 'images.list', '1.41', { manifests: false })).toStrictEqual({});
    expect(() => gateParams('ImageList', 'images.list', '1.46', { manifests: true })).toThrow(/option "manifests" needs Engine API v1\.47/);
  });

  test('a hand-written row still works (for facts the spec cannot show)', () => {
    expect(() => gateParams({ signal: '1.42' }, 'containers.stop', '1.41', { signal: 'SIGINT' })).toThrow(/containers\.stop: option "signal" needs Engine API v1\.42/);
    expect(gateParams({ signal: '1.42' }, 'containers.stop', '1.42', { signal: 'SIGINT' })).toEqual({ signal: 'SIGINT' });
  });

  test('a renamed parameter goes out under its old name to an older engine (BuildPrune reserved-space → keep-storage)', () => {
    expect(gateParams('BuildPrune', 'builder.prune', '1.41', { 'reserved-space': 5, all: true })).toEqual({ 'keep-storage': 5, all: true });
    expect(gateParams('BuildPrune', 'builder.prune', '1.48', { 'reserved-space': 5 })).toEqual({ 'reserved-space': 5 });
    // Not renamed, only new: refused.
    expect(() => gateParams('BuildPrune', 'builder.prune', '1.41', { 'max-used-space': 5 })).toThrow(/option "max-used-space" needs Engine API v1\.48/);
  });

  test('an operation newer than the engine is refused as a whole', () => {
    expect(() => gateParams('ImageAttestations', 'images.attestations', '1.54', {})).toThrow(/^images\.attestations needs Engine API v1\.55/);
    expect(gateParams('ImageAttestations', 'images.attestations', '1.55', {})).toEqual({});
  });

  test('a parameter that became repeatable: several values refused where the engine takes one', () => {
    const two = [{ os: 'linux', architecture: 'amd64' }, { os: 'linux', architecture: 'arm64' }];
    expect(() => gateParams('ImageLoad', 'images.load', '1.50', { platform: two })).toThrow(/several values for option "platform" need Engine API v1\.52/);
    expect(gateParams('ImageLoad', 'images.load', '1.50', { platform: two.slice(0, 1) })).toEqual({ platform: two.slice(0, 1) });
    expect(gateParams('ImageLoad', 'images.load', '1.52', { platform: two })).toEqual({ platform: two });
  });

  test('filter keys newer than the engine are refused like parameters (generated FILTER_KEYS since)', () => {
    const filters = encodeOperationFilters('images.list', 'ImageList', { until: '24h', dangling: true });
    expect(() => gateParams('ImageList', 'images.list', '1.43', { filters })).toThrow(
      new DockerInputError('images.list: filter "until" needs Engine API v1.44 or newer, but this engine speaks v1.43 (an older engine would silently ignore it)'),
    );
    expect(gateParams('ImageList', 'images.list', '1.44', { filters })).toEqual({ filters });
    const volumes = encodeOperationFilters('volumes.prune', 'VolumePrune', { all: true });
    expect(() => gateParams('VolumePrune', 'volumes.prune', '1.41', { filters: volumes })).toThrow(/filter "all" needs Engine API v1\.42/);
    // Keys as old as the floor pass on the oldest engine.
    expect(gateParams('ImageList', 'images.list', '1.41', { filters: encodeOperationFilters('images.list', 'ImageList', { dangling: true }) })).toEqual({ filters: '{"dangling":["true"]}' });
  });
});
