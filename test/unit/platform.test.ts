import { DockerInputError } from '../../src/core/errors';
import { encodePlatform, encodePlatforms, platformPath } from '../../src/registry/platform';

describe('platform options', () => {
  it('containers.create takes os[/arch[/variant]]: objects are joined, empty parts dropped, strings kept', () => {
    expect(platformPath({ os: 'linux', architecture: 'arm64', variant: 'v8' }, 'x')).toBe('linux/arm64/v8');
    expect(platformPath({ os: 'linux', architecture: '', variant: undefined }, 'x')).toBe('linux');
    expect(platformPath('linux/amd64', 'x')).toBe('linux/amd64');
    expect(platformPath(undefined, 'x')).toBeUndefined();
  });

  it('refuses a platform without os, naming the option', () => {
    expect(() => platformPath({ architecture: 'amd64' }, 'containers.create: option "platform"')).toThrow(
      new DockerInputError('containers.create: option "platform" must be "os[/arch[/variant]]" or { os, architecture?, variant? }, got object'),
    );
    expect(() => platformPath(null, 'p')).toThrow(DockerInputError);
  });

  it('other endpoints take the JSON text, one per platform for repeated parameters', () => {
    expect(encodePlatform({ os: 'linux' })).toBe('{"os":"linux"}');
    expect(encodePlatforms([{ os: 'linux' }, { os: 'windows' }], 'platform')).toEqual(['{"os":"linux"}', '{"os":"windows"}']);
    expect(() => encodePlatforms([{ os: 'linux' }, 'linux/amd64'], 'platform')).toThrow('platform[1] must be an OCI platform object');
  });
});
