import { DockerFilterError, DockerInputError } from '../../src/core/errors';
import { encodeFilters } from '../../src/filters';

function thrownBy(fn: () => unknown): DockerFilterError {
  try {
    fn();
  } catch (e) {
    return e as DockerFilterError;
  }
  throw new Error('expected a throw');
}

describe('encodeFilters', () => {
  it('encodes the daemon map form, one list of strings per key', () => {
    const json = encodeFilters('images.list', {
      reference: ['busybox:*', 'alpine'],
      before: 'busybox:latest',
      dangling: false,
      label: ['a', 'b=c'],
      until: 1700000000,
    });
    expect(JSON.parse(json!)).toEqual({
      reference: ['busybox:*', 'alpine'],
      before: ['busybox:latest'],
      dangling: ['false'],
      label: ['a', 'b=c'],
      until: ['1700000000'],
    });
  });

  it('turns label objects into key=value (and `true` into the bare key)', () => {
    expect(encodeFilters('images.prune', { label: { app: 'web', tier: true }, 'label!': { keep: 'yes' } })).toBe(
      '{"label":["app=web","tier"],"label!":["keep=yes"]}',
    );
  });

  it('booleans become "true"/"false"; search stars a number string', () => {
    expect(encodeFilters('images.search', { 'is-official': true, 'is-automated': false, stars: 0 })).toBe(
      '{"is-official":["true"],"is-automated":["false"],"stars":["0"]}',
    );
  });

  it('builder.prune: single values; inuse/shared/private as presence keys (bare key, no value)', () => {
    expect(encodeFilters('builder.prune', { until: '24h', type: 'regular', inuse: true, private: true })).toBe(
      '{"until":["24h"],"type":["regular"],"inuse":[],"private":[]}',
    );
  });

  it('sends no parameter for no filters, undefined values and empty lists', () => {
    expect(encodeFilters('images.list', undefined)).toBeUndefined();
    expect(encodeFilters('images.list', {})).toBeUndefined();
    expect(encodeFilters('images.list', { reference: [], label: {}, dangling: undefined })).toBeUndefined();
    expect(encodeFilters('images.list', { reference: [], dangling: true })).toBe('{"dangling":["true"]}');
  });

  it('an unknown key is a DockerInputError with a code, naming key, endpoint and allowed keys', () => {
    const err = thrownBy(() => encodeFilters('images.list', { name: 'busybox' } as never));
    expect(err).toBeInstanceOf(DockerInputError);
    expect(err).toBeInstanceOf(DockerFilterError);
    expect(err.code).toBe('DOCKER_INVALID_FILTER');
    expect(err.name).toBe('DockerFilterError');
    expect(err.endpoint).toBe('images.list');
    expect(err.key).toBe('name');
    expect(err.allowed).toEqual(['before', 'dangling', 'label', 'reference', 'since', 'until']);
    expect(err.message).toBe('unknown images.list filter "name" (allowed: before, dangling, label, reference, since, until)');
  });

  it('keys are per endpoint', () => {
    expect(() => encodeFilters('images.list', { 'label!': 'x' } as never)).toThrow(/unknown images\.list filter "label!"/);
    expect(encodeFilters('images.prune', { 'label!': 'x' })).toBe('{"label!":["x"]}');
    expect(() => encodeFilters('images.search', { dangling: true } as never)).toThrow(
      'unknown images.search filter "dangling" (allowed: is-automated, is-official, stars)',
    );
    expect(() => encodeFilters('builder.prune', { label: 'x' } as never)).toThrow(/allowed: until, id, parent, type, description, inuse, shared, private/);
    // inherited Object properties are not keys
    expect(() => encodeFilters('images.list', JSON.parse('{"constructor":"x"}'))).toThrow(/unknown images\.list filter "constructor"/);
  });

  it.each([
    ['images.list', { dangling: 'true' }, 'images.list filter "dangling" must be a boolean, got "true"'],
    ['images.list', { reference: ['a', 1] }, 'images.list filter "reference" must be a string or an array of strings, got an array'],
    ['images.list', { label: { app: 1 } }, 'images.list filter "label" must be a string, an array of strings or a { key: value | true } object, got object'],
    ['images.list', { until: NaN }, 'images.list filter "until" must be a string or a number, got NaN'],
    ['builder.prune', { shared: false }, 'builder.prune filter "shared" must be true, got false'],
    ['builder.prune', { id: ['a', 'b'] }, 'builder.prune filter "id" must be a string, got an array'],
    ['images.search', { stars: 2.5 }, 'images.search filter "stars" must be a non-negative integer, got 2.5'],
    ['images.search', { stars: '3' }, 'images.search filter "stars" must be a non-negative integer, got "3"'],
  ])('%s %j → DockerFilterError', (endpoint, filters, message) => {
    const err = thrownBy(() => encodeFilters(endpoint as never, filters as never));
    expect(err).toBeInstanceOf(DockerFilterError);
    expect(err.message).toBe(message);
  });

  it('rejects a non-object and an unknown endpoint', () => {
    expect(() => encodeFilters('images.list', 'dangling=true' as never)).toThrow(/images\.list filters must be an object, got "dangling=true"/);
    expect(() => encodeFilters('images.list', [] as never)).toThrow(DockerFilterError);
    expect(() => encodeFilters('containers.list' as never, {} as never)).toThrow(/no filters are defined for "containers.list"/);
  });
});
